"""Real local mail servers for the e-mail tests: one that receives, one that hangs."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Inbox:
    """An aiosmtpd handler keeping what it receives; addresses in ``refuse`` get a 550."""

    envelopes: list[Envelope] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    inbox: Inbox | None = None


@pytest.fixture
def smtp_server() -> Iterator[MailServer]:
    """A real SMTP server (aiosmtpd) on a free port of 127.0.0.1."""
    inbox = Inbox()
    # aiosmtpd logs every connection at INFO from its own thread, which can outlive the test's
    # captured stderr ("--- Logging error ---"); its warnings are enough here.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield MailServer("127.0.0.1", controller.port, inbox)
    finally:
        controller.stop()


@pytest.fixture
def hanging_smtp_server() -> Iterator[MailServer]:
    """A server that accepts connections and never says a word (a mail server stuck behind a
    firewall or overloaded): the client waits for the greeting until its own time-out."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            held.append(conn)  # kept open, never answered

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield MailServer("127.0.0.1", int(listener.getsockname()[1]))
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


@pytest.fixture
def closed_port() -> int:
    """A port nobody listens on: connections are refused at once."""
    return free_port()

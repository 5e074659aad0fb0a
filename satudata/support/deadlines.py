"""Reminders before a ticket's deadline and escalation of missed ones (part A fills this in)."""

from __future__ import annotations


def remind_and_escalate() -> int:
    return 0

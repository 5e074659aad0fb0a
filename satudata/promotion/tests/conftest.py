"""The promotion tests reuse the core tests' real SMTP server."""

from satudata.core.tests.conftest import smtp_server  # noqa: F401

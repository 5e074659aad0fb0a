"""Telling subscribers of releases (placeholder: filled by the subscriptions part)."""

from __future__ import annotations

from django_tasks import task


@task()
def dispatch_due() -> int:
    return 0


@task()
def send_digests() -> int:
    return 0

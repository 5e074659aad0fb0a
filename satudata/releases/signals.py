"""What the release workflow announces to later activities, without knowing them: promotion
(activity 4) opens its task when a release is put on its date."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that scheduled ``release`` (or released it at once), with
# ``release`` and ``actor``; receivers run in that transaction.
release_scheduled = Signal()

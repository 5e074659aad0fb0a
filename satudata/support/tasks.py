"""Background work of the support desk (Django Tasks API), run by the scheduler."""

from __future__ import annotations

from django_tasks import task


@task()
def remind_and_escalate() -> int:
    """Remind handlers before a ticket's deadline and escalate a missed one to the Kepala Bidang;
    each alert once per deadline, however many workers run (``TicketAlert``)."""
    from satudata.support.deadlines import remind_and_escalate as run

    return run()


@task()
def erase_expired_personal_data() -> int:
    """Blank the personal data of tickets closed longer ago than ``SUPPORT_RETENTION_DAYS``."""
    from satudata.support.retention import erase_expired

    return erase_expired()


@task()
def read_inbound_mail() -> int:
    """Take requesters' e-mailed replies from ``SUPPORT_INBOUND_MAILDIR`` (nothing when unset),
    and delete the messages read longer ago than the retention period."""
    from django.conf import settings

    from satudata.support.inbound import prune_maildir, read_maildir

    folder = settings.SUPPORT_INBOUND_MAILDIR
    if not folder:
        return 0
    summary = read_maildir(folder)
    prune_maildir(folder, int(settings.SUPPORT_RETENTION_DAYS))
    if summary.failed:
        raise RuntimeError(
            f"{summary.failed} message(s) in {folder} could not be read; see the log (flag F)"
        )
    return summary.taken

"""State changes of SOP activity 3, each one atomic, permission-checked, audited, noted on the
release's SOP task, and announced to whoever acts next (in-app and by e-mail).

The Walidata prepares a release and submits it; the Kepala Bidang approves or returns it; the
Walidata schedules it on a confirmed date of the release calendar; it is out at that time for
everyone at once. Nothing here runs at the release time: scheduling sets the content's own
publication time, which its gate compares with the clock.

Every transition moves the release out of the states it may leave with one conditional UPDATE,
so that of two people acting at once exactly one succeeds and the other is told who was first,
on SQLite and PostgreSQL alike.

One module per part: ``calendar`` (the Jadwal Rilis), ``workflow`` (the release from draft to
out, withdrawn or corrected), ``date_requests`` (a new date asked of the Kepala Bidang),
``prerelease`` (early access); ``common`` what they share. Callers use this package.
"""

from __future__ import annotations

from satudata.releases.services.calendar import (
    agency_contact,
    cancel_entry,
    confirm_entry,
    entry_wording,
    plan_entry,
    plan_from_data_list,
    reschedule_entry,
)
from satudata.releases.services.common import (
    MAX_PRE_RELEASE,
    STEP,
    ReleaseRefused,
)
from satudata.releases.services.date_requests import (
    approve_date,
    refuse_date,
    request_date,
)
from satudata.releases.services.prerelease import (
    grant_access,
    revoke_access,
)
from satudata.releases.services.workflow import (
    add_erratum,
    approve_release,
    date_problem,
    date_problem_kind,
    prepare_release,
    publish_now,
    release_at_once,
    return_release,
    schedule_release,
    submit_release,
    unschedule_release,
    withdraw_release,
)

__all__ = [
    "MAX_PRE_RELEASE",
    "STEP",
    "ReleaseRefused",
    "add_erratum",
    "agency_contact",
    "approve_date",
    "approve_release",
    "cancel_entry",
    "confirm_entry",
    "date_problem",
    "date_problem_kind",
    "entry_wording",
    "grant_access",
    "plan_entry",
    "plan_from_data_list",
    "prepare_release",
    "publish_now",
    "refuse_date",
    "release_at_once",
    "request_date",
    "reschedule_entry",
    "return_release",
    "revoke_access",
    "schedule_release",
    "submit_release",
    "unschedule_release",
    "withdraw_release",
]

"""The promotion plan and record of a release (SOP activity 4, "Mempromosikan produk
diseminasi", 2 working days): what the Walidata's staff plan to do to make a release known and
what they did, with evidence and reach.

Every state change is one atomic, audited function with a keyword-only ``actor``:
``plan_action``, ``change_action``, ``cancel_action``, ``mark_done``, ``add_default_plan`` and
``complete_plan``. When every action that was not cancelled is done (or the staff say the plan
is complete) the release's activity-4 SOP task, opened when the release was scheduled
(``opening``), is finished.

Each action carries a campaign tag (``ig-r12-a3``: channel, release number, action number; no
person, no address) that the links it spreads carry as ``?k=<tag>``; the usage events count the
visits and downloads that arrive with it (``satudata.reports.usage``). An e-mail action takes
the release e-mails' own tag (``surel-<release pk>``), so that its clicks are the e-mails'.

Evidence is a link, or a screenshot, photo or PDF checked by its first bytes (PNG, JPEG, WebP,
PDF; nothing else), kept under its SHA-256 and served to staff only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.permissions import require
from satudata.accounts.roles import Capability
from satudata.core.audit import diff, record, snapshot
from satudata.promotion.facts import absolute
from satudata.promotion.models import ActionChannel, ActionStatus, PromotionAction, ReachKind
from satudata.releases.models import Release
from satudata.sop.models import SopTask
from satudata.sop.services import finish_task_of

if TYPE_CHECKING:
    from satudata.accounts.models import User

STEP = "promosi"
# The largest evidence file accepted, in bytes (a phone's photo or a long PDF fits).
EVIDENCE_MAX_BYTES: int = getattr(settings, "PROMOTION_EVIDENCE_MAX_BYTES", 10 * 2**20)

# The start of each channel's campaign tags: short, readable in a link, the same in any language.
TAG_PREFIX: dict[str, str] = {
    ActionChannel.WEBSITE: "web",
    ActionChannel.INSTAGRAM: "ig",
    ActionChannel.FACEBOOK: "fb",
    ActionChannel.X: "x",
    ActionChannel.WHATSAPP: "wa",
    ActionChannel.PRESS: "pers",
    ActionChannel.RADIO: "radio",
    ActionChannel.BANNER: "banner",
    ActionChannel.EVENT: "acara",
    ActionChannel.EMAIL: "surel",
    ActionChannel.OTHER: "lain",
}
# The usual plan of a release, dated on its release day ("Usulan rencana").
DEFAULT_CHANNELS = (
    ActionChannel.WEBSITE,
    ActionChannel.INSTAGRAM,
    ActionChannel.WHATSAPP,
    ActionChannel.EMAIL,
)
_FIELDS = ("channel", "title", "planned_on", "person", "status", "note")
_DONE_FIELDS = ("status", "done_at", "evidence_url", "evidence_file", "reach", "reach_kind", "note")


class PlanError(ValueError):
    """Input the plan refuses, with the form field it concerns ("" for the whole form)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- Campaign tags ---------------------------------------------------------------------------


def email_tag(release: Release) -> str:
    """The tag of the subscribers' e-mail about ``release`` (the shared contract)."""
    return f"surel-{release.pk}"


def new_tag(release: Release, channel: str) -> str:
    """A campaign tag no action holds yet: ``<channel>-r<release>-a<n>``."""
    if channel == ActionChannel.EMAIL:
        tag = email_tag(release)
        if not PromotionAction.objects.filter(campaign=tag).exists():
            return tag
    prefix = TAG_PREFIX.get(channel, "lain")
    n = PromotionAction.objects.filter(release=release).count() + 1
    while True:
        tag = f"{prefix}-r{release.pk}-a{n}"
        if not PromotionAction.objects.filter(campaign=tag).exists():
            return tag
        n += 1


def tagged_url(action: PromotionAction) -> str:
    """The release's address carrying the action's tag: the link to spread."""
    return absolute(action.release.releasable.release_url(), action.campaign)


# --- Evidence files --------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """An evidence file accepted by its content."""

    content: bytes
    extension: str  # ".png", ".jpg", ".webp", ".pdf"
    mimetype: str


def _sniff(content: bytes) -> tuple[str, str] | None:
    """(extension, media type) of an accepted file by its first (and last) bytes, else None."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and content[12:16] == b"IHDR":
        return ".png", "image/png"
    if content.startswith(b"\xff\xd8\xff") and b"\xff\xd9" in content[-1024:]:
        return ".jpg", "image/jpeg"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return ".webp", "image/webp"
    if content.startswith(b"%PDF-") and b"%%EOF" in content[-2048:]:
        return ".pdf", "application/pdf"
    return None


def check_evidence(uploaded: Any) -> Evidence:
    """An uploaded file accepted as evidence, or PlanError with an Indonesian message: the
    content decides (a text file named ``foto.png`` is refused), never the name alone."""
    size = getattr(uploaded, "size", None)
    too_big = _("The file is larger than %(max)s MB; send a smaller screenshot, photo or PDF.") % {
        "max": f"{EVIDENCE_MAX_BYTES / 2**20:.0f}"
    }
    if size is not None and size > EVIDENCE_MAX_BYTES:
        raise PlanError(too_big, "evidence_file")
    uploaded.seek(0)
    content = uploaded.read(EVIDENCE_MAX_BYTES + 1)
    if len(content) > EVIDENCE_MAX_BYTES:
        raise PlanError(too_big, "evidence_file")
    if not content:
        raise PlanError(_("The file is empty."), "evidence_file")
    found = _sniff(content)
    if found is None:
        raise PlanError(
            _(
                "This file is not a PNG, JPEG or WebP image or a PDF document (its content was "
                "checked, not its name). Upload a screenshot, a photo or a PDF."
            ),
            "evidence_file",
        )
    return Evidence(content=content, extension=found[0], mimetype=found[1])


def evidence_mimetype(action: PromotionAction) -> str:
    extension = os.path.splitext(action.evidence_file.name)[1].lower()
    return {
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".webp": "image/webp",
        ".pdf": "application/pdf",
    }.get(extension, "application/octet-stream")


# --- Reading the plan --------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    planned: int  # actions not cancelled
    done: int

    @property
    def is_complete(self) -> bool:
        return self.planned > 0 and self.done == self.planned


def progress_of(release: Release) -> Progress:
    actions = PromotionAction.objects.filter(release=release).exclude(status=ActionStatus.CANCELLED)
    return Progress(planned=actions.count(), done=actions.filter(status=ActionStatus.DONE).count())


def task_of(release: Release) -> SopTask | None:
    """The release's activity-4 task (its newest, open or not)."""
    return (
        SopTask.objects.for_subject(release)
        .filter(step__code=STEP)
        .order_by("-created_at", "-id")
        .first()
    )


# --- Changing the plan -----------------------------------------------------------------------


def _check_open(action: PromotionAction) -> None:
    if action.status == ActionStatus.CANCELLED:
        raise PlanError(_("This action was cancelled; plan a new one instead."))


@transaction.atomic
def plan_action(
    *,
    actor: User,
    release: Release,
    channel: str,
    title: str,
    planned_on: dt.date,
    person: User | None = None,
    note: str = "",
) -> PromotionAction:
    """Plan one promotion of ``release``; it gets its own campaign tag."""
    require(actor, Capability.MANAGE_RELEASES)
    # Two staff planning at once would both pick the same next tag: one waits for the other.
    Release.objects.select_for_update().filter(pk=release.pk).first()
    action = PromotionAction.objects.create(
        release=release,
        channel=channel,
        title=title.strip()[:200],
        planned_on=planned_on,
        person=person,
        note=note.strip(),
        campaign=new_tag(release, channel),
        created_by=actor,
    )
    record(
        "promotion.action_planned",
        actor=actor,
        obj=action,
        summary=f"Promosi direncanakan: {action.title} ({action.campaign})",
        changes=snapshot(action, _FIELDS),
    )
    return action


@transaction.atomic
def change_action(*, actor: User, action: PromotionAction, **values: Any) -> PromotionAction:
    """Change what, when, where or who of an action (not its tag: links are out already)."""
    require(actor, Capability.MANAGE_RELEASES)
    action = PromotionAction.objects.select_for_update().get(pk=action.pk)
    _check_open(action)
    before = snapshot(action, _FIELDS)
    for name in ("channel", "title", "planned_on", "person", "note"):
        if name in values:
            setattr(action, name, values[name])
    action.save()
    record(
        "promotion.action_changed",
        actor=actor,
        obj=action,
        summary=f"Promosi diubah: {action.title}",
        changes=diff(before, snapshot(action, _FIELDS)),
    )
    return action


@transaction.atomic
def cancel_action(*, actor: User, action: PromotionAction, reason: str = "") -> PromotionAction:
    """Cancel an action that will not be done; the plan may be complete without it."""
    require(actor, Capability.MANAGE_RELEASES)
    action = PromotionAction.objects.select_for_update().get(pk=action.pk)
    _check_open(action)
    if action.status == ActionStatus.DONE:
        raise PlanError(_("This action is done already; a done action cannot be cancelled."))
    before = snapshot(action, _FIELDS)
    action.status = ActionStatus.CANCELLED
    if reason.strip():
        action.note = "\n".join(filter(None, [action.note, f"Dibatalkan: {reason.strip()}"]))
    action.save()
    record(
        "promotion.action_changed",
        actor=actor,
        obj=action,
        summary=f"Promosi dibatalkan: {action.title}",
        changes=diff(before, snapshot(action, _FIELDS)),
    )
    _finish_if_complete(action.release)
    return action


@transaction.atomic
def mark_done(
    *,
    actor: User,
    action: PromotionAction,
    evidence_url: str = "",
    evidence: Evidence | None = None,
    reach: int | None = None,
    reach_kind: str = "",
    note: str = "",
    done_at: dt.datetime | None = None,
) -> PromotionAction:
    """Record that an action was done, with its evidence (a link or a checked file) and the
    reach the staff read from the channel (followers, views, attendees…)."""
    require(actor, Capability.MANAGE_RELEASES)
    action = PromotionAction.objects.select_for_update().get(pk=action.pk)
    _check_open(action)
    if (
        not evidence_url
        and evidence is None
        and not action.evidence_url
        and not action.evidence_file
    ):
        raise PlanError(_("Give the evidence: a link to the post or an uploaded file."))
    if reach is not None and reach_kind not in ReachKind.values:
        raise PlanError(
            _("Say what the reach counts (followers, views, attendees…)."), "reach_kind"
        )
    before = snapshot(action, _DONE_FIELDS)
    action.status = ActionStatus.DONE
    action.done_at = done_at or action.done_at or timezone.now()
    if evidence_url:
        action.evidence_url = evidence_url
    if evidence is not None:
        digest = hashlib.sha256(evidence.content).hexdigest()
        action.evidence_file.save(
            f"{digest}{evidence.extension}", ContentFile(evidence.content), save=False
        )
    action.reach, action.reach_kind = reach, reach_kind if reach is not None else ""
    if note.strip():
        action.note = "\n".join(filter(None, [action.note, note.strip()]))
    action.save()
    record(
        "promotion.action_done",
        actor=actor,
        obj=action,
        summary=f"Promosi terlaksana: {action.title}",
        changes=diff(before, snapshot(action, _DONE_FIELDS)),
    )
    _finish_if_complete(action.release)
    return action


@transaction.atomic
def add_default_plan(*, actor: User, release: Release) -> list[PromotionAction]:
    """The usual actions (website news, Instagram, WhatsApp, e-mail to subscribers) dated on the
    release day; a channel the plan already holds is not added twice."""
    require(actor, Capability.MANAGE_RELEASES)
    day = timezone.localdate(release.release_at) if release.release_at else timezone.localdate()
    present = set(
        PromotionAction.objects.filter(release=release)
        .exclude(status=ActionStatus.CANCELLED)
        .values_list("channel", flat=True)
    )
    titles = {
        ActionChannel.WEBSITE: _("News on the website: %(title)s"),
        ActionChannel.INSTAGRAM: _("Instagram post: %(title)s"),
        ActionChannel.WHATSAPP: _("WhatsApp channel message: %(title)s"),
        ActionChannel.EMAIL: _("E-mail to subscribers: %(title)s"),
    }
    return [
        plan_action(
            actor=actor,
            release=release,
            channel=channel,
            title=titles[channel] % {"title": release.title},
            planned_on=day,
        )
        for channel in DEFAULT_CHANNELS
        if channel not in present
    ]


@transaction.atomic
def complete_plan(*, actor: User, release: Release, note: str = "") -> SopTask | None:
    """The staff say the promotion is complete (some actions may still be planned): the
    release's activity-4 task is finished with their note."""
    require(actor, Capability.MANAGE_RELEASES)
    progress = progress_of(release)
    text = note.strip() or (
        f"Rencana promosi dinyatakan selesai oleh {actor}: {progress.done} dari "
        f"{progress.planned} aksi terlaksana."
    )
    record(
        "promotion.action_changed",
        actor=actor,
        obj=release,
        summary=f"Rencana promosi dinyatakan selesai: {release.title}",
        changes={"done": progress.done, "planned": progress.planned, "note": text},
    )
    return finish_task_of(subject=release, step=STEP, note=text)


def _finish_if_complete(release: Release) -> None:
    progress = progress_of(release)
    if progress.is_complete:
        finish_task_of(
            subject=release,
            step=STEP,
            note=f"Semua aksi promosi terlaksana ({progress.done} aksi).",
        )

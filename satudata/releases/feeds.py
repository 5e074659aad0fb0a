"""The release calendar as data: iCalendar (RFC 5545, with the icalendar library), JSON, and
RSS/Atom of releases as they come out (Django's syndication framework).

The iCalendar feed lists what is still to come and what was cancelled, as calendar programs
want: provisional dates as TENTATIVE, confirmed (and postponed) as CONFIRMED, cancelled as
CANCELLED; an entry drops out once it is released. Times are written in UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from satudata.core.models import SiteProfile
from satudata.releases.dates import window, wording
from satudata.releases.models import (
    EntryState,
    Precision,
    PublicState,
    Release,
    ReleaseEntry,
)

ICAL_STATUS = {
    PublicState.PROVISIONAL: "TENTATIVE",
    PublicState.CONFIRMED: "CONFIRMED",
    PublicState.POSTPONED: "CONFIRMED",
    PublicState.CANCELLED: "CANCELLED",
}
# Cancelled entries stay in the feed this long, so subscribed calendars learn of it.
KEEP_CANCELLED = dt.timedelta(days=90)


def entry_url(request: HttpRequest, entry: ReleaseEntry) -> str:
    return request.build_absolute_uri(reverse("releases:entry", args=[entry.uuid]))


def ical(request: HttpRequest, entries: Any) -> HttpResponse:
    now = timezone.now()
    site = SiteProfile.current()
    calendar = Calendar()
    calendar.add("prodid", f"-//{site.site_name}//Jadwal Rilis//ID")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Release calendar — %(site)s") % {"site": site.site_name})
    calendar.add("x-wr-timezone", "Asia/Jakarta")
    shown = entries.exclude(released_at__lte=now).exclude(
        state=EntryState.CANCELLED, cancelled_at__lt=now - KEEP_CANCELLED
    )
    for entry in shown.select_related("agency").prefetch_related("date_changes"):
        state = entry.public_state(now)
        event = Event()
        event.add("uid", f"{entry.uuid}@{request.get_host()}")
        event.add("summary", entry.title)
        description = [entry.summary, _("Agency: %(agency)s") % {"agency": entry.agency.name}]
        if entry.precision != Precision.EXACT:
            planned = wording(entry.planned_at, entry.precision)
            description.insert(0, _("Planned: %(date)s") % {"date": planned})
        if state == PublicState.CANCELLED:
            description.insert(
                0, _("Cancelled: %(reason)s") % {"reason": entry.cancellation_reason}
            )
        event.add("description", "\n".join(filter(None, description)))
        if entry.precision == Precision.EXACT:
            event.add("dtstart", entry.planned_at.astimezone(dt.UTC))
            event.add("dtend", entry.planned_at.astimezone(dt.UTC) + dt.timedelta(minutes=30))
        else:  # a month or two: an all-day span, as the calendar announces it
            first, last = window(entry.planned_at, entry.precision)
            event.add("dtstart", first)
            event.add("dtend", last + dt.timedelta(days=1))
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("last-modified", _modified(entry).astimezone(dt.UTC))
        event.add("status", ICAL_STATUS[state])
        event.add("url", entry_url(request, entry))
        event.add("categories", [str(entry.get_product_type_display())])  # type: ignore[attr-defined]
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="jadwal-rilis.ics"'
    return response


def _modified(entry: ReleaseEntry) -> dt.datetime:
    moments = [entry.created_at, entry.first_confirmed_at, entry.cancelled_at]
    moments += [change.changed_at for change in entry.date_changes.all()]
    return max(m for m in moments if m is not None)


def entry_dict(request: HttpRequest, entry: ReleaseEntry, at: dt.datetime) -> dict[str, Any]:
    released = entry.released_at is not None and entry.released_at <= at
    return {
        "id": str(entry.uuid),
        "judul": entry.title,
        "ringkasan": entry.summary,
        "url": entry_url(request, entry),
        "opd": entry.agency.name,
        "jenis_produk": entry.product_type,
        "jenis_rilis": entry.kind,
        "sektor": entry.sector,
        "periode_referensi": entry.reference_period,
        "status": entry.public_state(at).value,
        "rencana": entry.planned_at.isoformat(),
        "presisi": entry.precision,
        "rencana_teks": wording(entry.planned_at, entry.precision),
        "pertama_diumumkan": _iso(entry.first_announced_at),
        "pertama_dipastikan": _iso(entry.first_confirmed_at),
        "target_pertama": _iso(entry.target_at),
        "terbit": _iso(entry.released_at) if released else None,
        "perubahan_tanggal": [
            {
                "dari": change.previous_at.isoformat(),
                "ke": change.new_at.isoformat(),
                "alasan": change.reason,
                "disetujui_oleh": str(change.approved_by),
                "pada": change.changed_at.isoformat(),
            }
            for change in entry.date_changes.all()
        ],
        "dibatalkan": _iso(entry.cancelled_at),
        "alasan_pembatalan": entry.cancellation_reason,
        "kontak": {
            "nama": entry.contact_name,
            "email": entry.contact_email,
            "telepon": entry.contact_phone,
        },
    }


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


class ReleasesFeed(Feed):
    """Releases as they come out, newest first, from what the gate lets everyone see."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpRequest:
        return request

    def title(self, request: HttpRequest) -> str:
        return _("New releases — %(site)s") % {"site": SiteProfile.current().site_name}

    def link(self, request: HttpRequest) -> str:
        return reverse("releases:daftar-produk")

    def description(self, request: HttpRequest) -> str:
        return _("Data released on the portal, at their release time.")

    def items(self, request: HttpRequest) -> list[Release]:
        from satudata.releases.daftar_produk import product_rows

        now = timezone.now()
        rows = product_rows(None, now - dt.timedelta(days=365), now)
        return [row.release for row in reversed(rows) if not row.withdrawn][:50]

    def item_title(self, item: Release) -> str:
        return item.title

    def item_description(self, item: Release) -> str:
        when = date_format(timezone.localtime(item.release_at), "j F Y H.i")
        return _("Released %(when)s.") % {"when": f"{when} WIB"}

    def item_link(self, item: Release) -> str:
        return item.releasable.release_url()  # type: ignore[no-any-return]

    def item_guid(self, item: Release) -> str:
        return f"urn:uuid:{item.uuid}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Release) -> dt.datetime | None:
        return item.release_at


class ReleasesAtom(ReleasesFeed):
    feed_type = Atom1Feed

    def subtitle(self, request: HttpRequest) -> str:
        return self.description(request)

"""Bantuan: the user guides in the application and the FAQ (part C).

Guides and the published FAQ are public (the guides are in the public repository and hold no
secrets). FAQ management needs ``MANAGE_FAQ``; drafting an entry from a ticket also needs the
right to handle that ticket.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from satudata.accounts.permissions import can, capability_required
from satudata.accounts.roles import Capability
from satudata.support import faq, guides
from satudata.support.forms_help import FaqForm
from satudata.support.models import Category, FaqEntry, Ticket

MAX_QUERY = 200


def _language() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def _query(request: HttpRequest) -> str:
    return " ".join((request.GET.get("q") or "").split())[:MAX_QUERY]


def help_home(request: HttpRequest) -> HttpResponse:
    language, q = _language(), _query(request)
    sections = guides.search_sections(q, language, limit=15) if q else []
    entries = faq.search_faq(q, language, limit=10) if q else []
    popular = [
        faq.shown(e, language) for e in faq.published().order_by("-helped_count", "question")[:5]
    ]
    return render(
        request,
        "support/help/home.html",
        {
            "q": q,
            "searched": bool(q),
            "too_short": bool(q) and not guides.words_of(q),
            "sections": sections,
            "entries": entries,
            "guides": guides.all_guides(language),
            "guide_roles": guides.GUIDES,
            "popular": popular,
            "can_manage": can(request.user, Capability.MANAGE_FAQ),
        },
    )


def guide(request: HttpRequest, slug: str) -> HttpResponse:
    page = guides.load(slug, _language())
    if page is None:
        raise Http404
    return render(
        request,
        "support/help/guide.html",
        {
            "guide": page,
            "role": guides.GUIDES[slug],
            "others": [(s, label) for s, label in guides.GUIDES.items() if s != slug],
        },
    )


def faq_list(request: HttpRequest) -> HttpResponse:
    language, q = _language(), _query(request)
    entries = faq.published()
    if q:
        ids = [hit.id for hit in faq.search_faq(q, language, limit=100)]
        entries = entries.filter(pk__in=ids)
    labels = dict(Category.choices)
    groups: dict[str, list[faq.Shown]] = {}
    for entry in entries.order_by("category", "-helped_count", "question"):
        groups.setdefault(entry.category, []).append(faq.shown(entry, language))
    ordered = [
        (labels.get(key, _("General")), groups[key])
        for key in [*Category.values, ""]
        if key in groups
    ]
    return render(
        request,
        "support/help/faq.html",
        {
            "q": q,
            "groups": ordered,
            "count": sum(len(g) for _label, g in ordered),
            "can_manage": can(request.user, Capability.MANAGE_FAQ),
        },
    )


def faq_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(FaqEntry, pk=pk)
    manager = can(request.user, Capability.MANAGE_FAQ)
    if not entry.is_published and not manager:
        raise Http404
    return render(
        request,
        "support/help/faq_entry.html",
        {"shown": faq.shown(entry, _language()), "entry": entry, "can_manage": manager},
    )


@capability_required(Capability.MANAGE_FAQ)
def faq_manage(request: HttpRequest) -> HttpResponse:
    entries = FaqEntry.objects.select_related("source_ticket").order_by(
        "-is_published", "-helped_count", "question"
    )
    return render(request, "support/help/manage.html", {"entries": entries})


def _save(request: HttpRequest, form: FaqForm, source: Ticket | None = None) -> HttpResponse | None:
    if not form.is_valid():
        return None
    entry = faq.save_entry(actor=request.user, entry=form.instance, source_ticket=source)
    messages.success(request, _("The FAQ entry is saved."))
    return redirect("support:faq_edit", pk=entry.pk)


@capability_required(Capability.MANAGE_FAQ)
def faq_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    entry = get_object_or_404(FaqEntry, pk=pk) if pk is not None else FaqEntry()
    form = FaqForm(request.POST or None, instance=entry)
    if request.method == "POST" and (done := _save(request, form)) is not None:
        return done
    return render(
        request,
        "support/help/edit.html",
        {"form": form, "entry": entry, "preview": _preview(entry)},
    )


def _preview(entry: FaqEntry) -> dict[str, Any] | None:
    if not entry.pk:
        return None
    return {"id": faq.shown(entry, "id"), "en": faq.shown(entry, "en")}


@capability_required(Capability.MANAGE_FAQ)
def faq_from_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_object_or_404(Ticket, pk=pk)
    draft = faq.draft_from_ticket(ticket, request.user)  # PermissionDenied when not its handler
    if not faq.may_become_faq(ticket):
        messages.error(
            request,
            _(
                "Ticket %(number)s is not answered yet; an FAQ entry is made from an answered "
                "ticket. Answer it first."
            )
            % {"number": ticket.number},
        )
        return redirect("support:faq_manage")
    if request.method == "POST":
        form = FaqForm(request.POST, instance=FaqEntry(source_ticket=ticket))
        if (done := _save(request, form, source=ticket)) is not None:
            return done
    else:
        form = FaqForm(instance=draft)
    return render(
        request,
        "support/help/edit.html",
        {
            "form": form,
            "entry": draft,
            "ticket": ticket,
            "ticket_message": faq.redact(ticket.message, ticket),
            "preview": None,
        },
    )

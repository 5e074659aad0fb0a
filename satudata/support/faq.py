"""The FAQ: what the public sees of it (published entries, in the reader's language), its
search (``search_faq``, also used by the "search first" suggestions), and the audited changes
staff make to it, including turning an answered ticket into an entry without the requester's
personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from satudata.accounts.permissions import require
from satudata.accounts.roles import Capability
from satudata.core.audit import record
from satudata.support.guides import fold, render_markdown, snippet, words_of
from satudata.support.models import FaqEntry, MessageKind, State, Ticket

FIELDS = ("question", "answer", "question_en", "answer_en", "category", "is_published")
REDACTED = "[…]"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<!\w)(\+62|62|0)[\s.-]?\d{2,4}([\s.-]?\d{2,5}){1,3}(?!\w)")


def published() -> QuerySet[FaqEntry]:
    return FaqEntry.objects.filter(is_published=True)


@dataclass(frozen=True)
class Shown:
    """An entry as a reader in ``language`` sees it; ``fallback`` when English was asked for
    and only Indonesian exists."""

    entry: FaqEntry
    question: str
    answer_html: SafeString
    fallback: bool


def answer_html(markdown: str) -> SafeString:
    html, _tokens = render_markdown(markdown)
    return mark_safe(html)  # noqa: S308 - nh3-cleaned


def shown(entry: FaqEntry, language: str) -> Shown:
    english = language.startswith("en")
    if english and entry.question_en.strip() and entry.answer_en.strip():
        return Shown(entry, entry.question_en, answer_html(entry.answer_en), False)
    return Shown(entry, entry.question, answer_html(entry.answer), english)


def question_in(entry: FaqEntry, language: str) -> str:
    if language.startswith("en") and entry.question_en.strip() and entry.answer_en.strip():
        return entry.question_en
    return entry.question


@dataclass(frozen=True)
class FaqHit:
    id: int
    question: str
    snippet: str
    category: str
    helped_count: int

    @property
    def url(self) -> str:
        return reverse("support:faq_entry", args=[self.id])


def _plain(markdown: str) -> str:
    html, tokens = render_markdown(markdown)
    del html
    return " ".join(
        "".join(c.content for c in (t.children or []) if c.type in ("text", "code_inline"))
        for t in tokens
        if t.type == "inline"
    )


def search_faq(query: str, language: str = "id", limit: int = 5) -> list[FaqHit]:
    """Published entries holding every word of ``query`` in their question or answer (either
    language), the best first: words in the question count more, then how often the entry
    answered a visitor. The question and snippet are in ``language`` when it has a text."""
    words = words_of(query)
    if not words or limit <= 0:
        return []
    condition = Q()
    for word in words:
        condition &= (
            Q(question__icontains=word)
            | Q(answer__icontains=word)
            | Q(question_en__icontains=word)
            | Q(answer_en__icontains=word)
        )
    candidates = published().filter(condition).order_by("-helped_count", "question")[:200]
    scored = []
    for entry in candidates:
        question = question_in(entry, language)
        english = question is entry.question_en
        answer = _plain(entry.answer_en if english else entry.answer)
        folded_q, folded_a = fold(question), fold(answer)
        score = sum(5 * (w in folded_q) + (w in folded_a) for w in words)
        scored.append(
            (
                score,
                entry.helped_count,
                FaqHit(
                    id=entry.pk,
                    question=question,
                    snippet=snippet(answer, words, 160),
                    category=entry.category,
                    helped_count=entry.helped_count,
                ),
            )
        )
    scored.sort(key=lambda row: (-row[0], -row[1]))
    return [hit for _score, _count, hit in scored[:limit]]


# --- Changes by staff ---------------------------------------------------------------------------


def _values(entry: FaqEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in FIELDS}


@transaction.atomic
def save_entry(*, actor: Any, entry: FaqEntry, source_ticket: Ticket | None = None) -> FaqEntry:
    """Save a new or changed entry (already validated by its form) and audit what changed."""
    require(actor, Capability.MANAGE_FAQ)
    before: dict[str, Any] = {}
    if entry.pk:
        before = _values(FaqEntry.objects.select_for_update().get(pk=entry.pk))
    if source_ticket is not None:
        entry.source_ticket = source_ticket
    created = not entry.pk
    entry.save()
    after = _values(entry)
    changes = {k: [before.get(k, ""), v] for k, v in after.items() if before.get(k, "") != v}
    if created and entry.source_ticket_id:
        changes["source_ticket"] = ["", entry.source_ticket.number if entry.source_ticket else ""]
    record(
        "support.faq_created" if created else "support.faq_changed",
        actor=actor,
        obj=entry,
        summary=("FAQ ditambahkan: " if created else "FAQ diubah: ") + entry.question[:200],
        changes=changes,
    )
    return entry


# --- From an answered ticket --------------------------------------------------------------------


def may_become_faq(ticket: Ticket) -> bool:
    return ticket.state in (State.ANSWERED, State.CLOSED) and ticket.merged_into_id is None


def redact(text: str, ticket: Ticket) -> str:
    """``text`` without the requester's name, e-mail, telephone or address, nor any other
    e-mail address or telephone number."""
    for value in (ticket.requester_email, ticket.requester_phone, ticket.requester_address):
        if value and value.strip():
            text = re.sub(re.escape(value.strip()), REDACTED, text, flags=re.IGNORECASE)
    name = (ticket.requester_name or "").strip()
    if name:
        text = re.sub(re.escape(name), REDACTED, text, flags=re.IGNORECASE)
        for part in re.findall(r"\w{3,}", name):
            text = re.sub(rf"\b{re.escape(part)}\b", REDACTED, text, flags=re.IGNORECASE)
    text = EMAIL.sub(REDACTED, text)
    return PHONE.sub(REDACTED, text)


def draft_from_ticket(ticket: Ticket, actor: Any) -> FaqEntry:
    """An unsaved, unpublished entry drafted from an answered ticket: the question from its
    subject, the answer from its last public reply, both without the requester's data."""
    require(actor, Capability.MANAGE_FAQ)
    from satudata.support.services import may_handle

    if not may_handle(actor, ticket):
        raise PermissionDenied("support.handle")
    last_reply = (
        ticket.messages.filter(kind=MessageKind.REPLY).order_by("-created_at", "-id").first()
    )
    question = redact(ticket.subject, ticket).strip()
    if question and not question.endswith("?"):
        question += "?"
    return FaqEntry(
        question=question[:300],
        answer=redact(last_reply.body if last_reply else "", ticket),
        category=ticket.category,
        source_ticket=ticket,
        is_published=False,
    )

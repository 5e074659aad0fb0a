"""Search first: while a visitor types a question, the FAQ and the catalogue answer it.

``suggestions`` is what ``support:suggest`` returns: published FAQ entries in the visitor's
language (Indonesian or English) and datasets the visitor may see, found by the catalogue's own
search (``satudata.catalog.search``, which starts from the one visibility gate). The FAQ is
small (hundreds of entries) and read on every keystroke, so each process keeps its entries with
their prepared words (the catalogue's ``prepare``: words and Indonesian roots) and reloads them
when any entry changes (the newest ``updated_at`` and the count, one indexed query).

What answered whom is counted without the visitor's identity: ``HelpSearch`` rows (what was
typed and whether a suggestion answered it or a ticket was sent), and ``FaqEntry.helped_count``.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Max
from django.urls import reverse

from satudata.catalog import search
from satudata.support.models import FaqEntry, HelpSearch

MIN_QUERY = 3
MAX_QUERY = 200
FAQ_LIMIT = 5
DATASET_LIMIT = 5
SNIPPET = 180


@dataclass(frozen=True)
class _Faq:
    pk: int
    question: str
    answer: str


@dataclass
class _Index:
    """The entries of one language and their words, sorted, each with the entries having it: a
    prefix is found by bisection, not by reading every entry."""

    entries: list[_Faq] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    holders: list[set[int]] = field(default_factory=list)

    def having_prefix(self, prefix: str) -> set[int]:
        found: set[int] = set()
        at = bisect.bisect_left(self.words, prefix)
        while at < len(self.words) and self.words[at].startswith(prefix):
            found |= self.holders[at]
            at += 1
        return found


_lock = threading.Lock()
_cache: dict[str, Any] = {"key": None, "indexes": {}}


def _faq_key() -> tuple[Any, int]:
    row = FaqEntry.objects.aggregate(newest=Max("updated_at"), n=Count("pk"))
    return row["newest"], row["n"]


def _index(language: str) -> _Index:
    """The published entries in ``language`` with their searchable words (per-process copy)."""
    key = _faq_key()
    with _lock:
        if _cache["key"] != key:
            _cache["key"], _cache["indexes"] = key, {}
        cached = _cache["indexes"].get(language)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
    index = _Index()
    by_word: dict[str, set[int]] = {}
    rows = FaqEntry.objects.filter(is_published=True).values_list(
        "pk", "question", "answer", "question_en", "answer_en"
    )
    for pk, question, answer, question_en, answer_en in rows:
        if language == "en" and question_en:
            question, answer = question_en, answer_en or answer
        number = len(index.entries)
        index.entries.append(_Faq(pk, question, answer))
        for word in search.prepare([question, answer]).split():
            by_word.setdefault(word, set()).add(number)
    index.words = sorted(by_word)
    index.holders = [by_word[word] for word in index.words]
    with _lock:
        if _cache["key"] == key:
            _cache["indexes"][language] = index
    return index


def _snippet(markdown: str) -> str:
    text = " ".join(markdown.replace("#", " ").replace("*", " ").replace("`", " ").split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1].rsplit(" ", 1)[0] + "…"


def _faq_matches(query: str, language: str) -> list[_Faq]:
    terms = [(word, search.root(word)) for word in dict.fromkeys(search.words(query))]
    terms = [pair for pair in terms if len(pair[0]) >= 2][: search.MAX_TERMS]
    if not terms:
        return []
    index = _index(language)
    hits: dict[int, int] = {}
    for word, stem in terms:
        for number in index.having_prefix(word) | index.having_prefix(stem):
            hits[number] = hits.get(number, 0) + 1
    # Most of the words typed must be found: one common word is not an answer.
    scored = [(n, index.entries[number]) for number, n in hits.items() if n * 2 >= len(terms)]
    scored.sort(key=lambda pair: (-pair[0], pair[1].question))
    return [entry for _, entry in scored[:FAQ_LIMIT]]


def suggestions(user: Any, query: str, language: str) -> dict[str, Any]:
    """FAQ entries and datasets for what the visitor typed so far."""
    query = " ".join((query or "").split())[:MAX_QUERY]
    if len(query) < MIN_QUERY:
        return {"q": query, "faq": [], "datasets": [], "count": 0}
    faq = [
        {
            "kind": "faq",
            "id": entry.pk,
            "title": entry.question,
            "text": _snippet(entry.answer),
            "url": reverse("support:faq_entry", args=[entry.pk]),
        }
        for entry in _faq_matches(query, "en" if language.startswith("en") else "id")
    ]
    result = search.search(user, search.Criteria(q=query), rows=DATASET_LIMIT)
    datasets = [
        {
            "kind": "dataset",
            "id": str(dataset.uuid),
            "title": dataset.title,
            "text": dataset.agency.name,
            "url": reverse("portal:dataset", args=[dataset.slug]),
        }
        for dataset in result.datasets
    ]
    return {"q": query, "faq": faq, "datasets": datasets, "count": len(faq) + len(datasets)}


def record_answered(query: str, results: int, faq_id: int | None) -> None:
    """A suggestion answered the visitor: one HelpSearch, and the FAQ entry's count."""
    HelpSearch.objects.create(
        query=" ".join((query or "").split())[:300],
        results=max(0, min(results, 32767)),
        outcome=HelpSearch.Outcome.ANSWERED,
    )
    if faq_id is not None:
        # The entry's updated_at stays: a count is not an edit (and must not reload the cache).
        FaqEntry.objects.filter(pk=faq_id, is_published=True).update(
            helped_count=F("helped_count") + 1
        )


def record_ticket(query: str, results: int) -> None:
    """The visitor searched and sent a ticket anyway."""
    if not (query or "").strip():
        return
    HelpSearch.objects.create(
        query=" ".join(query.split())[:300],
        results=max(0, min(results, 32767)),
        outcome=HelpSearch.Outcome.TICKET,
    )

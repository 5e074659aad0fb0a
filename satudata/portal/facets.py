"""The search page's filters as links: each facet value adds itself to the current search, each
chosen value (a chip) removes only itself, and each sort keeps the filters. Built here so that
the template holds no query-string loops, and so that every link drops the page number (a new
filter starts again at page 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from satudata.accounts.models import Agency
from satudata.catalog import search
from satudata.catalog.models import Topic

# How many values of a facet show before "show more".
SHOWN_VALUES = 5


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet on the page: its label, count, and the link that toggles it."""

    name: str
    label: str
    count: int
    url: str
    chosen: bool


@dataclass(frozen=True)
class FacetGroup:
    """One facet in the sidebar: the first values shown, the others behind "show more"."""

    name: str
    title: Any
    shown: list[FacetValue]
    more: list[FacetValue]


@dataclass(frozen=True)
class Chip:
    """A chosen filter, removable on its own."""

    facet: str
    value: str
    title: Any
    label: str
    remove_url: str


def _query(q: str, sort_key: str, chosen: Sequence[tuple[str, str]]) -> str:
    query = QueryDict(mutable=True)
    if q:
        query["q"] = q
    for name, value in chosen:
        query.appendlist(name, value)
    if sort_key:
        query["urut"] = sort_key
    return "?" + query.urlencode() if query else "?"


def pairs(include: Sequence[tuple[str, list[str]]]) -> list[tuple[str, str]]:
    """The chosen (facet, value) pairs in the order they came."""
    return [(name, value) for name, values in include for value in values]


def groups(
    found: dict[str, list[search.FacetCount]],
    chosen: list[tuple[str, str]],
    *,
    q: str,
    sort_key: str,
) -> list[FacetGroup]:
    """The sidebar: each facet with values, the chosen ones first (their link removes them)."""
    result = []
    for name in search.PAGE_FACETS:
        values = []
        for count in found.get(name, []):
            pair = (name, count.name)
            is_chosen = pair in chosen
            after = [p for p in chosen if p != pair] if is_chosen else [*chosen, pair]
            values.append(
                FacetValue(
                    name=count.name,
                    label=count.display_name,
                    count=count.count,
                    url=_query(q, sort_key, after),
                    chosen=is_chosen,
                )
            )
        if not values:
            continue
        values.sort(key=lambda v: not v.chosen)  # stable: the chosen first, then by count
        result.append(
            FacetGroup(
                name=name,
                title=search.FACETS[name].title,
                shown=values[:SHOWN_VALUES],
                more=values[SHOWN_VALUES:],
            )
        )
    return result


def chips(
    found: dict[str, list[search.FacetCount]],
    chosen: list[tuple[str, str]],
    *,
    q: str,
    sort_key: str,
) -> list[Chip]:
    """One chip per chosen value, labelled as the facet shows it (looked up when the value
    matched nothing and so has no count)."""
    labels = {(name, c.name): c.display_name for name, counts in found.items() for c in counts}
    missing = [pair for pair in chosen if pair not in labels]
    labels.update(_labels_of(missing))
    return [
        Chip(
            facet=name,
            value=value,
            title=search.FACETS[name].title,
            label=labels.get((name, value), value),
            remove_url=_query(q, sort_key, [p for p in chosen if p != (name, value)]),
        )
        for name, value in chosen
    ]


def _labels_of(pairs_: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    labels: dict[tuple[str, str], str] = {}
    agencies = [value for name, value in pairs_ if name == "organization"]
    topics = [value for name, value in pairs_ if name == "groups"]
    if agencies:
        for slug, name in Agency.objects.filter(slug__in=agencies).values_list("slug", "name"):
            labels[("organization", slug)] = name
    if topics:
        for slug, name in Topic.objects.filter(slug__in=topics).values_list("slug", "name"):
            labels[("groups", slug)] = name
    for name, value in pairs_:
        choices = search.FACETS[name].choices
        if choices and value in choices:
            labels[(name, value)] = str(choices[value])
    return labels


def sort_links(
    sorts: Sequence[tuple[str, Any]], chosen: list[tuple[str, str]], *, q: str, current: str
) -> list[tuple[str, Any, str, bool]]:
    """(key, label, link, is current) for each way the results can be ordered."""
    return [(key, label, _query(q, key, chosen), key == current) for key, label in sorts]


def clear_url(q: str, sort_key: str) -> str:
    """The search without any filter (its words and order kept)."""
    return _query(q, sort_key, [])


def page_url(q: str, sort_key: str, chosen: list[tuple[str, str]], number: int) -> str:
    """Page ``number`` of the same search."""
    query = _query(q, sort_key, chosen)
    return f"{query}{'&' if len(query) > 1 else ''}hal={number}"

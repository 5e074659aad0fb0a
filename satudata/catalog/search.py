"""Finding datasets: full text with Indonesian roots, facets and sorting, alike on both databases.

Each dataset keeps ``search_text``: the words of its title, description, tags, variables and
agency, lower-cased without accents, each followed by its root word when that differs
("kesehatan sehat"). A query word matches as a prefix of either the word or its root, so
"sehat", "kesehatan" and "kese" all find "Tenaga Kesehatan". SQLite searches the text with FTS5,
PostgreSQL with its full-text index over the ``simple`` configuration; both see the same
prepared words, so both return the same datasets. Only the relevance score differs (FTS5's bm25
against PostgreSQL's ts_rank); every other sort is plain columns.

Everything starts from ``Dataset.objects.visible_to``: search results, counts and facets never
show what the viewer may not see. A search with facets reads every matching identifier, in
order, in one query (the count and the page come from it); the facet counts then come from
``facetindex``'s per-process copy of each dataset's facet values, not from one query per facet.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satudata.catalog import facetindex
from satudata.catalog.metadata.standard import SECTORS
from satudata.catalog.models import (
    Dataset,
    DatasetQuerySet,
    DatasetVersion,
    Frequency,
    License,
    PresentationLevel,
)
from satudata.core.input_limits import INTEGER_MAX

WORD = re.compile(r"[0-9a-z]+")
MAX_TERMS = 12
# Formats every tabular dataset is offered in (see satudata.datastore.exports).
FORMATS = ("CSV", "XLSX", "JSON", "Parquet")


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory  # type: ignore[import-untyped]

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=100_000)
def root(word: str) -> str:
    """The Indonesian root of one lower-case word ("pendidikan" -> "didik")."""
    if len(word) < 4 or word.isdigit():
        return word
    return str(_stemmer().stem(word)) or word


def words(text: str) -> list[str]:
    """Lower-case words without accents, as the index keeps them."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return WORD.findall(folded)


def prepare(texts: Iterable[str]) -> str:
    """The text the index holds: every word once, followed by its root when different."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in words(text):
            seen.setdefault(word)
            seen.setdefault(root(word))
    return " ".join(seen)


def text_of(dataset: Dataset, at: datetime | None = None) -> str:
    """What a dataset is found by at ``at`` (now): its description and the variables of its
    newest version out for everyone then. A version still under embargo adds its words only
    from its release time (``index`` notes when; ``fold_due`` adds them), so a word that only
    a scheduled revision has finds nothing before it is out."""
    item = dataset.item
    version = DatasetVersion.objects.filter(dataset=dataset).released(at).first()
    variables = [column.get("variable", "") for column in version.columns] if version else []
    return prepare(
        [
            dataset.title,
            dataset.description,
            item.name,
            item.concept,
            item.definition,
            *dataset.tags.values_list("name", flat=True),
            *dataset.topics.values_list("name", flat=True),
            *variables,
            dataset.agency.name,
            dataset.agency.short_name,
        ]
    )


def index(dataset: Dataset) -> None:
    """Bring the dataset's entry in the full-text index up to date, and note when a scheduled
    version will change it."""
    now = timezone.now()
    text = text_of(dataset, now)
    due = (
        DatasetVersion.objects.filter(dataset=dataset, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    Dataset.objects.filter(pk=dataset.pk).update(search_text=text, search_due_at=due)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM catalog_dataset_fts WHERE rowid = %s", [dataset.pk])
            cursor.execute(
                "INSERT INTO catalog_dataset_fts(rowid, search_text) VALUES (%s, %s)",
                [dataset.pk, text],
            )


def fold_due(at: datetime | None = None) -> int:
    """Re-index the datasets whose scheduled version is out by now, before a search reads the
    index: a release changes what finds it at its time, with no job running."""
    due = list(
        Dataset.objects.filter(search_due_at__lte=at or timezone.now()).select_related(
            "item", "agency"
        )
    )
    for dataset in due:
        index(dataset)
    return len(due)


def reindex_all() -> int:
    datasets = Dataset.objects.select_related("item", "agency")
    for dataset in datasets:
        index(dataset)
    return datasets.count()


def _terms(q: str) -> list[tuple[str, str]]:
    found = dict.fromkeys(words(q))
    return [(word, root(word)) for word in list(found)[:MAX_TERMS]]


def _expression(terms: Sequence[tuple[str, str]]) -> str:
    """The full-text query for this database. Terms are [0-9a-z]+ only, so nothing in them can
    change the expression's syntax."""
    if connection.vendor == "postgresql":
        return " & ".join(
            "(" + " | ".join(f"{w}:*" for w in dict.fromkeys(pair)) + ")" for pair in terms
        )
    return " AND ".join(
        "(" + " OR ".join(f'"{w}"*' for w in dict.fromkeys(pair)) + ")" for pair in terms
    )


def _matching_ids(terms: Sequence[tuple[str, str]]) -> RawSQL:
    if connection.vendor == "postgresql":
        sql = (
            "SELECT id FROM catalog_dataset WHERE to_tsvector('simple'::regconfig, search_text) "
            "@@ to_tsquery('simple'::regconfig, %s)"
        )
    else:
        sql = "SELECT rowid FROM catalog_dataset_fts WHERE catalog_dataset_fts MATCH %s"
    return RawSQL(sql, [_expression(terms)])  # noqa: S611 - fixed SQL, the query is a parameter


def _scored(datasets: DatasetQuerySet, terms: Sequence[tuple[str, str]]) -> DatasetQuerySet:
    """``datasets`` with a ``score``: higher for better matches."""
    expression = _expression(terms)
    if connection.vendor == "postgresql":
        return datasets.annotate(
            score=RawSQL(
                'ts_rank(to_tsvector(\'simple\'::regconfig, "catalog_dataset"."search_text"), '
                "to_tsquery('simple'::regconfig, %s))",
                [expression],
            )
        )
    # SQLite ranks with bm25 (lower is better, hence negated), which needs the index joined
    # in the same query: a subquery per row would run the whole match once per dataset. The
    # ORM has no join to a virtual table, so this is the one place that uses ``extra``.
    return datasets.extra(  # type: ignore[return-value]
        select={"score": "-bm25(catalog_dataset_fts)"},
        tables=["catalog_dataset_fts"],
        where=[
            'catalog_dataset_fts.rowid = "catalog_dataset"."id"',
            "catalog_dataset_fts MATCH %s",
        ],
        params=[expression],
    )


@dataclass(frozen=True)
class Facet:
    """A field people narrow a search by: the lookup it filters on, and how values read."""

    lookup: str
    title: Any
    label: str | None = None  # a second lookup holding the display name
    choices: dict[str, Any] | None = None
    integer: bool = False
    many: str = ""  # the many-to-many field the lookups go through, counted on its link table

    @property
    def lookups(self) -> list[str]:
        """The value's lookup, then the label's if it has one."""
        return [self.lookup] + ([self.label] if self.label else [])


def _sector_labels() -> dict[str, Any]:
    return {choice.key: choice.label for choice in SECTORS}


FACETS: dict[str, Facet] = {
    "organization": Facet("agency__slug", _("Agency"), label="agency__name"),
    "groups": Facet("topics__slug", _("Topic"), label="topics__name", many="topics"),
    "sector": Facet("sector", _("BPS sector"), choices=_sector_labels()),
    "tags": Facet("tags__name", _("Tag"), many="tags"),
    "year": Facet("item__data_list__year", _("Year"), integer=True),
    "frequency": Facet("item__frequency", _("Frequency"), choices=dict(Frequency.choices)),
    "level": Facet(
        "item__level", _("Level of presentation"), choices=dict(PresentationLevel.choices)
    ),
    "res_format": Facet("", _("Format")),
    "license_id": Facet("license_id", _("Licence"), choices=dict(License.choices)),
}
# The order and names in which the portal's search page shows its facets.
PAGE_FACETS = (
    "organization",
    "sector",
    "groups",
    "year",
    "frequency",
    "level",
    "res_format",
    "tags",
)


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


class BadSearch(ValueError):
    """A search that cannot be run as asked; the message says why."""


@dataclass
class Criteria:
    """What a search asks for, whichever channel it came from."""

    q: str = ""
    # (field, values): a dataset must match any of the values of each included pair, and none
    # of the values of each excluded pair.
    include: list[tuple[str, list[str]]] = field(default_factory=list)
    exclude: list[tuple[str, list[str]]] = field(default_factory=list)
    modified_from: datetime | None = None
    modified_to: datetime | None = None


# Sort keys and the column each orders by.
SORTS: dict[str, str] = {
    "score": "score",
    # What channels show as the modification time (``DatasetQuerySet.with_release_times``).
    "modified": "changed_at",
    "created": "created_at",
    "title": "title",
    "name": "slug",
    "id": "uuid",
}


# Fields a search may also be narrowed by, beyond the facets.
IDENTIFIERS = {"name": Facet("slug", "name"), "id": Facet("uuid", "id")}


def _value_filter(name: str, values: list[str]) -> Q:
    facet = FACETS.get(name) or IDENTIFIERS.get(name)
    if name == "id":
        return Q(uuid__in=[v for v in values if is_uuid(v)])
    if facet is None:
        raise BadSearch(_("Unknown field to filter by: %(field)s") % {"field": name})
    if name == "res_format":
        wanted = {value.casefold() for value in values}
        known = {fmt.casefold() for fmt in FORMATS}
        return Q() if wanted & known else Q(pk__in=[])
    if facet.integer:
        # A number past the database's integer range matches nothing (it was a 500).
        numbers = [
            number
            for number in (_whole_number(value) for value in values)
            if number is not None and abs(number) <= INTEGER_MAX
        ]
        return Q(**{f"{facet.lookup}__in": numbers})
    return Q(**{f"{facet.lookup}__in": values})


def _whole_number(value: str) -> int | None:
    text = value.strip()
    if not text.lstrip("-").isdigit() or len(text) > 20:
        return None
    return int(text)


def filtered(user: Any, criteria: Criteria, *, at: Any = None) -> DatasetQuerySet:
    """The datasets the viewer may see that meet the criteria (no order)."""
    datasets = Dataset.objects.visible_to(user, at)
    for name, values in criteria.include:
        condition = _value_filter(name, values)
        datasets = datasets.filter(pk__in=Dataset.objects.filter(condition).values("pk"))
    for name, values in criteria.exclude:
        condition = _value_filter(name, values)
        datasets = datasets.exclude(pk__in=Dataset.objects.filter(condition).values("pk"))
    if criteria.modified_from or criteria.modified_to:
        # The time the viewer is shown, so that a harvest asking "changed since my last run"
        # gets a version when it is released, not when it was scheduled.
        datasets = datasets.with_release_times()
    if criteria.modified_from:
        datasets = datasets.filter(changed_at__gte=criteria.modified_from)
    if criteria.modified_to:
        datasets = datasets.filter(changed_at__lte=criteria.modified_to)
    terms = _terms(criteria.q)
    if terms:
        fold_due()
        datasets = datasets.filter(pk__in=_matching_ids(terms))
    return datasets


@dataclass
class FacetCount:
    name: str
    display_name: str
    count: int


@dataclass
class Result:
    count: int
    datasets: list[Dataset]
    facets: dict[str, list[FacetCount]]
    sort: str


def links_of(facet: Facet) -> tuple[Any, list[str]]:
    """A many-valued facet's link table (dataset to tag, dataset to topic) and the lookups of
    its value and label from there."""
    field = Dataset._meta.get_field(facet.many)
    link = field.remote_field.through  # type: ignore[union-attr]
    target = field.m2m_reverse_field_name()  # type: ignore[union-attr]
    prefix = f"{facet.many}__"
    return link, [f"{target}__{lookup.removeprefix(prefix)}" for lookup in facet.lookups]


def _grouped(datasets: QuerySet[Dataset], facet: Facet) -> QuerySet[Any]:
    """Rows of (the facet's lookups, n): how many of ``datasets`` have each value."""
    lookups = facet.lookups
    if not facet.many:
        # Every filter of ``filtered`` is a subquery, so no join repeats a dataset here.
        rows = datasets.order_by().values(*lookups)
    else:
        # Counted on the link table: one row per dataset and value, nothing to de-duplicate.
        link, lookups = links_of(facet)
        rows = link.objects.filter(dataset__in=datasets.values("pk")).values(*lookups)
    return rows.annotate(n=Count("pk")).order_by("-n", lookups[0]).values_list(*lookups, "n")


def facet_counts(
    datasets: QuerySet[Dataset],
    names: Iterable[str],
    *,
    limit: int = 50,
    mincount: int = 1,
    total: int | None = None,
    ids: Sequence[int] | None = None,
) -> dict[str, list[FacetCount]]:
    """For each facet, its values among ``datasets`` with how many datasets have each
    (``total``: how many ``datasets`` there are, when the caller has counted them already;
    ``ids``: their identifiers, when the caller has them, to count from ``facetindex``'s copy
    instead of asking the database once per facet)."""
    names = list(names)
    for name in names:
        if name not in FACETS:
            raise BadSearch(_("Unknown facet: %(field)s") % {"field": name})
    counted = [name for name in names if name != "res_format"]
    indexed = facetindex.matched(ids) if ids is not None and counted else None
    found: dict[str, list[FacetCount]] = {}
    for name in names:
        facet = FACETS[name]
        if name == "res_format":
            total = datasets.count() if total is None else total
            counts = [FacetCount(fmt, fmt, total) for fmt in FORMATS] if total else []
        else:
            counts = []
            if indexed is not None:
                rows: Iterable[Any] = indexed.count(name)
            else:
                rows = _grouped(datasets, facet)
            for value, *label, n in rows:
                if value in ("", None):
                    continue
                shown = label[0] if label else None
                if facet.choices is not None:
                    shown = facet.choices.get(str(value), str(value))
                counts.append(FacetCount(str(value), str(shown or value), n))
        counts = [c for c in counts if c.count >= mincount]
        found[name] = counts if limit < 0 else counts[:limit]
    return found


def search(
    user: Any,
    criteria: Criteria,
    *,
    sort: Sequence[tuple[str, bool]] = (("score", True),),
    start: int = 0,
    rows: int = 20,
    facets: Iterable[str] = (),
    facet_limit: int = 50,
    facet_mincount: int = 1,
    at: Any = None,
) -> Result:
    """Run a search; ``sort`` is (key of SORTS, descending) pairs."""
    datasets = filtered(user, criteria, at=at)
    terms = _terms(criteria.q)
    ordered = datasets
    ordering: list[Any] = []
    for key, descending in sort:
        if key not in SORTS:
            raise BadSearch(_("Cannot sort by %(field)s.") % {"field": key})
        if key == "score":
            if not terms:  # nothing to score: newest first, as CKAN does
                key, descending = "modified", True
            else:
                ordered = _scored(ordered, terms)
                ordering.append("-score" if descending else "score")
                continue
        if key == "modified":
            ordered = ordered.with_release_times()  # type: ignore[attr-defined]
        column = F(SORTS[key])
        ordering.append(column.desc() if descending else column.asc())
    # Ties are broken by identifier in the first key's direction, so that "newest first" is
    # read straight from an index instead of sorting every matching dataset.
    first_descending = sort[0][1] if sort else False
    ordering.append(F("id").desc() if first_descending else F("id").asc())
    facets = list(facets)
    ids: list[int] | None = None
    page: list[int] = []
    ordered_ids = ordered.order_by(*ordering).values_list("pk", flat=True)
    if facets:
        # Every matching identifier, in order, from one query: the count, the page and the
        # facet counts (from facetindex's copy) all come from it.
        ids = list(ordered_ids)
        count = len(ids)
        page = ids[start : start + rows] if rows > 0 else []
    else:
        # The page's identifiers first, then their details: sorting narrow rows is much
        # cheaper than sorting every matching dataset joined with its agency and item.
        page = list(ordered_ids[start : start + rows]) if rows > 0 else []
        count = datasets.count()
    details = (
        Dataset.objects.filter(pk__in=page).with_details().with_release_times().in_bulk()
        if page
        else {}
    )
    return Result(
        count=count,
        datasets=[details[pk] for pk in page],
        facets=facet_counts(
            datasets, facets, limit=facet_limit, mincount=facet_mincount, total=count, ids=ids
        ),
        sort=", ".join(f"{key} {'desc' if d else 'asc'}" for key, d in sort),
    )

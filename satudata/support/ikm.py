"""The IKM satisfaction index exactly as PermenPAN-RB 14/2017 computes it.

Nine unsur (``UNSUR``, in the regulation's order), each answered on a 1–4 scale whose four
labels depend on the unsur. For a set of answers:

- NRR per unsur = Σ nilai persepsi of the unsur / number of respondents who answered it;
- NRR tertimbang = NRR × bobot, the bobot being 1 / number of unsur = **1/9** (``"exact"``,
  the default) or the **0,11** the regulation's own example writes (``"legacy"``, only for
  comparison with old reports: its maximum is 4 × 9 × 0,11 × 25 = 99, not 100);
- IKM (1–4) = Σ NRR tertimbang; IKM konversi = IKM × 25 (25–100);
- mutu A–D and kinerja from the interval table (``BANDS``).

Arithmetic is ``Decimal`` all the way (28 significant digits; with 1/9 the IKM is ΣNRR / 9, a
single division, so four 4s give exactly 100). Only what is shown is rounded, half up
(``ROUND_HALF_UP``, as a person rounding by hand and Excel's ROUND do): NRR, NRR tertimbang
and the 1–4 IKM to 4 decimals, IKM konversi to 2, each from the unrounded value.

The rounding trap: the table's two columns do not agree near a bound once rounded (IKM
3,0643 is "C" on the 1–4 column, but 3,0643 × 25 = 76,6075 is published as 76,61, which
the converted column calls "B"). The band is decided on the **published IKM konversi**
(rounded to 2 decimals), so a reader who looks the printed figure up in the table always
finds the printed band. ``band_for_value`` reads the 1–4 column for a single NRR.

The sums are one SQL aggregate over u1..u9 (with the respondent profile counted in the same
query by conditional counts) and one GROUP BY per service, so a year of answers is summed by
the database, not in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from satudata.support.models import Category, Education, Occupation, Sex, SurveyResponse

Weight = Literal["exact", "legacy"]
WEIGHTS: dict[str, Decimal] = {"exact": Decimal(1) / Decimal(9), "legacy": Decimal("0.11")}
WEIGHT_LABELS: dict[str, Promise] = {
    "exact": _("Exact weight 1/9 (PermenPAN-RB 14/2017)"),
    "legacy": _("Legacy weight 0.11 (to compare with old reports)"),
}
CONVERSION = Decimal(25)
FOUR = Decimal("0.0001")
TWO = Decimal("0.01")


@dataclass(frozen=True)
class Unsur:
    code: str  # "U1" … "U9"
    field: str  # the model field, "u1" … "u9"
    official: str  # the regulation's Indonesian name, used as is in the official recap
    name: Promise
    question: Promise
    answers: tuple[Promise, Promise, Promise, Promise]  # the labels of 1, 2, 3 and 4

    def answer_label(self, value: int) -> Promise:
        return self.answers[value - 1]


UNSUR: tuple[Unsur, ...] = (
    Unsur(
        "U1",
        "u1",
        "Persyaratan",
        pgettext_lazy("IKM unsur", "Requirements"),
        _("How well do the requirements of the service match the kind of service?"),
        (
            pgettext_lazy("IKM answer", "Not suitable"),
            pgettext_lazy("IKM answer", "Less suitable"),
            pgettext_lazy("IKM answer", "Suitable"),
            pgettext_lazy("IKM answer", "Very suitable"),
        ),
    ),
    Unsur(
        "U2",
        "u2",
        "Sistem, Mekanisme, dan Prosedur",
        pgettext_lazy("IKM unsur", "System, mechanism and procedure"),
        _("How easy is the service procedure of this unit?"),
        (
            pgettext_lazy("IKM answer", "Not easy"),
            pgettext_lazy("IKM answer", "Less easy"),
            pgettext_lazy("IKM answer", "Easy"),
            pgettext_lazy("IKM answer", "Very easy"),
        ),
    ),
    Unsur(
        "U3",
        "u3",
        "Waktu Penyelesaian",
        pgettext_lazy("IKM unsur", "Completion time"),
        _("How fast was the service given?"),
        (
            pgettext_lazy("IKM answer", "Not fast"),
            pgettext_lazy("IKM answer", "Less fast"),
            pgettext_lazy("IKM answer", "Fast"),
            pgettext_lazy("IKM answer", "Very fast"),
        ),
    ),
    Unsur(
        "U4",
        "u4",
        "Biaya/Tarif",
        pgettext_lazy("IKM unsur", "Cost or fee"),
        _("How fair is the cost or fee of the service?"),
        (
            pgettext_lazy("IKM answer", "Very expensive"),
            pgettext_lazy("IKM answer", "Fairly expensive"),
            pgettext_lazy("IKM answer", "Cheap"),
            pgettext_lazy("IKM answer", "Free of charge"),
        ),
    ),
    Unsur(
        "U5",
        "u5",
        "Produk Spesifikasi Jenis Pelayanan",
        pgettext_lazy("IKM unsur", "Product, specification and kind of service"),
        _("How well does what you received match what the service standard promises?"),
        (
            pgettext_lazy("IKM answer", "Not suitable"),
            pgettext_lazy("IKM answer", "Less suitable"),
            pgettext_lazy("IKM answer", "Suitable"),
            pgettext_lazy("IKM answer", "Very suitable"),
        ),
    ),
    Unsur(
        "U6",
        "u6",
        "Kompetensi Pelaksana",
        pgettext_lazy("IKM unsur", "Competence of the staff"),
        _("How competent were the staff who served you?"),
        (
            pgettext_lazy("IKM answer", "Not competent"),
            pgettext_lazy("IKM answer", "Less competent"),
            pgettext_lazy("IKM answer", "Competent"),
            pgettext_lazy("IKM answer", "Very competent"),
        ),
    ),
    Unsur(
        "U7",
        "u7",
        "Perilaku Pelaksana",
        pgettext_lazy("IKM unsur", "Conduct of the staff"),
        _("How polite and friendly were the staff who served you?"),
        (
            pgettext_lazy("IKM answer", "Not polite and friendly"),
            pgettext_lazy("IKM answer", "Less polite and friendly"),
            pgettext_lazy("IKM answer", "Polite and friendly"),
            pgettext_lazy("IKM answer", "Very polite and friendly"),
        ),
    ),
    Unsur(
        "U8",
        "u8",
        "Penanganan Pengaduan, Saran dan Masukan",
        pgettext_lazy("IKM unsur", "Handling of complaints, suggestions and feedback"),
        _("How are complaints from service users handled?"),
        (
            pgettext_lazy("IKM answer", "There is none"),
            pgettext_lazy("IKM answer", "There is one but it does not work"),
            pgettext_lazy("IKM answer", "It works but not fully"),
            pgettext_lazy("IKM answer", "Well managed"),
        ),
    ),
    Unsur(
        "U9",
        "u9",
        "Sarana dan Prasarana",
        pgettext_lazy("IKM unsur", "Facilities and infrastructure"),
        _("What is the quality of the facilities and infrastructure?"),
        (
            pgettext_lazy("IKM answer", "Poor"),
            pgettext_lazy("IKM answer", "Adequate"),
            pgettext_lazy("IKM answer", "Good"),
            pgettext_lazy("IKM answer", "Very good"),
        ),
    ),
)
FIELDS = tuple(u.field for u in UNSUR)


@dataclass(frozen=True)
class Band:
    """One row of the regulation's interval table: the lower bounds of the 1–4 value (NI)
    and of the converted value (NIK); a band runs up to the next band's lower bound."""

    mutu: str  # A–D
    kinerja_official: str  # as the regulation writes it
    kinerja: Promise
    ni_min: Decimal
    nik_min: Decimal
    ni_text: str  # the interval as the regulation prints it
    nik_text: str


BANDS: tuple[Band, ...] = (
    Band(
        "A",
        "Sangat Baik",
        pgettext_lazy("IKM kinerja", "Very good"),
        Decimal("3.5324"),
        Decimal("88.31"),
        "3,5324 – 4,00",
        "88,31 – 100,00",
    ),
    Band(
        "B",
        "Baik",
        pgettext_lazy("IKM kinerja", "Good"),
        Decimal("3.0644"),
        Decimal("76.61"),
        "3,0644 – 3,532",
        "76,61 – 88,30",
    ),
    Band(
        "C",
        "Kurang Baik",
        pgettext_lazy("IKM kinerja", "Less than good"),
        Decimal("2.60"),
        Decimal("65.00"),
        "2,60 – 3,064",
        "65,00 – 76,60",
    ),
    Band(
        "D",
        "Tidak Baik",
        pgettext_lazy("IKM kinerja", "Not good"),
        Decimal("1.00"),
        Decimal("25.00"),
        "1,00 – 2,5996",
        "25,00 – 64,99",
    ),
)


def round_half_up(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def band_for_converted(converted: Decimal) -> Band:
    """The band of an IKM konversi, looked up as published (rounded to 2 decimals)."""
    published = round_half_up(converted, TWO)
    return next((b for b in BANDS if published >= b.nik_min), BANDS[-1])


def band_for_value(value: Decimal) -> Band:
    """The band of a 1–4 value (an NRR or an IKM) on the table's NI column, at 4 decimals."""
    shown = round_half_up(value, FOUR)
    return next((b for b in BANDS if shown >= b.ni_min), BANDS[-1])


def weight_of(weight: str) -> Decimal:
    if weight not in WEIGHTS:
        raise ValueError(f"weight must be one of {sorted(WEIGHTS)}, not {weight!r}")
    return WEIGHTS[weight]


# --- The computation ------------------------------------------------------------------------


@dataclass(frozen=True)
class UnsurResult:
    unsur: Unsur
    answered: int
    total: int
    nrr: Decimal
    weighted: Decimal
    band: Band


@dataclass(frozen=True)
class Index:
    """The IKM of one set of answers, unrounded (``summary`` gives the rounded figures)."""

    respondents: int
    weight: str
    unsur: tuple[UnsurResult, ...]
    ikm: Decimal | None
    converted: Decimal | None
    band: Band | None
    lowest: tuple[str, ...]

    @property
    def converted_published(self) -> Decimal | None:
        return None if self.converted is None else round_half_up(self.converted, TWO)


def compute(
    respondents: int, sums: dict[str, int], counts: dict[str, int], weight: str = "exact"
) -> Index:
    """The IKM from the sums and answer counts per unsur field (``"u1"`` …)."""
    bobot = weight_of(weight)
    results = []
    for unsur in UNSUR:
        answered, total = counts.get(unsur.field) or 0, sums.get(unsur.field) or 0
        nrr = Decimal(total) / Decimal(answered) if answered else Decimal(0)
        weighted = nrr / 9 if weight == "exact" else nrr * bobot
        results.append(UnsurResult(unsur, answered, total, nrr, weighted, band_for_value(nrr)))
    if not respondents or not all(r.answered for r in results):
        return Index(respondents, weight, tuple(results), None, None, None, ())
    if weight == "exact":  # one division: Σ NRR / 9 (four 4s give exactly 4, i.e. 100)
        ikm = sum((r.nrr for r in results), Decimal(0)) / 9
    else:
        ikm = sum((r.weighted for r in results), Decimal(0))
    converted = ikm * CONVERSION
    low = min(round_half_up(r.nrr, FOUR) for r in results)
    lowest = tuple(r.unsur.code for r in results if round_half_up(r.nrr, FOUR) == low)
    return Index(
        respondents, weight, tuple(results), ikm, converted, band_for_converted(converted), lowest
    )


AGE_BANDS: tuple[tuple[str, int | None, int | None], ...] = (
    ("< 20", None, 19),
    ("20–29", 20, 29),
    ("30–39", 30, 39),
    ("40–49", 40, 49),
    ("50–59", 50, 59),
    ("≥ 60", 60, None),
)


def _age_q(low: int | None, high: int | None) -> Q:
    q = Q(age__isnull=False)
    if low is not None:
        q &= Q(age__gte=low)
    if high is not None:
        q &= Q(age__lte=high)
    return q


def _profile_values() -> list[tuple[str, str, Q]]:
    """(group, value, condition) of every profile count; value "" is "not stated"."""
    out: list[tuple[str, str, Q]] = [
        ("age", key, _age_q(low, high)) for key, low, high in AGE_BANDS
    ]
    out.append(("age", "", Q(age__isnull=True)))
    for field, choices in (("sex", Sex), ("education", Education), ("occupation", Occupation)):
        out += [(field, value, Q(**{field: value})) for value in [*choices.values, ""]]
    return out


def _profile_aggregates() -> dict[str, Any]:
    """Conditional counts for every profile value, computed in the same query as the sums
    (aliases ``p0``, ``p1``, … in the order of ``_profile_values``)."""
    return {f"p{i}": Count("pk", filter=q) for i, (_g, _v, q) in enumerate(_profile_values())}


def _sum_aggregates() -> dict[str, Any]:
    out: dict[str, Any] = {"respondents": Count("pk")}
    for field in FIELDS:
        out[f"sum_{field}"] = Sum(field)
        out[f"n_{field}"] = Count(field)
    return out


def _profile(row: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    labels: dict[str, dict[str, Any]] = {
        "age": {key: key for key, _low, _high in AGE_BANDS},
        "sex": dict(Sex.choices),
        "education": dict(Education.choices),
        "occupation": dict(Occupation.choices),
    }
    profile: dict[str, list[dict[str, Any]]] = {group: [] for group in labels}
    for i, (group, value, _q) in enumerate(_profile_values()):
        label = labels[group].get(value) if value else _("Not stated")
        profile[group].append({"value": value, "label": str(label), "count": row[f"p{i}"]})
    return profile


def _q4(value: Decimal) -> float:
    return float(round_half_up(value, FOUR))


def index_dict(index: Index) -> dict[str, Any]:
    """An ``Index`` as JSON-able figures: NRR, NRR tertimbang and the 1–4 IKM rounded half up
    to 4 decimals, IKM konversi to 2 (each from the unrounded value), as numbers."""
    band = index.band
    return {
        "respondents": index.respondents,
        "weight": index.weight,
        "unsur": [
            {
                "code": r.unsur.code,
                "name": r.unsur.official,
                "label": str(r.unsur.name),
                "answered": r.answered,
                "sum": r.total,
                "nrr": _q4(r.nrr),
                "weighted": _q4(r.weighted),
                "mutu": r.band.mutu if r.answered else None,
            }
            for r in index.unsur
        ],
        "ikm": None if index.ikm is None else _q4(index.ikm),
        "ikm_converted": (
            None if index.converted_published is None else float(index.converted_published)
        ),
        "mutu": band.mutu if band else None,
        "kinerja": band.kinerja_official if band else None,
        "kinerja_label": str(band.kinerja) if band else None,
        "lowest": list(index.lowest),
    }


def index_of(queryset: QuerySet[SurveyResponse], weight: str = "exact") -> tuple[Index, dict]:
    """The unrounded index and the profile counts of ``queryset``: one SQL query."""
    weight_of(weight)
    row = queryset.order_by().aggregate(**_sum_aggregates(), **_profile_aggregates())
    index = compute(
        row["respondents"] or 0,
        {f: row[f"sum_{f}"] for f in FIELDS},
        {f: row[f"n_{f}"] for f in FIELDS},
        weight,
    )
    return index, _profile(row)


def summary(responses_queryset: QuerySet[SurveyResponse], weight: str = "exact") -> dict[str, Any]:
    """The IKM of a set of answers as JSON-able figures (see ``index_dict``) with the
    respondent profile: counts by age band, sex, education and occupation."""
    index, profile = index_of(responses_queryset, weight)
    return {**index_dict(index), "profile": profile}


def per_service(queryset: QuerySet[SurveyResponse], weight: str = "exact") -> list[dict[str, Any]]:
    """The IKM of each service rated (one GROUP BY query); answers without one come last."""
    labels = dict(Category.choices)
    rows = queryset.order_by().values("service").annotate(**_sum_aggregates())
    out = []
    for row in rows:
        index = compute(
            row["respondents"],
            {f: row[f"sum_{f}"] for f in FIELDS},
            {f: row[f"n_{f}"] for f in FIELDS},
            weight,
        )
        service = row["service"] or ""
        out.append(
            {
                "service": service,
                "label": str(labels.get(service, _("Not stated"))),
                **index_dict(index),
            }
        )
    order = [*labels, ""]
    out.sort(key=lambda item: order.index(item["service"]) if item["service"] in order else 99)
    return out


def _bound(day: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(day, dt.datetime):
        return day if timezone.is_aware(day) else timezone.make_aware(day)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def period_queryset(
    start: dt.date | dt.datetime, end: dt.date | dt.datetime, service: str | None = None
) -> QuerySet[SurveyResponse]:
    """Answers submitted from ``start`` to ``end``; dates are whole WIB days, both included
    (a datetime ``end`` is exclusive)."""
    upper = _bound(end + dt.timedelta(days=1)) if not isinstance(end, dt.datetime) else _bound(end)
    queryset = SurveyResponse.objects.filter(
        submitted_at__gte=_bound(start), submitted_at__lt=upper
    )
    if service is not None:
        queryset = queryset.filter(service=service)
    return queryset


def recap(
    start: dt.date | dt.datetime,
    end: dt.date | dt.datetime,
    service: str | None = None,
    weight: str = "exact",
) -> dict[str, Any]:
    """The IKM of a period (dates in WIB, both included), optionally of one service (``""``
    for answers that name none): ``summary`` plus the period, the weight and the IKM per
    service. Activity 6's report calls this."""
    queryset = period_queryset(start, end, service)
    return {
        "start": _day(start).isoformat(),
        "end": _day(end).isoformat(),
        "service": service,
        **summary(queryset, weight),
        "services": per_service(queryset, weight),
    }


def _day(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(_bound(value)).date()
    return value


def respondent_rows(queryset: QuerySet[SurveyResponse]) -> Iterable[tuple[Any, ...]]:
    """The official recap's rows: submitted_at, service, u1..u9 per respondent, oldest first."""
    return (
        queryset.order_by("submitted_at", "pk")
        .values_list("submitted_at", "service", *FIELDS)
        .iterator(chunk_size=2000)
    )

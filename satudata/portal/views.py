"""The public portal: home, search with facets, dataset pages with preview and downloads,
agency pages. Every page reads through the one gate (``Dataset.objects.visible_to``) and, for one
dataset or version, through the access module (``satudata.releases.access``), which logs
pre-release reads; staff see what is not yet published, marked so.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.models import Agency
from satudata.accounts.permissions import acts_for_agency, can
from satudata.accounts.roles import Capability
from satudata.catalog import search
from satudata.catalog.metadata.standard import SECTORS
from satudata.catalog.models import (
    Activity,
    DataList,
    Dataset,
    DatasetVersion,
    DataType,
    Indicator,
    Topic,
    Variable,
)
from satudata.core import pagecache, spreadsheets
from satudata.core.http import json_error
from satudata.core.input_limits import INTEGER_MAX
from satudata.core.models import SiteProfile
from satudata.datastore import exports
from satudata.datastore import query as datastore
from satudata.portal import charts, embargo, facets, preview
from satudata.regions.models import Region
from satudata.releases import access
from satudata.releases.dates import wording
from satudata.reports import counts as usage_counts
from satudata.reports import usage

PAGE_SIZE = 20
# A column's type as the page names it, whether or not its variable may be opened.
TYPE_LABELS = dict(DataType.choices)
PREVIEW_ROWS = 25
SORT_CHOICES = {
    "relevan": ("score", True),
    "terbaru": ("modified", True),
    "judul": ("title", False),
}


def home(request: HttpRequest) -> HttpResponse:
    from satudata.sop.models import SopDocument

    profile = SiteProfile.current()
    regions = (
        Region.objects.under(profile.region_code) if profile.region_code else Region.objects.none()
    )
    visible = Dataset.objects.visible_to(request.user)
    # Ordered by the newest release the viewer may see: a version scheduled for later must not
    # lift its dataset to the top before its time.
    released = (
        DatasetVersion.objects.visible_to(request.user)
        .filter(dataset=OuterRef("pk"), published_at__isnull=False)
        .order_by("-published_at")
        .values("published_at")[:1]
    )
    newest = (
        visible.annotate(released=Subquery(released))
        .select_related("agency")
        .order_by(F("released").desc(nulls_last=True), "-modified_at")[:6]
    )
    sectors = dict(
        visible.exclude(sector="")
        .values_list("sector")
        .annotate(n=Count("pk"))
        .values_list("sector", "n")
    )
    agencies = (
        Agency.objects.active()
        .filter(datasets__in=visible)
        .annotate(n=Count("datasets", distinct=True))
        .order_by("-n", "name")
    )
    return render(
        request,
        "portal/home.html",
        {
            "sop": SopDocument.current(),
            "dataset_count": visible.count(),
            "agency_count": Agency.objects.active().count(),
            "kecamatan_count": regions.filter(level=3).count(),
            "village_count": regions.filter(level=4).count(),
            "newest": newest,
            "sectors": [(c.key, c.label, sectors.get(c.key, 0)) for c in SECTORS],
            "agencies": agencies[:12],
            "topics": Topic.objects.annotate(n=Count("datasets")).order_by("name"),
        },
    )


def _criteria(request: HttpRequest) -> search.Criteria:
    criteria = search.Criteria(q=request.GET.get("q", "")[:200])
    for name in search.PAGE_FACETS:
        values = [v[:200] for v in request.GET.getlist(name) if v.strip()][:20]
        if values:
            criteria.include.append((name, values))
    return criteria


def _page_number(request: HttpRequest) -> int:
    """``hal`` as a page from 1; anything else is page 1, and a number too large for an OFFSET
    in SQLite or PostgreSQL (past 64 bits, once a 500) is capped, then read as the last page."""
    try:
        return min(max(1, int(request.GET.get("hal", "1")[:20])), INTEGER_MAX)
    except ValueError:
        return 1


def dataset_search(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    criteria = _criteria(request)
    sort_key = request.GET.get("urut", "relevan" if criteria.q else "terbaru")
    if sort_key not in SORT_CHOICES:
        sort_key = "terbaru"
    rows = PAGE_SIZE if fmt == "html" else 1000

    def page_of_results(number: int) -> search.Result:
        return search.search(
            request.user,
            criteria,
            sort=[SORT_CHOICES[sort_key]],
            start=(number - 1) * rows,
            rows=rows,
            facets=search.PAGE_FACETS if fmt == "html" else (),
        )

    page_number = _page_number(request)
    result = page_of_results(page_number)
    last = max(1, -(-result.count // rows))
    if page_number > last:  # past the end: the last page, in every format, as the HTML pages
        page_number = last
        result = page_of_results(page_number)
    usage.note_search(request, criteria, result.count)
    if fmt == "json":
        return JsonResponse(
            {
                "count": result.count,
                "results": [_summary(request, d) for d in result.datasets],
            },
            json_dumps_params={"ensure_ascii": False},
        )
    if fmt == "csv":
        return _csv_response(
            "dataset.csv",
            ["name", "title", "agency", "sector", "year", "url"],
            [
                [
                    d.slug,
                    d.title,
                    d.agency.name,
                    d.get_sector_display(),
                    d.item.data_list.year,
                    _url(request, d),
                ]
                for d in result.datasets
            ],
        )
    counted = usage_counts.totals([d.slug for d in result.datasets])
    for dataset in result.datasets:  # each result's views and downloads, as its page shows
        dataset.usage_counts = counted.get(dataset.slug, (0, 0))  # type: ignore[attr-defined]
    paginator = Paginator(range(result.count), PAGE_SIZE)
    page = paginator.get_page(page_number)
    chosen = facets.pairs(criteria.include)
    where = {"q": criteria.q, "sort_key": sort_key}
    sorts = [("terbaru", _("Newest")), ("judul", _("Title"))]
    if criteria.q:  # relevance means something only when words were asked for
        sorts.insert(0, ("relevan", _("Relevance")))
    return render(
        request,
        "portal/search.html",
        {
            "result": result,
            "page": page,
            "q": criteria.q,
            "facets": facets.groups(result.facets, chosen, **where),
            "chips": facets.chips(result.facets, chosen, **where),
            "clear_url": facets.clear_url(**where),
            "sort_key": sort_key,
            "sort_links": facets.sort_links(sorts, chosen, q=criteria.q, current=sort_key),
            "previous_url": facets.page_url(**where, chosen=chosen, number=page.number - 1),
            "next_url": facets.page_url(**where, chosen=chosen, number=page.number + 1),
        },
    )


def _url(request: HttpRequest, dataset: Dataset) -> str:
    return request.build_absolute_uri(reverse("portal:dataset", args=[dataset.slug]))


def _summary(request: HttpRequest, dataset: Dataset) -> dict[str, Any]:
    return {
        "name": dataset.slug,
        "id": str(dataset.uuid),
        "title": dataset.title,
        "description": dataset.description,
        "agency": {"name": dataset.agency.slug, "title": dataset.agency.name},
        "sector": dataset.sector,
        "year": dataset.item.data_list.year,
        "url": _url(request, dataset),
    }


def _csv_response(filename: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    response = HttpResponse(
        spreadsheets.csv_bytes(header, rows), content_type=spreadsheets.CSV_MEDIA_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def dataset_detail(request: HttpRequest, slug: str, number: int | None = None) -> HttpResponse:
    # First only what decides the page, read through the gate on every request (cheap: a kept
    # page is served from these two small queries); the whole dataset only to render it.
    found = (
        Dataset.objects.visible_to(request.user)
        .by_key(slug)
        .values_list(
            "pk",
            "slug",
            "modified_at",
            "agency__updated_at",
            "item__activity__updated_at",
            "item__indicator__updated_at",
        )
        .first()
    )
    if found is None:
        return _withdrawn_notice(request, slug, number)
    if slug != found[1]:  # reached by identifier (the DCAT IRI): the page lives at its name
        if number:
            return redirect("portal:dataset-version", slug=found[1], number=number)
        return redirect("portal:dataset", slug=found[1])
    versions = list(
        DatasetVersion.objects.visible_to(request.user)
        .filter(dataset_id=found[0])
        .values_list("pk", "number", "published_at")
    )
    shown = (
        next((v for v in versions if v[1] == number), None)
        if number
        else next(iter(versions), None)
    )
    if shown is None:
        return _withdrawn_notice(request, slug, number)
    return pagecache.page(
        request, (found, versions, shown[0]), lambda: _dataset_page(request, slug, shown[1])
    )


def _withdrawn_notice(request: HttpRequest, slug: str, number: int | None) -> HttpResponse:
    """A withdrawn version's public notice (410 Gone, with the reason), where its page was;
    else the 404 of a page that never was public."""
    from satudata.releases.models import ReleaseState

    withdrawn = (
        embargo.releases_at(slug, number)
        .filter(state=ReleaseState.WITHDRAWN)
        .order_by("-withdrawn_at")
        .first()
    )
    if withdrawn is None:
        return _embargo_notice(request, slug, number)
    return render(request, "portal/withdrawn.html", {"release": withdrawn}, status=410)


def _embargo_notice(request: HttpRequest, slug: str, number: int | None) -> HttpResponse:
    """A dataset (or version) scheduled for release: its release calendar entry, with a 404
    (see ``embargo``); else the 404 of a page that never was public."""
    entry = embargo.announced_entry(request.user, slug, number)
    if entry is None:
        raise access.version_missing() if number else access.dataset_missing()
    context = {"entry": entry, "planned": wording(entry.planned_at, entry.precision)}
    return render(request, "portal/embargoed.html", {**context, "number": number}, status=404)


def _openable_metadata(user: Any, dataset: Dataset, names: list[str]) -> dict[str, Any]:
    """The dataset page's metadata that this viewer may open: its variables (MS-Var) by name,
    and whether its activity (MS-Keg), indicator (MS-Ind) and Daftar Data are open to them.
    A link to a page the viewer would get a 404 on is not shown."""
    item = dataset.item
    return {
        "variables": {
            v.name: v
            for v in Variable.objects.visible_to(user).filter(agency=dataset.agency, name__in=names)
        },
        "activity": bool(item.activity_id)
        and Activity.objects.visible_to(user).filter(pk=item.activity_id).exists(),
        "indicator": bool(item.indicator_id)
        and Indicator.objects.visible_to(user).filter(pk=item.indicator_id).exists(),
        "data_list": DataList.objects.visible_to(user).filter(pk=item.data_list_id).exists(),
        "agency": dataset.agency.is_active,
    }


def _dataset_page(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    dataset = access.dataset_for(request, slug)
    # The page lists every version with its rows, file and time: each is served (as REST does).
    versions = access.versions_of(request, dataset, request.user)
    version = next((v for v in versions if v.number == number), None)
    if version is None:  # withdrawn since the view found it
        raise access.version_missing()
    columns = datastore.columns_of(version)
    openable = _openable_metadata(
        request.user, dataset, [c.get("variable", "") for c in version.columns]
    )
    variables = openable["variables"]
    api_base = request.build_absolute_uri("/")
    from satudata.api.packages import resource_id

    drawable = charts.choices(columns)
    return render(
        request,
        "portal/dataset.html",
        {
            "dataset": dataset,
            "item": dataset.item,
            "version": version,
            "latest": versions[0],
            "versions": versions,
            "columns": [c for name, c in columns.items() if name != datastore.ROW_ID],
            "variables": [
                (c, variables.get(c.get("variable", "")), TYPE_LABELS.get(c.get("data_type")))
                for c in version.columns
            ],
            "formats": download_formats(),
            "preview_url": reverse("portal:rows", args=[dataset.slug, version.number]),
            "resource_id": resource_id(dataset, "CSV"),
            "api_base": api_base.rstrip("/"),
            "citation": _citation(request, dataset, version),
            # What the public sees, decided by the gate itself.
            "is_published": DatasetVersion.objects.published().filter(pk=version.pk).exists(),
            "og_url": _url(request, dataset),
            "release": (release := _release_of(request, version)),
            "release_url": (
                reverse("releases:release", args=[release.uuid])
                if release and can(request.user, Capability.MANAGE_RELEASES)
                else ""
            ),
            "errata": release.errata.all() if release else [],
            "can_describe": acts_for_agency(request.user, dataset.agency),
            "chart": drawable,
            "chart_url": reverse("portal:chart", args=[dataset.slug, version.number]),
            "chart_function": (
                drawable.default_function(drawable.measures[0]) if drawable.drawable else ""
            ),
            "chart_functions": charts.FUNCTIONS.items(),
            "openable": openable,
            "usage": usage_counts.of(dataset.slug),
        },
    )


def download_formats() -> list[tuple[str, str]]:
    """The download links of a dataset page: each resource format, and beside the standard CSV
    the one Excel in an Indonesian locale opens as a table (``;`` and decimal commas)."""
    formats = [(fmt.lower(), fmt) for fmt in search.FORMATS]
    formats.insert(1, ("csv-id", _("CSV (Excel Indonesia)")))
    return formats


def _release_of(request: HttpRequest, version: DatasetVersion) -> Any:
    """The version's release, for its errata (public) and, for the Walidata staff, a link to
    its workflow page."""
    from satudata.releases.models import Release

    return Release.objects.for_content(version).prefetch_related("errata").first()


def _citation(request: HttpRequest, dataset: Dataset, version: DatasetVersion) -> str:
    profile = SiteProfile.current()
    when = timezone.localtime(version.published_at or version.created_at)
    url = request.build_absolute_uri(
        reverse("portal:dataset-version", args=[dataset.slug, version.number])
    )
    return (
        f"{dataset.agency.name}. ({when.year}). {dataset.title} (versi {version.number}) "
        f"[Data set]. {profile.site_name}. {url}"
    )


def compare_versions(request: HttpRequest, slug: str, fmt: str = "") -> HttpResponse:
    """What changed between two versions the viewer may see: ``dari`` and ``ke`` (version
    numbers; by default the newest and the one before it)."""
    from satudata.datastore.compare import compare

    dataset = access.dataset_for(request, slug)
    numbers = list(dataset.versions.visible_to(request.user).values_list("number", flat=True))
    try:
        new = int(request.GET.get("ke") or numbers[0])
        old = int(request.GET.get("dari") or next((n for n in numbers if n < new), new))
    except (ValueError, IndexError):
        return json_error(400, "dari", _("dari and ke are version numbers, e.g. dari=1&ke=2."))
    first = access.version_for(request, dataset, old)
    second = access.version_for(request, dataset, new)
    try:
        result = compare(first, second)
    except datastore.QueryTimeout as error:
        return json_error(503, "timeout", error.message)
    if fmt == "json":
        return JsonResponse(result.as_dict(), json_dumps_params={"ensure_ascii": False})
    return render(
        request,
        "portal/compare.html",
        {"dataset": dataset, "result": result, "numbers": numbers},
    )


def dataset_file(request: HttpRequest, slug: str, fmt: str) -> HttpResponseBase:
    """``/dataset/<slug>.json`` (what the page says, as data) and ``.csv`` (the table)."""
    dataset = access.dataset_for(request, slug)
    version = access.version_for(request, dataset, None)
    if fmt == "csv":
        return download(request, slug, "csv")
    from satudata.api.packages import package_dict

    return JsonResponse(
        package_dict(request, dataset, version), json_dumps_params={"ensure_ascii": False}
    )


def preview_query(request: HttpRequest, version: DatasetVersion) -> datastore.Query:
    """A datastore query from the page's parameters: ``cari`` (words), ``urut`` (a column,
    ``-`` first for descending), ``f.<column>`` (equal to), ``hal`` and ``baris``."""
    filters = {key[2:]: request.GET.getlist(key) for key in request.GET if key.startswith("f.")}
    sort_param = request.GET.get("urut", "")
    sort = [(sort_param.lstrip("-"), sort_param.startswith("-"))] if sort_param else []
    try:
        rows = int(request.GET.get("baris", PREVIEW_ROWS))
        page = int(request.GET.get("hal", "1"))
    except ValueError:
        raise datastore.QueryError(_("hal and baris must be whole numbers."), "hal") from None
    if page < 1 or rows < 1:
        raise datastore.QueryError(_("hal and baris start at 1."), "hal")
    return datastore.Query(
        filters=filters,
        q=request.GET.get("cari", "")[:200],
        sort=sort,
        limit=min(rows, 100),
        offset=(page - 1) * min(rows, 100),
    )


def rows(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The preview table's page of rows, as JSON: ``rows`` as stored, ``shown`` the measures
    and dates formatted for the page's language, ``regions`` the names of the region codes in
    them."""
    dataset = access.dataset_for(request, slug)
    version = access.version_for(request, dataset, number)
    try:
        answer = datastore.run(version, preview_query(request, version))
    except datastore.QueryTimeout as error:
        return json_error(503, "timeout", error.message)
    except datastore.QueryError as error:
        return json_error(400, error.field or "query", error.message)
    types = {c["name"]: c.get("data_type", "") for c in version.columns}
    return JsonResponse(
        {
            "fields": answer.fields,
            "rows": [[datastore.plain(v) for v in row] for row in answer.rows],
            # How the page shows them: measures and dates in the page's language, region names.
            "shown": preview.shown_rows(answer.fields, types, answer.rows),
            "regions": preview.region_names(answer.fields, types, answer.rows),
            "total": answer.total,
            "offset": answer.offset,
            "limit": answer.limit,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def chart(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The quick chart's numbers, as JSON: ``fungsi`` (sum, avg, min, max) of ``ukuran`` per
    value of ``menurut``, over the rows the preview's filters select."""
    dataset = access.dataset_for(request, slug)
    version = access.version_for(request, dataset, number)
    try:
        drawn = charts.draw(
            version,
            preview_query(request, version),
            measure=request.GET.get("ukuran", ""),
            by=request.GET.get("menurut", ""),
            function=request.GET.get("fungsi", "sum"),
        )
    except datastore.QueryTimeout as error:
        return json_error(503, "timeout", error.message)
    except datastore.QueryError as error:
        return json_error(400, error.field or "query", error.message)
    return JsonResponse(drawn, json_dumps_params={"ensure_ascii": False})


def download(
    request: HttpRequest, slug: str, fmt: str, number: int | None = None
) -> HttpResponseBase:
    dataset = access.dataset_for(request, slug)
    version = access.version_for(request, dataset, number)
    if fmt not in exports.MEDIA_TYPES:
        raise Http404(_("Downloads come as CSV, CSV for Excel Indonesia, XLSX, JSON or Parquet."))
    try:
        query = preview_query(request, version)
        query.limit, query.offset = 0, 0
        matched = datastore.count(version, query)  # checks the whole query before any byte
    except datastore.QueryTimeout as error:
        return json_error(503, "timeout", error.message)
    except datastore.QueryError as error:
        return json_error(400, error.field or "query", error.message)
    about = {"name": dataset.slug, "title": dataset.title, "version": version.number}
    return exports.download(dataset, version, query, fmt, about, matched=matched)

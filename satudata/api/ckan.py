"""The CKAN-compatible Action API (read side), so CKAN clients and harvesters read this portal.

Routes ``/api/3/action/<name>`` and ``/api/action/<name>``, GET (query string; repeated keys are
lists) and POST (a JSON body, or a form whose one key holds JSON). Envelope, error types and
HTTP statuses are CKAN's (../shared/domain/portals.md §1.3, §8.1). Every action reads through
the one gate (``Dataset.objects.visible_to``); a personal API token in ``Authorization`` reads
as its owner.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from satudata.accounts.models import Agency
from satudata.accounts.services import authenticate_token
from satudata.api import packages, product_packages
from satudata.api.ckan_query import FIELDS, QueryError, parse_query, parse_sort
from satudata.catalog import search
from satudata.catalog.models import LICENSE_URLS, Dataset, License, Tag, Topic
from satudata.core import spreadsheets
from satudata.core.input_limits import INTEGER_MAX, InputRefused, load_json
from satudata.core.models import SiteProfile
from satudata.datastore import query as datastore
from satudata.products.models import Product
from satudata.releases import access
from satudata.reports import usage

CKAN_VERSION = "2.10.4"  # the API level answered, for clients that branch on it
CONTENT_TYPE = "application/json;charset=utf-8"
ROWS_MAX = 1000
CSV_RECORDS = spreadsheets.CsvDialect(delimiter=",", decimal_mark=".", line_end="\n")
TSV_RECORDS = spreadsheets.CsvDialect(delimiter="\t", decimal_mark=".", line_end="\n")


class ActionError(Exception):
    status = 500
    kind = "Internal Server Error"

    def __init__(self, message: str = "", fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    def body(self) -> dict[str, Any]:
        if self.fields:
            return {**self.fields, "__type": self.kind}
        return {"__type": self.kind, "message": self.message}


class NotFound(ActionError):
    status, kind = 404, "Not Found Error"

    def __init__(self, what: str) -> None:
        super().__init__(f"Not found: {what}")


class NotAuthorized(ActionError):
    status, kind = 403, "Authorization Error"


class ValidationError(ActionError):
    status, kind = 409, "Validation Error"


class SearchQueryError(ActionError):
    status, kind = 400, "Search Query Error"

    def __init__(self, message: str) -> None:
        super().__init__(f"Search Query is invalid: {message}")


class SearchError(ActionError):
    status, kind = 409, "Search Error"

    def __init__(self, message: str) -> None:
        super().__init__(f"Search error: {message}")


class Call:
    """One action call: its parameters and who asks."""

    def __init__(self, request: HttpRequest, name: str, data: dict[str, Any], user: Any) -> None:
        self.request, self.name, self.data, self.user = request, name, data, user

    def text(self, key: str, default: str = "") -> str:
        value = self.data.get(key, default)
        if isinstance(value, list):
            value = value[0] if value else default
        return str(value) if value is not None else default

    def integer(
        self, key: str, default: int, *, minimum: int = 0, maximum: int = INTEGER_MAX
    ) -> int:
        """A whole number within bounds: one past 64 bits was a 500 from the database."""
        value = self.data.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if value in (None, ""):
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError(fields={key: ["Invalid integer"]})
        text = str(value).strip()
        if not text.lstrip("+-").isdigit():
            raise ValidationError(fields={key: ["Invalid integer"]})
        if len(text) > 20 or not minimum <= int(text) <= maximum:
            raise ValidationError(
                fields={key: [f"Must be a whole number from {minimum} to {maximum}"]}
            )
        return int(text)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1", "yes", "on"):
            return True
        if text in ("false", "0", "no", "off"):
            return False
        raise ValidationError(fields={key: ["Value must be one of: true, false"]})

    def listing(self, key: str) -> list[str]:
        """A list given as a list, a JSON string or a comma-separated string."""
        value = self.data.get(key)
        if value in (None, ""):
            return []
        if isinstance(value, str):
            stripped = value.strip()
            if stripped.startswith("["):
                try:
                    value = load_json(stripped)
                except InputRefused:
                    raise ValidationError(fields={key: ["Not a JSON list"]}) from None
            else:
                value = [part.strip() for part in stripped.split(",") if part.strip()]
        if not isinstance(value, list):
            value = [value]
        return [str(v) for v in value]

    def structure(self, key: str) -> Any:
        """A dictionary or list that may arrive JSON-encoded in a query string."""
        value = self.data.get(key)
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
            value = value[0]
        if isinstance(value, str) and value.strip()[:1] in ("{", "["):
            try:
                return load_json(value)
            except InputRefused as error:
                raise ValidationError(fields={key: [f"Not valid JSON: {error}"]}) from None
        return value


# --- actions ---------------------------------------------------------------------------------

SEARCH_PARAMS = {
    "q",
    "fq",
    "fq_list",
    "sort",
    "rows",
    "start",
    "facet",
    "facet.field",
    "facet.limit",
    "facet.mincount",
    "include_private",
    "include_drafts",
    "include_deleted",
    "use_default_schema",
    "defType",
    "qf",
    "wt",
    "df",
    "callback",
    "_",
    "indent",
    "include_dataset_count",
}


def package_list(call: Call) -> list[str]:
    """Names of the public datasets, sorted by name. Parameters: limit, offset."""
    limit = call.integer("limit", 0)
    offset = call.integer("offset", 0)
    names = Dataset.objects.visible_to(call.user).order_by("slug").values_list("slug", flat=True)
    found = list(names[offset : offset + limit] if limit else names[offset:])
    if limit and len(found) >= limit:
        return found
    # Then the products (SOP activity 2), packages of their own type, after every dataset.
    skip = max(0, offset - names.count()) if offset else 0
    products = Product.objects.visible_to(call.user).order_by("slug").values_list("slug", flat=True)
    wanted = products[skip : skip + limit - len(found)] if limit else products[skip:]
    return found + [product_packages.NAME_PREFIX + slug for slug in wanted]


def package_search(call: Call) -> dict[str, Any]:
    """Search datasets. Parameters: q, fq, fq_list, sort, rows, start, facet, facet.field,
    facet.limit, facet.mincount, include_private. fq/q accept field:value, -field:value,
    field:(a OR b), a OR b of one field and metadata_modified:[FROM TO UNTIL]."""
    unknown = sorted(set(call.data) - SEARCH_PARAMS)
    if unknown:
        raise SearchQueryError(f"Invalid search parameters: {unknown}")
    criteria = search.Criteria()
    try:
        free = parse_query(call.text("q"), criteria)
        parse_query(call.text("fq"), criteria)
        for extra in call.listing("fq_list"):
            parse_query(extra, criteria)
        sort = parse_sort(call.text("sort") or "score desc, metadata_modified desc")
    except QueryError as error:
        raise SearchQueryError(str(error)) from error
    criteria.q = " ".join(free)
    rows = min(call.integer("rows", 10), ROWS_MAX)
    start = call.integer("start", 0)
    facet_fields = call.listing("facet.field") if call.boolean("facet", True) else []
    if not call.data.get("facet.field") and call.boolean("facet", True):
        facet_fields = ["organization", "groups", "tags", "res_format", "license_id"]
    facet_fields = [FIELDS.get(name, name) for name in facet_fields]
    try:
        result = search.search(
            call.user,
            criteria,
            sort=sort,
            start=start,
            rows=rows,
            facets=facet_fields,
            facet_limit=call.integer("facet.limit", 50, minimum=-1),
            facet_mincount=call.integer("facet.mincount", 1),
        )
    except search.BadSearch as error:
        raise SearchQueryError(str(error)) from None
    usage.note_search(call.request, criteria, result.count)
    results = packages.package_dicts(
        call.request, access.newest_versions(call.request, result.datasets, call.user)
    )
    # Products (SOP activity 2) follow the datasets, as packages of their own type.
    products = product_packages.search(
        call.user,
        product_packages.read_query(call.text("q"), call.text("fq"), *call.listing("fq_list")),
        (criteria.modified_from, criteria.modified_to),
    )
    product_count = products.count()
    if len(results) < rows and product_count:
        skip = max(0, start - result.count)
        chosen = products[skip : skip + rows - len(results)]
        results += product_packages.package_dicts(call.request, chosen, call.user)
    if "organization" in result.facets and product_count:
        result.facets["organization"] = product_packages.with_agencies(
            result.facets["organization"], products
        )
    facets = {name: {c.name: c.count for c in counts} for name, counts in result.facets.items()}
    search_facets = {
        name: {
            "title": name,
            "items": [
                {"name": c.name, "display_name": c.display_name, "count": c.count} for c in counts
            ],
        }
        for name, counts in result.facets.items()
    }
    return {
        "count": result.count + product_count,
        "results": results,
        "facets": facets,
        "search_facets": search_facets,
        "sort": call.text("sort") or "score desc, metadata_modified desc",
    }


def _dataset(call: Call, key: str = "id") -> Dataset:
    value = call.text(key) or call.text("name")
    if not value:
        raise ValidationError(fields={key: ["Missing value"]})
    dataset = (
        Dataset.objects.visible_to(call.user)
        .by_key(value)
        .with_details()
        .with_release_times()
        .first()
    )
    if dataset is None:
        raise NotFound("Dataset not found")
    return dataset


def package_show(call: Call) -> dict[str, Any]:
    """One dataset or product by id or name. Parameters: id."""
    key = call.text("id") or call.text("name")
    product = product_packages.by_key(call.user, key) if key else None
    if product is not None:
        found = product_packages.package_dicts(call.request, [product], call.user)
        if found:
            return found[0]
    dataset = _dataset(call)
    usage.note(call.request, dataset=dataset.slug)
    return packages.package_dict(
        call.request, dataset, access.newest_version(call.request, dataset, call.user)
    )


def current_package_list_with_resources(call: Call) -> list[dict[str, Any]]:
    """Datasets with their resources, newest first. Parameters: limit, offset, page."""
    limit = min(call.integer("limit", 0) or ROWS_MAX, ROWS_MAX)
    offset = call.integer("offset", 0)
    page = call.integer("page", 0)
    if page:
        offset = (page - 1) * limit
    visible = Dataset.objects.visible_to(call.user)
    datasets = (
        visible.with_details()
        .with_release_times()
        .order_by("-changed_at", "id")[offset : offset + limit]
    )
    found = packages.package_dicts(
        call.request, access.newest_versions(call.request, datasets, call.user)
    )
    if len(found) < limit:  # then the products (SOP activity 2), newest first
        skip = max(0, offset - visible.count())
        products = Product.objects.visible_to(call.user).select_related("agency")
        chosen = products.order_by("-created_at", "id")[skip : skip + limit - len(found)]
        found += product_packages.package_dicts(call.request, chosen, call.user)
    return found


def _list_of(
    call: Call,
    objects: list[Any],
    counts: dict[int, int],
    dictize: Callable[..., dict[str, Any]],
    filter_key: str,
) -> list[Any]:
    wanted = call.listing(filter_key)
    if wanted:
        objects = [o for o in objects if o.slug in wanted]
    q = call.text("q").casefold()
    if q:
        objects = [o for o in objects if q in o.slug.casefold() or q in o.name.casefold()]
    sort = (call.text("sort") or "title asc").split()
    field, descending = sort[0], len(sort) > 1 and sort[1].lower() == "desc"
    keys: dict[str, Callable[[Any], Any]] = {
        "title": lambda o: o.name.casefold(),
        "display_name": lambda o: o.name.casefold(),
        "name": lambda o: o.slug,
        "package_count": lambda o: counts.get(o.pk, 0),
    }
    if field not in keys:
        raise ValidationError(
            fields={"sort": [f"Cannot sort by {field}; use title, name or package_count"]}
        )
    objects.sort(key=keys[field], reverse=descending)
    all_fields = call.boolean("all_fields", False)
    cap = settings.CKAN_LIST_ALL_FIELDS_MAX if all_fields else ROWS_MAX
    limit = min(call.integer("limit", cap) or cap, cap)
    offset = call.integer("offset", 0)
    objects = objects[offset : offset + limit]
    if not all_fields:
        return [o.slug for o in objects]
    return [dictize(call.request, o, package_count=counts.get(o.pk, 0)) for o in objects]


def organization_list(call: Call) -> list[Any]:
    """Agencies. Parameters: all_fields, sort (title, name, package_count; asc/desc), limit,
    offset, organizations, q."""
    counts = packages.package_counts(call.user, "agency")
    agencies = list(Agency.objects.active())
    return _list_of(call, agencies, counts, packages.organization_dict, "organizations")


def group_list(call: Call) -> list[Any]:
    """Topics. Parameters as organization_list, with groups."""
    counts = packages.package_counts(call.user, "topics")
    return _list_of(call, list(Topic.objects.all()), counts, packages.group_dict, "groups")


def _show(
    call: Call,
    objects: list[Any],
    kind: str,
    dictize: Callable[..., dict[str, Any]],
    filter_field: str,
) -> dict[str, Any]:
    """An agency or topic by name or id, with its count of visible datasets."""
    key = call.text("id") or call.text("name")
    found = next((o for o in objects if key in (o.slug, packages.stable_id(kind, o.pk))), None)
    if found is None:
        raise NotFound("Organization was not found" if kind == "agency" else "Group was not found")
    datasets = Dataset.objects.visible_to(call.user).filter(**{filter_field: found})
    result = dictize(call.request, found, package_count=datasets.count())
    result.update({"num_followers": 0, "extras": [], "users": [], "groups": [], "tags": []})
    if call.boolean("include_datasets", False):
        limit = min(call.integer("limit", ROWS_MAX) or ROWS_MAX, ROWS_MAX)
        chosen = datasets.with_details().with_release_times().order_by("slug")[:limit]
        result["packages"] = packages.package_dicts(
            call.request, access.newest_versions(call.request, chosen, call.user)
        )
    return result


def organization_show(call: Call) -> dict[str, Any]:
    """One agency by id or name. Parameters: id, include_datasets."""
    return _show(
        call, list(Agency.objects.active()), "agency", packages.organization_dict, "agency"
    )


def group_show(call: Call) -> dict[str, Any]:
    """One topic by id or name. Parameters: id, include_datasets."""
    return _show(call, list(Topic.objects.all()), "topic", packages.group_dict, "topics")


def group_package_show(call: Call) -> list[dict[str, Any]]:
    """The datasets of a topic. Parameters: id, limit."""
    call.data = {**call.data, "include_datasets": True}
    return group_show(call)["packages"]


def tag_list(call: Call) -> list[Any]:
    """Tags of public datasets. Parameters: query (or q), all_fields."""
    tags = Tag.objects.filter(datasets__in=Dataset.objects.visible_to(call.user)).distinct()
    wanted = call.text("query") or call.text("q")
    if wanted:
        tags = tags.filter(name__icontains=wanted)
    if call.boolean("all_fields", False):
        return [
            {"id": packages.stable_id("tag", t.pk), "name": t.name, "vocabulary_id": None}
            for t in tags.order_by("name")
        ]
    return list(tags.order_by("name").values_list("name", flat=True))


def license_list(call: Call) -> list[dict[str, Any]]:
    """The licences datasets here may carry."""
    return [
        {
            "id": license.value,
            "title": str(license.label),
            "url": LICENSE_URLS[license],
            "od_conformance": "approved" if license != License.OTHER_CLOSED else "not reviewed",
            "osd_conformance": "not reviewed",
            "family": "",
            "maintainer": "",
            "status": "active",
            "domain_content": False,
            "domain_data": True,
            "domain_software": False,
            "is_generic": False,
            "is_okd_compliant": license != License.OTHER_CLOSED,
            "is_osi_compliant": False,
        }
        for license in License
    ]


def _resource(call: Call, key: str = "id") -> tuple[Dataset, str, dict[str, Any]]:
    value = call.text(key) or call.text("resource_id")
    found = packages.visible_resource(call.request, call.user, value)
    if found is None:
        raise NotFound(f'Resource "{value}" was not found.')
    dataset, _version, resource = found
    return dataset, resource["format"], resource


def _current(call: Call, dataset: Dataset) -> Any:
    version = access.newest_version(call.request, dataset, call.user)
    if version is None:  # the gate let the dataset through, so this is a race with a withdrawal
        raise NotFound(f'Resource of "{dataset.slug}" was not found.')
    return version


def resource_show(call: Call) -> dict[str, Any]:
    """One resource by id. Parameters: id."""
    return _resource(call)[2]


def resource_view_list(call: Call) -> list[Any]:
    """Views of a resource (none are stored here). Parameters: id."""
    _resource(call)
    return []


def status_show(call: Call) -> dict[str, Any]:
    """What this site is."""
    profile = SiteProfile.current()
    return {
        "site_title": profile.site_name,
        "site_description": f"Portal Satu Data {profile.regency_name}",
        "site_url": call.request.build_absolute_uri("/").rstrip("/"),
        "error_emails_to": None,
        "locale_default": "id",
        "extensions": ["datastore", "dcat"],
        "ckan_version": CKAN_VERSION,
    }


def site_read(call: Call) -> bool:
    """Whether the site can be read (always true; kept for older clients)."""
    return True


def help_show(call: Call) -> str:
    """The description of an action. Parameters: name."""
    name = call.text("name")
    if name not in ACTIONS:
        raise NotFound(f"Action function not found: {name}")
    return (ACTIONS[name].__doc__ or "").strip()


def _datastore_query(call: Call) -> datastore.Query:
    filters = call.structure("filters") or {}
    if not isinstance(filters, dict):
        raise ValidationError(fields={"filters": ["Must be an object of column: value(s)"]})
    q = call.structure("q") or ""
    if not isinstance(q, str | dict):
        raise ValidationError(fields={"q": ["Must be text or an object of column: text"]})
    fields = call.listing("fields") or None
    sort = []
    for part in call.text("sort").split(","):
        words = part.split()
        if not words:
            continue
        descending = len(words) > 1 and words[1].lower() == "desc"
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise ValidationError(fields={"sort": [f"Cannot read the sort {part.strip()!r}"]})
        sort.append((words[0].strip('"'), descending))
    return datastore.Query(
        filters={k: v if isinstance(v, list) else [v] for k, v in filters.items()},
        q=q,
        fields=fields,
        sort=sort,
        limit=call.integer("limit", 100),
        offset=call.integer("offset", 0),
        include_total=call.boolean("include_total", True),
    )


def datastore_search(call: Call) -> dict[str, Any]:
    """Rows of a tabular resource. Parameters: resource_id, filters, q, fields, sort, limit,
    offset, include_total, records_format (objects, lists, csv, tsv)."""
    dataset, _, resource = _resource(call, "resource_id")
    version = _current(call, dataset)
    records_format = call.text("records_format") or "objects"
    if records_format not in ("objects", "lists", "csv", "tsv"):
        raise ValidationError(fields={"records_format": ["Use objects, lists, csv or tsv"]})
    query = _datastore_query(call)
    try:
        answer = datastore.run(version, query)
    except datastore.QueryTimeout as error:
        raise SearchError(error.message) from None
    except datastore.QueryError as error:
        raise ValidationError(fields={error.field or "query": [error.message]}) from None
    if records_format == "objects":
        records: Any = [
            {k: datastore.plain(v) for k, v in record.items()} for record in answer.records()
        ]
    elif records_format == "lists":
        records = [[datastore.plain(v) for v in row] for row in answer.rows]
    else:
        # CKAN's CSV and TSV records go into spreadsheets like any CSV: formula-safe, no
        # header (CKAN gives the fields beside them) and no byte order mark.
        dialect = CSV_RECORDS if records_format == "csv" else TSV_RECORDS
        records = b"".join(
            spreadsheets.csv_chunks([], answer.rows, dialect, bom=False, header_row=False)
        ).decode()
    base = reverse("api:ckan-action", args=["datastore_search"])
    following = {"resource_id": resource["id"], "offset": answer.offset + answer.limit}
    result: dict[str, Any] = {
        "resource_id": resource["id"],
        "fields": answer.fields,
        "records": records,
        "records_format": records_format,
        "limit": answer.limit,
        "offset": answer.offset,
        "include_total": query.include_total,
        "truncated": answer.truncated,
        "_links": {
            "start": f"{base}?resource_id={resource['id']}",
            "next": f"{base}?resource_id={following['resource_id']}&offset={following['offset']}",
        },
    }
    if query.include_total:
        result["total"] = answer.total
        result["total_was_estimated"] = False
    if query.filters:
        result["filters"] = dict(query.filters)
    if query.q:
        result["q"] = query.q
    if query.sort:
        result["sort"] = call.text("sort")
    return result


def datastore_info(call: Call) -> dict[str, Any]:
    """The columns of a tabular resource. Parameters: id (or resource_id)."""
    dataset, _, _resource_dict = _resource(call, "id")
    version = _current(call, dataset)
    columns = datastore.columns_of(version)
    return {
        "meta": {"count": version.row_count, "table_type": "BASE TABLE", "aliases": []},
        "fields": [
            {
                "id": column["id"],
                "type": column["type"],
                "schema": {"native_type": column["type"], "is_index": name == datastore.ROW_ID},
                "info": {
                    "label": column.get("info", {}).get("label", ""),
                    "notes": column.get("info", {}).get("unit", ""),
                },
            }
            for name, column in columns.items()
            if name != datastore.ROW_ID
        ],
    }


ACTIONS: dict[str, Callable[[Call], Any]] = {
    fn.__name__: fn
    for fn in (
        package_list,
        package_search,
        package_show,
        current_package_list_with_resources,
        organization_list,
        organization_show,
        group_list,
        group_show,
        group_package_show,
        tag_list,
        license_list,
        resource_show,
        resource_view_list,
        status_show,
        site_read,
        help_show,
        datastore_search,
        datastore_info,
    )
}


# --- the HTTP side ---------------------------------------------------------------------------


def _reply(payload: Any, status: int, callback: str = "") -> HttpResponse:
    text = json.dumps(payload, ensure_ascii=False, default=str)
    if callback and status == 200:
        return HttpResponse(f"{callback}({text});", content_type="application/javascript")
    return HttpResponse(text, status=status, content_type=CONTENT_TYPE)


def _request_data(request: HttpRequest) -> dict[str, Any]:
    if request.method == "POST":
        body = request.body
        if request.content_type == "application/json" or body[:1] in (b"{", b"["):
            data = load_json(body or b"{}")
            if not isinstance(data, dict):
                raise ValueError("the body must be a JSON object")
            return data
        if len(request.POST) == 1:
            (key,) = request.POST.keys()
            if key.startswith("{"):
                data = load_json(key)
                if isinstance(data, dict):
                    return data
        return {k: v[0] if len(v) == 1 else v for k, v in request.POST.lists()}
    return {k: v[0] if len(v) == 1 else v for k, v in request.GET.lists()}


CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")


@csrf_exempt  # reads only; token or anonymous, no cookie-borne changes
def action(request: HttpRequest, name: str) -> HttpResponse:
    help_url = (
        request.build_absolute_uri(reverse("api:ckan-action", args=["help_show"])) + f"?name={name}"
    )
    if name not in ACTIONS:
        return _reply(f"Bad request: Action name not known: {name}", 400)
    if request.method not in ("GET", "POST"):
        return _reply("Bad request: Please use GET or POST", 400)
    try:
        data = _request_data(request)
    except (ValueError, UnicodeDecodeError):
        return _reply("Bad request: JSON Error: could not read the request body as JSON", 400)
    callback = str(data.pop("callback", "")) if request.method == "GET" else ""
    if callback and not CALLBACK.match(callback):
        callback = ""
    token = authenticate_token(request)
    if token is None and (
        request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key")
    ):
        # As REST: a token sent but unknown, revoked or expired is refused, not read as anonymous.
        refusal = NotAuthorized(
            "Access denied: the API token is not valid (unknown, revoked or expired)"
        )
        return _reply({"help": help_url, "success": False, "error": refusal.body()}, refusal.status)
    user = token.user if token is not None else request.user
    call = Call(request, name, data, user)
    try:
        result = ACTIONS[name](call)
    except ActionError as error:
        return _reply({"help": help_url, "success": False, "error": error.body()}, error.status)
    return _reply({"help": help_url, "success": True, "result": result}, 200, callback)


def api_version(request: HttpRequest, version: int = 1) -> JsonResponse:
    return JsonResponse({"version": version})

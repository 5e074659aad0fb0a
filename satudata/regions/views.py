"""Public pages of the region codes: the regency's tree and a name lookup."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from satudata.core.models import SiteProfile
from satudata.regions.matching import match_region
from satudata.regions.models import Region


def region_index(request: HttpRequest) -> HttpResponse:
    profile = SiteProfile.current()
    query = request.GET.get("q", "").strip()[:100]
    home = Region.objects.filter(code=profile.region_code).first() if profile.region_code else None
    matches = match_region(query, within=home.code if home else None, limit=10) if query else []
    return render(
        request,
        "regions/region_index.html",
        {
            "home": home,
            "children": home.children.all() if home else Region.objects.filter(level=1),
            "query": query,
            "matches": matches,
        },
    )


def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    if len(code) > 13:
        raise Http404
    region = get_object_or_404(Region.objects.select_related("parent__parent__parent"), code=code)
    ancestors: list[Region] = []
    node = region.parent
    while node is not None:
        ancestors.insert(0, node)
        node = node.parent
    from satudata.catalog.models import Dataset, DatasetVersion

    covering = DatasetVersion.objects.visible_to(request.user).filter(regions=region)
    datasets = (
        Dataset.objects.visible_to(request.user)
        .filter(versions__in=covering)
        .distinct()
        .with_details()
        .order_by("title")
    )
    return render(
        request,
        "regions/region_detail.html",
        {
            "region": region,
            "ancestors": ancestors,
            "children": region.children.all(),
            "datasets": datasets,
        },
    )

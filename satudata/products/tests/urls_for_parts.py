"""The site's URLs, plus stand-ins for the product pages' names (part A of issue 18) when this
tree does not have them yet, so the chart and infographic parts can be rendered alone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLResolver, include, path

from config.urls import urlpatterns as site


def _page(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("")


_stand_ins = [
    path("<slug:slug>/", _page, name="detail"),
    path("<slug:slug>/v<int:number>/", _page, name="version"),
    path("<slug:slug>/v<int:number>/berkas/<str:name>", _page, name="file"),
    path("<slug:slug>/kelola/", _page, name="manage"),
]

urlpatterns = list(site)
if not any(isinstance(p, URLResolver) and p.namespace == "products" for p in site):
    urlpatterns.append(path("produk/", include((_stand_ins, "products"))))

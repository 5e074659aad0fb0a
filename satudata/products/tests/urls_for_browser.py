"""A stand-in product version page for the browser test of the chart and infographic parts:
the site's base page with the part included as part A's page includes it, and the files served
from memory (this tree may not have the product pages yet)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.template import Context, RequestContext, Template
from django.template.loader import render_to_string
from django.urls import include, path

from config.urls import urlpatterns as site
from satudata.products.models import Product

# name -> (media type, content), filled by the test.
FILES: dict[str, tuple[str, bytes]] = {}
PARTS: dict[str, list[Any]] = {}  # product slug -> the files the part lists

PAGE = Template(
    '{% extends "base.html" %}{% block title %}{{ product.title }}{% endblock %}'
    "{% block content %}<h1>{{ product.title }}</h1>{{ part }}{% endblock %}"
)


def version_page(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    product = Product.objects.get(slug=slug)
    version = product.versions.get(number=number)
    context = {"product": product, "version": version, "files": PARTS[slug]}
    part = render_to_string(f"products/parts/{product.kind}.html", context, request)
    return HttpResponse(PAGE.render(RequestContext(request, {**context, "part": part})))


def file(request: HttpRequest, slug: str, number: int, name: str) -> HttpResponse:
    if name not in FILES:
        raise Http404
    media_type, content = FILES[name]
    return HttpResponse(content, content_type=media_type)


def _page(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse(Template("").render(Context()))


_pages = [
    path("", _page, name="list"),
    path("<slug:slug>/", _page, name="detail"),
    path("<slug:slug>/v<int:number>/", version_page, name="version"),
    path("<slug:slug>/v<int:number>/berkas/<str:name>", file, name="file"),
    path("<slug:slug>/kelola/", _page, name="manage"),
]

urlpatterns = [path("produk/", include((_pages, "products"))), *site]

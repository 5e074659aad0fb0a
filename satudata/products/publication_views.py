"""The publication editor (staff who compose products): title page, chapters in order, each
chapter's Markdown with a preview, and the tables and charts it shows. Versions are made and
released from the product's own management page (``products:manage``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satudata.accounts.models import User
from satudata.accounts.permissions import capability_required
from satudata.accounts.roles import Capability
from satudata.products import publication_editing as editing
from satudata.products.errors import ProductError
from satudata.products.models import ChapterProduct, Product, ProductKind, PublicationChapter
from satudata.products.publication_forms import (
    AddChapterForm,
    BindForm,
    ChapterForm,
    NewPublicationForm,
    TitlePageForm,
)
from satudata.products.publication_text import read_markdown
from satudata.products.publications import bindable
from satudata.products.services import create_product

compose = capability_required(Capability.COMPOSE_PRODUCTS)


def _publication(slug: str) -> Product:
    return get_object_or_404(Product, slug=slug, kind=ProductKind.PUBLICATION)


def _chapter(slug: str, pk: int) -> PublicationChapter:
    return get_object_or_404(
        PublicationChapter.objects.select_related("product"),
        pk=pk,
        product__slug=slug,
        product__kind=ProductKind.PUBLICATION,
    )


def _binding(slug: str, pk: int, binding: int) -> ChapterProduct:
    return get_object_or_404(
        ChapterProduct.objects.select_related("chapter__product", "bound"),
        pk=binding,
        chapter__pk=pk,
        chapter__product__slug=slug,
    )


def _step(request: HttpRequest) -> int:
    return -1 if request.POST.get("step") == "up" else 1


def _editor_url(product: Product) -> str:
    return reverse("publications:edit", args=[product.slug])


def _chapter_url(chapter: PublicationChapter) -> str:
    return reverse("publications:chapter", args=[chapter.product.slug, chapter.pk])


def _act(request: HttpRequest, change: Callable[[], Any], done: str, back: str) -> HttpResponse:
    """Run a small change (move, remove, add) and go back, with its outcome as a message."""
    try:
        change()
    except ProductError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(back)


@compose
def publication_new(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = NewPublicationForm(
        request.POST or None, initial={"agency": user.agencies.filter(is_walidata=True).first()}
    )
    if request.method == "POST" and form.is_valid():
        product = create_product(
            actor=user,
            kind=ProductKind.PUBLICATION,
            title=form.cleaned_data["title"],
            agency=form.cleaned_data["agency"],
            spec={"title_page": {"paper": "a4"}},
        )
        messages.success(request, _("The publication is made; fill in its title page."))
        return redirect(_editor_url(product))
    status = 400 if request.method == "POST" else 200
    return render(request, "products/publication_new.html", {"form": form}, status=status)


@compose
def publication_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The title page form and the chapters in order."""
    product = _publication(slug)
    user: User = request.user  # type: ignore[assignment]
    form = TitlePageForm.for_product(product, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        editing.save_title_page(
            actor=user,
            product=product,
            title=data.pop("title"),
            title_en=data.pop("title_en"),
            fields=data,
        )
        messages.success(request, _("The title page is saved."))
        return redirect(_editor_url(product))
    chapters = product.chapters.prefetch_related("bindings__bound")
    return render(
        request,
        "products/publication_edit.html",
        {"product": product, "form": form, "chapters": chapters, "add_form": AddChapterForm()},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@compose
def chapter_add(request: HttpRequest, slug: str) -> HttpResponse:
    product = _publication(slug)
    user: User = request.user  # type: ignore[assignment]
    form = AddChapterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A chapter needs a title."))
        return redirect(_editor_url(product))
    chapter = editing.add_chapter(actor=user, product=product, title=form.cleaned_data["title"])
    return redirect(_chapter_url(chapter))


@require_POST
@compose
def chapter_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    chapter = _chapter(slug, pk)
    user: User = request.user  # type: ignore[assignment]
    return _act(
        request,
        lambda: editing.move_chapter(actor=user, chapter=chapter, step=_step(request)),
        _("The chapters are in their new order."),
        _editor_url(chapter.product),
    )


@require_POST
@compose
def chapter_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    chapter = _chapter(slug, pk)
    user: User = request.user  # type: ignore[assignment]
    return _act(
        request,
        lambda: editing.remove_chapter(actor=user, chapter=chapter),
        _("The chapter is removed."),
        _editor_url(chapter.product),
    )


@compose
def chapter_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A chapter's title and Markdown, with a preview of what will be printed (and of what is
    dropped), and the tables and charts it shows."""
    chapter = _chapter(slug, pk)
    user: User = request.user  # type: ignore[assignment]
    initial = {"title": chapter.title, "title_en": chapter.title_en, "text": chapter.text}
    form = ChapterForm(request.POST or None, initial=initial)
    text = chapter.text
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" not in request.POST:
            editing.save_chapter(actor=user, chapter=chapter, **data)
            messages.success(request, _("The chapter is saved."))
            return redirect(_chapter_url(chapter))
        text = data["text"]
    elif request.method == "POST":
        status = 400
    preview = read_markdown(text, chapter.title)
    return render(
        request,
        "products/publication_chapter.html",
        {
            "product": chapter.product,
            "chapter": chapter,
            "form": form,
            "preview": preview,
            "is_preview": "preview" in request.POST,
            "bindings": chapter.bindings.select_related("bound"),
            "bind_form": BindForm(choices=bindable(user)),
        },
        status=status,
    )


@require_POST
@compose
def binding_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    chapter = _chapter(slug, pk)
    user: User = request.user  # type: ignore[assignment]
    form = BindForm(request.POST, choices=bindable(user))
    if not form.is_valid():
        messages.error(request, _("Choose a table or chart product."))
        return redirect(_chapter_url(chapter))
    return _act(
        request,
        lambda: editing.bind_product(
            actor=user,
            chapter=chapter,
            bound=form.cleaned_data["bound"],
            caption=form.cleaned_data["caption"],
        ),
        _("The product is placed in the chapter."),
        _chapter_url(chapter),
    )


@require_POST
@compose
def binding_move(request: HttpRequest, slug: str, pk: int, binding: int) -> HttpResponse:
    row = _binding(slug, pk, binding)
    user: User = request.user  # type: ignore[assignment]
    return _act(
        request,
        lambda: editing.move_binding(actor=user, binding=row, step=_step(request)),
        _("The tables and charts are in their new order."),
        _chapter_url(row.chapter),
    )


@require_POST
@compose
def binding_remove(request: HttpRequest, slug: str, pk: int, binding: int) -> HttpResponse:
    row = _binding(slug, pk, binding)
    user: User = request.user  # type: ignore[assignment]
    return _act(
        request,
        lambda: editing.remove_binding(actor=user, binding=row),
        _("The product is taken out of the chapter."),
        _chapter_url(row.chapter),
    )

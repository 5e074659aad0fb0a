"""Editing a publication (SOP activity 2): every change one audited service, as in
``satudata.products.services``. What is edited is the product; a version freezes it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max, Model
from django.utils.translation import gettext as _

from satudata.accounts.permissions import require
from satudata.accounts.roles import Capability
from satudata.core.audit import record
from satudata.products.errors import ProductError
from satudata.products.models import (
    ChapterProduct,
    Product,
    ProductKind,
    PublicationChapter,
)
from satudata.products.publications import BOUND_KINDS, OTHER_FIELDS, TITLE_PAGE

if TYPE_CHECKING:
    from satudata.accounts.models import User

TITLE_PAGE_KEYS = [key for key, _i, _e in TITLE_PAGE if key != "pages"] + list(OTHER_FIELDS)


def _check(actor: User, product: Product) -> None:
    require(actor, Capability.COMPOSE_PRODUCTS)
    if product.kind != ProductKind.PUBLICATION:
        raise ProductError(_("This product is not a publication."))


@transaction.atomic
def save_title_page(
    *, actor: User, product: Product, title: str, title_en: str, fields: dict[str, Any]
) -> Product:
    """The publication's title and title page (ISSN, numbers, size, editors, foreword, …)."""
    _check(actor, product)
    before = dict(product.spec.get("title_page") or {})
    page = {key: fields[key] for key in TITLE_PAGE_KEYS if key in fields}
    product.spec = {**product.spec, "title_page": page}
    product.title, product.title_en = title.strip()[:300], title_en.strip()[:300]
    product.save(update_fields=["spec", "title", "title_en", "updated_at"])
    changed = {k: [before.get(k), v] for k, v in page.items() if before.get(k) != v}
    record(
        "products.title_page_saved",
        actor=actor,
        obj=product,
        summary=f"Halaman judul publikasi disimpan: {product.title}",
        changes=changed,
    )
    return product


def _next_position(rows: Any) -> int:
    return int(rows.aggregate(n=Max("position"))["n"] or 0) + 1


@transaction.atomic
def add_chapter(*, actor: User, product: Product, title: str) -> PublicationChapter:
    _check(actor, product)
    if not title.strip():
        raise ProductError(_("A chapter needs a title."), "title")
    chapter = PublicationChapter.objects.create(
        product=product, title=title.strip()[:300], position=_next_position(product.chapters)
    )
    record(
        "products.chapter_added",
        actor=actor,
        obj=product,
        summary=f"Bab ditambahkan pada {product.title}: {chapter.title}",
    )
    return chapter


@transaction.atomic
def save_chapter(
    *, actor: User, chapter: PublicationChapter, title: str, title_en: str, text: str
) -> PublicationChapter:
    """A chapter's title and Markdown text (kept as typed; made safe when rendered)."""
    _check(actor, chapter.product)
    if not title.strip():
        raise ProductError(_("A chapter needs a title."), "title")
    chapter.title, chapter.title_en, chapter.text = title.strip()[:300], title_en.strip(), text
    chapter.save()
    record(
        "products.chapter_saved",
        actor=actor,
        obj=chapter.product,
        summary=f"Bab disimpan pada {chapter.product.title}: {chapter.title}",
    )
    return chapter


def _swap(rows: list[Any], index: int, step: int) -> None:
    """Move ``rows[index]`` one place up (step -1) or down (+1) and number them all again."""
    other = index + step
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


@transaction.atomic
def move_chapter(*, actor: User, chapter: PublicationChapter, step: int) -> None:
    _check(actor, chapter.product)
    rows = list(chapter.product.chapters.select_for_update())
    _swap(rows, [r.pk for r in rows].index(chapter.pk), step)
    _moved(actor, chapter.product, chapter)


@transaction.atomic
def remove_chapter(*, actor: User, chapter: PublicationChapter) -> None:
    _check(actor, chapter.product)
    product = chapter.product
    chapter.delete()
    record(
        "products.chapter_removed",
        actor=actor,
        obj=product,
        summary=f"Bab dihapus dari {product.title}: {chapter.title}",
    )


@transaction.atomic
def bind_product(
    *, actor: User, chapter: PublicationChapter, bound: Product, caption: str = ""
) -> ChapterProduct:
    """A table or chart product shown at the end of the chapter."""
    _check(actor, chapter.product)
    if bound.kind not in BOUND_KINDS:
        raise ProductError(_("Only a table or a chart can be placed in a chapter."), "bound")
    binding = ChapterProduct.objects.create(
        chapter=chapter,
        bound=bound,
        caption=caption.strip()[:300],
        position=_next_position(chapter.bindings),
    )
    record(
        "products.chapter_bound",
        actor=actor,
        obj=chapter.product,
        summary=f"{bound.title} dimasukkan ke bab {chapter.title}",
    )
    return binding


@transaction.atomic
def move_binding(*, actor: User, binding: ChapterProduct, step: int) -> None:
    _check(actor, binding.chapter.product)
    rows = list(binding.chapter.bindings.select_for_update())
    _swap(rows, [r.pk for r in rows].index(binding.pk), step)
    _moved(actor, binding.chapter.product, binding)


@transaction.atomic
def remove_binding(*, actor: User, binding: ChapterProduct) -> None:
    _check(actor, binding.chapter.product)
    product = binding.chapter.product
    binding.delete()
    record(
        "products.chapter_unbound",
        actor=actor,
        obj=product,
        summary=f"{binding.bound.title} dikeluarkan dari bab {binding.chapter.title}",
    )


def _moved(actor: User, product: Product, row: Model) -> None:
    record(
        "products.chapter_order_changed",
        actor=actor,
        obj=product,
        summary=f"Urutan diubah pada {product.title}: {row}",
    )

"""Composing products (SOP activity 2): every change is one audited service."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.text import slugify

from satudata.accounts.permissions import require
from satudata.accounts.roles import Capability
from satudata.core.audit import record
from satudata.products.models import Product
from satudata.sop.services import open_task

if TYPE_CHECKING:
    from satudata.accounts.models import Agency, User

STEP = "produk"


def _free_slug(title: str) -> str:
    base = (slugify(title) or "produk")[:100]
    slug, n = base, 1
    while Product.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_product(
    *,
    actor: User,
    kind: str,
    title: str,
    agency: Agency,
    spec: dict[str, Any] | None = None,
    **fields: Any,
) -> Product:
    """A new product, with the activity-2 SOP task that tracks its composition (2 working days
    by the SOP's standard; finished when its first version is submitted for approval)."""
    require(actor, Capability.COMPOSE_PRODUCTS)
    product = Product.objects.create(
        kind=kind,
        title=title.strip()[:300],
        agency=agency,
        spec=spec or {},
        slug=fields.pop("slug", None) or _free_slug(title),
        created_by=actor,
        **fields,
    )
    record(
        "products.created",
        actor=actor,
        obj=product,
        summary=f"Produk disusun: {product.title}",
        changes={"kind": [None, kind]},
    )
    open_task(
        actor=actor,
        step=STEP,
        title=f"Produk: {product.title}",
        subject=product,
        agency=agency,
    )
    return product

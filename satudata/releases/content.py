"""How a piece of content joins the release workflow: prepared as a draft when it is ready,
as a first release or a planned revision of what is already out."""

from __future__ import annotations

from typing import Any

from satudata.releases.models import ReleaseKind


def kind_for(content: Any) -> str:
    """A dataset (or product) version is a revision when an earlier version of its dataset
    (product) was released."""
    from satudata.catalog.models import DatasetVersion
    from satudata.products.models import ProductVersion

    if isinstance(content, DatasetVersion):
        earlier: Any = DatasetVersion.objects.filter(
            dataset_id=content.dataset_id, number__lt=content.number, published_at__isnull=False
        )
        return ReleaseKind.REVISION if earlier.exists() else ReleaseKind.FIRST
    if isinstance(content, ProductVersion):
        earlier = ProductVersion.objects.filter(
            product_id=content.product_id, number__lt=content.number, published_at__isnull=False
        )
        return ReleaseKind.REVISION if earlier.exists() else ReleaseKind.FIRST
    return ReleaseKind.FIRST


def content_ready(content: Any) -> None:
    """Called by the content's app when a piece of content is ready to release (a version
    synchronised): its release starts as a draft for the Walidata."""
    from satudata.releases.services import prepare_release

    prepare_release(actor=None, content=content, kind=kind_for(content))

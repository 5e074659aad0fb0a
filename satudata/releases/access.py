"""Per-object access, for every channel: may this viewer see this dataset, product or version
now, and must this read be logged as a pre-release read (SOP T3.3)?

The querysets' ``visible_to(user, at=None)`` decide what a viewer may see in a list; this
module is the one place that answers for a single object and writes the pre-release read log.
Every channel that serves a dataset's version asks here — pages, files, previews, charts,
comparisons, REST, CKAN, DCAT, data.json, Data Packages — so that a read is logged from the
version actually served, whichever channel served it; a product's version (SOP activity 2) the
same way (its pages and files, CKAN, DCAT, data.json), logged under its own content type.
Channels that list only what is out for everyone (feeds, sitemap) and search pages (titles, no
version) serve no unreleased version.

A read is logged when the version is not out for everyone yet and the reader is neither one of
those who prepare and approve the release (``Capability.HANDLE_EMBARGOED``) nor a producer of
the agency whose data it is: a person on the pre-release access list, the Kepala Dinas, the
administrator. One row per version and request, naming the reader and the version.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.accounts.permissions import can, role_of
from satudata.accounts.roles import Capability, Role
from satudata.catalog.models import Dataset, DatasetVersion
from satudata.products.models import Product, ProductVersion
from satudata.releases.models import PreReleaseAccess, PreReleaseView, Release

Version = DatasetVersion | ProductVersion


def sees_unpublished(user: Any) -> bool:
    """Whether ``user`` sees content not yet released (drafts, embargoed releases)."""
    return can(user, Capability.VIEW_UNPUBLISHED)


def is_out(version: Version, at: datetime | None = None) -> bool:
    """Whether the version's release time has come (the public sees it if its item is open)."""
    moment = at or timezone.now()
    return version.published_at is not None and version.published_at <= moment


def _agency_id(version: Version) -> int:
    if isinstance(version, ProductVersion):
        return version.product.agency_id
    return version.dataset.agency_id


def must_log(user: Any, version: Version, at: datetime | None = None) -> bool:
    """Whether serving ``version`` to ``user`` at ``at`` is a pre-release read to be logged."""
    if user is None or not user.is_authenticated or is_out(version, at):
        return False
    if can(user, Capability.HANDLE_EMBARGOED):
        return False
    own = role_of(user) == Role.PRODUSEN and _agency_id(version) in user.agency_ids()
    return not own


def note_reads(request: HttpRequest, user: Any, versions: Iterable[Version]) -> int:
    """Log that ``user`` was served ``versions`` (dataset or product versions) before their
    release, where ``must_log`` says so: once per version and request, with the grant it was
    read under, if any."""
    moment = timezone.now()
    due = [v for v in versions if must_log(user, v, moment)]
    logged: set[tuple[type, int]] = request.__dict__.setdefault("_pre_release_logged", set())
    fresh = {(type(v), v.pk): v for v in due if (type(v), v.pk) not in logged}
    if not fresh:
        return 0
    path = request.get_full_path()[:300]
    for model in {model for model, _pk in fresh}:
        ids = [pk for kind, pk in fresh if kind is model]
        content_type = ContentType.objects.get_for_model(model)
        grants = dict(
            PreReleaseAccess.objects.open_to(user, moment)
            .filter(release__content_type=content_type, release__object_id__in=ids)
            .values_list("release__object_id", "pk")
        )
        PreReleaseView.objects.bulk_create(
            PreReleaseView(
                access_id=grants.get(pk),
                user=user,
                content_type=content_type,
                object_id=pk,
                at=moment,
                path=path,
            )
            for pk in ids
        )
    logged.update(fresh)
    return len(fresh)


def reads_without_grant(release: Release) -> QuerySet[PreReleaseView]:
    """The logged reads of a release's content before its time by staff who hold no grant (the
    Kepala Dinas, the administrator), for the release page beside its access list."""
    return PreReleaseView.objects.filter(
        access__isnull=True,
        content_type_id=release.content_type_id,
        object_id=release.object_id,
    ).select_related("user")


def dataset_for(request: HttpRequest, key: str, user: Any = None) -> Dataset:
    """The dataset at ``key`` (slug or identifier) if the viewer (``user``, else the request's)
    may see it, else 404. No read is logged here: the version served is (``version_for``)."""
    viewer = request.user if user is None else user
    dataset = (
        Dataset.objects.visible_to(viewer).by_key(key).with_details().with_release_times().first()
    )
    if dataset is None:
        raise dataset_missing()
    return dataset


def version_for(
    request: HttpRequest, dataset: Dataset, number: int | None, user: Any = None
) -> DatasetVersion:
    """Version ``number`` of ``dataset`` (the newest the viewer may see if None), else 404;
    a pre-release read of it is logged."""
    viewer = request.user if user is None else user
    versions = dataset.versions.visible_to(viewer)
    version = versions.filter(number=number).first() if number else versions.first()
    if version is None:
        raise version_missing()
    version.dataset = dataset
    note_reads(request, viewer, [version])
    return version


def newest_version(request: HttpRequest, dataset: Dataset, user: Any) -> DatasetVersion | None:
    """The newest version of ``dataset`` the viewer may see (None if none), its read logged."""
    version = dataset.current_version(user)
    if version is not None:
        version.dataset = dataset
        note_reads(request, user, [version])
    return version


def versions_of(request: HttpRequest, dataset: Dataset, user: Any) -> list[DatasetVersion]:
    """Every version of ``dataset`` the viewer may see, newest first, each read logged (a
    channel that lists the versions serves each one's description)."""
    versions = list(dataset.versions.visible_to(user).select_related("upload"))
    for version in versions:
        version.dataset = dataset
    note_reads(request, user, versions)
    return versions


def newest_versions(
    request: HttpRequest, datasets: QuerySet[Dataset] | list[Dataset], user: Any
) -> list[tuple[Dataset, DatasetVersion | None]]:
    """Each dataset with the newest version the viewer may see, in two queries whatever the
    number; the reads of versions not yet out are logged (a listing that serves a version's
    description and resources serves that version)."""
    datasets = list(datasets)
    latest: dict[int, DatasetVersion] = {}
    versions = (
        DatasetVersion.objects.visible_to(user)
        .filter(dataset_id__in=[d.pk for d in datasets])
        .order_by("dataset_id", "-number")
    )
    for version in versions:
        latest.setdefault(version.dataset_id, version)
    by_pk = {d.pk: d for d in datasets}
    for version in latest.values():
        version.dataset = by_pk[version.dataset_id]
    note_reads(request, user, latest.values())
    return [(dataset, latest.get(dataset.pk)) for dataset in datasets]


def dataset_missing() -> Http404:
    return Http404(_("No dataset with this address is published."))


def version_missing() -> Http404:
    return Http404(_("This version is not published."))


# --- Products (SOP activity 2): the same rules for product versions ------------------------------


def product_for(request: HttpRequest, slug: str, user: Any = None) -> Product:
    """The product at ``slug`` if the viewer may see a version of it, else 404. No read is
    logged here: the version served is (``product_version_for``)."""
    viewer = request.user if user is None else user
    product = (
        Product.objects.visible_to(viewer).filter(slug=slug[:120]).select_related("agency").first()
    )
    if product is None:
        raise product_missing()
    return product


def product_versions_of(request: HttpRequest, product: Product, user: Any) -> list[ProductVersion]:
    """Every version of ``product`` the viewer may see, newest first, each read logged (the
    product page lists each one's note and files)."""
    versions = list(product.versions.visible_to(user).prefetch_related("files"))
    for version in versions:
        version.product = product
    note_reads(request, user, versions)
    return versions


def product_version_for(
    request: HttpRequest, product: Product, number: int | None, user: Any = None
) -> ProductVersion:
    """Version ``number`` of ``product`` (the newest the viewer may see if None), else 404; a
    pre-release read of it is logged."""
    viewer = request.user if user is None else user
    versions = product.versions.visible_to(viewer)
    version = versions.filter(number=number).first() if number else versions.first()
    if version is None:
        raise version_missing()
    version.product = product
    note_reads(request, viewer, [version])
    return version


def newest_product_versions(
    request: HttpRequest, products: QuerySet[Product] | list[Product], user: Any
) -> list[tuple[Product, ProductVersion]]:
    """Each product with the newest version the viewer may see (products without one are left
    out), in two queries; reads of versions not yet out are logged (machine channels serve
    each version's files)."""
    products = list(products)
    latest: dict[int, ProductVersion] = {}
    versions = (
        ProductVersion.objects.visible_to(user)
        .filter(product_id__in=[p.pk for p in products])
        .prefetch_related("files")
        .order_by("product_id", "-number")
    )
    for version in versions:
        latest.setdefault(version.product_id, version)
    by_pk = {p.pk: p for p in products}
    for version in latest.values():
        version.product = by_pk[version.product_id]
    note_reads(request, user, latest.values())
    return [(p, latest[p.pk]) for p in products if p.pk in latest]


def product_missing() -> Http404:
    return Http404(_("No product with this address is published."))

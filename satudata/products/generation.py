"""Generating a product version's files (SOP activity 2), on the worker.

``new_version`` freezes the product's definition and the dataset versions it is built from into
a new version; ``generate_version`` (a task) asks the kind's generator for the files, keeps each
under its content digest and only then records them, all at once, on the version. A failure
(a ``ProductError`` with its Indonesian message, or anything unexpected) is written on the
version and keeps nothing of that run: the previous version's files stay what was released.
A version whose files are ready joins the release workflow as a draft.

Each kind's generator is a function ``files_for(version, progress) -> list[GeneratedFile]``
named by dotted path in ``GENERATORS``; ``progress(percent, label)`` reports how far it is.
A kind's module may also name the dataset versions a product is built from with
``sources_for(product, actor) -> list[DatasetVersion]``; without one, ``spec["sources"]`` lists
them (see ``default_sources``), and a product drawn from another (a chart from a table) is
built from that product's newest released version's sources.
"""

from __future__ import annotations

import copy
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from satudata.accounts.permissions import require
from satudata.accounts.roles import Capability
from satudata.catalog.models import DatasetVersion
from satudata.core.audit import record
from satudata.products.errors import ProductError
from satudata.products.generated import GeneratedFile
from satudata.products.models import Generation, Product, ProductFile, ProductVersion
from satudata.releases.content import content_ready

if TYPE_CHECKING:
    from satudata.accounts.models import User

logger = logging.getLogger(__name__)

PREFIX = "products"
GENERATORS: dict[str, str] = {
    "tabel": "satudata.products.tables.files_for",
    "grafik": "satudata.products.charts.files_for",
    "infografis": "satudata.products.infographics.files_for",
    "publikasi": "satudata.products.publications.files_for",
}

Progress = Callable[[int, str], None]


def file_path(digest: str) -> str:
    return f"{PREFIX}/{digest[:2]}/{digest}"


# --- A new version ------------------------------------------------------------------------------


def _module_hook(kind: str, name: str) -> Callable[..., Any] | None:
    path = GENERATORS.get(kind)
    if path is None:
        return None
    try:
        return import_string(f"{path.rsplit('.', 1)[0]}.{name}")  # type: ignore[no-any-return]
    except ImportError:
        return None


def _one_source(actor: User, entry: Any) -> DatasetVersion:
    visible = DatasetVersion.objects.visible_to(actor).select_related("dataset")
    if isinstance(entry, int):
        found = visible.filter(pk=entry).first()
    elif isinstance(entry, dict) and entry.get("dataset"):
        versions = visible.filter(dataset__slug=str(entry["dataset"]))
        number = entry.get("version")
        if number:
            found = versions.filter(number=number).first()
        else:  # the newest out for everyone; else the newest in the making (released together)
            found = versions.published().first() or versions.first()
    else:
        found = None
    if found is None:
        raise ProductError(
            _("A data source of this product is not published or you may not see it: %(source)s")
            % {"source": entry},
            "sources",
        )
    return found


def default_sources(product: Product, actor: User) -> list[DatasetVersion]:
    """The dataset versions ``product.spec["sources"]`` names: each a dataset version's id, or
    ``{"dataset": slug, "version": number}`` (the newest the actor may see without a number).
    A product drawn from another takes that product's newest released version's sources."""
    entries = product.spec.get("sources") or []
    if not isinstance(entries, list):
        raise ProductError(_("The data sources must be a list."), "sources")
    found = [_one_source(actor, entry) for entry in entries]
    if not found and product.source_id is not None:
        drawn = ProductVersion.objects.filter(product_id=product.source_id).released().first()
        if drawn is not None:
            found = list(drawn.sources.all())
    return found


def sources_for(product: Product, actor: User) -> list[DatasetVersion]:
    hook = _module_hook(product.kind, "sources_for") or default_sources
    return list(hook(product, actor))


@transaction.atomic
def new_version(actor: User, product: Product, change_note: str = "") -> ProductVersion:
    """A new version of ``product``: its definition frozen as it is now, bound to the dataset
    versions it is built from, waiting for its files (``generate_version``)."""
    require(actor, Capability.COMPOSE_PRODUCTS)
    product = Product.objects.select_for_update().get(pk=product.pk)
    sources = sources_for(product, actor)
    last = product.versions.aggregate(n=Max("number"))["n"] or 0
    version = ProductVersion.objects.create(
        product=product,
        number=last + 1,
        spec=copy.deepcopy(product.spec),
        change_note=change_note.strip(),
        created_by=actor,
    )
    version.sources.set(sources)
    record(
        "products.version_created",
        actor=actor,
        obj=version,
        summary=f"Versi {version.number} produk {product.title} dibuat",
        changes={"sources": [None, [str(s) for s in sources]], "note": change_note.strip()},
    )
    return version


def start_generation(version: ProductVersion) -> None:
    """Enqueue the generation of ``version``'s files once the transaction commits."""
    transaction.on_commit(lambda: generate_version.enqueue(version.pk))


# --- Generating the files ----------------------------------------------------------------------


def _reporter(version_id: int) -> Progress:
    def progress(percent: int, label: str = "") -> None:
        ProductVersion.objects.filter(pk=version_id, generation=Generation.RUNNING).update(
            progress=max(0, min(99, int(percent)))
        )

    return progress


def _content(generated: GeneratedFile) -> bytes:
    if isinstance(generated.content, Path):
        return generated.content.read_bytes()
    return bytes(generated.content)


def _store(files: list[GeneratedFile]) -> tuple[list[tuple[GeneratedFile, str, int]], list[str]]:
    """Keep each file under its digest; the stored files and the paths this run newly wrote."""
    stored, written = [], []
    try:
        for generated in files:
            content = _content(generated)
            digest = hashlib.sha256(content).hexdigest()
            path = file_path(digest)
            if not default_storage.exists(path):
                default_storage.save(path, ContentFile(content, name=digest))
                written.append(path)
            stored.append((generated, digest, len(content)))
    except Exception:
        _forget(written)
        raise
    return stored, written


def _forget(paths: list[str]) -> None:
    for path in paths:
        if not ProductFile.objects.filter(path=path).exists():
            default_storage.delete(path)


def _check(files: list[GeneratedFile]) -> None:
    if not files:
        raise ProductError(_("The generator made no file."))
    names = [f.name for f in files]
    if len(set(names)) != len(names):
        raise ProductError(_("Two generated files have the same name."))


def _failed(version_id: int, message: str) -> str:
    ProductVersion.objects.filter(pk=version_id).update(
        generation=Generation.FAILED, generation_error=message, progress=0
    )
    return Generation.FAILED


def run_generation(version_id: int) -> str:
    """Generate and keep ``version_id``'s files; a failure is written on the version."""
    version = ProductVersion.objects.select_related("product").get(pk=version_id)
    if version.generation == Generation.DONE:
        return Generation.DONE
    ProductVersion.objects.filter(pk=version_id).update(
        generation=Generation.RUNNING, progress=0, generation_error=""
    )
    written: list[str] = []
    try:
        generator = import_string(GENERATORS[version.product.kind])
        files = list(generator(version, _reporter(version_id)))
        _check(files)
        stored, written = _store(files)
        with transaction.atomic():  # the files and the draft release together, or neither
            _record_files(version, stored)
            content_ready(version)
    except ProductError as error:
        _forget(written)
        return _failed(version_id, error.message)
    except Exception:
        logger.exception("Generating product version %s failed", version_id)
        _forget(written)
        return _failed(
            version_id,
            _(
                "The files could not be made because of an unexpected error. The previous "
                "files are kept; try again, or tell the administrator."
            ),
        )
    return Generation.DONE


def _record_files(version: ProductVersion, stored: list[tuple[GeneratedFile, str, int]]) -> None:
    version.files.all().delete()
    ProductFile.objects.bulk_create(
        ProductFile(
            version=version,
            format=generated.format,
            name=generated.name,
            path=file_path(digest),
            sha256=digest,
            size=size,
        )
        for generated, digest, size in stored
    )
    ProductVersion.objects.filter(pk=version.pk).update(
        generation=Generation.DONE, progress=100, generated_at=timezone.now(), generation_error=""
    )
    record(
        "products.generated",
        actor=None,
        obj=version,
        actor_label="sistem",
        summary=f"Berkas {version} dibuat: {len(stored)} berkas",
    )


@task()
def generate_version(version_id: int) -> str:
    """Make a product version's files (the worker's part of ``new_version``)."""
    return run_generation(version_id)

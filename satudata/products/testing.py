"""Products for tests, made through the real services with a stand-in generator (the real ones
belong to each kind's module): ``fake_files_for`` writes the rows of ``spec["rows"]`` as CSV
and HTML; ``failing_files_for`` refuses, as a generator does with input it cannot use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from satudata.accounts.models import Agency, User
from satudata.products import generation
from satudata.products.errors import ProductError
from satudata.products.generated import GeneratedFile
from satudata.products.models import Product, ProductVersion
from satudata.products.services import create_product

FAKE = "satudata.products.testing.fake_files_for"
FAILING = "satudata.products.testing.failing_files_for"
EXPLODING = "satudata.products.testing.exploding_files_for"


def fake_files_for(
    version: ProductVersion, progress: Callable[[int, str], None]
) -> list[GeneratedFile]:
    rows = version.spec.get("rows", [["Pringsewu", 1]])
    progress(30, "tabel")
    csv = "\n".join(";".join(str(v) for v in row) for row in rows)
    cells = "".join(f"<tr><td>{row[0]}</td><td>{row[1]}</td></tr>" for row in rows)
    progress(80, "html")
    return [
        GeneratedFile("csv", f"{version.product.slug}.csv", csv.encode(), "text/csv"),
        GeneratedFile(
            "html",
            f"{version.product.slug}.html",
            f"<table><caption>{version.product.title}</caption>{cells}</table>".encode(),
            "text/html",
        ),
    ]


def failing_files_for(
    version: ProductVersion, progress: Callable[[int, str], None]
) -> list[GeneratedFile]:
    progress(50, "tabel")
    raise ProductError("Dimensi 'umur' tidak ada pada data sumber.", "dimensi")


def exploding_files_for(
    version: ProductVersion, progress: Callable[[int, str], None]
) -> list[GeneratedFile]:
    raise RuntimeError("font hilang")


@contextmanager
def generator(path: str = FAKE, kinds: tuple[str, ...] = ("tabel", "grafik")) -> Iterator[None]:
    """Generate the files of ``kinds`` with the function at ``path`` inside the block."""
    with mock.patch.dict(generation.GENERATORS, dict.fromkeys(kinds, path)):
        yield


def product(
    *, actor: User, agency: Agency, title: str, kind: str = "tabel", **fields: Any
) -> Product:
    spec = fields.pop("spec", {"rows": [["Pringsewu", 12], ["Gadingrejo", 7]]})
    return create_product(actor=actor, kind=kind, title=title, agency=agency, spec=spec, **fields)


def generated_version(actor: User, item: Product, note: str = "") -> ProductVersion:
    """A new version of ``item`` with its files made (by the fake generator) and its release
    prepared as a draft."""
    with generator():
        version = generation.new_version(actor, item, note)
        generation.run_generation(version.pk)
    version.refresh_from_db()
    return version


def released_product(
    *,
    actor: User,
    kepala_bidang: User,
    agency: Agency,
    title: str,
    at: dt.datetime | None = None,
    **fields: Any,
) -> tuple[Product, ProductVersion]:
    """A product whose first version is released at ``at`` (now) through the real workflow."""
    from satudata.releases.testing import release

    item = product(actor=actor, agency=agency, title=title, **fields)
    version = generated_version(actor, item)
    release(version, kepala_bidang=kepala_bidang, at=at, walidata=actor)
    version.refresh_from_db()
    return item, version


def reporting_files_for(
    version: ProductVersion, progress: Callable[[int, str], None]
) -> list[GeneratedFile]:
    """Reports 60 % and writes down what the version's row said at that moment."""
    progress(60, "tabel")
    seen = ProductVersion.objects.get(pk=version.pk)
    return [GeneratedFile("txt", "kemajuan.txt", f"{seen.generation} {seen.progress}".encode())]

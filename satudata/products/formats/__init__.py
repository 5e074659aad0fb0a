"""A table (``Cube``) in every format it is published in, one module per format, each with
``render(cube, fmt, **options) -> GeneratedFile``:

- ``html``: an accessible HTML table (caption, header scopes and ids, notes as footnotes);
- ``csv``: UTF-8 with a byte order mark, tidy, with codes, labels or both
  (``labels="codes"|"labels"|"both"``);
- ``xlsx``: the good-practice layout (cover, notes, the presented table, a tidy re-use sheet);
- ``json-stat``: a JSON-stat 2.0 dataset;
- ``sdmx-csv``: SDMX-CSV 2.0;
- ``px``: a PX file (PC-Axis 2013), for PxWeb;
- ``pdf`` and ``png``: typeset by Typst (``typst_table``, whose ``table_markup`` publications
  place in their chapters).
"""

from __future__ import annotations

import importlib
from typing import Any

from django.utils.translation import gettext as _

from satudata.products.cube import Cube
from satudata.products.errors import ProductError
from satudata.products.generated import GeneratedFile

MODULES = {
    "html": "html_table",
    "csv": "csv_table",
    "xlsx": "xlsx",
    "json-stat": "jsonstat",
    "sdmx-csv": "sdmx_csv",
    "px": "px",
    "pdf": "typst_table",
    "png": "typst_table",
}
FORMATS = tuple(MODULES)


def render(cube: Cube, fmt: str, **options: Any) -> GeneratedFile:
    """The table in format ``fmt`` (a key of ``MODULES``)."""
    if fmt not in MODULES:
        raise ProductError(
            _("Unknown format %(fmt)s; use one of %(known)s.")
            % {"fmt": repr(fmt)[:40], "known": ", ".join(FORMATS)},
            "format",
        )
    module = importlib.import_module(f"satudata.products.formats.{MODULES[fmt]}")
    result: GeneratedFile = module.render(cube, fmt, **options)
    return result

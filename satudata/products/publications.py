"""Publications (SOP activity 2): "Kabupaten ... Dalam Angka", "Statistik Sektoral <OPD>", a
short release note in the style of a BRS — chapters of text with bound tables and charts, and
the title page of a "Dalam Angka" (dissemination.md §3.1, satudata.md §6.1).

A version freezes the title page and the chapters, each bound table or chart with its
definition and the datasets it reads (``Product.spec``, brought up to date by ``sources_for``
when ``satudata.products.generation.new_version`` makes the version), and binds the newest
released version of each of those datasets. ``files_for`` renders that frozen definition —
nothing else — to a print PDF (Typst, ``PUBLICATION_TEMPLATE``) and an editable DOCX, so a
version is reproducible (the RAP rule, dissemination.md §3.3).

When a dataset a publication reads gets a newer released version, ``regenerate_publications``
makes a new version of the publication with a note of which datasets changed; a released file
is never replaced (the previous version stays as it was released).
"""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import docx  # type: ignore[import-untyped]
import typst  # type: ignore[import-untyped]
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import translation
from django.utils.translation import gettext as _

from satudata.catalog.models import DatasetVersion
from satudata.core.audit import record
from satudata.core.models import SiteProfile
from satudata.products.cube import Cube
from satudata.products.errors import ProductError
from satudata.products.generated import GeneratedFile
from satudata.products.models import Product, ProductKind, ProductVersion
from satudata.products.publication_text import Block, add_to_docx, read_markdown, typst_markup

if TYPE_CHECKING:
    from satudata.accounts.models import User

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]

# The title page of a "Dalam Angka" (§6.1), in print order: key, Indonesian and English label.
# "pages" is counted by Typst when the PDF is made.
TITLE_PAGE = [
    ("issn", "ISSN", "ISSN"),
    ("publication_number", "Nomor Publikasi", "Publication Number"),
    ("catalogue_number", "Katalog", "Catalogue"),
    ("size", "Ukuran Buku", "Book Size"),
    ("pages", "Jumlah Halaman", "Number of Pages"),
    ("authors", "Naskah", "Manuscript"),
    ("editors", "Penyunting", "Editors"),
    ("cover_design", "Gambar Kulit", "Cover Design"),
    ("publisher", "Diterbitkan oleh", "Published by"),
    ("printer", "Dicetak oleh", "Printed by"),
]
# The other fields of ``spec["title_page"]``.
OTHER_FIELDS = (
    "subtitle",
    "foreword",
    "place_date",
    "signatory",
    "signatory_position",
    "signatory_nip",
    "sample_label",
    "paper",
    "english",
)
LABELS = {
    "foreword": ("Kata Pengantar", "Foreword"),
    "contents": ("Daftar Isi", "Contents"),
    "tables": ("Daftar Tabel", "List of Tables"),
    "figures": ("Daftar Gambar", "List of Figures"),
    "table": ("Tabel", "Table"),
    "figure": ("Gambar", "Figure"),
    "source": ("Sumber", "Source"),
    "chapter": ("Bab", "Chapter"),
    **{key: (label_id, label_en) for key, label_id, label_en in TITLE_PAGE},
}
# Paper sizes a publication may be printed on: BPS's "Dalam Angka" books are B5.
PAPERS = {"a4": (210, 297, "21 × 29,7 cm"), "b5": (176, 250, "17,6 × 25 cm")}  # mm
BOUND_KINDS = (ProductKind.TABLE, ProductKind.CHART)


# --- The definition a version freezes ----------------------------------------------------------


def title_page(spec: dict[str, Any]) -> dict[str, Any]:
    """The title page fields of ``spec`` with every key present."""
    page = spec.get("title_page") or {}
    fields: dict[str, Any] = {key: str(page.get(key) or "") for key, _i, _e in TITLE_PAGE}
    fields.update({key: page.get(key) or "" for key in OTHER_FIELDS})
    fields["english"] = bool(page.get("english"))
    fields["paper"] = page.get("paper") if page.get("paper") in PAPERS else "a4"
    return fields


def _newest_version(product: Product) -> ProductVersion | None:
    released = ProductVersion.objects.filter(product=product).released().first()
    return released or ProductVersion.objects.filter(product=product).first()


def _definition(product: Product) -> tuple[dict[str, Any], list[str]]:
    """A table's or chart's definition (its newest released version's, else its newest
    version's, else as edited) and the datasets it reads, by slug."""
    version = _newest_version(product)
    spec = dict(version.spec if version is not None else product.spec)
    slugs = [
        str(entry["dataset"])
        for entry in spec.get("sources") or []
        if isinstance(entry, dict) and entry.get("dataset")
    ]
    if not slugs and version is not None:
        slugs = [s.dataset.slug for s in version.sources.select_related("dataset")]
    return spec, list(dict.fromkeys(slugs))


def _frozen_item(binding: Any) -> dict[str, Any]:
    bound: Product = binding.bound
    item: dict[str, Any] = {
        "product": bound.slug,
        "kind": str(bound.kind),
        "title": bound.title,
        "caption": binding.caption or bound.title,
        "caption_en": binding.caption_en or bound.title_en,
        "alt": bound.alt_text,
    }
    table = bound
    if bound.kind == ProductKind.CHART:
        if bound.source is None:
            raise ProductError(
                _("The chart %(title)s is not drawn from a table.") % {"title": bound.title},
                "chapters",
            )
        item["chart"], _slugs = _definition(bound)
        table = bound.source
    item["table"], item["datasets"] = _definition(table)
    return item


def frozen_chapters(product: Product) -> list[dict[str, Any]]:
    """The chapters as edited, each bound table or chart with its definition."""
    chapters = product.chapters.prefetch_related("bindings__bound__source")
    return [
        {
            "title": chapter.title,
            "title_en": chapter.title_en,
            "text": chapter.text,
            "items": [_frozen_item(binding) for binding in chapter.bindings.all()],
        }
        for chapter in chapters
    ]


def released_version_of(slug: str, at: Any = None) -> DatasetVersion | None:
    """The newest version of the dataset ``slug`` that is out for everyone at ``at`` (released,
    and of an open Daftar Data item)."""
    return (
        DatasetVersion.objects.published(at)
        .filter(dataset__slug=slug)
        .select_related("dataset")
        .order_by("-number")
        .first()
    )


def _datasets(spec: dict[str, Any]) -> list[str]:
    slugs = [s for c in spec.get("chapters") or [] for i in c["items"] for s in i["datasets"]]
    return list(dict.fromkeys(slugs))


def newest_sources(spec: dict[str, Any], at: Any = None) -> list[DatasetVersion]:
    """The newest released version of every dataset the publication reads; a dataset with no
    released version is refused (a publication shows only what is out)."""
    found = []
    for slug in _datasets(spec):
        version = released_version_of(slug, at)
        if version is None:
            raise ProductError(
                _(
                    "The dataset %(slug)s has no released version; a publication shows only "
                    "released data."
                )
                % {"slug": slug},
                "chapters",
            )
        found.append(version)
    return found


def sources_for(product: Product, actor: User | None) -> list[DatasetVersion]:
    """The "publikasi" kind's sources, for ``generation.new_version``: the chapters as edited
    are written into ``product.spec["chapters"]`` first (so whichever way a version is made, it
    freezes them), then the newest released version of every dataset they read."""
    spec = dict(product.spec)
    spec["chapters"] = frozen_chapters(product)
    product.spec = spec
    Product.objects.filter(pk=product.pk).update(spec=spec)
    return newest_sources(spec)


# --- Regeneration -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A dataset read by a publication's newest version with a newer released version."""

    used: DatasetVersion
    newer: DatasetVersion

    def note(self) -> str:
        return _("%(title)s: version %(old)s → %(new)s") % {
            "title": self.newer.dataset.title,
            "old": self.used.number,
            "new": self.newer.number,
        }


def changes_for(version: ProductVersion, at: Any = None) -> list[Change]:
    """The datasets ``version`` read that have a newer released version at ``at``."""
    changes = []
    for used in version.sources.select_related("dataset").order_by("dataset__title"):
        newer = released_version_of(used.dataset.slug, at)
        if newer is not None and newer.number > used.number:
            changes.append(Change(used=used, newer=newer))
    return changes


def stale_publications(at: Any = None) -> list[tuple[Product, list[Change]]]:
    """Publications whose newest version read a dataset that has since had a newer version
    released, with those changes."""
    stale = []
    for product in Product.objects.filter(kind=ProductKind.PUBLICATION, versions__isnull=False):
        newest = product.versions.order_by("-number").first()
        changes = changes_for(newest, at) if newest is not None else []
        if changes:
            stale.append((product, changes))
    return list({p.pk: (p, c) for p, c in stale}.values())


@transaction.atomic
def regenerate(product: Product, at: Any = None) -> ProductVersion | None:
    """A new version of the publication ``product`` when a dataset its newest version read has
    a newer released version: the same frozen definition over the newer data, with a change
    note naming the datasets; None when nothing changed. The older versions are untouched."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    newest = product.versions.order_by("-number").first()
    changes = changes_for(newest, at) if newest is not None else []
    if newest is None or not changes:
        return None
    last = product.versions.aggregate(n=Max("number"))["n"] or 0
    note = _("Made again because newer data were released: %(changes)s.") % {
        "changes": "; ".join(c.note() for c in changes)
    }
    version = ProductVersion.objects.create(
        product=product, number=last + 1, spec=copy.deepcopy(newest.spec), change_note=note
    )
    version.sources.set(newest_sources(version.spec, at))
    record(
        "products.regenerated",
        actor=None,
        obj=version,
        actor_label="sistem",
        summary=f"Versi {version.number} publikasi {product.title} dibuat ulang: {note}",
    )
    _start_generation(version)
    return version


def regenerate_publications(at: Any = None) -> list[ProductVersion]:
    """Every stale publication made again (the periodic task, and by hand from the shell). A
    publication that cannot be (a dataset it reads was withdrawn meanwhile) is logged and left
    for the Walidata; the others go on."""
    made = []
    for product, _changes in stale_publications(at):
        try:
            version = regenerate(product, at)
        except ProductError as error:
            logger.warning("Publication %s not made again: %s", product.slug, error.message)
            continue
        if version is not None:
            made.append(version)
    return made


def _start_generation(version: ProductVersion) -> None:
    """The version's files made on the worker (stored by digest, then the release's draft), on
    commit. Imported here: the generation module reaches this one through its kind hooks."""
    from satudata.products.generation import start_generation

    start_generation(version)


# --- Rendering --------------------------------------------------------------------------------


@dataclass
class Figure:
    """A bound table or chart as it is printed: number ("2.3"), caption, its content."""

    kind: str
    number: str
    item: dict[str, Any]
    cube: Cube
    typst: str = ""  # a table's markup
    svg_name: str = ""  # a chart's file beside main.typ
    png: bytes = b""


@dataclass
class Chapter:
    number: int
    title: str
    title_en: str
    blocks: list[Block]
    figures: list[Figure] = field(default_factory=list)


def _tables() -> Any:
    from satudata.products import tables  # B's table builder (products/tables.py)

    return tables


def _charts() -> Any:
    from satudata.products import charts  # D's charts (products/charts.py)

    return charts


def _table_markup(cube: Cube, lang: str) -> str:
    from satudata.products.formats.typst_table import table_markup  # B's renderer

    return str(table_markup(cube, lang=lang))


def _cube(item: dict[str, Any], sources: dict[str, DatasetVersion]) -> Cube:
    missing = [slug for slug in item["datasets"] if slug not in sources]
    if missing or not item["datasets"]:
        raise ProductError(
            _("%(title)s reads data this version is not bound to.") % {"title": item["title"]},
            "chapters",
        )
    cube: Cube = _tables().build_cube([sources[s] for s in item["datasets"]], item["table"])
    return cube


def _figure(
    item: dict[str, Any],
    number: str,
    sources: dict[str, DatasetVersion],
    folder: Path,
    english: bool,
) -> Figure:
    cube = _cube(item, sources)
    figure = Figure(kind=item["kind"], number=number, item=item, cube=cube)
    if item["kind"] == ProductKind.CHART:
        charts = _charts()
        figure.svg_name = f"gambar-{number}.svg"
        svg = charts.render_svg(cube, item["chart"])
        (folder / figure.svg_name).write_text(svg, encoding="utf-8")
        figure.png = _png(svg)
    else:
        # B's markup is itself the numbered figure, captioned with the cube's title.
        caption = item["caption"]
        if english and item.get("caption_en"):
            caption = f"{caption} / {item['caption_en']}"
        figure.typst = _table_markup(dataclasses.replace(cube, title=caption), "id")
    return figure


def _png(svg: str) -> bytes:
    import vl_convert

    return bytes(vl_convert.svg_to_png(svg, scale=2))


def read_chapters(spec: dict[str, Any]) -> list[tuple[Chapter, list[str]]]:
    """The frozen chapters read (their Markdown parsed), with each one's warnings; no data."""
    read = []
    for number, chapter in enumerate(spec.get("chapters") or [], start=1):
        where = _("Chapter %(number)s") % {"number": number}
        text = read_markdown(chapter.get("text", ""), str(where))
        read.append(
            (
                Chapter(number, chapter["title"], chapter.get("title_en", ""), text.blocks),
                text.warnings,
            )
        )
    return read


def _chapters(
    version: ProductVersion, folder: Path, progress: Progress
) -> tuple[list[Chapter], list[str]]:
    sources = {s.dataset.slug: s for s in version.sources.select_related("dataset__agency")}
    frozen = version.spec.get("chapters") or []
    english = title_page(version.spec)["english"]
    chapters, warnings = [], []
    for (chapter, chapter_warnings), definition in zip(
        read_chapters(version.spec), frozen, strict=True
    ):
        progress(
            5 + 65 * (chapter.number - 1) // max(len(frozen), 1),
            _("Chapter %(number)s: %(title)s") % {"number": chapter.number, "title": chapter.title},
        )
        warnings.extend(chapter_warnings)
        counts = {ProductKind.TABLE: 0, ProductKind.CHART: 0}
        for item in definition["items"]:
            counts[item["kind"]] += 1
            number = f"{chapter.number}.{counts[item['kind']]}"
            chapter.figures.append(_figure(item, number, sources, folder, english))
        chapters.append(chapter)
    return chapters, warnings


def files_for(version: ProductVersion, progress: Progress) -> list[GeneratedFile]:
    """The "publikasi" kind's generator: the PDF and the DOCX of ``version``."""
    product = version.product
    # A publication is printed in Indonesian (with English labels where asked), whatever
    # language the worker runs in.
    with translation.override("id"), tempfile.TemporaryDirectory(prefix="publikasi-") as name:
        folder = Path(name)
        chapters, _warnings = _chapters(version, folder, progress)
        data = _document_data(version, chapters)
        progress(75, _("Typesetting the PDF"))
        pdf = render_pdf(data, chapters, folder)
        cover = render_cover(folder)
        progress(90, _("Writing the DOCX"))
        word = render_docx(data, chapters)
    base = f"{product.slug}-v{version.number}"
    progress(100, _("Done"))
    return [
        GeneratedFile("pdf", f"{base}.pdf", pdf, "application/pdf"),
        GeneratedFile("png", f"{base}-sampul.png", cover, "image/png"),
        GeneratedFile(
            "docx",
            f"{base}.docx",
            word,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ]


def _document_data(version: ProductVersion, chapters: list[Chapter]) -> dict[str, Any]:
    product = version.product
    page = title_page(version.spec)
    site = SiteProfile.current()
    publisher = page["publisher"] or site.walidata_name
    width, height, size = PAPERS[page["paper"]]
    page["size"] = page["size"] or size
    page["publisher"] = publisher
    label = str(page["sample_label"])
    return {
        "title": product.title,
        "title_en": product.title_en,
        "subtitle": page["subtitle"],
        "regency": site.regency_name,
        "publisher": publisher,
        "label": label,
        "label_note": _("the numbers in this publication are sample data, not official data.")
        if label
        else "",
        "english": page["english"],
        "font": settings.PUBLICATION_FONT,
        "page": {"width": width, "height": height},
        "labels": {key: list(pair) for key, pair in LABELS.items()},
        "title_page": [
            [key, page[key]] for key, _i, _e in TITLE_PAGE if page[key] or key == "pages"
        ],
        "pages_word": "halaman",
        "place_date": page["place_date"],
        "signatory": page["signatory"],
        "signatory_position": page["signatory_position"],
        "signatory_nip": page["signatory_nip"],
        "foreword": page["foreword"],
        "citation": _citation(product, version, publisher),
        "copyright": f"© {publisher}",
        "version": version.number,
        "logo": None,
        "items": {},
    }


def _citation(product: Product, version: ProductVersion, publisher: str) -> str:
    year = (version.published_at or version.created_at).year
    return _("Cite as: %(publisher)s (%(year)s). %(title)s, version %(version)s.") % {
        "publisher": publisher,
        "year": year,
        "title": product.title,
        "version": version.number,
    }


# --- PDF (Typst) --------------------------------------------------------------------------------


def _item_data(figure: Figure) -> dict[str, Any]:
    return {
        "caption": figure.item["caption"],
        "caption_en": figure.item.get("caption_en", ""),
        "source": figure.cube.source,
        "file": figure.svg_name,
        "alt": figure.item.get("alt") or figure.item["caption"],
    }


def _main_markup(data: dict[str, Any], chapters: list[Chapter]) -> str:
    foreword = typst_markup(read_markdown(data["foreword"], "foreword").blocks, 1)
    lines = [
        '#import "template.typ": *',
        '#let data = json("data.json")',
        "#show: publication.with(data)",
        "#cover(data)",
        "#title-page(data)",
        f"#front-matter(data)[\n{foreword}\n]",
        "#show: main-matter.with(data)",
    ]
    for index, chapter in enumerate(chapters):
        lines.append(f"#chapter(data, data.chapters.at({index}))\n")
        lines.append(typst_markup(chapter.blocks, 1))
        for figure in chapter.figures:
            key = f'data.items.at("{figure.number}-{figure.kind}")'
            if figure.kind == ProductKind.CHART:
                lines.append(f"#chart-figure(data, {key})\n")
            else:
                lines.append(f"#table-figure(data, {key})[\n{figure.typst}\n]\n")
    return "\n".join(lines)


def _template() -> Path:
    path = Path(settings.PUBLICATION_TEMPLATE)
    if not path.is_file():
        raise ProductError(
            _("The publication template %(path)s is missing on the server; tell the administrator.")
            % {"path": path.name}
        )
    return path


def render_pdf(data: dict[str, Any], chapters: list[Chapter], folder: Path) -> bytes:
    """The print PDF: ``PUBLICATION_TEMPLATE`` with ``data`` and the chapters' markup, compiled
    by Typst in ``folder`` (which holds the charts' SVG files). A template error or a font the
    server lacks is a ``ProductError`` with the reason."""
    shutil.copyfile(_template(), folder / "template.typ")
    logo = Path(settings.BASE_DIR) / "static" / "img" / "logo.svg"
    if logo.is_file():
        shutil.copyfile(logo, folder / "logo.svg")
        data = {**data, "logo": "logo.svg"}
    data = {
        **data,
        "chapters": [{"title": c.title, "title_en": c.title_en} for c in chapters],
        "items": {f"{f.number}-{f.kind}": _item_data(f) for c in chapters for f in c.figures},
    }
    (folder / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (folder / "main.typ").write_text(_main_markup(data, chapters), encoding="utf-8")
    return bytes(_compile(folder / "main.typ"))


def render_cover(folder: Path) -> bytes:
    """The cover alone as a small PNG (the product page's thumbnail), from the files
    ``render_pdf`` left in ``folder``: a document of one page, so it costs little."""
    (folder / "cover.typ").write_text(
        '#import "template.typ": *\n#let data = json("data.json")\n'
        "#show: publication.with(data)\n#cover(data)\n",
        encoding="utf-8",
    )
    pages = _compile(folder / "cover.typ", format="png", ppi=36)
    return bytes(pages[0] if isinstance(pages, list) else pages)


def _compile(main: Path, **options: Any) -> Any:
    try:
        result, warnings = typst.compile_with_warnings(
            str(main),
            root=str(main.parent),
            font_paths=list(settings.PUBLICATION_FONT_PATHS),
            **options,
        )
    except typst.TypstError as error:
        raise ProductError(
            _("The publication could not be typeset (template or text error): %(error)s")
            % {"error": str(error)[:300]}
        ) from error
    fonts = [str(w) for w in warnings if "unknown font family" in str(w)]
    if fonts:
        raise ProductError(
            _(
                "A font the publication needs is not installed on the server (%(fonts)s); "
                "tell the administrator."
            )
            % {"fonts": "; ".join(fonts)[:200]}
        )
    return result


# --- DOCX (python-docx) -------------------------------------------------------------------------


def _label(data: dict[str, Any], key: str) -> str:
    label_id, label_en = LABELS[key]
    return f"{label_id} / {label_en}" if data["english"] and label_en else label_id


def _page_number_field(paragraph: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field_element = OxmlElement("w:fldSimple")
    field_element.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field_element)


def _toc_field(paragraph: Any) -> None:
    """Word's table of contents field: filled in by Word when the document is opened and the
    fields updated (python-docx cannot lay out pages)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field_element = OxmlElement("w:fldSimple")
    field_element.set(qn("w:instr"), 'TOC \\o "1-2" \\h \\z \\u')
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = _("(Right-click and choose Update Field to build the table of contents.)")
    run.append(text)
    field_element.append(run)
    paragraph._p.append(field_element)


def _docx_front(document: Any, data: dict[str, Any]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document.add_heading(data["title"], level=0)
    if data["english"] and data["title_en"]:
        document.add_paragraph().add_run(data["title_en"]).italic = True
    if data["label"]:
        document.add_paragraph().add_run(data["label"]).bold = True
    document.add_paragraph(f"{data['publisher']}\n{data['regency']}")
    document.add_page_break()
    rows = [(key, value) for key, value in data["title_page"] if key != "pages"]
    table = document.add_table(rows=0, cols=2)
    for key, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = _label(data, key), str(value)
    document.add_paragraph(data["citation"])
    document.add_page_break()
    document.add_heading(_label(data, "foreword"), level=1)
    add_to_docx(document, read_markdown(data["foreword"], "foreword").blocks, 1)
    closing = document.add_paragraph(
        "\n".join(
            line
            for line in (data["place_date"], data["signatory_position"], "\n\n", data["signatory"])
            if line
        )
    )
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_page_break()
    document.add_heading(_label(data, "contents"), level=1)
    _toc_field(document.add_paragraph())


def _docx_lists(document: Any, data: dict[str, Any], chapters: list[Chapter]) -> None:
    for kind, key, word in (
        (ProductKind.TABLE, "tables", "table"),
        (ProductKind.CHART, "figures", "figure"),
    ):
        document.add_heading(_label(data, key), level=1)
        for chapter in chapters:
            for figure in chapter.figures:
                if figure.kind == kind:
                    document.add_paragraph(
                        f"{LABELS[word][0]} {figure.number} {figure.item['caption']}"
                    )
        document.add_page_break()


def _docx_table(document: Any, figure: Figure) -> None:
    """The table in Word: heading levels as header rows (a category spanning its columns),
    then a row per stub combination. Cells are taken row by row: python-docx's ``table.cell``
    walks the whole table on every call."""
    from satudata.products.formats.common import grid, number_text  # B's grid of a cube

    cube = figure.cube
    shape = grid(cube)
    depth = max(len(shape.heading), 1)
    table = document.add_table(rows=0, cols=len(shape.stub) + len(shape.columns))
    table.style = "Table Grid"
    levels = shape.spans() or [[]]
    for level, spans in enumerate(levels):
        cells = table.add_row().cells
        if level == depth - 1:
            for i, dimension in enumerate(shape.stub):
                cells[i].text = dimension.label
        column = len(shape.stub)
        for category, span in spans:
            target = cells[column]
            if span > 1:
                target = target.merge(cells[column + span - 1])
            target.text = category.label
            column += span
    stub = len(shape.stub)
    for r, row in enumerate(shape.rows):
        cells = table.add_row().cells
        for i, category in enumerate(row):
            cells[i].text = category.label
        for c in range(len(shape.columns)):
            position = shape.position(r, c)
            cells[stub + c].text = number_text(
                cube.values[position], cube.decimals, cube.status.get(position, "")
            )


def _caption(document: Any, data: dict[str, Any], figure: Figure, word: str) -> None:
    paragraph = document.add_paragraph(style="Caption")
    paragraph.add_run(f"{_label(data, word)} {figure.number} ").bold = True
    paragraph.add_run(figure.item["caption"])
    if data["english"] and figure.item.get("caption_en"):
        paragraph.add_run("\n" + figure.item["caption_en"]).italic = True


def _docx_figure(document: Any, data: dict[str, Any], figure: Figure) -> None:
    from docx.shared import Cm

    if figure.kind == ProductKind.CHART:
        document.add_picture(io.BytesIO(figure.png), width=Cm(15))
        _caption(document, data, figure, "figure")
    else:
        _caption(document, data, figure, "table")
        _docx_table(document, figure)
    if figure.kind == ProductKind.TABLE and figure.cube.source:  # a chart prints its own
        document.add_paragraph(f"{_label(data, 'source')}: {figure.cube.source}")


def render_docx(data: dict[str, Any], chapters: list[Chapter]) -> bytes:
    """The editable Word document: title page, foreword, contents, lists of tables and figures,
    chapters with numbered tables and figures (PNG), running header and page numbers."""
    document = docx.Document()
    document.core_properties.title = data["title"]
    document.core_properties.author = data["publisher"]
    section = document.sections[0]
    section.header.paragraphs[0].text = data["title"]
    _page_number_field(section.footer.paragraphs[0])
    _docx_front(document, data)
    _docx_lists(document, data, chapters)
    for chapter in chapters:
        document.add_heading(f"{chapter.number}. {chapter.title}", level=1)
        if data["english"] and chapter.title_en:
            document.add_paragraph().add_run(chapter.title_en).italic = True
        add_to_docx(document, chapter.blocks, 1)
        for figure in chapter.figures:
            _docx_figure(document, data, figure)
        document.add_page_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- What a version's page shows ----------------------------------------------------------------


def outline(version: ProductVersion) -> dict[str, Any]:
    """A version's table of contents (chapters with their tables and figures, numbered as
    printed) and the warnings of its generation (text dropped from the Markdown), read from
    its frozen definition alone."""
    chapters = []
    warnings: list[str] = []
    for (chapter, chapter_warnings), definition in zip(
        read_chapters(version.spec), version.spec.get("chapters") or [], strict=True
    ):
        counts = {ProductKind.TABLE.value: 0, ProductKind.CHART.value: 0}
        items = []
        for item in definition["items"]:
            counts[item["kind"]] += 1
            word = LABELS["table" if item["kind"] == ProductKind.TABLE else "figure"][0]
            items.append(f"{word} {chapter.number}.{counts[item['kind']]} {item['caption']}")
        chapters.append({"number": chapter.number, "title": chapter.title, "items": items})
        warnings.extend(chapter_warnings)
    return {"chapters": chapters, "warnings": warnings}


def bindable(user: Any) -> Any:
    """Table and chart products a publication may bind, as the one gate lets ``user`` see."""
    visible = ProductVersion.objects.visible_to(user).values("product_id")
    return (
        Product.objects.filter(kind__in=BOUND_KINDS)
        .filter(Q(pk__in=visible) | Q(versions__isnull=True))
        .distinct()
    )

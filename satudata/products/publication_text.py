"""A publication's Markdown (chapter text, foreword), read once and written three ways: safe
HTML for the editor's preview and the product page, Typst markup for the PDF, paragraphs of a
Word document for the DOCX.

Nothing from outside is ever fetched: images come only from bound charts, so a Markdown image,
or a link to an image on the web, is dropped with a warning for the version's report. Raw HTML
never survives: the parser recognises it only to drop it (a ``<script>`` or a ``<b>`` typed
into the text would otherwise print as tags), and the HTML that is produced goes through nh3's
allow-list all the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import nh3
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.token import Token

from satudata.catalog.letters import typst_text

# Tags and attributes the HTML of a chapter may keep (what the Markdown here can make).
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}}
IMAGE_LINK = re.compile(r"\.(png|jpe?g|gif|svg|webp|bmp|tiff?|avif)([?#].*)?$", re.IGNORECASE)
WEB = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    """A run of text with its emphasis, or a link."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str = ""


@dataclass
class Block:
    """A heading (``level`` 1 is the Markdown "#"), paragraph, list item ("bullet",
    "number"; ``level`` its nesting), quote or code block."""

    kind: str
    spans: list[Span] = field(default_factory=list)
    level: int = 0


@dataclass
class Text:
    """Markdown read: its blocks, its safe HTML and what was dropped from it."""

    blocks: list[Block]
    html: str
    warnings: list[str]


def _parser() -> MarkdownIt:
    # CommonMark with raw HTML *recognised* (html=True) so that it can be dropped, never
    # rendered; links are not made from bare addresses.
    return MarkdownIt("commonmark", {"html": True})


def _drop_image(src: str, where: str, warnings: list[str]) -> None:
    if WEB.match(src):
        warnings.append(
            _("%(where)s: the image from outside (%(src)s) was dropped; nothing is fetched.")
            % {"where": where, "src": src[:120]}
        )
    else:
        warnings.append(
            _("%(where)s: the image %(src)s was dropped; images come only from bound charts.")
            % {"where": where, "src": src[:120]}
        )


def _clean_inline(children: list[Token], where: str, warnings: list[str]) -> list[Token]:
    kept: list[Token] = []
    skipping_link = False
    for child in children:
        if child.type == "html_inline":
            warnings.append(_("%(where)s: HTML in the text was dropped.") % {"where": where})
        elif child.type == "image":
            _drop_image(str(child.attrs.get("src", "")), where, warnings)
        elif child.type == "link_open" and IMAGE_LINK.search(str(child.attrs.get("href", ""))):
            _drop_image(str(child.attrs.get("href", "")), where, warnings)
            skipping_link = True  # the link goes, its words stay
        elif child.type == "link_close" and skipping_link:
            skipping_link = False
        else:
            kept.append(child)
    return kept


def _clean(tokens: list[Token], where: str, warnings: list[str]) -> list[Token]:
    kept = []
    for token in tokens:
        if token.type == "html_block":
            warnings.append(_("%(where)s: an HTML block was dropped.") % {"where": where})
            continue
        if token.type == "inline" and token.children is not None:
            token.children = _clean_inline(token.children, where, warnings)
        kept.append(token)
    return kept


def _spans(children: list[Token]) -> list[Span]:
    spans: list[Span] = []
    bold = italic = 0
    href = ""
    for child in children:
        if child.type in ("strong_open", "strong_close"):
            bold += 1 if child.nesting == 1 else -1
        elif child.type in ("em_open", "em_close"):
            italic += 1 if child.nesting == 1 else -1
        elif child.type == "link_open":
            href = str(child.attrs.get("href", ""))
        elif child.type == "link_close":
            href = ""
        elif child.type in ("text", "code_inline"):
            spans.append(
                Span(
                    child.content,
                    bold=bold > 0,
                    italic=italic > 0,
                    code=child.type == "code_inline",
                    href=href,
                )
            )
        elif child.type == "softbreak":
            spans.append(Span(" "))
        elif child.type == "hardbreak":
            spans.append(Span("\n"))
    return spans


def _blocks(tokens: list[Token]) -> list[Block]:
    blocks: list[Block] = []
    lists: list[str] = []
    quoted = 0
    pending: Block | None = None
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append("bullet" if token.type == "bullet_list_open" else "number")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type in ("blockquote_open", "blockquote_close"):
            quoted += token.nesting
        elif token.type == "heading_open":
            pending = Block("heading", level=int(token.tag[1]))
        elif token.type == "paragraph_open" and pending is None:
            if lists:
                pending = Block(lists[-1], level=len(lists))
            else:
                pending = Block("quote" if quoted else "paragraph")
        elif token.type == "inline" and pending is not None:
            pending.spans = _spans(token.children or [])
            blocks.append(pending)
            pending = None
        elif token.type in ("fence", "code_block"):
            blocks.append(Block("code", [Span(token.content.rstrip("\n"))]))
    return blocks


def read_markdown(markdown: str, where: str) -> Text:
    """``markdown`` read for a publication; ``where`` names it in the warnings ("Bab 2")."""
    parser = _parser()
    warnings: list[str] = []
    tokens = _clean(parser.parse(markdown or ""), where, warnings)
    html = parser.renderer.render(tokens, parser.options, {})
    # A Markdown "#" is a section inside a chapter: one level below the chapter's own heading.
    html = re.sub(r"<(/?)h([1-5])>", lambda m: f"<{m[1]}h{int(m[2]) + 1}>", html)
    safe = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Text(blocks=_blocks(tokens), html=safe, warnings=warnings)


# --- Typst --------------------------------------------------------------------------------------


def _typst_span(span: Span) -> str:
    if span.text == "\n":
        return " \\\n"
    text = f"#raw({_typst_string(span.text)})" if span.code else typst_text(span.text)
    if span.bold:
        text = f"#strong[{text}]"
    if span.italic:
        text = f"#emph[{text}]"
    if span.href and not span.code:
        text = f"#link({_typst_string(span.href)})[{text}]"
    return text


def _typst_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def typst_markup(blocks: list[Block], heading_offset: int = 1) -> str:
    """Typst markup of ``blocks``; Markdown headings go ``heading_offset`` levels down."""
    out = []
    for block in blocks:
        line = "".join(_typst_span(s) for s in block.spans).strip()
        if block.kind == "heading":
            level = min(block.level + heading_offset, 6)
            out.append(f"#heading(level: {level})[{line}]")
        elif block.kind in ("bullet", "number"):
            mark = "-" if block.kind == "bullet" else "+"
            out.append("  " * (block.level - 1) + f"{mark} {line}")
        elif block.kind == "quote":
            out.append(f"#quote(block: true)[{line}]")
        elif block.kind == "code":
            out.append(f"#raw(block: true, {_typst_string(block.spans[0].text)})")
        else:
            out.append(line)
        out.append("")
    return "\n".join(out)


# --- Word ---------------------------------------------------------------------------------------


def add_to_docx(document: Any, blocks: list[Block], heading_offset: int = 1) -> None:
    """Paragraphs of ``blocks`` appended to a python-docx ``document``."""
    for block in blocks:
        if block.kind == "heading":
            paragraph = document.add_heading(level=min(block.level + heading_offset, 9))
        elif block.kind in ("bullet", "number"):
            style = "List Bullet" if block.kind == "bullet" else "List Number"
            paragraph = document.add_paragraph(
                style=style if block.level == 1 else f"{style} {min(block.level, 3)}"
            )
        elif block.kind == "quote":
            paragraph = document.add_paragraph(style="Quote")
        else:
            paragraph = document.add_paragraph()
        for span in block.spans:
            run = paragraph.add_run(span.text if span.text != "\n" else "")
            if span.text == "\n":
                run.add_break()
            run.bold = span.bold or None
            run.italic = span.italic or None
            if span.code:
                run.font.name = "Courier New"
            if span.href and not span.code:
                paragraph.add_run(f" ({span.href})")

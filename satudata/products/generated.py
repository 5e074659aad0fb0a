"""What a product kind's generator returns: its files, before they are stored by digest."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GeneratedFile:
    """One generated file: ``format`` is the short name shown to users ("xlsx", "json-stat",
    "sdmx-csv", "pdf", "png", "svg", "docx", "csv", "html"), ``name`` the download's file name,
    ``content`` the bytes or a local path to read them from."""

    format: str
    name: str
    content: bytes | Path
    media_type: str = "application/octet-stream"

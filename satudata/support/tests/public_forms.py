"""What the public help-desk tests share: a solved proof of work fetched the way the browser
fetches it, a filled-in ask form, and real files to attach."""

from __future__ import annotations

import hashlib
import io
import itertools
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfWriter

ASK_URL = "/bantuan/tanya/"


def _leading_zeros(challenge: str, nonce: str, difficulty: int) -> bool:
    """Whether sha256(challenge + nonce), read as a 256-bit number, starts with ``difficulty``
    zero bits: the rule of ``pow.py`` and ``static/support/pow.js``, written here on its own so
    a slip in ``pow.leading_zero_bits`` cannot hide behind the test's own use of it."""
    digest = hashlib.sha256((challenge + nonce).encode()).digest()
    return int.from_bytes(digest, "big") >> (256 - difficulty) == 0 if difficulty else True


def solve(challenge: str, difficulty: int) -> str:
    """The first decimal nonce that solves the challenge, found as the browser finds it."""
    for n in itertools.count():
        if _leading_zeros(challenge, str(n), difficulty):
            return str(n)
    raise AssertionError("unreachable")


def unsolved_nonce(challenge: str, difficulty: int) -> str:
    """A nonce that does not solve the challenge."""
    for n in itertools.count():
        if not _leading_zeros(challenge, str(n), difficulty):
            return str(n)
    raise AssertionError("unreachable")


def solved_pow(client: Client) -> dict[str, str]:
    """A fresh challenge from ``support:challenge``, solved: the form's two hidden fields."""
    issued = client.get(reverse("support:challenge")).json()
    return {
        "pow_challenge": issued["challenge"],
        "pow_nonce": solve(issued["challenge"], int(issued["bits"])),
    }


def ask_data(client: Client, **fields: Any) -> dict[str, Any]:
    """A complete, valid ask form with a freshly solved challenge; ``fields`` override."""
    data: dict[str, Any] = {
        "subject": "Jumlah posyandu per desa",
        "category": "konsultasi",
        "message": "Mohon data jumlah posyandu per desa tahun 2024.",
        "requester_name": "Sulastri Wibowo",
        "requester_email": "sulastri@example.org",
        "requester_phone": "0812 3456 7890",
        "institution_type": "akademisi",
        "institution_name": "Universitas Muhammadiyah Pringsewu",
        "purpose": "",
        "requested_format": "",
        "delivery": "email",
        "website": "",
        "search_query": "posyandu",
        "search_results": "0",
        **solved_pow(client),
    }
    data.update(fields)
    return data


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def real_pdf() -> bytes:
    """A one-page PDF written by pypdf."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def real_xlsx() -> bytes:
    """A small workbook written by XlsxWriter (the project's own workbook library)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["Desa", "Posyandu"])
    sheet.write_row(1, 0, ["Pringsewu Barat", 4])
    sheet.write_row(2, 0, ["Fajar Agung", 3])
    book.close()
    return out.getvalue()

"""A real Chromium, driven by Playwright, against the live server: log-in, the SOP page, and
axe-core's accessibility checks on the pages the public sees first."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from satudata.core.testing import PASSWORD, Personas, load_reference_data, make_personas

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("Chromium is required in CI: .ci/run installs Debian's chromium package.")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="install Debian's chromium to run browser tests"),
]

BLOCKING_IMPACT = {"serious", "critical"}


@pytest.fixture
def live_personas(transactional_db: None) -> Personas:
    load_reference_data()
    return make_personas()


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls in these tests
    # are plain synchronous set-up, so Django's async guard is lifted for them (only them).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
        yield context.new_page()
        context.close()
        browser.close()


def test_a_walidata_staff_member_logs_in_and_reads_the_sop(
    live_server: Any, live_personas: Personas, page: Any
) -> None:
    page.goto(f"{live_server.url}/masuk/")
    page.get_by_label("Nama pengguna").fill(live_personas.walidata.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("link", name="Tugas").is_visible()

    page.get_by_role("link", name="SOP", exact=True).click()
    page.wait_for_url(f"{live_server.url}/sop/")
    assert page.get_by_role("heading", level=1).inner_text() == "SOP Penyebarluasan Data"
    rows = page.locator("table.sop-table tbody tr")
    assert rows.count() == 6
    assert "Manajemen rilis produk diseminasi" in rows.nth(2).inner_text()
    assert "1 minggu" in rows.nth(2).inner_text()


def test_a_wrong_password_is_explained_and_the_keyboard_reaches_the_form(
    live_server: Any, live_personas: Personas, page: Any
) -> None:
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Langsung ke isi"
    page.goto(f"{live_server.url}/masuk/")
    # The user-name field has focus on arrival: typing goes straight into it.
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.get_by_label("Nama pengguna").fill(live_personas.walidata.username)
    page.get_by_label("Kata sandi").fill("bukan-sandinya")
    page.keyboard.press("Enter")
    assert page.get_by_role("alert").inner_text().startswith("Nama pengguna atau kata sandi salah")


@pytest.mark.parametrize("path", ["/", "/masuk/", "/sop/", "/daftar-data/2026/", "/metadata/"])
def test_axe_finds_no_serious_accessibility_violation(
    live_server: Any, live_personas: Personas, page: Any, path: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from satudata.catalog.models import DataItem, DataList, DataListStatus

    data_list = DataList.objects.create(year=2026, status=DataListStatus.APPROVED)
    DataItem.objects.create(
        data_list=data_list,
        number=1,
        agency=live_personas.agency,
        name="Jumlah Puskesmas",
        frequency="tahunan",
    )
    page.goto(f"{live_server.url}{path}")
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACT]
    assert blocking == [], results.generate_snapshot()
    # axe must really have run: it reports the rules it checked.
    assert results.response["testEngine"]["name"] == "axe-core"


def test_a_walidata_imports_a_daftar_data_sheet_and_the_kepala_bidang_approves_it(
    live_server: Any, live_personas: Personas, page: Any, tmp_path: Any
) -> None:
    from satudata.catalog.tests.test_daftar import GOOD_ROWS, _sheet

    sheet = tmp_path / "daftar-data-2026.xlsx"
    sheet.write_bytes(_sheet(GOOD_ROWS))
    _log_in(page, live_server.url, live_personas.walidata.username)
    page.goto(f"{live_server.url}/daftar-data/impor/")
    page.get_by_label("Tahun").fill("2026")
    page.get_by_label("Berkas").set_input_files(str(sheet))
    page.get_by_role("button", name="Periksa berkas").click()
    assert "3 item dapat disimpan" in page.locator("main").inner_text()
    page.get_by_role("button", name="Simpan 3 item").click()
    page.wait_for_url(f"{live_server.url}/daftar-data/2026/")
    assert page.get_by_role("cell", name="Jumlah Puskesmas").is_visible()

    page.get_by_role("button", name="Keluar").click()
    _log_in(page, live_server.url, live_personas.kepala_bidang.username)
    page.goto(f"{live_server.url}/daftar-data/2026/")
    page.get_by_role("button", name="Setujui dan bekukan daftar ini").click()
    assert "disetujui dan dibekukan" in page.get_by_role("status").inner_text()


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/")


def test_the_layout_fits_a_phone_screen(
    live_server: Any, live_personas: Personas, page: Any
) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/sop/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def _messy_workbook() -> bytes:
    """An agency's sheet as it arrives: a title, a two-row merged header, numbers written as
    Indonesian text, a total row and a source line (data contoh)."""
    import io

    import xlsxwriter  # type: ignore[import-untyped]

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Puskesmas")
    sheet.merge_range(0, 0, 0, 3, "Jumlah Puskesmas menurut Kecamatan, 2026 (data contoh)")
    sheet.merge_range(2, 0, 3, 0, "Wilayah")
    sheet.merge_range(2, 1, 3, 1, "Thn")
    sheet.merge_range(2, 2, 2, 3, "Puskesmas")
    sheet.write_row(3, 2, ["Jenis", "Banyaknya"])
    rows = [
        ["18.10.01", 2026, "Rawat Inap", "2"],
        ["18.10.02", 2026, "Non Rawat Inap", "1.003"],
        ["18.10.03", 2026, "Rawat Inap", "-"],
    ]
    for offset, row in enumerate(rows, start=4):
        sheet.write_row(offset, 0, row)
    sheet.write_row(7, 0, ["Jumlah", "", "", "1.005"])
    sheet.write(8, 0, "Sumber: Dinas Kesehatan (data contoh)")
    book.close()
    return buffer.getvalue()


def test_a_producer_fixes_a_column_mapping_and_the_walidata_sees_the_item_synchronised(
    live_server: Any, live_personas: Personas, page: Any, tmp_path: Any
) -> None:
    from satudata.catalog.models import CodeValue, DataItem, DataList, DataType, Variable

    agency = live_personas.agency
    item = DataItem.objects.create(
        data_list=DataList.objects.create(year=2026),
        number=1,
        agency=agency,
        name="Jumlah Puskesmas",
        frequency="tahunan",
    )
    region = Variable.objects.create(agency=agency, name="Kode Wilayah", data_type=DataType.REGION)
    year = Variable.objects.create(agency=agency, name="Tahun", data_type=DataType.YEAR)
    kind = Variable.objects.create(agency=agency, name="Jenis Fasilitas", data_type="category")
    CodeValue.objects.create(variable=kind, code="1", label="Rawat Inap")
    CodeValue.objects.create(variable=kind, code="2", label="Non Rawat Inap")
    count = Variable.objects.create(agency=agency, name="Jumlah", data_type=DataType.INTEGER)
    workbook = tmp_path / "puskesmas-2026.xlsx"
    workbook.write_bytes(_messy_workbook())

    _log_in(page, live_server.url, live_personas.producer.username)
    page.goto(f"{live_server.url}/item-data/{item.pk}/unggah/")
    page.get_by_label("Berkas").set_input_files(str(workbook))
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.wait_for_url(f"{live_server.url}/unggahan/*/")
    main = page.locator("main")
    assert "Tidak sinkron" in main.inner_text()
    assert "tidak cocok dengan variabel" in main.inner_text()
    # What the reader understood is shown before anything is stored.
    assert "judul" in main.inner_text()
    assert "baris jumlah" in main.inner_text()

    page.get_by_label("Wilayah", exact=True).select_option(str(region.pk))
    page.get_by_label("Thn", exact=True).select_option(str(year.pk))
    page.get_by_label("Puskesmas - Jenis", exact=True).select_option(str(kind.pk))
    page.get_by_label("Puskesmas - Banyaknya", exact=True).select_option(str(count.pk))
    page.get_by_role("button", name="Periksa ulang dengan pemetaan ini").click()
    page.wait_for_load_state()
    assert "Sinkron" in page.locator("dd[data-result]").inner_text()
    assert "versi 1, 3 baris" in page.locator("main").inner_text()

    page.get_by_role("button", name="Keluar").click()
    _log_in(page, live_server.url, live_personas.walidata.username)
    page.goto(f"{live_server.url}/daftar-data/2026/")
    row = page.get_by_role("row").filter(has_text="Jumlah Puskesmas")
    assert "Sinkron" in row.inner_text()
    assert "Tidak sinkron" not in row.inner_text()


def test_a_producer_writes_an_ms_keg_whose_questions_follow_the_answers_and_bps_approves_it(
    live_server: Any, live_personas: Personas, page: Any
) -> None:
    from satudata.catalog.demo import sample_activity
    from satudata.catalog.metadata.services import save_activity

    _log_in(page, live_server.url, live_personas.producer.username)
    page.goto(f"{live_server.url}/metadata/kegiatan/baru/")
    sample = page.get_by_role("group", name="Blok V. Desain sampel")
    frequency = page.get_by_label("4.2 Frekuensi penyelenggaraan")
    assert not sample.is_visible()  # only for surveys
    assert not frequency.is_visible()  # only for repeated activities
    page.get_by_label("Cara pengumpulan data").select_option("SURVEI")
    assert sample.is_visible()
    page.get_by_label("4.1 Kegiatan ini dilakukan").select_option("BERULANG")
    assert frequency.is_visible()
    page.get_by_label("Judul kegiatan").fill("Survei Kepuasan Layanan Kesehatan 2025")
    page.get_by_label("Tahun", exact=True).fill("2025")
    page.get_by_role("button", name="Tambah baris").last.click()  # 3.4 variables: a 2nd row
    page.locator('[name="blok_iii.variabel_yang_dikumpulkan.1.nama"]').fill("Umur")
    page.locator('[name="blok_iii.variabel_yang_dikumpulkan.2.nama"]').fill("Jenis Kelamin")
    page.get_by_role("button", name="Simpan draf").click()
    assert "Disimpan sebagai draf" in page.get_by_role("status").inner_text()
    text = page.locator("main").inner_text()
    assert "Jenis Kelamin" in text
    assert "Sebelum dapat diajukan" in text  # a draft may be incomplete; the page says what is

    # A complete compilation, submitted; the Pembina Data approves it in the browser.
    from satudata.catalog.metadata.services import submit_for_review

    activity = save_activity(
        actor=live_personas.producer,
        agency=live_personas.agency,
        answers=sample_activity("Kompilasi Fasilitas 2025", 2025, "Dinas Kesehatan"),
    )
    submit_for_review(actor=live_personas.producer, obj=activity)
    page.get_by_role("button", name="Keluar").click()
    _log_in(page, live_server.url, live_personas.pembina.username)
    page.goto(f"{live_server.url}/metadata/")
    page.get_by_role("link", name="Tampilkan").click()
    page.get_by_role("link", name="Kompilasi Fasilitas 2025").click()
    page.get_by_label("Setujui").check()
    page.get_by_role("button", name="Catat keputusan").click()
    assert "Keputusan Anda tercatat" in page.get_by_role("status").inner_text()
    assert "Disetujui Pembina Data" in page.locator("main").inner_text()


def _portal_datasets(personas: Personas) -> None:
    """Two published tables of different agencies and sectors (data contoh)."""
    from satudata.catalog.testing import table_dataset

    columns = [("Kecamatan", "text"), ("Jenis", "text"), ("Jumlah", "int")]
    table_dataset(
        actor=personas.walidata,
        agency=personas.agency,
        name="Jumlah Puskesmas menurut Kecamatan",
        columns=columns,
        rows=[
            ["Pringsewu", "Rawat Inap", 2],
            ["Gadingrejo", "Rawat Inap", 3],
            ["Gadingrejo", "Non Rawat Inap", 1],
            ["Pagelaran", "Non Rawat Inap", 4],
        ],
        publisher=personas.kepala_bidang,
        sector="KESEHATAN",
        tags=["puskesmas"],
        description="Puskesmas di setiap kecamatan (data contoh).",
    )
    table_dataset(
        actor=personas.walidata,
        agency=personas.other_agency,
        name="Jumlah Sekolah menurut Kecamatan",
        columns=columns,
        rows=[["Pringsewu", "SD", 30], ["Gadingrejo", "SMP", 12]],
        publisher=personas.kepala_bidang,
        sector="PENDIDIKAN_DAN_PELATIHAN",
        tags=["sekolah"],
        description="Sekolah di setiap kecamatan (data contoh).",
    )


def test_a_visitor_searches_narrows_opens_filters_and_downloads(
    live_server: Any, live_personas: Personas, page: Any
) -> None:
    import csv
    import io
    import re

    _portal_datasets(live_personas)
    refused = _refused_by_policy(page)
    page.goto(f"{live_server.url}/")
    page.get_by_role("search").get_by_role("searchbox").first.fill("jumlah")
    page.keyboard.press("Enter")
    page.wait_for_url("**/dataset/?*")
    assert page.locator(".result-count").inner_text() == "2 dataset ditemukan"

    # Narrow by the sector facet: only the health table is left.
    page.locator('a[data-facet="sector"]', has_text="Kesehatan").click()
    page.wait_for_url("**sector=KESEHATAN*")
    assert page.locator(".result-count").inner_text() == "1 dataset ditemukan"
    page.get_by_role("link", name="Jumlah Puskesmas menurut Kecamatan").first.click()
    page.wait_for_url("**/dataset/jumlah-puskesmas-menurut-kecamatan-2025/")

    # The preview is filled by the server's rows; filtering asks the server again.
    from playwright.sync_api import expect

    rows = page.locator("#preview-table tbody tr")
    expect(rows).to_have_count(4)
    # The quick chart (Vega-Lite, drawn as SVG) has a bar per kecamatan, largest first.
    bars = page.locator("#chart-view svg .mark-rect path")
    expect(bars).to_have_count(3)
    expect(bars.first).to_have_attribute("aria-label", re.compile("Gadingrejo"))
    page.get_by_label("Jenis").fill("Non Rawat Inap")
    page.get_by_role("button", name="Saring").click()
    expect(rows).to_have_count(2)
    assert "Pagelaran" in page.locator("#preview-table tbody").inner_text()
    assert "Pringsewu" not in page.locator("#preview-table tbody").inner_text()
    # The chart follows the filter: Pagelaran's 4 before Gadingrejo's 1, Pringsewu gone.
    expect(bars).to_have_count(2)
    expect(bars.first).to_have_attribute("aria-label", re.compile("Pagelaran"))
    # Another grouping and function redraw it; its picture can be saved.
    page.get_by_label("Menurut", exact=True).select_option("jenis")
    expect(bars).to_have_count(1)
    with page.expect_download() as picture:
        page.get_by_role("button", name="Simpan sebagai SVG").click()
    assert Path(picture.value.path()).read_text(encoding="utf-8").startswith("<svg")
    page.get_by_label("Menurut", exact=True).select_option("kecamatan")

    # The CSV download follows the filter.
    with page.expect_download() as download_info:
        page.locator('a[data-format="csv"]').click()
    body = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    table = list(csv.DictReader(io.StringIO(body)))
    assert [row["jenis"] for row in table] == ["Non Rawat Inap", "Non Rawat Inap"]
    assert sorted(row["kecamatan"] for row in table) == ["Gadingrejo", "Pagelaran"]
    assert refused == []  # Vega runs with its interpreter, under the site's content policy


def _refused_by_policy(page: Any) -> list[str]:
    """The console's Content-Security-Policy refusals on ``page``, as they come."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


@pytest.mark.parametrize(
    "path", ["/", "/dataset/?q=jumlah", "/dataset/jumlah-puskesmas-menurut-kecamatan-2025/"]
)
def test_axe_finds_no_serious_violation_on_the_portal(
    live_server: Any, live_personas: Personas, page: Any, path: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    _portal_datasets(live_personas)
    page.goto(f"{live_server.url}{path}")
    if "/dataset/jumlah" in path:  # the preview has rows before the check
        from playwright.sync_api import expect

        expect(page.locator("#preview-table tbody tr")).to_have_count(4)
        expect(page.locator("#chart-view svg .mark-rect path")).to_have_count(3)
    else:
        assert "Jumlah Puskesmas" in page.locator("main").inner_text()
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACT]
    assert blocking == [], results.generate_snapshot()
    assert results.response["testEngine"]["name"] == "axe-core"


def test_the_api_documentation_works_under_the_site_s_content_policy(
    live_server: Any, live_personas: Personas, page: Any
) -> None:
    from playwright.sync_api import expect

    refused = _refused_by_policy(page)
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Satu Data")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert refused == []


def test_a_release_is_submitted_approved_scheduled_and_appears_at_its_time(
    live_server: Any, live_personas: Personas, page: Any
) -> None:
    from datetime import timedelta

    import time_machine
    from django.utils import timezone
    from playwright.sync_api import expect

    from satudata.catalog.testing import COUNTS, table_dataset
    from satudata.releases.dates import at_release_time
    from satudata.releases.models import Release, ReleaseEntry
    from satudata.releases.services import plan_entry

    p, base = live_personas, live_server.url
    dataset = table_dataset(
        actor=p.walidata,
        agency=p.agency,
        name="Jumlah Bidan Desa",
        columns=COUNTS,
        rows=[["Pringsewu", 12], ["Pagelaran", 9]],
    )
    release = Release.objects.for_content(dataset.versions.get()).get()
    day = timezone.localdate() + timedelta(days=3)
    entry = plan_entry(
        actor=p.walidata,
        title="Jumlah Bidan Desa 2025",
        agency=p.agency,
        planned_at=at_release_time(day),
    )
    # Its own calendar entry (as a Daftar Data item's release gets): the Kepala Bidang approves
    # the release with this date.
    Release.objects.filter(pk=release.pk).update(entry=entry)
    state = page.locator("#release-state")

    _log_in(page, base, p.walidata.username)
    page.goto(f"{base}/jadwal-rilis/{entry.uuid}/")
    page.get_by_role("textbox", name="Tanggal rilis").fill(day.isoformat())
    page.get_by_role("button", name="Pastikan").click()
    expect(page.get_by_role("status").first).to_contain_text("sudah dipastikan")
    page.goto(f"{base}/rilis/{release.uuid}/")
    page.get_by_label("Catatan untuk Kepala Bidang").fill("Data bidan desa siap dirilis.")
    page.get_by_role("button", name="Ajukan untuk disetujui").click()
    expect(state).to_have_text("Diajukan untuk disetujui")
    page.get_by_role("button", name="Keluar").click()

    _log_in(page, base, p.kepala_bidang.username)
    page.goto(f"{base}/akun/pemberitahuan/")
    page.get_by_role(
        "link", name="Rilis menunggu persetujuan Anda: Jumlah Bidan Desa 2025 (versi 1)"
    ).click()
    page.get_by_role("button", name="Setujui", exact=True).click()
    expect(state).to_have_text("Disetujui")
    page.get_by_role("button", name="Keluar").click()

    _log_in(page, base, p.walidata.username)
    page.goto(f"{base}/rilis/{release.uuid}/")
    page.get_by_role("button", name="Jadwalkan").click()
    expect(state).to_have_text("Dijadwalkan")

    at = ReleaseEntry.objects.get(pk=entry.pk).planned_at
    visitor = page.context.browser.new_context(locale="id-ID").new_page()
    with time_machine.travel(at - timedelta(minutes=1)):
        assert visitor.goto(f"{base}/dataset/{dataset.slug}/").status == 404
        visitor.goto(f"{base}/dataset/?q=bidan")
        expect(visitor.get_by_role("link", name=dataset.title)).to_have_count(0)
    with time_machine.travel(at):
        visitor.goto(f"{base}/dataset/?q=bidan")
        visitor.get_by_role("link", name=dataset.title).click()
        expect(visitor.locator("h1")).to_have_text(dataset.title)
        expect(visitor.locator("#preview-table")).to_contain_text("Pagelaran")
        visitor.goto(f"{base}/jadwal-rilis/{entry.uuid}/")
        expect(visitor.get_by_role("status").first).to_contain_text("Dirilis pada")
    visitor.context.close()


def test_the_dataset_page_shows_indonesian_numbers_and_region_names_on_a_phone(
    live_server: Any, live_personas: Personas, page: Any
) -> None:
    from playwright.sync_api import expect

    from satudata.catalog.models import DataType, Variable
    from satudata.catalog.testing import table_dataset

    Variable.objects.create(
        agency=live_personas.agency,
        name="Jumlah Penduduk",
        data_type=DataType.DECIMAL,
        unit="jiwa",
    )
    dataset = table_dataset(
        actor=live_personas.walidata,
        agency=live_personas.agency,
        name="Penduduk menurut Kecamatan",
        columns=[("Kode Wilayah", "region"), ("Jumlah Penduduk", "dec")],
        rows=[["18.10.01", "1234567,5"], ["18.10.02", "980"]],
        publisher=live_personas.kepala_bidang,
    )
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/dataset/{dataset.slug}/")
    first = page.locator("#preview-table tbody tr").first
    expect(first).to_contain_text("1.234.567,5")
    expect(first).to_contain_text("18.10.01 Pringsewu")
    expect(page.locator('a[data-format="csv-id"]')).to_have_text("CSV (Excel Indonesia)")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0

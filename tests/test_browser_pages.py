"""The pages people use every day, in a real Chromium at a desktop width (1366 px) and a phone's
(375 px): the search page (filters beside the results, a drawer on a phone, chips that remove
one filter each), the header's menu button, and the dataset page that never scrolls sideways;
axe-core finds no serious or critical violation on any of them.

Set ``SATUDATA_SHOTS`` to a directory to keep a screenshot of each page at each width."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from satudata.core.testing import Personas
from tests import test_browser
from tests.test_browser import BLOCKING_IMPACT, _portal_datasets

# The browser and the personas of the other browser tests (fixtures, used by name).
live_personas = test_browser.live_personas
page = test_browser.page

pytestmark = test_browser.pytestmark

WIDTHS = {"desktop": 1366, "phone": 375}


def _at(page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900 if width > 800 else 740})


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("SATUDATA_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _no_blocking_violation(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACT]
    assert blocking == [], results.generate_snapshot()
    assert results.response["testEngine"]["name"] == "axe-core"


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), f"the page is {width} px wide"


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return dict(box)


@pytest.mark.parametrize("device", WIDTHS)
def test_the_search_page_passes_axe_and_fits_the_screen(
    live_server: Any, live_personas: Personas, page: Any, device: str
) -> None:
    _portal_datasets(live_personas)
    _at(page, WIDTHS[device])
    page.goto(f"{live_server.url}/dataset/?q=jumlah&sector=KESEHATAN")
    assert page.locator(".result-count").inner_text() == "1 dataset ditemukan"
    _shot(page, f"search-{WIDTHS[device]}")
    _fits(page)
    _no_blocking_violation(page)


def test_on_a_desktop_the_filters_sit_beside_the_results_with_sort_beside_the_count(
    live_server: Any, live_personas: Personas, page: Any
) -> None:
    _portal_datasets(live_personas)
    _at(page, 1366)
    page.goto(f"{live_server.url}/dataset/?q=jumlah")
    assert not page.locator(".filter-toggle").is_visible()  # no drawer button: always out
    filters, results = _box(page, ".filter-panel"), _box(page, ".results")
    assert filters["x"] + filters["width"] <= results["x"]
    assert abs(filters["y"] - results["y"]) < 40
    count, sort = _box(page, ".result-count"), _box(page, ".sort-links")
    assert abs(count["y"] - sort["y"]) < 20 and sort["x"] > count["x"]
    search, main = _box(page, "#q"), _box(page, "main")
    assert search["width"] > main["width"] * 0.75  # a full-width search box
    assert page.locator('a[data-facet="year"] .count').inner_text() == "2"


def test_on_a_phone_the_results_come_first_and_each_filter_comes_off_alone(
    live_server: Any, live_personas: Personas, page: Any
) -> None:
    from playwright.sync_api import expect

    _portal_datasets(live_personas)
    _at(page, 375)
    page.goto(f"{live_server.url}/dataset/?q=jumlah")
    first_result = _box(page, ".dataset-entry")
    assert first_result["y"] < 740  # on the first screen, not after the filters
    assert not page.locator(".filter-panel").is_visible()

    toggle = page.get_by_text("Saring hasil")
    toggle.click()
    expect(page.locator(".filter-drawer summary")).to_have_attribute("aria-expanded", "true")
    page.locator('a[data-facet="sector"]', has_text="Kesehatan").click()
    page.wait_for_url("**sector=KESEHATAN*")
    page.get_by_text("Saring hasil").click()
    page.locator('a[data-facet="tags"]', has_text="puskesmas").click()
    page.wait_for_url("**tags=puskesmas*")
    expect(page.locator(".chip")).to_have_count(2)
    _shot(page, "search-chips-375")
    _fits(page)

    page.locator('.chip[data-chip="sector"]').click()  # off comes the sector, not the tag
    page.wait_for_load_state()
    assert "sector=" not in page.url and "tags=puskesmas" in page.url and "q=jumlah" in page.url
    expect(page.locator(".chip")).to_have_count(1)


def test_on_a_phone_the_header_is_one_row_with_a_menu_button(
    live_server: Any, live_personas: Personas, page: Any
) -> None:
    from playwright.sync_api import expect

    _at(page, 375)
    page.goto(f"{live_server.url}/dataset/")
    assert _box(page, ".site-header")["height"] <= 80
    button = page.locator(".menu-button")
    expect(button).to_have_attribute("aria-expanded", "false")
    assert not page.get_by_role("link", name="Jadwal rilis").is_visible()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Jadwal rilis")).to_be_visible()
    _shot(page, "menu-open-375")
    _no_blocking_violation(page)
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    assert page.evaluate("document.activeElement.classList.contains('menu-button')")

    _at(page, 1366)
    expect(button).to_be_hidden()
    expect(page.get_by_role("link", name="Jadwal rilis")).to_be_visible()


@pytest.mark.parametrize("device", WIDTHS)
def test_the_dataset_page_passes_axe_and_never_scrolls_sideways(
    live_server: Any, live_personas: Personas, page: Any, device: str
) -> None:
    from playwright.sync_api import expect

    from satudata.catalog.testing import table_dataset

    columns = [(f"Jumlah Tenaga Kesehatan Golongan {n}", "int") for n in range(1, 7)]
    dataset = table_dataset(
        actor=live_personas.walidata,
        agency=live_personas.agency,
        name="Jumlah Tenaga Kesehatan menurut Golongan Jabatan Fungsional dan Kecamatan",
        columns=[("Kecamatan", "text"), *columns],
        rows=[["Pringsewu", 1, 2, 3, 4, 5, 6], ["Gadingrejo", 7, 8, 9, 10, 11, 1234567]],
        publisher=live_personas.kepala_bidang,
    )
    _at(page, WIDTHS[device])
    page.goto(f"{live_server.url}/dataset/{dataset.slug}/")
    expect(page.locator("#preview-table tbody tr")).to_have_count(2)
    expect(page.locator(".usage-counts")).to_contain_text("kali dilihat")
    _shot(page, f"dataset-{WIDTHS[device]}")
    _fits(page)
    _no_blocking_violation(page)


def test_an_embargoed_dataset_s_address_names_its_release_and_passes_axe(
    live_server: Any, live_personas: Personas, page: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from satudata.catalog.testing import COUNTS, table_dataset
    from satudata.releases.dates import at_release_time

    at = at_release_time(timezone.localdate() + timedelta(days=2))
    dataset = table_dataset(
        actor=live_personas.walidata,
        agency=live_personas.agency,
        name="Jumlah Bidan Desa",
        columns=COUNTS,
        rows=[["Pringsewu", 12]],
        publisher=live_personas.kepala_bidang,
        published_at=at,
    )
    _at(page, 375)
    response = page.goto(f"{live_server.url}/dataset/{dataset.slug}/")
    assert response.status == 404
    assert "pukul 10.00 WIB" in page.locator(".embargo-date").inner_text()
    _shot(page, "embargoed-375")
    _fits(page)
    _no_blocking_violation(page)

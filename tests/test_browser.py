"""A reader's path through the site in Debian's chromium, with a screenshot of every page.

search 王毅 → open an article → click the person → their page → the articles table filtered to them → the map.
Screenshots go to screenshots/browser/ at the repository root (ignored by git) for a human to look at.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots" / "browser"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def shoot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_search_article_person_table_map(browser, live_server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(live_server + "/")
    shoot(page, "1-home")
    page.fill("input[name=q]", "王毅")
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    results = page.locator("a.result-title")
    assert results.count() > 0
    shoot(page, "2-search")

    results.first.click()
    page.wait_for_url(re.compile(r"/archive/articles/\d+$"))
    person_link = page.locator(".entities-people a", has_text=re.compile("王毅|Wang Yi")).first
    assert person_link.is_visible()
    assert page.locator(".article-body p").count() > 0
    shoot(page, "3-article")

    person_link.click()
    page.wait_for_url(re.compile(r"/archive/people/\d+$"))
    heading = page.locator("h1").inner_text()
    assert "Wang Yi" in heading and "王毅" in heading
    person_url = page.url
    shoot(page, "4-person")

    page.get_by_role("link", name=re.compile("Filter and facet these")).click()
    page.wait_for_url(re.compile(r"/archive/articles\?_m2m_people=\d+"))
    chip = page.locator(".active-filters .chip a").first
    assert chip.inner_text() == "Wang Yi"
    assert chip.get_attribute("href") == person_url.removeprefix(live_server)
    assert page.locator("table.article-rows tbody tr").count() > 0
    shoot(page, "5-articles-table")

    page.locator(".site-nav").get_by_role("link", name="Map").click()
    page.wait_for_url(re.compile(r"/archive/places_map"))
    page.wait_for_selector(".leaflet-container", timeout=15000)
    page.wait_for_selector(".leaflet-marker-icon, .marker-cluster", timeout=15000)
    shoot(page, "6-map")
    assert errors == []


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("home", "/"),
        ("articles-table", "/archive/articles"),
        ("person", "/archive/people/{person}"),
        ("article", "/archive/articles/{article}"),
    ],
)
def test_pages_fit_a_phone(browser, live_server, sample_db, name, path):
    conn = sqlite3.connect(f"file:{sample_db}?immutable=1", uri=True)
    (person,) = conn.execute("select id from people order by article_count desc limit 1").fetchone()
    (article,) = conn.execute("select article_id from images order by article_id limit 1").fetchone() or (1,)
    page = browser.new_page(viewport=PHONE, is_mobile=True)
    page.goto(live_server + path.format(person=person, article=article))
    shoot(page, f"phone-{name}")
    assert no_sideways_scroll(page)

"""A reader's walk through the site in Debian's chromium, in Chinese and English, on a desktop and a phone.

home → search → article → person → the table filtered to them → a month → an outlet → a research query
→ the map → a missing page. On every page: the site's frame with the language switch, ``<html lang>`` in
the chosen language (picked once with the switch, then remembered), no JSON or column names shown to
readers, no sideways scrolling on the phone, no script errors; on the desktop an axe-core scan with no
serious or critical violation. Screenshots go to screenshots/browser/ (ignored by git) for a human to see.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
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
SCREENSHOTS = REPO / "screenshots" / "browser"
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
SWITCH_LABEL = {"zh": "中文", "en": "English"}
# What a reader must never see: JSON arrays or objects, and the database's column names.
RAW = re.compile(
    r'\["|\{"|\b(?:outlet_id|via_id|published_month|published_date|name_zh|name_zh_hant|article_count'
    r"|person_id|place_id|organization_id|source_id|_m2m_\w+)\b|\(m2m\)"
)


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


class Walk:
    """One reader: a language, a viewport, the pages seen and what was wrong on them."""

    def __init__(self, browser, base: str, lang: str, viewport: str) -> None:
        self.base, self.lang, self.viewport = base, lang, viewport
        self.context = browser.new_context(
            viewport=VIEWPORTS[viewport],
            is_mobile=viewport == "phone",
            locale="en-US" if lang == "zh" else "zh-CN",
        )
        # Only our own origin: map tiles and article images are elsewhere (and offline here).
        self.context.route(re.compile(r"^https?://"), self._local_only)
        if viewport == "desktop" and AXE.exists():
            self.context.add_init_script(path=str(AXE))
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.step = 0

    def _local_only(self, route) -> None:
        if route.request.url.startswith(self.base):
            route.continue_()
        else:
            route.abort()

    def check(self, name: str) -> None:
        """The checks every page must pass, and its screenshot."""
        page, where = self.page, f"{self.lang}/{self.viewport}/{name}: {self.page.url}"
        self.step += 1
        page.screenshot(
            path=str(SCREENSHOTS / f"{self.lang}-{self.viewport}-{self.step:02d}-{name}.png"), full_page=True
        )
        assert page.get_attribute("html", "lang") == HTML_LANG[self.lang], where
        assert page.locator("header nav.site-nav").count() == 1, where
        switch = page.locator("nav.language-switch a[aria-current]")
        assert switch.inner_text() == SWITCH_LABEL[self.lang], where
        shown = page.locator("body").inner_text()
        assert not RAW.search(shown), (where, RAW.search(shown).group(0))
        if self.viewport == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"], where
        if self.viewport == "desktop" and AXE.exists():
            serious = page.evaluate(
                """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"""
            )
            assert serious == [], (where, serious)
        assert self.errors == [], (where, self.errors)

    def follow(self, locator, url_pattern: str) -> None:
        locator.first.click()
        self.page.wait_for_url(re.compile(url_pattern))


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reader_walk(browser, live_server, lang, viewport):
    if viewport == "desktop" and not AXE.exists():
        pytest.skip("axe-core is not installed (make node-deps)")
    walk = Walk(browser, live_server, lang, viewport)
    page = walk.page
    # The browser asks for the other language; the switch picks ours and the site remembers it.
    page.goto(live_server + "/")
    page.locator("nav.language-switch a", has_text=SWITCH_LABEL[lang]).click()
    page.wait_for_url(re.compile(rf"lang={lang}"))
    walk.check("home")

    page.fill("form.site-search input[type=search]", "王毅")
    page.press("form.site-search input[type=search]", "Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    walk.check("search")

    walk.follow(page.locator("main a[href^='/archive/articles/']"), r"/archive/articles/\d+$")
    assert page.locator(".article-body p").count() > 0
    walk.check("article")

    walk.follow(page.locator(".entities-people a"), r"/archive/people/\d+$")
    walk.check("person")

    walk.follow(page.locator(".entity-articles p.small a").first, r"/archive/articles\?_m2m_people=\d+")
    assert page.locator(".active-filters .chip-person").count() == 1
    assert page.locator("table.article-rows tbody tr").count() > 0
    walk.check("filtered-table")

    walk.follow(page.locator("svg.bars a"), r"published_month=\d{4}-\d\d")
    assert page.locator(".active-filters .chip-month").count() == 1
    walk.check("month")

    walk.follow(page.locator("td.outlet a"), r"/archive/outlets/\d+$")
    walk.check("outlet")

    page.locator("header nav.site-nav a[href='/research']").click()
    walk.follow(
        page.locator("a[href$='/articles_mentioning_two_people']"), r"/articles_mentioning_two_people$"
    )
    page.fill("#q-person_a", "Blinken")
    page.fill("#q-person_b", "王毅")
    page.locator("form.query-form button").click()
    page.wait_for_url(re.compile(r"person_a=Blinken"))
    assert page.locator("ul.article-list li").count() > 0
    walk.check("query")

    page.locator("header nav.site-nav a[href$='/places_map']").click()
    page.wait_for_selector(".leaflet-marker-icon, .marker-cluster", timeout=15_000)
    walk.check("map")

    response = page.goto(live_server + "/no-such-page")
    assert response.status == 404
    walk.check("404")
    walk.context.close()

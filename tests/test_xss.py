"""No script from a scraped page ever runs on our site: hostile fixtures built, served and opened in chromium.

tests/fixtures/hostile/xss holds one file per input format stuffed with script tags, event handlers,
iframes, SVG tricks, javascript:/data:/vbscript: URLs, entity-encoded and broken markup. Every payload
sets ``window.__xss``, logs ``XSS-FIRED`` or opens a dialog if it ever runs. The site must show the
payloads as text, never run them, and send a Content-Security-Policy that would stop them anyway.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
HOSTILE = REPO / "tests" / "fixtures" / "hostile" / "xss"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MARKER = "XSS-FIRED"
REFLECTED = "<script>window.__xss=1;console.log('XSS-FIRED')</script>"

pytestmark = pytest.mark.browser


@dataclass
class Visit:
    url: str
    status: int
    headers: dict[str, str]
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    sentinel: object = None
    page_text: str = ""


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory, build_data: Path) -> Path:
    """The hostile fixtures (next to the sample corpus, so the site has normal articles too) built by
    the real command line, with the curated data but not the generated divisions and organization
    families, which only add entity links: these tests are about the payloads."""
    db = tmp_path_factory.mktemp("hostile") / "archive.db"
    result = subprocess.run(
        [sys.executable, "build_db.py", "data/sample", str(HOSTILE), "--db", str(db), "--quiet",
         "--data", str(build_data)],
        cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "integrity_check: ok; foreign_key_check: ok" in result.stdout
    return db


@pytest.fixture(scope="module")
def hostile_site(serve_site, hostile_db) -> str:
    return serve_site(hostile_db)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def visit(browser, url: str) -> Visit:
    """Open a page the way a reader would; record dialogs, console output and CSP violations."""
    context = browser.new_context()
    page = context.new_page()
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    # Hermetic: only our server is reachable (map tiles and article images are requested, then refused).
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(origin)
               else route.abort())
    record = Visit(url, 0, {})
    page.on("dialog", lambda dialog: (record.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: record.console.append(message.text))
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.log('CSP-VIOLATION ' + e.violatedDirective + ' ' + e.blockedURI))")
    response = page.goto(url, wait_until="load")
    page.wait_for_timeout(300)  # let deferred scripts, onerror handlers and timers run
    record.status, record.headers = response.status, response.headers
    record.sentinel = page.evaluate("window.__xss")
    record.violations = [m for m in record.console if "CSP-VIOLATION" in m or "Content Security Policy" in m]
    record.page_text = page.inner_text("body")
    context.close()
    return record


def assert_no_script_ran(record: Visit, error_page: bool = False) -> None:
    assert error_page or record.status < 400, f"{record.url} answered {record.status}"
    assert record.dialogs == [], f"{record.url} opened dialogs {record.dialogs}"
    assert record.sentinel is None, f"{record.url}: a hostile script set window.__xss"
    assert not [m for m in record.console if MARKER in m], f"{record.url}: {record.console}"
    # Escaping alone must hold: a violation would mean markup got through and only the CSP stopped it.
    assert record.violations == [], f"{record.url}: {record.violations}"
    policy = record.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]


HOSTILE_ARTICLES = "SELECT a.id FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.input = 'xss'"
# Entity pages listing hostile articles: (table, link table, link column).
ENTITY_LINKS = [("people", "article_people", "person_id"), ("places", "article_places", "place_id")]


def hostile_pages(db: Path) -> list[str]:
    """Every page type that shows hostile text: articles, their outlets, people and places, tables."""
    conn = sqlite3.connect(db)
    try:
        ids = [row[0] for row in conn.execute(HOSTILE_ARTICLES)]
        outlets = [row[0] for row in conn.execute(
            f"SELECT DISTINCT outlet_id FROM articles WHERE id IN ({HOSTILE_ARTICLES}) "
            "AND outlet_id IS NOT NULL")]
        entities = [f"/archive/{table}/{row[0]}" for table, link, column in ENTITY_LINKS
                    for row in conn.execute(f"SELECT DISTINCT {column} FROM {link} "
                                            f"WHERE article_id IN ({HOSTILE_ARTICLES}) LIMIT 2")]
    finally:
        conn.close()
    return [
        "/", *(f"/archive/articles/{i}" for i in ids), *(f"/archive/outlets/{i}" for i in outlets), *entities,
        "/archive/articles", "/archive/articles?_search=hostile", "/search?q=hostile",
        "/search?q=" + quote("王毅"), "/archive/sources?status=error", "/archive/sources?_sort_desc=id",
        "/archive/images", "/archive/links", "/archive/outlets",
        "/archive?sql=" + quote("select title, summary, body from articles"),
        "/search?q=" + quote(REFLECTED), "/archive/articles?_search=" + quote(REFLECTED),
        "/archive?sql=" + quote("select '{}' as x".format(REFLECTED.replace("'", "''"))),
    ]


# The reader's own input reflected in error pages (Datasette answers 400, 404, or 500 for a bad _sort).
REFLECTED_ERRORS = [path + quote(REFLECTED) for path in
                    ("/archive/articles?_sort=", "/archive/articles?_facet=", "/archive/", "/archive?sql=")]


def test_hostile_fixtures_are_built_as_text(hostile_db: Path) -> None:
    """The payloads reach the database as plain text (not dropped), so the pages below really show them."""
    conn = sqlite3.connect(hostile_db)
    formats = {row[0] for row in conn.execute("SELECT format FROM sources WHERE input = 'xss'")}
    titles = [row[0] for row in conn.execute(
        "SELECT a.title FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.input = 'xss'")]
    conn.close()
    assert {"digest", "feed-mirror", "republished-page", "generic"} <= formats
    assert sum("<script>" in title or "<img" in title or "<iframe" in title for title in titles) >= 4


def test_no_hostile_script_runs_on_any_page(browser, hostile_site: str, hostile_db: Path) -> None:
    pages = hostile_pages(hostile_db)
    assert any("/archive/people/" in page for page in pages), "hostile articles should mention people"
    for path in pages:
        assert_no_script_ran(visit(browser, hostile_site + path))
    for path in REFLECTED_ERRORS:
        assert_no_script_ran(visit(browser, hostile_site + path), error_page=True)


def test_article_page_shows_payloads_as_text(browser, hostile_site: str, hostile_db: Path) -> None:
    conn = sqlite3.connect(hostile_db)
    article_id, title = conn.execute(
        "SELECT a.id, a.title FROM articles a JOIN sources s ON s.id = a.source_id "
        "WHERE s.path = 'feed-mirror/script-everywhere.md'").fetchone()
    conn.close()
    record = visit(browser, f"{hostile_site}/archive/articles/{article_id}")
    assert_no_script_ran(record)
    assert title in record.page_text  # "<script>...</script>" shown literally, not parsed
    assert "{{7*7}}" in record.page_text or "{{ 7*7 }}" in record.page_text  # never evaluated as a template


def test_only_http_urls_become_links_or_images(hostile_site: str, hostile_db: Path) -> None:
    """javascript:, data: and vbscript: URLs never reach an href or src; images send no referrer."""
    from selectolax.lexbor import LexborHTMLParser

    for path in hostile_pages(hostile_db):
        html = httpx.get(hostile_site + path, timeout=30).text
        tree = LexborHTMLParser(html)
        for node in tree.css("[href], [src], [action], [formaction]"):
            for attribute in ("href", "src", "action", "formaction"):
                value = (node.attributes.get(attribute) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), f"{path}: {node.html}"
        for img in tree.css("img"):
            assert img.attributes.get("referrerpolicy") == "no-referrer", f"{path}: {img.html}"


def test_injected_inline_script_is_blocked_by_the_policy(browser, hostile_site: str) -> None:
    """The CSP is not decoration: a script element added to a served page does not run."""
    context = browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    page.goto(hostile_site + "/", wait_until="load")
    page.evaluate("""() => {
        document.addEventListener('securitypolicyviolation',
                                  e => console.log('blocked ' + e.violatedDirective));
        const s = document.createElement('script');
        s.textContent = 'window.__xss = 1';
        document.body.append(s);
        const img = document.createElement('img'); img.setAttribute('onerror', 'window.__xss = 2');
        img.src = 'broken:'; document.body.append(img);
    }""")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert any(m.startswith("blocked script-src") for m in violations), violations
    context.close()


SITE_PAGES = ["/", "/archive", "/archive/articles", "/archive/places", "/archive/places_map",
              "/archive?sql=select+1", "/archive/people", "/search?q=Wang"]


@pytest.mark.parametrize("path", SITE_PAGES)
def test_site_works_under_the_policy(browser, live_server: str, path: str) -> None:
    """Datasette's scripts (menus, table actions, SQL editor) and the cluster map run with no violation."""
    record = visit(browser, live_server + path)
    assert record.status == 200
    assert record.violations == [], record.violations
    for name in ("x-content-type-options", "x-frame-options", "referrer-policy", "permissions-policy"):
        assert name in record.headers


def test_cluster_map_and_sql_editor_render(browser, live_server: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live_server)
               else route.abort())
    page.goto(live_server + "/archive/places_map", wait_until="load")
    page.wait_for_selector(".leaflet-container", timeout=10_000)
    page.goto(live_server + "/archive?sql=select+1", wait_until="load")
    page.wait_for_selector(".CodeMirror", timeout=10_000)
    context.close()


def test_headers_on_json_csv_and_downloads(live_server: str) -> None:
    downloads = [("/archive/articles.json", "application/json"), ("/archive/articles.csv", "text/plain"),
                 ("/archive.db", "application/octet-stream")]
    for path, kind in downloads:
        response = httpx.get(live_server + path, timeout=30)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(kind)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


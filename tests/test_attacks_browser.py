"""Map popups in chromium (issue 15.5): a reader's query decides what a popup shows, never where it leads.

datasette-cluster-map builds popups from a ``popup`` column; plugins/map_popups.py serves its script with a
guard. A query putting a ``javascript:`` link and an image from another site in one popup, and an https
link and one of our own images in another, is opened in chromium and both popups are clicked open.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import test_xss

browser = test_xss.browser  # the chromium fixture (skips when Debian's chromium is absent)

POPUPS = (
    "select -30.0 as latitude, -120.0 as longitude, json_object('title', 'Hostile', "
    "'link', 'javascript:window.__popup = 1', 'image', 'https://images.example.net/x.png') as popup "
    "union all select 40.0, 100.0, json_object('title', 'Friendly', 'link', 'https://example.org/story', "
    "'image', '/favicon.ico')"
)

pytestmark = pytest.mark.browser


def popup_html(page, title: str) -> str:
    """Click markers until the popup titled ``title`` is open; its inner HTML."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for marker in page.query_selector_all(".leaflet-marker-icon"):
        marker.dispatch_event("click")  # markers may lie outside the viewport
        try:
            return page.locator(".leaflet-popup-content", has_text=title).inner_html(timeout=2_000)
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"no popup titled {title}")


def test_popups_show_only_web_links_and_our_images(browser, live_server: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live_server)
               else route.abort())
    page.goto(f"{live_server}/archive?sql={quote(POPUPS)}", wait_until="load")
    page.wait_for_selector(".leaflet-marker-icon", timeout=10_000)
    hostile = popup_html(page, "Hostile")
    assert "<a" not in hostile and "<img" not in hostile and "javascript" not in hostile
    friendly = popup_html(page, "Friendly")
    assert 'href="https://example.org/story"' in friendly
    assert f'src="{live_server}/favicon.ico"' in friendly
    assert page.evaluate("window.__popup") is None
    context.close()


def test_the_served_map_script_is_the_plugins_own_plus_the_guard(live_server: str) -> None:
    from datasette_cluster_map import __file__ as package

    original = (Path(package).parent / "static" / "datasette-cluster-map.js").read_text()
    served = httpx.get(f"{live_server}/-/static-plugins/datasette-cluster-map/datasette-cluster-map.js").text
    guard_call = "    popup = clusterMapSafePopup(popup);\n"
    assert served.count(guard_call) == 1
    unguarded = served.replace(guard_call, "")
    assert unguarded.endswith(original)
    assert "const clusterMapSafePopup" in unguarded[: -len(original)]

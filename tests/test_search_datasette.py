"""Search through a real in-process Datasette with our plugins, templates and a fixture archive."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml
from datasette.app import Datasette
from datasette.utils import escape_fts as datasette_escape_fts
from test_search_text import build_fixture_db, index_article

from newsarchive.search_text import fts_query

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOLDEN = SHARED / "golden" / "seeds.json"
METADATA = ROOT / "metadata.yml"
# What metadata.yml must say for ?_search= on the articles table (used alone if there is no metadata.yml).
SEARCH_TABLE = {"fts_table": "articles_fts", "fts_pk": "id"}
SEARCH_METADATA = {"databases": {"archive": {"tables": {"articles": SEARCH_TABLE}}}}
FILLER_ARTICLES = 25  # more than one page of the search page's 20 results


def add_filler_articles(db: Path) -> None:
    """Extra articles that all match 'tariffs', so the search page has a second page."""
    conn = sqlite3.connect(db)
    for n in range(FILLER_ARTICLES):
        source_id = conn.execute(
            "INSERT INTO sources(input, path, sha256, bytes, status) VALUES ('fixture', ?, ?, 0, 'ok')",
            (f"filler-{n}.txt", f"filler-{n}"),
        ).lastrowid
        title, body = f"Tariff note {n}", f"Short note number {n} on tariffs and ports."
        article_id = conn.execute(
            "INSERT INTO articles(slug, source_id, fingerprint, format, title, language, body, word_count)"
            " VALUES (?, ?, ?, 'fixture', ?, 'en', ?, 8)",
            (f"filler-{n}", source_id, f"filler-{n}", title, body),
        ).lastrowid
        index_article(conn, article_id, title, None, body, [], [])
    conn.commit()
    conn.close()


def get(ds: Datasette, path: str, params: dict | None = None) -> httpx.Response:
    return asyncio.run(ds.client.get(path, params=params))


def site_metadata() -> dict:
    """The site's metadata.yml, which must enable search on articles; the bare minimum without it."""
    if not METADATA.exists():
        return SEARCH_METADATA
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    articles = metadata["databases"]["archive"]["tables"]["articles"]
    assert {key: articles.get(key) for key in SEARCH_TABLE} == SEARCH_TABLE
    return metadata


def make_datasette(db: Path) -> Datasette:
    return Datasette(
        [str(db)],
        plugins_dir=str(ROOT / "plugins"),
        template_dir=str(ROOT / "templates"),
        metadata=site_metadata(),
    )


@pytest.fixture(scope="module")
def ds(tmp_path_factory) -> Datasette:
    db = build_fixture_db(tmp_path_factory.mktemp("datasette") / "archive.db")
    add_filler_articles(db)
    return make_datasette(db)


def search_slugs(ds: Datasette, q: str) -> set[str]:
    response = get(
        ds, "/archive/articles.json", params={"_search": q, "_shape": "array", "_col": "slug", "_size": "max"}
    )
    assert response.status_code == 200, response.text
    return {row["slug"] for row in response.json()}


def test_our_escape_fts_wins_over_datasettes(ds):
    # Datasette registers its own escape_fts in datasette.sql_functions; trylast makes ours run after it.
    response = get(ds, "/archive.json", params={"sql": "select escape_fts(:q) as e", "q": "中美关系"})
    assert response.json()["rows"] == [['"中美 美关 关系"']]
    assert datasette_escape_fts("中美关系") != fts_query("中美关系")


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("美", {"zh-meeting", "zh-trade"}),  # one character
        ("王毅", {"en-visit", "zh-meeting"}),  # two characters, en-visit through its entities
        ("中美关系", {"zh-meeting"}),  # four characters as a contiguous phrase
        ("國務卿", {"zh-meeting", "zh-traditional"}),  # traditional query, simplified and traditional text
        ("diplomats", {"en-visit", "en-diplomat"}),  # porter stemming
        ('"trade talks"', {"en-visit"}),  # phrase
        ("布林肯 export", {"en-visit"}),  # mixed, cross-language
        ("Blinken", {"en-visit", "zh-meeting", "zh-traditional"}),  # English name finds Chinese articles
    ],
)
def test_table_search_json(ds, q, expected):
    assert search_slugs(ds, q) == expected


@pytest.mark.parametrize(
    "q", ['"unbalanced', "NEAR(", "a AND", "OR", "title:x", "-", "*", "(((", "^", "'", " "]
)
def test_table_search_never_errors(ds, q):
    search_slugs(ds, q)
    html = get(ds, "/archive/articles", params={"_search": q})
    assert html.status_code == 200


def test_table_search_html(ds):
    response = get(ds, "/archive/articles", params={"_search": "王毅"})
    assert response.status_code == 200
    assert "王毅会见布林肯讨论中美关系" in response.text
    assert "Coach praises" not in response.text


def test_search_snippet_sql_function(ds):
    response = get(
        ds,
        "/archive.json",
        params={
            "sql": "select search_snippet(body, :q), search_snippet_text(body, :q, 6) from articles"
            " where slug = 'zh-traditional'",
            "q": "关系",
        },
    )
    assert response.json()["rows"] == [["國務卿表示，兩國<mark>關係</mark>需要穩定。", "…國[關係]需要穩…"]]


def search_page(ds: Datasette, **params: str) -> str:
    response = get(ds, "/search", params=params)
    assert response.status_code == 200, response.text
    return response.text


def test_search_page_ranks_title_matches_first_and_highlights(ds):
    html = search_page(ds, q="diplomat")
    first, second = html.index("A <mark>diplomat</mark>&#x27;s view"), html.index("Foreign minister visits")
    assert first < second
    assert "two <mark>diplomats</mark> discussed" in html


def test_search_page_facets_count_the_result_set(ds):
    html = search_page(ds, q="关系")
    assert (
        'href="?outlet=east-daily&amp;q=%E5%85%B3%E7%B3%BB">East Daily</a> <span class="count">3</span>'
        in html
    )
    assert "Harbor Times" not in html
    assert '<span lang="zh">布林肯</span></a> <span class="count">2</span>' in html


def test_search_page_facet_filter_narrows_results(ds):
    html = search_page(ds, q="关系", person="wang-yi")
    assert "<strong>1</strong> article\n" in html
    assert "王毅会见布林肯" in html and "贸易" not in html


def test_search_page_paginates(ds):
    first = search_page(ds, q="tariffs")
    second = search_page(ds, q="tariffs", page="2")
    assert f"<strong>{FILLER_ARTICLES}</strong> articles" in first
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert first.count('class="result-title"') == 20 and second.count('class="result-title"') == 5


def test_search_page_escapes_the_query(ds):
    html = search_page(ds, q='<script>alert("x")</script> 王毅')
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_search_page_without_query_shows_the_form(ds):
    html = search_page(ds)
    assert 'name="q"' in html and "search-results" not in html


@pytest.fixture(scope="module")
def golden_datasette(tmp_path_factory) -> tuple[Datasette, sqlite3.Connection]:
    if not (ROOT / "build_db.py").exists():
        pytest.skip("build_db.py is not in the repository yet")
    if not GOLDEN.exists():
        pytest.skip("../shared/golden is absent")
    db = tmp_path_factory.mktemp("golden-search") / "archive.db"
    subprocess.run(
        [sys.executable, str(ROOT / "build_db.py"), str(SHARED / "seeds"), "--db", str(db), "--quiet"],
        check=True,
        cwd=ROOT,
    )
    return make_datasette(db), sqlite3.connect(db)


def golden_searches() -> list[dict]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))["searches"] if GOLDEN.exists() else []


@pytest.mark.parametrize("search", golden_searches(), ids=lambda s: s["q"])
def test_golden_searches_through_table_search(golden_datasette, search):
    ds, conn = golden_datasette
    response = get(
        ds,
        "/archive/articles.json",
        params={"_search": search["q"], "_shape": "array", "_col": "id", "_size": "max"},
    )
    assert response.status_code == 200, response.text
    ids = [row["id"] for row in response.json()]
    marks = ",".join("?" * len(ids))
    found = {
        Path(p).name for (p,) in conn.execute(f"SELECT path FROM sources WHERE article_id IN ({marks})", ids)
    }
    assert set(search["must_include"]) <= found
    assert not set(search.get("must_exclude", [])) & found


@pytest.mark.parametrize("q", ['"', "OR", "-:*", "NEAR(王"])
def test_search_page_odd_queries_never_error(ds, q):
    html = search_page(ds, q=q)
    assert "search-summary" in html

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
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from test_search_text import ARTICLES, build_fixture_db

from newsarchive import search_pages
from newsarchive.query_rewrite import Search
from newsarchive.search_text import fts_query

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOLDEN = SHARED / "golden" / "seeds.json"
METADATA = ROOT / "metadata.yml"
# What metadata.yml must say for ?_search= on the articles table (used alone if there is no metadata.yml).
SEARCH_TABLE = {"fts_table": "articles_fts", "fts_pk": "id"}
SEARCH_METADATA = {"databases": {"archive": {"tables": {"articles": SEARCH_TABLE}}}}
REPOST_BODY = ("Port operators along the coast said on Monday that new tariffs would slow shipments of steel "
               "and machinery, and that several carriers had already changed their schedules. Dock workers "
               "expect fewer ships in the coming weeks while importers wait for the final rules.")
FILLER_ARTICLES = 25  # more than one page of the search page's 20 results
# Extra articles that all match 'tariffs', so the search page has a second page; two are reposts of
# one text and one is a headline-only stub.
FILLERS = [
    (f"filler-{n}", "Harbor Times", "en", f"Tariff note {n}", None,
     f"Short note number {n} on tariffs and ports.", [], f"2020-10-{n + 1:02d}")
    for n in range(FILLER_ARTICLES)
] + [
    ("repost-a", "Harbor Times", "en", "Ports brace for tariffs", None, REPOST_BODY, []),
    ("repost-b", "East Daily", "en", "Ports are bracing for tariffs", None, REPOST_BODY, []),
    ("stub", "Harbor Times", "en", "Tariffs rise again", None, "Tariffs rise again", [], "2020-11-30"),
]


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
def ds(tmp_path_factory, real_pipeline) -> Datasette:
    db = build_fixture_db(tmp_path_factory.mktemp("datasette") / "archive.db", real_pipeline,
                          ARTICLES + FILLERS)
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
        ("王毅", {"zh-meeting"}),  # two characters; the table matches the articles' own words
        ("中美关系", {"zh-meeting"}),  # four characters as a contiguous phrase
        ("國務卿", {"zh-meeting", "zh-traditional"}),  # traditional query, simplified and traditional text
        ("diplomats", {"en-visit", "en-diplomat"}),  # porter stemming
        ('"trade talks"', {"en-visit"}),  # phrase
        ("王毅 fentanyl", set()),  # mixed words are all required in one article
        ("COVID-19", set()),  # a hyphenated word is a phrase, not a column filter
        ("计划", {"zh-traditional", "zh-trade"}),  # 計畫 in the traditional article
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
    assert response.json()["rows"] == [[
        "國務卿布林肯表示，兩國<mark>關係</mark>需要穩定，雙方的計畫隨著形勢調整。", "…國[關係]需要穩…"]]


def test_snippets_mark_words_converted_as_words(ds):
    sql = "select search_snippet(body, :q) from articles where slug = 'zh-traditional'"
    response = get(ds, "/archive.json", params={"sql": sql, "q": "计划 随着"})
    assert "<mark>計畫</mark><mark>隨著</mark>" in response.json()["rows"][0][0]


def search_page(ds: Datasette, **params: str) -> HTMLParser:
    """The search page, in English unless lang= is given."""
    response = get(ds, "/search", params={"lang": "en", **params})
    assert response.status_code == 200, response.text
    return HTMLParser(response.text)


def results(page: HTMLParser) -> list[str]:
    return [node.text() for node in page.css(".search-results .result-title")]


def summary(page: HTMLParser) -> str:
    return " ".join(page.css_first(".search-summary").text().split())


def facet(page: HTMLParser, heading: str) -> dict[str, str]:
    """A facet's entries: label -> count."""
    for h2 in page.css(".search-filters h2"):
        if h2.text() == heading:
            return {li.css_first("a").text(): li.css_first(".count").text() for li in h2.next.next.css("li")}
    return {}


def test_search_page_ranks_title_matches_first_and_highlights(ds):
    page = search_page(ds, q="diplomat")
    assert results(page)[:2] == ["A diplomat's view of export rules", ARTICLES[0][3]]
    snippets = [node.html for node in page.css(".snippet")]
    assert any("two <mark>diplomats</mark> discussed" in snippet for snippet in snippets)


def test_a_name_adds_the_articles_linked_to_it_and_says_so(ds):
    page = search_page(ds, q="王毅")
    assert results(page) == ["王毅会见布林肯讨论中美关系", ARTICLES[0][3]]  # text matches first
    assert "2 articles: 1 contain 王毅, 1 more are linked to Wang Yi 王毅" in summary(page)
    chinese = summary(search_page(ds, q="王毅", lang="zh"))
    assert "2 篇文章：1 篇含有 王毅，另有 1 篇关联到 王毅 Wang Yi" in chinese
    assert results(search_page(ds, q="王毅", names="0")) == ["王毅会见布林肯讨论中美关系"]
    assert set(results(search_page(ds, q="Wang Yi"))) == {ARTICLES[0][3], "王毅会见布林肯讨论中美关系"}


def test_common_words_do_not_match_through_names(ds):
    # "minister" is in no entity's name as a whole query: only the articles that use the word
    assert results(search_page(ds, q="Washington")) == [ARTICLES[0][3]]


def test_stubs_rank_last_and_reposts_show_once(ds):
    page = search_page(ds, q="tariffs", sort="relevance")
    all_titles = results(page) + results(search_page(ds, q="tariffs", page="2"))
    assert all_titles[-1] == "Tariffs rise again"  # the headline-only stub, though its title matches
    assert len([t for t in all_titles if t.startswith("Ports")]) == 1  # the repost is folded in
    assert f"{FILLER_ARTICLES + 4} articles match tariffs, in {FILLER_ARTICLES + 3} results" in summary(page)
    assert "Tariffs rise again" not in results(search_page(ds, q="tariffs", stubs="0"))


def test_search_page_facets_count_the_result_set(ds):
    page = search_page(ds, q="关系")
    assert facet(page, "Outlets") == {"East Daily": "3"}
    assert facet(page, "People")["Antony Blinken 布林肯"] == "2"


def test_search_page_filters_narrow_results(ds):
    assert results(search_page(ds, q="关系", person="wang-yi")) == ["王毅会见布林肯讨论中美关系"]
    assert results(search_page(ds, q="tariffs", language="zh")) == ["特朗普宣布新的关税措施"]
    assert results(search_page(ds, q="关系", outlet="harbor-times")) == []


def test_search_page_sorts_and_paginates(ds):
    first, second = search_page(ds, q="tariffs"), search_page(ds, q="tariffs", page="2")
    assert len(results(first)) == 20 and len(results(second)) == FILLER_ARTICLES + 3 - 20
    assert first.css_first('a[rel="next"]') is not None and second.css_first('a[rel="prev"]') is not None
    far = search_page(ds, q="tariffs", page="999")
    assert results(far) == [] and far.css_first(".search-summary") is not None


def test_searches_with_many_matches_are_listed_by_date_with_true_totals(ds, monkeypatch):
    monkeypatch.setattr(search_pages, "MANY", 10)  # the fixture's 29 tariff articles count as many
    page = search_page(ds, q="tariffs")
    assert f"{FILLER_ARTICLES + 4} articles match tariffs" in summary(page)
    assert "listed by date" in summary(page) and page.css_first(".search-filters h2") is None  # no facets
    dates = [node.attributes["datetime"] for node in page.css(".search-results time")]
    assert dates == [f"2020-10-{n:02d}" for n in range(25, 5, -1)]  # the newest twenty, newest first
    assert results(search_page(ds, q="tariffs", language="zh")) == ["特朗普宣布新的关税措施"]
    assert "before the filters" in summary(search_page(ds, q="tariffs", language="zh"))
    # the newest stub comes last, the repost's text once
    rest = results(search_page(ds, q="tariffs", page=2))
    assert rest[-1] == "Tariffs rise again"
    assert len({"Ports brace for tariffs", "Ports are bracing for tariffs"} & set(rest)) == 1
    assert results(search_page(ds, q="tariffs", sort="newest"))[0] == "Tariffs rise again"  # asked for dates
    # the list's length is unknown (filters narrow it, copies show once): the pager offers only the page
    # after a full one
    assert "of " not in search_page(ds, q="tariffs").css_first(".pager").text()
    english = search_page(ds, q="tariffs", language="en")
    assert english.css_first(".pager a[rel=next]") is not None
    assert "of " not in english.css_first(".pager").text()
    assert search_page(ds, q="tariffs", language="en", page=2).css_first(".pager a[rel=next]") is None


def test_search_page_escapes_the_query(ds):
    response = get(ds, "/search", params={"q": '<script>alert("x")</script> 王毅'})
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;" in response.text


def test_search_page_without_query_shows_the_form(ds):
    page = search_page(ds)
    assert page.css_first('input[name="q"]') is not None and page.css_first(".search-results") is None


def test_researchers_stdlib_search_gives_the_sites_results(ds):
    """query_rewrite.Search on the downloaded file lists what /search and the canned query list."""
    conn = sqlite3.connect(ds.get_database("archive").path)
    search = Search(conn)
    for q in ["tariffs", "王毅", "Wang Yi", "关系", "計畫", "COVID-19", "dipl*", "美 OR fentanyl"]:
        ids = [article_id for article_id, _, _ in search.ranked(conn, q)]
        site = []
        for n in range(1, 4):
            site += [int(a.attributes["href"].rsplit("/", 1)[1])
                     for a in search_page(ds, q=q, page=str(n)).css(".search-results .result-title")]
        canned = get(ds, "/archive/ranked_search.json", params={"q": q, "_shape": "array"}).json()
        assert ids == site == [row["id"] for row in canned], q


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


@pytest.mark.parametrize("q", ['"', "OR", "-:*", "NEAR(王", "COVID-19", "U.S.", "a AND", "(((", "title:x"])
def test_search_page_odd_queries_never_error(ds, q):
    assert search_page(ds, q=q).css_first(".search-summary") is not None

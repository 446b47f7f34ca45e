"""The public site, in-process (datasette.client), serving the sample archive built by build_db.py.

Expected values come from SQL against the same file, so the tests follow the sample corpus as it grows.
Pages are read with selectolax selectors. One test serves a file through scripts/serve.sh for real.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import re
import shutil
import sqlite3
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from conftest import SiteClient, site_datasette
from selectolax.lexbor import LexborHTMLParser

ATOM = "{http://www.w3.org/2005/Atom}"
REPO = Path(__file__).resolve().parents[1]


def page(client, path: str, lang: str = "en", status: int = 200, **params) -> LexborHTMLParser:
    """The page at ``path`` (which may carry a query string) plus ``params``, in ``lang``."""
    query = urlencode({**params, "lang": lang})
    response = client.get(f"{path}{'&' if '?' in path else '?'}{query}")
    assert response.status_code == status, (path, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return LexborHTMLParser(response.text)


def texts(tree: LexborHTMLParser, selector: str) -> list[str]:
    return [node.text(strip=True) for node in tree.css(selector)]


def hrefs(tree: LexborHTMLParser, selector: str) -> list[str]:
    return [node.attributes.get("href") for node in tree.css(selector)]


def article_ids(tree: LexborHTMLParser, selector: str) -> list[int]:
    return [
        int(m.group(1)) for h in hrefs(tree, selector) if (m := re.fullmatch(r"/archive/articles/(\d+)", h))
    ]


def rows_json(client, path: str, **params) -> list[dict]:
    response = client.get(path, params={**params, "_shape": "array"})
    assert response.status_code == 200, (path, response.text[:500])
    return response.json()


def in_site_frame(tree: LexborHTMLParser) -> bool:
    """The site's header (navigation and the language switch) and footer are on the page."""
    return bool(
        tree.css_first("header nav.site-nav")
        and tree.css("nav.language-switch a[hreflang]")
        and tree.css_first("footer.ft")
    )


def test_home_page(client, db):
    tree = page(client, "/")
    assert in_site_frame(tree)
    assert tree.css_first("form.site-search").attributes["action"] == "/search"
    meta = dict(db.execute("select key, value from meta").fetchall())
    download = tree.css_first("section.download").text()
    assert f"schema version {meta['schema_version']}" in download
    assert f"{int(meta['source_count']):,} source files" in download
    assert "/archive.db" in hrefs(tree, "section.download a")
    top_person = db.execute("select id from people order by article_count desc, name limit 1").fetchone()
    assert f"/archive/people/{top_person['id']}" in hrefs(tree, "ol.entity-counts a")
    newest = db.execute("select id from articles order by published_date desc, id desc limit 12").fetchall()
    assert article_ids(tree, "ul.article-list a") == [row["id"] for row in newest]
    assert "/research" in hrefs(tree, "section.explore a")


def test_home_chart_bars_link_to_their_month(client, db):
    tree = page(client, "/")
    bars = tree.css("svg.bars a")
    months = {row[0] for row in db.execute("select distinct published_month from articles")} - {None}
    linked = [re.search(r"published_month=([\d-]+)", a.attributes["href"]).group(1) for a in bars]
    assert linked == sorted(linked) and set(linked) <= months
    # Months left out of the main run are named under the chart, so every month is reachable.
    noted = {a.text() for a in tree.css(".chart-note a")}
    assert set(linked) | noted == months


def test_articles_table_speaks_in_words(client, db):
    outlet = db.execute(
        "select o.id, o.name, a.published_month from articles a join outlets o on o.id = a.outlet_id "
        "where a.published_month is not null order by a.id limit 1"
    ).fetchone()
    tree = page(
        client, "/archive/articles", outlet_id=outlet["id"], published_month=outlet["published_month"]
    )
    assert in_site_frame(tree)
    chips = {
        chip.css_first(".chip-kind").text(strip=True): chip for chip in tree.css(".active-filters .chip")
    }
    assert set(chips) == {"Outlet:", "Month:"}
    assert outlet["name"] in chips["Outlet:"].text()
    assert "outlet_id" not in tree.body.text() and "published_month" not in tree.body.text()
    expected = db.execute(
        "select count(*) from articles where outlet_id = ? and published_month = ?",
        [outlet["id"], outlet["published_month"]],
    ).fetchone()[0]
    assert tree.css_first(".listing-count").text(strip=True).startswith(f"{expected:,} article")
    assert texts(tree, "table.article-rows thead th") == ["Date ↓", "Headline", "Outlet"]
    removed = chips["Outlet:"].css_first("a.remove").attributes["href"]
    assert "outlet_id" not in removed and "published_month=" in removed


def test_articles_table_facets_then_list_order(client, db):
    tree = page(client, "/archive/articles")
    for facet in ("outlet_id", "people", "organizations", "places"):
        assert tree.css_first(f"#facet-{facet}"), facet
    listing = tree.css_first(".listing")
    assert [child.attributes.get("class") for child in listing.iter()][:2] == [
        "listing-rows",
        "listing-facets",
    ]
    people = texts(tree, "#facet-people li a")
    top = db.execute(
        "select p.name from article_people ap join people p on p.id = ap.person_id "
        "group by p.id order by count(*) desc, p.id limit 1"
    ).fetchone()
    assert people[0].startswith(top["name"])


def test_month_view_charts_days_in_date_order(client, db):
    month, count = db.execute(
        "select published_month, count(*) from articles where published_month is not null "
        "group by 1 order by 2 desc, 1 limit 1"
    ).fetchone()
    tree = page(client, "/archive/articles", published_month=month)
    bars = tree.css("svg.bars a")
    days = [re.search(r"published_date=([\d-]+)", a.attributes["href"]).group(1) for a in bars]
    expected = [
        r[0]
        for r in db.execute(
            "select distinct published_date from articles where published_month = ? order by 1", [month]
        )
    ]
    assert days == expected
    assert all("published_month" not in a.attributes["href"] for a in bars)
    assert len(tree.css("table.article-rows tbody tr")) == count


def test_page_numbers_reach_the_same_rows_as_next(client, db):
    """Page numbers on a listing lead to the rows Datasette's own next links reach."""
    tree = page(client, "/archive/people", _size="2")
    total = db.execute("select count(*) from people").fetchone()[0]
    numbers = texts(tree, ".pager a:not([rel]), .pager .current")
    assert numbers[0] == "1" and numbers[-1] == str((total + 1) // 2)
    by_next, url = [], "/archive/people.json?_size=2&_shape=objects"
    while url:
        data = client.get(url).json()
        by_next.append([row["id"] for row in data["rows"]])
        url = data["next_url"] and data["next_url"].replace("http://localhost", "")
    for link in tree.css(".pager a:not([rel])"):
        number = int(link.text(strip=True))
        target = page(client, link.attributes["href"])
        shown = [int(h.rsplit("/", 1)[1]) for h in hrefs(target, "td.name a")]
        assert shown == by_next[number - 1], number
        assert target.css_first(".pager .current").text(strip=True) == str(number)


def test_people_index_finds_names_in_either_language(client, db):
    person = db.execute(
        "select * from people where name_zh is not null order by article_count desc"
    ).fetchone()
    surname = person["name"].split()[-1]
    for query in (surname, person["name_zh"], person["slug"]):
        tree = page(client, "/archive/people", _name=query)
        assert f"/archive/people/{person['id']}" in hrefs(tree, "td.name a"), query
    tree = page(client, "/archive/people", lang="zh")
    assert texts(tree, "table.entity-rows thead th") == ["名称", "职务", "文章"]
    first = tree.css_first("td.name a")
    assert first.css_first("span").attributes["lang"] in ("zh-Hans", "en")
    assert "[" not in tree.css_first("table.entity-rows").text()  # no JSON arrays of aliases


@pytest.mark.parametrize("kind", ["people", "organizations", "places", "outlets"])
def test_entity_index_pages_are_designed(client, db, kind):
    tree = page(client, f"/archive/{kind}")
    assert in_site_frame(tree)
    total = db.execute(f"select count(*) from {kind}").fetchone()[0]
    assert tree.css_first(".listing-count").text(strip=True).startswith(f"{total:,} entr")
    counts = [int(t.replace(",", "")) for t in texts(tree, "td.count")]
    assert counts == sorted(counts, reverse=True)
    body = tree.body.text()
    assert "article_count" not in body and "name_zh" not in body


ENTITY_IDS_SQL = {
    "people": "select article_id from article_people where person_id = ?",
    "organizations": "select article_id from article_organizations where organization_id = ?",
    "places": "select article_id from article_places where place_id = ?",
    "outlets": "select id from articles where outlet_id = ?",
}


@pytest.mark.parametrize("kind", ENTITY_IDS_SQL)
def test_entity_page(client, db, kind):
    entity = db.execute(f"select * from {kind} order by article_count desc, id limit 1").fetchone()
    articles = db.execute(
        f"select id from articles where id in ({ENTITY_IDS_SQL[kind]}) order by published_date desc, id desc",
        [entity["id"]],
    ).fetchall()
    tree = page(client, f"/archive/{kind}/{entity['id']}")
    assert entity["name"] in tree.css_first("h1").text()
    assert f"{len(articles):,} article" in tree.css_first(".entity-facts").text()
    assert article_ids(tree, ".entity-articles ul.article-list a") == [row["id"] for row in articles[:50]]
    zh = page(client, f"/archive/{kind}/{entity['id']}", lang="zh")
    if entity["name_zh"]:
        assert zh.css_first("h1 span").text() == entity["name_zh"]


def test_person_page_paginates_and_has_a_feed(client, db):
    person = db.execute("select id, slug from people order by article_count desc limit 1").fetchone()
    ids = [
        row[0]
        for row in db.execute(
            "select a.id from articles a join article_people ap on ap.article_id = a.id "
            "where ap.person_id = ? order by a.published_date desc, a.id desc",
            [person["id"]],
        )
    ]
    tree = page(client, f"/archive/people/{person['id']}", page="2")
    assert article_ids(tree, ".entity-articles ul.article-list a") == ids[50:100]
    feed = tree.css_first('link[rel=alternate][type="application/atom+xml"]').attributes["href"]
    assert feed == f"/archive/person_feed.atom?person={person['slug']}"


def busiest_article(db) -> sqlite3.Row:
    """The article linked to the most entities (ties: the one with images), so every section shows."""
    return db.execute(
        """select a.* from articles a order by
             (select count(*) from article_people where article_id = a.id)
           + (select count(*) from article_places where article_id = a.id)
           + (select count(*) from article_organizations where article_id = a.id) desc,
             (select count(*) from images where article_id = a.id) desc, a.id
           limit 1"""
    ).fetchone()


def test_article_page(client, db):
    article = busiest_article(db)
    tree = page(client, f"/archive/articles/{article['id']}")
    assert tree.css_first("article h1").text() == article["title"]
    assert tree.css_first("article").attributes["lang"].startswith(article["language"])
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", article["body"]) if p.strip()]
    assert (
        texts(tree, ".article-body > p") == [" ".join(p.split()) for p in paragraphs]
        or [p.text() for p in tree.css(".article-body > p")] == paragraphs
    )
    linked = set(hrefs(tree, ".entities a"))
    for kind, column in (("people", "person_id"), ("places", "place_id")):
        for (entity_id,) in db.execute(
            f"select {column} from article_{kind} where article_id = ?", [article["id"]]
        ):
            assert f"/archive/{kind}/{entity_id}" in linked
    source = db.execute("select * from sources where id = ?", [article["source_id"]]).fetchone()
    assert source["sha256"] in tree.css_first(".provenance").text()
    citation = tree.css_first(".cite .citation").text()
    assert article["title"] in citation and f"/archive/articles/{article['id']}" in citation
    assert tree.css_first('meta[property="og:title"]').attributes["content"] == article["title"]
    assert tree.css_first('meta[property="og:url"]').attributes["content"] == (
        f"http://localhost/archive/articles/{article['id']}"
    )


def test_article_neighbours_are_the_outlets_adjacent_articles(client, db):
    row = db.execute(
        "select outlet_id from articles where outlet_id is not null and published_date is not null "
        "group by outlet_id having count(*) >= 2 limit 1"
    ).fetchone()
    if row is None:
        pytest.skip("no outlet with two dated articles")
    ids = [
        r[0]
        for r in db.execute(
            "select id from articles where outlet_id = ? and published_date is not null "
            "order by published_date, id",
            [row["outlet_id"]],
        )
    ]
    tree = page(client, f"/archive/articles/{ids[0]}")
    assert hrefs(tree, ".outlet-neighbours a[rel=next]") == [f"/archive/articles/{ids[1]}"]
    assert not tree.css(".outlet-neighbours a[rel=prev]")
    tree = page(client, f"/archive/articles/{ids[1]}")
    assert hrefs(tree, ".outlet-neighbours a[rel=prev]") == [f"/archive/articles/{ids[0]}"]


def test_related_coverage_shares_people_within_a_week(client, db):
    article = busiest_article(db)
    people = {
        r[0] for r in db.execute("select person_id from article_people where article_id = ?", [article["id"]])
    }
    candidates = set()
    if article["published_date"]:
        day = date.fromisoformat(article["published_date"])
        candidates = {
            row["id"]
            for row in db.execute(
                "select a.id, a.published_date, ap.person_id from articles a "
                "join article_people ap on ap.article_id = a.id "
                "where a.id != ? and a.published_date is not null",
                [article["id"]],
            )
            if row["person_id"] in people
            and abs(date.fromisoformat(row["published_date"]) - day) <= timedelta(days=7)
        }
    tree = page(client, f"/archive/articles/{article['id']}")
    shown = set(article_ids(tree, "section.related a"))
    assert shown <= candidates
    assert len(shown) == min(10, len(candidates))


@pytest.fixture(scope="module")
def figures_site(sample_db, tmp_path_factory):
    """The sample archive plus one traditional-script article with a spacer, a junk caption and a credit-only
    caption among its images, and a person whose traditional name differs (rows in our own words)."""
    db = tmp_path_factory.mktemp("figures") / "archive.db"
    shutil.copy(sample_db, db)
    conn = sqlite3.connect(db)
    source = conn.execute("select id from sources limit 1").fetchone()[0]
    body = "\n\n".join(f"第{i}段：這是一篇關於會談的測試報導，內容由測試者撰寫。" for i in range(1, 7))
    article = conn.execute(
        "insert into articles (slug, source_id, fingerprint, body_key, format, title, language, "
        "published_date, published_month, body, word_count) values ('figures-test', ?, 'figures-test', "
        "'figures-test', 'generic', '測試：兩國外長舉行會談', 'zh', '2020-10-02', '2020-10', ?, 100)",
        [source, body],
    ).lastrowid
    images = [
        ("https://example.org/a.jpg", "兩位外長握手。", "Example Agency"),
        ("https://example.org/line.png", "Presentational grey line", None),
        ("https://example.org/b.jpg", "img", None),
        ("https://example.org/c.jpg", "（測試社）", None),
    ]
    for position, (src, caption, credit) in enumerate(images, start=1):
        conn.execute(
            "insert into images (article_id, position, src, caption, credit) values (?, ?, ?, ?, ?)",
            [article, position, src, caption, credit],
        )
    person = conn.execute(
        "insert into people (slug, name, name_zh, name_zh_hant, article_count) "
        "values ('test-person', 'Test Person', '测试人', '測試人', 1)"
    ).lastrowid
    conn.execute(
        "insert into article_people (article_id, person_id, mentions) values (?, ?, 1)", [article, person]
    )
    conn.commit()
    conn.close()
    client = SiteClient(site_datasette(db))
    yield client, article
    client.close()


def test_article_images_in_reading_order_with_captions_below(figures_site):
    client, article = figures_site
    tree = page(client, f"/archive/articles/{article}", lang="zh")
    figures = tree.css("article figure.article-image")
    assert [f.css_first("img").attributes["src"] for f in figures] == [
        "https://example.org/a.jpg",
        "https://example.org/b.jpg",
        "https://example.org/c.jpg",
    ]
    assert figures[0].css_first("figcaption .caption").text() == "兩位外長握手。"
    assert figures[0].css_first("figcaption .credit").text() == "Example Agency"
    assert figures[1].css_first("figcaption") is None  # "img" says nothing
    assert figures[2].css_first("figcaption .credit").text() == "（測試社）"
    assert figures[2].css_first("figcaption .caption") is None
    # The first leads; the others stand between paragraphs, not stacked above the text.
    body_children = [node.tag for node in tree.css_first(".article-body").iter()]
    assert body_children.index("figure") > body_children.index("p")
    for img in tree.css("article img"):
        assert img.attributes["referrerpolicy"] == "no-referrer" and img.attributes["loading"] == "lazy"


def test_traditional_article_shows_traditional_names(figures_site):
    client, article = figures_site
    tree = page(client, f"/archive/articles/{article}", lang="zh")
    assert tree.css_first("article").attributes["lang"] == "zh-Hant"
    name = tree.css_first(".entities-people a span")
    assert (name.text(), name.attributes["lang"]) == ("測試人", "zh-Hant")


def test_canned_query_articles_mentioning_two_people(client, db):
    pair = db.execute(
        """select a.person_id as a, b.person_id as b from article_people a
           join article_people b on b.article_id = a.article_id and b.person_id > a.person_id
           group by a.person_id, b.person_id order by count(*) desc limit 1"""
    ).fetchone()
    if pair is None:
        pytest.skip("no article mentions two people")
    first, second = (db.execute("select * from people where id = ?", [i]).fetchone() for i in pair)
    expected = {
        row[0]
        for row in db.execute(
            "select article_id from article_people where person_id = ? "
            "intersect select article_id from article_people where person_id = ?",
            pair,
        )
    }
    # One person by surname alone, the other by Chinese name (or slug when it has none).
    params = {"person_a": first["name"].split()[-1], "person_b": second["name_zh"] or second["slug"]}
    assert {
        row["id"] for row in rows_json(client, "/archive/articles_mentioning_two_people.json", **params)
    } == expected
    tree = page(client, "/archive/articles_mentioning_two_people", **params)
    assert set(article_ids(tree, "ul.article-list a")) == expected
    assert tree.css_first("title").text().startswith("Articles mentioning two people")
    assert [i.attributes["type"] for i in tree.css("form.query-form input")] == [
        "search",
        "search",
        "date",
        "date",
    ]
    dated = rows_json(
        client, "/archive/articles_mentioning_two_people.json", **params, since="2099-01-01", until=""
    )
    assert dated == []


def test_canned_query_coverage_grid(client, db):
    rows = rows_json(client, "/archive/coverage_per_outlet_per_month.json")
    expected = db.execute(
        "select count(*) from articles where outlet_id is not null and published_month is not null"
    ).fetchone()[0]
    assert sum(row["articles"] for row in rows) == expected
    tree = page(client, "/archive/coverage_per_outlet_per_month")
    grid = tree.css_first("table.coverage-grid")
    months = texts(grid, "thead th")[1:]
    assert months == sorted({row["month"] for row in rows})
    cells = sum(int(t.replace(",", "")) for t in texts(grid, "tbody td"))
    assert cells == expected
    assert tree.css_first("svg.bars")


def test_canned_query_person_mentions_over_time(client, db):
    person = db.execute("select * from people order by article_count desc limit 1").fetchone()
    rows = rows_json(client, "/archive/person_mentions_over_time.json", person=person["name"].lower())
    expected = db.execute(
        "select count(*), sum(mentions) from article_people ap join articles a on a.id = ap.article_id "
        "where ap.person_id = ? and a.published_month is not null",
        [person["id"]],
    ).fetchone()
    assert (sum(r["articles"] for r in rows), sum(r["mentions"] for r in rows)) == tuple(expected)
    assert [r["month"] for r in rows] == sorted(r["month"] for r in rows)


def test_canned_query_ranked_search_finds_a_title(client, db):
    article = db.execute(
        "select id, title from articles where language = 'en' order by id limit 1"
    ).fetchone()
    words = re.findall(r"[A-Za-z]{5,}", article["title"])
    rows = rows_json(client, "/archive/ranked_search.json", q=" ".join(words[:3]))
    assert article["id"] in {row["id"] for row in rows}
    tree = page(client, "/archive/ranked_search", q=" ".join(words[:3]))
    assert article["id"] in article_ids(tree, "ol.ranked a")


def test_map_page_loads_only_what_the_map_needs(client, db):
    tree = page(client, "/archive/places_map")
    assert not tree.css("table")  # no 1,000-row table under the map
    source = tree.css_first("#places-map").attributes["data-places"]
    data = client.get(source).json()
    expected = {
        row[0]
        for row in db.execute(
            "select id from places where article_count > 0 and latitude is not null and longitude is not null"
        )
    }
    assert {row["id"] for row in data["rows"]} == expected
    assert set(data["rows"][0]) == {"id", "name", "name_zh", "article_count", "latitude", "longitude"}
    assert "/assets/map.js" in [s.attributes.get("src") for s in tree.css("script")]


@pytest.mark.parametrize(("query", "param"), [("person_feed", "person"), ("outlet_feed", "outlet")])
def test_atom_feeds(client, db, query, param):
    table = "people" if param == "person" else "outlets"
    entity = db.execute(f"select * from {table} order by article_count desc limit 1").fetchone()
    response = client.get(f"/archive/{query}.atom", params={param: entity["slug"]})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
    sql = ENTITY_IDS_SQL[table].replace("?", ":id")
    expected = [
        f"tag:us-china-news-archive,2020:article-{r[0]}"
        for r in db.execute(
            f"select id from articles where id in ({sql}) and published_date is not null "
            "order by published_date desc, id desc limit 50",
            {"id": entity["id"]},
        )
    ]
    assert [e.find(f"{ATOM}id").text for e in entries] == expected


def test_search_feed_without_hits_is_an_empty_feed(client):
    response = client.get("/archive/search_feed.atom", params={"q": "zzqxjv"})
    assert response.status_code == 200
    assert ET.fromstring(response.content).findall(f"{ATOM}entry") == []


def test_csv_for_excel_starts_with_a_bom_and_carries_names(client, db):
    total = db.execute("select count(*) from articles").fetchone()[0]
    tree = page(client, "/archive/articles")
    links = {a.text(strip=True): a.attributes["href"] for a in tree.css(".exports a")}
    plain, excel = client.get(links["CSV"]), client.get(links["CSV for Excel"])
    assert excel.content.startswith("\ufeff".encode()) and not plain.content.startswith(b"\xef\xbb\xbf")
    assert excel.content[3:] == plain.content
    rows = list(csv.DictReader(io.StringIO(plain.text)))
    assert len(rows) == total
    assert "outlet_id_label" in rows[0] and "source_id_label" not in rows[0]


def test_link_table_exports_carry_entity_names(client, db):
    response = client.get(
        "/archive/article_people.csv", params={"_labels": "on", "_stream": "on", "_size": "max"}
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    names = {
        row["name"]
        for row in db.execute("select p.name from article_people ap join people p on p.id = ap.person_id")
    }
    assert {row["person_id_label"] for row in rows} == names


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/no-such-page", 404),
        ("/archive/articles/999999", 404),
        ("/archive/articles?_size=many", 400),
        ("/archive/articles?_sort=nonsense", 400),  # Datasette's 500 for an unknown sort column, made a 400
    ],
)
def test_error_pages_are_in_the_site_frame_with_a_way_back(client, path, status):
    for lang, home in (("en", "Home page"), ("zh", "首页")):
        tree = page(client, path, lang=lang, status=status)
        assert in_site_frame(tree)
        assert tree.css_first("html").attributes["lang"] == ("zh-Hans" if lang == "zh" else "en")
        assert home in texts(tree, ".ways-back a")
        assert tree.css_first(".error-status").text(strip=True).endswith(str(status))


def test_interrupted_query_page_explains_in_words(client):
    sql = (
        "with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000000000) "
        "select count(*) from c"
    )
    response = client.get("/archive.json", params={"sql": sql})
    assert response.status_code == 400 and "took too long" in response.json()["error"]
    tree = page(client, "/archive", status=400, sql=sql)
    assert tree.css_first("h1").text() == "The query took too long"
    assert "sql_time_limit_ms" not in tree.css_first(".error-box > p").text()


def test_download_is_the_database_file(client, sample_db):
    response = client.get("/archive.db")
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == hashlib.sha256(sample_db.read_bytes()).hexdigest()


def test_nothing_can_write(client, sample_db):
    before = hashlib.sha256(sample_db.read_bytes()).hexdigest()
    insert = client.get("/archive.json", params={"sql": "insert into meta(key, value) values ('x', 'y')"})
    assert insert.status_code == 400 and "must be a SELECT" in insert.json()["error"]
    assert client.get("/archive.json", params={"sql": "select 1; delete from meta"}).status_code == 400
    attempts = [
        ("/archive/-/create", {"json": {"table": "notes", "rows": [{"note": "x"}]}}),
        ("/archive/meta/-/insert", {"json": {"row": {"key": "x", "value": "y"}}}),
        ("/archive/ranked_search", {"data": {"q": "x"}}),
        ("/archive", {"data": {"sql": "insert into meta(key, value) values ('x', 'y')"}}),
    ]
    for path, body in attempts:
        assert client.post(path, **body).status_code == 405, path
    assert client.delete("/archive/meta/schema_version").status_code == 405
    assert hashlib.sha256(sample_db.read_bytes()).hexdigest() == before


def test_serve_sh_serves_a_file_of_any_name_as_archive(serve_site, sample_db, tmp_path: Path):
    """The smoke test of scripts/serve.sh: a real server, the file opened immutable, pages answered."""
    other = tmp_path / "corpus.db"
    other.write_bytes(sample_db.read_bytes())
    url = serve_site(other)
    assert httpx.get(f"{url}/archive.json").json()["database"] == "archive"
    assert httpx.head(f"{url}/archive.db").status_code == 200  # only an immutable file can be downloaded
    home = httpx.get(f"{url}/", headers={"accept-language": "en-US,en;q=0.9"})
    assert home.status_code == 200 and '<html lang="en">' in home.text
    assert httpx.get(f"{url}/archive/articles.json?_size=1").status_code == 200


def load_plugin(name: str):
    """A plugins/ file as a module (Datasette loads them by path; they are not a package)."""
    spec = importlib.util.spec_from_file_location(f"site_plugin_{name}", REPO / "plugins" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_coverage_leaves_stray_months_out_of_the_axis():
    charts = load_plugin("charts")
    rows = [("2014-09", 10), ("2019-07", 2), ("2019-09", 26), ("2020-01", 196), ("2020-06", 109),
            ("2020-09", 9547), ("2021-01", 7559)]
    cover = charts.coverage(rows)
    assert cover.series[0] == ("2019-07", 2) and cover.series[-1] == ("2021-01", 7559)
    assert len(cover.series) == 19 and ("2019-08", 0) in cover.series
    assert cover.outliers == [("2014-09", 10)] and cover.outlier_count == 10


@pytest.mark.parametrize(
    ("caption", "credit", "shown"),
    [
        ("img", None, (None, None)),
        ("。", None, (None, None)),
        ("[泪]", None, (None, None)),
        ("（大纪元）", None, (None, "（大纪元）")),
        ("©Getty Images", None, (None, "©Getty Images")),
        ("美国国务卿蓬佩奥", "REUTERS", ("美国国务卿蓬佩奥", "REUTERS")),
        ("Presentational grey line", None, "left out"),
        ("2px presentational grey line", None, "left out"),
    ],
)
def test_caption_rules(caption, credit, shown):
    figure = load_plugin("site_context").CAPTIONS.figure({"caption": caption, "credit": credit, "src": "x"})
    assert (figure and (figure["caption"], figure["credit"])) or shown == "left out"


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("Pompeo", True),
        ("pompeo", True),
        ("蓬佩奥", True),
        ("龐佩奧", True),
        ("mike-pompeo", True),
        ("Secretary Pompeo", True),
        ("Pomp", False),
        ("", False),
    ],
)
def test_name_matches_any_name_alias_or_word(text, matches):
    name_search = load_plugin("name_search")
    aliases = '["Michael Pompeo", "Secretary Pompeo", "迈克·蓬佩奥"]'
    assert (
        name_search.name_matches(text, "Mike Pompeo", "蓬佩奥", "龐佩奧", "mike-pompeo", aliases) == matches
    )


def test_an_excerpt_says_so_and_links_to_the_whole_article(client, db):
    excerpt = db.execute("SELECT id, url FROM articles WHERE is_excerpt = 1").fetchone()
    assert excerpt is not None  # the sample's RTI teaser
    tree = page(client, f"/archive/articles/{excerpt['id']}")
    note = tree.css_first(".excerpt-note")
    assert "only the start of the article" in note.text()
    assert hrefs(tree, ".excerpt-note a") == [excerpt["url"]]
    full = db.execute("SELECT id FROM articles WHERE is_excerpt = 0").fetchone()
    assert page(client, f"/archive/articles/{full['id']}").css_first(".excerpt-note") is None

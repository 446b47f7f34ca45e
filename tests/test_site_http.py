"""The public site over real HTTP: scripts/serve.sh serving the sample archive built by build_db.py.

Expected values come from SQL against the same file, so the tests follow the sample corpus as it grows.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
import sqlite3
from datetime import date, timedelta

import httpx
import pytest


def ok_html(client: httpx.Client, path: str, **params) -> str:
    response = client.get(path, params=params)
    assert response.status_code == 200, (path, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def rows_json(client: httpx.Client, path: str, **params) -> list[dict]:
    response = client.get(path, params={**params, "_shape": "array"})
    assert response.status_code == 200, (path, response.text[:500])
    return response.json()


def fmt(n: int) -> str:
    return f"{n:,}"


def months_between(first: str, last: str) -> int:
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1


def test_home_page(client, db):
    page = ok_html(client, "/")
    meta = dict(db.execute("select key, value from meta").fetchall())
    assert 'action="/search"' in page and 'name="q"' in page
    assert 'href="/archive.db"' in page
    assert f"schema version {meta['schema_version']}" in page
    assert f"{fmt(int(meta['source_count']))} source files" in page
    assert meta["built_at"][:10] in page
    top_person = db.execute("select name from people order by article_count desc, name limit 1").fetchone()
    top_outlet = db.execute("select name from outlets order by article_count desc, name limit 1").fetchone()
    assert html.escape(top_person["name"]) in page
    assert html.escape(top_outlet["name"]) in page
    newest = db.execute("select title from articles order by published_date desc, id desc limit 1").fetchone()
    assert html.escape(newest["title"]) in page
    first, last = db.execute("select min(published_month), max(published_month) from articles").fetchone()
    chart = page.split('class="bars"', 1)[1].split("</svg>", 1)[0]
    assert chart.count("<rect") == months_between(first, last)
    assert 'href="/archive/places_map"' in page and 'href="/archive"' in page


def test_articles_table_has_every_facet(client, db):
    page = ok_html(client, "/archive/articles")
    total = db.execute("select count(*) from articles").fetchone()[0]
    assert f"{fmt(total)} row" in page
    for facet in ("outlet_id", "published_month", "published_date", "people", "organizations", "places"):
        assert f'id="facet-{facet}"' in page, facet


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
    page = ok_html(client, f"/archive/articles/{article['id']}")
    assert f"<h1>{html.escape(article['title'])}</h1>" in page
    body = page.split('<div class="article-body">', 1)[1].split("</div>", 1)[0]
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", article["body"]) if p.strip()]
    assert body.count("<p>") == len(paragraphs)
    for paragraph in paragraphs:
        assert f"<p>{html.escape(paragraph)}</p>" in body
    for (person_id,) in db.execute(
        "select person_id from article_people where article_id = ?", [article["id"]]
    ):
        assert f'href="/archive/people/{person_id}"' in page
    for (place_id,) in db.execute(
        "select place_id from article_places where article_id = ?", [article["id"]]
    ):
        assert f'href="/archive/places/{place_id}"' in page
    source = db.execute("select * from sources where id = ?", [article["source_id"]]).fetchone()
    assert source["sha256"] in page and html.escape(source["path"]) in page
    outlet = db.execute("select name from outlets where id = ?", [article["outlet_id"]]).fetchone()
    if outlet:
        assert html.escape(outlet["name"]) in page


def test_article_images_are_lazy_no_referrer_and_http_only(client, db):
    with_images = db.execute("select distinct article_id from images").fetchall()
    if not with_images:
        pytest.skip("the sample corpus has no images")
    for (article_id,) in with_images:
        page = ok_html(client, f"/archive/articles/{article_id}")
        images = re.findall(r"<img [^>]*>", page)
        srcs = [
            row["src"]
            for row in db.execute("select src from images where article_id = ?", [article_id])
            if (row["src"] or "").lower().startswith(("http://", "https://"))
        ]
        assert len(images) == len(srcs)
        for tag in images:
            assert 'referrerpolicy="no-referrer"' in tag and 'loading="lazy"' in tag
            assert re.search(r'src="https?://', tag)


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
    page = ok_html(client, f"/archive/articles/{article['id']}")
    related = page.split('<section class="related">', 1)[1].split("</section>", 1)[0] if candidates else ""
    shown = {int(i) for i in re.findall(r'href="/archive/articles/(\d+)"', related)}
    assert shown <= candidates
    assert len(shown) == min(10, len(candidates))


ENTITY_IDS_SQL = {
    "people": "select article_id from article_people where person_id = ?",
    "organizations": "select article_id from article_organizations where organization_id = ?",
    "places": "select article_id from article_places where place_id = ?",
    "outlets": "select id from articles where outlet_id = ?",
}


@pytest.mark.parametrize("kind", ENTITY_IDS_SQL)
def test_entity_page(client, db, kind):
    entity = db.execute(f"select * from {kind} order by article_count desc, id limit 1").fetchone()
    ids_sql = ENTITY_IDS_SQL[kind]
    articles = db.execute(
        f"select id, published_date, published_month from articles where id in ({ids_sql}) "
        "order by published_date desc, id desc",
        [entity["id"]],
    ).fetchall()
    page = ok_html(client, f"/archive/{kind}/{entity['id']}")
    assert html.escape(entity["name"]) in page
    if entity["name_zh"]:
        assert html.escape(entity["name_zh"]) in page
    assert f"<strong>{fmt(len(articles))}</strong> article" in page
    listed = page.split('<section class="entity-articles">', 1)[1].split("</section>", 1)[0]
    shown = [int(i) for i in re.findall(r'href="/archive/articles/(\d+)"', listed)]
    assert shown == [row["id"] for row in articles[:50]]
    assert ('class="bars"' in page) == any(row["published_month"] for row in articles)


def test_person_page_paginates(client, db):
    person = db.execute("select id from people order by article_count desc limit 1").fetchone()
    ids = [
        row[0]
        for row in db.execute(
            "select a.id from articles a join article_people ap on ap.article_id = a.id "
            "where ap.person_id = ? order by a.published_date desc, a.id desc",
            [person["id"]],
        )
    ]
    page = ok_html(client, f"/archive/people/{person['id']}", page="2")
    listed = page.split('<section class="entity-articles">', 1)[1].split("</section>", 1)[0]
    assert [int(i) for i in re.findall(r'href="/archive/articles/(\d+)"', listed)] == ids[50:100]


def test_person_page_lists_people_mentioned_together(client, db):
    person = db.execute("select id from people order by article_count desc limit 1").fetchone()
    together = db.execute(
        """select other.person_id, count(*) as n from article_people me
           join article_people other on other.article_id = me.article_id and other.person_id != me.person_id
           where me.person_id = ? group by other.person_id order by n desc limit 1""",
        [person["id"]],
    ).fetchone()
    if together is None:
        pytest.skip("nobody is mentioned together with the most-mentioned person")
    page = ok_html(client, f"/archive/people/{person['id']}")
    aside = page.split("Mentioned together", 1)[1].split("</section>", 1)[0]
    assert f'href="/archive/people/{together["person_id"]}"' in aside
    assert f'<span class="count">{fmt(together["n"])}</span>' in aside


def test_map_query_lists_mentioned_places_with_coordinates(client, db):
    expected = {
        row[0]
        for row in db.execute(
            "select id from places where article_count > 0 and latitude is not null and longitude is not null"
        )
    }
    assert {row["id"] for row in rows_json(client, "/archive/places_map.json")} == expected
    page = ok_html(client, "/archive/places_map")
    assert "datasette-cluster-map.js" in page
    assert "DATASETTE_CLUSTER_MAP_TILE_LAYER" in page


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
    # One person by English name, the other by Chinese name (or slug when it has none).
    rows = rows_json(
        client,
        "/archive/articles_mentioning_two_people.json",
        person_a=first["name"],
        person_b=second["name_zh"] or second["slug"],
    )
    assert {row["id"] for row in rows} == expected


def test_canned_query_coverage_per_outlet_per_month(client, db):
    rows = rows_json(client, "/archive/coverage_per_outlet_per_month.json")
    expected = db.execute(
        "select count(*) from articles where outlet_id is not null and published_month is not null"
    ).fetchone()[0]
    assert sum(row["articles"] for row in rows) == expected


def test_canned_query_person_mentions_over_time(client, db):
    person = db.execute("select * from people order by article_count desc limit 1").fetchone()
    rows = rows_json(client, "/archive/person_mentions_over_time.json", person=person["slug"])
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


def test_csv_and_json_exports_have_every_article(client, db):
    total = db.execute("select count(*) from articles").fetchone()[0]
    response = client.get("/archive/articles.csv", params={"_stream": "on", "_size": "max"})
    assert response.status_code == 200
    assert len(list(csv.DictReader(io.StringIO(response.text)))) == total
    page = client.get("/archive/articles.json", params={"_size": "max", "_shape": "objects"}).json()
    assert page["filtered_table_rows_count"] == total


def test_download_is_the_database_file(client, sample_db):
    response = client.get("/archive.db")
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == hashlib.sha256(sample_db.read_bytes()).hexdigest()


def test_nothing_can_write(client, sample_db):
    before = hashlib.sha256(sample_db.read_bytes()).hexdigest()
    insert = client.get("/archive.json", params={"sql": "insert into meta(key, value) values ('x', 'y')"})
    assert insert.status_code == 400 and "must be a SELECT" in insert.json()["error"]
    stacked = client.get("/archive.json", params={"sql": "select 1; delete from meta"})
    assert stacked.status_code == 400
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
    conn = sqlite3.connect(f"file:{sample_db}?immutable=1", uri=True)
    assert conn.execute("select count(*) from meta where key = 'x'").fetchone()[0] == 0


def test_a_file_with_another_name_is_served_as_archive(serve_site, sample_db, tmp_path):
    other = tmp_path / "corpus.db"
    other.write_bytes(sample_db.read_bytes())
    url = serve_site(other)
    assert httpx.get(f"{url}/archive.json").json()["database"] == "archive"
    assert httpx.head(f"{url}/archive.db").status_code == 200  # only an immutable file can be downloaded
    assert httpx.get(f"{url}/archive/articles.json?_size=1").status_code == 200

"""Facet counts on the articles table equal counts computed with SQL, unfiltered and under every filter.

Runs against the site in-process serving the sample archive. The many-to-many facets
(people, organizations, places) and their ``?_m2m_<table>=<id>`` filters come from plugins/m2m_facet.py.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser

M2M = {
    "people": ("article_people", "person_id"),
    "organizations": ("article_organizations", "organization_id"),
    "places": ("article_places", "place_id"),
}


def table_json(client: httpx.Client, params: list[tuple[str, str]] | dict) -> dict:
    pairs = list(params.items()) if isinstance(params, dict) else list(params)
    response = client.get("/archive/articles.json", params=[*pairs, ("_facet_size", "max")])
    assert response.status_code == 200, response.text[:500]
    return response.json()


def mentions(kind: str, value: int) -> tuple[str, str]:
    return f"_m2m_{kind}", str(value)


def facet_counts(data: dict, name: str) -> dict:
    facet = data["facet_results"][name]
    assert not facet["truncated"], f"{name} facet truncated; raise _facet_size"
    return {row["value"]: row["count"] for row in facet["results"]}


def sql_m2m_counts(db, kind: str, ids_sql: str, params=()) -> dict:
    table, column = M2M[kind]
    rows = db.execute(
        f"select {column}, count(*) from {table} where article_id in ({ids_sql}) group by {column}", params
    )
    return dict(rows.fetchall())


def sql_column_counts(db, column: str, where: str = "1", params=()) -> dict:
    rows = db.execute(
        f"select {column}, count(*) from articles where {where} and {column} is not null group by {column}",
        params,
    )
    return dict(rows.fetchall())


def top(db, sql: str) -> int:
    row = db.execute(sql).fetchone()
    if row is None:
        pytest.skip(f"the sample has nothing for: {sql}")
    return row[0]


def test_unfiltered_m2m_facets_equal_sql(client, db):
    data = table_json(client, {})
    for kind in M2M:
        assert facet_counts(data, kind) == sql_m2m_counts(db, kind, "select id from articles"), kind


def test_m2m_facets_are_ordered_by_count_then_id(client, db):
    data = table_json(client, {})
    for kind in M2M:
        rows = [(r["count"], r["value"]) for r in data["facet_results"][kind]["results"]]
        assert rows == sorted(rows, key=lambda r: (-r[0], r[1])), kind


def test_m2m_facets_are_labelled_with_names(client, db):
    data = table_json(client, {})
    for kind in M2M:
        names = dict(db.execute(f"select id, name from {kind}").fetchall())
        for row in data["facet_results"][kind]["results"]:
            assert row["label"] == names[row["value"]]


def test_column_facets_equal_sql(client, db):
    data = table_json(client, [("_facet", "published_month"), ("_facet", "published_date")])
    for column in ("outlet_id", "published_month", "published_date"):
        assert facet_counts(data, column) == sql_column_counts(db, column), column


def chart_counts(client, params: list[tuple[str, str]], column: str) -> dict:
    """{value: count} read from the bars of the articles page's chart (and the note of months left out)."""
    response = client.get("/archive/articles", params=[*params, ("lang", "en")])
    tree = LexborHTMLParser(response.text)
    counts = {}
    for bar in tree.css("svg.bars a"):
        value = re.search(rf"{column}=([\d-]+)", bar.attributes["href"]).group(1)
        counts[value] = int(
            re.search(r": ([\d,]+) article", bar.attributes["aria-label"]).group(1).replace(",", "")
        )
    for link in tree.css(".chart-note a"):
        counts[link.text()] = int(re.match(r"\s*\(([\d,]+)\)", link.next.text()).group(1).replace(",", ""))
    return counts


def test_month_chart_counts_equal_sql_under_filters(client, db):
    assert chart_counts(client, [], "published_month") == sql_column_counts(db, "published_month")
    person = top(db, "select person_id from article_people group by person_id order by count(*) desc")
    ids_sql = "select article_id from article_people where person_id = ?"
    assert chart_counts(client, [mentions("people", person)], "published_month") == sql_column_counts(
        db, "published_month", f"id in ({ids_sql})", [person]
    )


def test_m2m_facets_under_an_outlet_filter(client, db):
    outlet = top(db, "select outlet_id from articles group by outlet_id order by count(*) desc")
    data = table_json(client, {"outlet_id": str(outlet)})
    for kind in M2M:
        expected = sql_m2m_counts(db, kind, "select id from articles where outlet_id = ?", [outlet])
        assert facet_counts(data, kind) == expected, kind


def test_m2m_facets_under_a_month_filter(client, db):
    month = top(db, "select published_month from articles group by published_month order by count(*) desc")
    data = table_json(client, {"published_month": month})
    for kind in M2M:
        expected = sql_m2m_counts(db, kind, "select id from articles where published_month = ?", [month])
        assert facet_counts(data, kind) == expected, kind


def test_person_filter_narrows_every_facet(client, db):
    person = top(db, "select person_id from article_people group by person_id order by count(*) desc")
    data = table_json(client, [mentions("people", person), ("_facet", "published_month")])
    ids_sql = "select article_id from article_people where person_id = ?"
    assert (
        data["filtered_table_rows_count"]
        == db.execute(f"select count(*) from ({ids_sql})", [person]).fetchone()[0]
    )
    for kind in M2M:
        assert facet_counts(data, kind) == sql_m2m_counts(db, kind, ids_sql, [person]), kind
    assert facet_counts(data, "published_month") == sql_column_counts(
        db, "published_month", f"id in ({ids_sql})", [person]
    )
    selected = [r for r in data["facet_results"]["people"]["results"] if r["selected"]]
    assert [r["value"] for r in selected] == [person]


def test_two_entity_filters_and_an_outlet_combine(client, db):
    person = top(db, "select person_id from article_people group by person_id order by count(*) desc")
    place = top(
        db,
        f"select place_id from article_places where article_id in "
        f"(select article_id from article_people where person_id = {person}) "
        "group by place_id order by count(*) desc",
    )
    params = [mentions("people", person), mentions("places", place)]
    ids_sql = (
        "select article_id from article_people where person_id = ? "
        "intersect select article_id from article_places where place_id = ?"
    )
    data = table_json(client, params)
    expected_total = db.execute(f"select count(*) from ({ids_sql})", [person, place]).fetchone()[0]
    assert data["filtered_table_rows_count"] == expected_total
    for kind in M2M:
        assert facet_counts(data, kind) == sql_m2m_counts(db, kind, ids_sql, [person, place]), kind
    outlet_counts = facet_counts(data, "outlet_id")
    assert outlet_counts == sql_column_counts(db, "outlet_id", f"id in ({ids_sql})", [person, place])
    outlet = max(outlet_counts, key=outlet_counts.get)
    narrowed = table_json(client, [*params, ("outlet_id", str(outlet))])
    assert narrowed["filtered_table_rows_count"] == outlet_counts[outlet]


def test_clicking_a_facet_value_filters_to_its_count_and_clicking_again_removes_it(client, db):
    data = table_json(client, {})
    total = data["filtered_table_rows_count"]
    for kind in M2M:
        for value in data["facet_results"][kind]["results"][:3]:
            clicked = client.get(value["toggle_url"]).json()
            assert clicked["filtered_table_rows_count"] == value["count"], (kind, value["label"])
            selected = [r for r in clicked["facet_results"][kind]["results"] if r["selected"]]
            assert len(selected) == 1 and selected[0]["count"] == value["count"]
            unclicked = client.get(selected[0]["toggle_url"]).json()
            assert unclicked["filtered_table_rows_count"] == total
            assert not [
                k for k, _ in parse_qsl(urlsplit(selected[0]["toggle_url"]).query) if k.startswith("_m2m")
            ]


def test_m2m_facets_follow_a_full_text_search(client, db):
    word = top(db, "select title from articles where language = 'en' order by id").split()[-1]
    data = table_json(client, {"_search": word, "_size": "max", "_shape": "objects"})
    ids = [row["id"] for row in data["rows"]]
    assert ids and len(ids) == data["filtered_table_rows_count"]
    for kind in M2M:
        table, column = M2M[kind]
        links = db.execute(
            f"select {column} from {table} where article_id in ({','.join('?' * len(ids))})", ids
        ).fetchall()
        assert facet_counts(data, kind) == dict(Counter(row[0] for row in links)), kind


def test_table_page_names_the_entity_filters(client, db):
    person = db.execute("select id, name, name_zh from people order by article_count desc limit 1").fetchone()
    for lang, name in (("en", person["name"]), ("zh", person["name_zh"] or person["name"])):
        response = client.get("/archive/articles", params=[mentions("people", person["id"]), ("lang", lang)])
        assert response.status_code == 200
        chip = LexborHTMLParser(response.text).css_first(".active-filters .chip-person")
        link = chip.css_first("a:not(.remove)")
        assert (link.attributes["href"], link.text()) == (f"/archive/people/{person['id']}", name)
        assert "_m2m_people" not in chip.css_first("a.remove").attributes["href"]

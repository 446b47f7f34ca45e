"""Facet counts worked out when the archive is built, for the listings readers reach most.

The articles table shows counts by outlet, person, organization and place, and a chart by month (by
day within one month). Counted live, each is a scan of every article under the filters: at a million
articles that takes seconds. Most views are all articles or articles under one filter (a facet
clicked, a person's or outlet's "all articles" link, a chart bar), so those counts are stored here
for every filter value with at least MIN_ARTICLES articles; fewer are quick to count live, as is
anything else. Entity facets keep their TOP values (a listing shows fewer); outlets, months and days
are kept whole.

    facet_counts(filter, filter_value, facet, value, count)
    filter: '' (all articles), outlet_id, published_month, person_id, organization_id, place_id
    facet:  outlet_id, published_month, published_date (under a month only), person_id,
            organization_id, place_id; and '' (value '') whose count is the articles under the
            filter: the mark that this filter value's counts are stored
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter

TOP = 31
MIN_ARTICLES = 2000
# kind -> SQL giving (article_id, value) for every article that has the value.
MEMBERS = {
    "outlet_id": "SELECT id AS article_id, outlet_id AS value FROM articles WHERE outlet_id IS NOT NULL",
    "published_month": "SELECT id AS article_id, published_month AS value FROM articles"
                       " WHERE published_month IS NOT NULL",
    "published_date": "SELECT id AS article_id, published_date AS value FROM articles"
                      " WHERE published_date IS NOT NULL",
    "person_id": "SELECT article_id, person_id AS value FROM article_people",
    "organization_id": "SELECT article_id, organization_id AS value FROM article_organizations",
    "place_id": "SELECT article_id, place_id AS value FROM article_places",
}
ARTICLE_COLUMNS = ("outlet_id", "published_month", "published_date")  # the kinds that are articles' columns
FILTERS = ["outlet_id", "published_month", "person_id", "organization_id", "place_id"]
FACETS = ["outlet_id", "published_month", "person_id", "organization_id", "place_id"]
WHOLE = {"outlet_id", "published_month", "published_date"}  # kept whole, not cut to the TOP values


def pairs() -> list[tuple[str, str]]:
    """Every (filter, facet) stored; '' is no filter."""
    return [("", facet) for facet in FACETS] + [(f, facet) for f in FILTERS for facet in FACETS] + [
        ("published_month", "published_date")]


def write(conn: sqlite3.Connection, min_articles: int = MIN_ARTICLES) -> None:
    """Count every stored (filter, facet) pair again from the article and link tables, for the filter
    values with at least ``min_articles`` articles."""
    conn.execute("DELETE FROM facet_counts")
    conn.execute("INSERT INTO facet_counts VALUES ('', '', '', '', (SELECT count(*) FROM articles))")
    large: dict[str, set[object]] = {}
    for kind in FILTERS:
        counted = f"SELECT value, count(*) FROM ({MEMBERS[kind]}) GROUP BY value HAVING count(*) >= ?"
        rows = conn.execute(counted, (min_articles,)).fetchall()
        conn.executemany("INSERT INTO facet_counts VALUES (?, ?, '', '', ?)", [(kind, *row) for row in rows])
        large[kind] = {value for value, _ in rows}
    for facet in FACETS:  # no filter: one GROUP BY each
        counted = (f"SELECT '' AS filter_value, value, count(*) AS count FROM ({MEMBERS[facet]})"
                   " GROUP BY value")
        keep = "" if facet in WHOLE else f"WHERE n <= {TOP}"
        conn.execute(
            "INSERT INTO facet_counts (filter, filter_value, facet, value, count)"
            " SELECT '', filter_value, :facet, value, count FROM (SELECT *, row_number() OVER"
            f" (PARTITION BY filter_value ORDER BY count DESC, value) AS n FROM ({counted})) {keep}",
            {"facet": facet})
    conn.executemany("INSERT INTO facet_counts (filter, filter_value, facet, value, count)"
                     " VALUES (?, ?, ?, ?, ?)", _filtered_rows(conn, large))


def _filtered_rows(conn: sqlite3.Connection, large: dict[str, set[object]]) -> Iterator[tuple]:
    """(filter, filter_value, facet, value, count) of every filtered pair, the filter values being those
    in ``large``. Counted here, article by article, rather than by joining each link table with another
    in SQL: SQLite groups the joined rows (1.6 million for place by place in the 2020 corpus) by sorting
    them, which took seconds; one Counter of (facet, value) per filter value takes a fraction of that."""
    numbers: dict[tuple[str, object], int] = {}  # (facet, value) -> a number: counting ints is cheapest
    counts: dict[tuple[str, object], Counter[int]] = defaultdict(Counter)
    for values in _values_by_article(conn):
        facet_values: list[int] = []  # what the article adds under each of its filter values
        for kind in FILTERS:
            for filter_value in values[kind]:
                if filter_value in large[kind]:
                    if not facet_values:
                        facet_values = [numbers.setdefault((facet, value), len(numbers))
                                        for facet in MEMBERS for value in values[facet]]
                    counts[kind, filter_value].update(facet_values)
    pairs_by_number = list(numbers)
    for (kind, filter_value), counted in counts.items():
        by_facet: dict[str, list[tuple[object, int]]] = defaultdict(list)
        for number, count in counted.items():
            facet, value = pairs_by_number[number]
            if (kind, facet) in STORED:  # published_date is counted under every filter, kept under months
                by_facet[facet].append((value, count))
        for facet, found in by_facet.items():
            ranked = sorted(found, key=_by_count_then_value)  # the live listing's order
            for value, count in ranked if facet in WHOLE else ranked[:TOP]:
                yield kind, filter_value, facet, value, count


def _by_count_then_value(item: tuple[object, int]) -> tuple[int, object]:
    return -item[1], item[0]


def _values_by_article(conn: sqlite3.Connection) -> Iterator[dict[str, list[object]]]:
    """Every article's values of each kind of MEMBERS, article by article: one pass over the articles
    table and one over each link table, all in article order (their primary keys), so only one article's
    values are held at a time."""
    linked = [kind for kind in MEMBERS if kind not in ARTICLE_COLUMNS]
    groups = {kind: groupby(conn.execute(f"SELECT article_id, value FROM ({MEMBERS[kind]})"
                                         " ORDER BY article_id"), key=itemgetter(0)) for kind in linked}
    pending = {kind: next(groups[kind], None) for kind in linked}  # each table's next article and its rows
    columns = ", ".join(ARTICLE_COLUMNS)
    for article_id, *row in conn.execute(f"SELECT id, {columns} FROM articles ORDER BY id"):
        values: dict[str, list[object]] = {kind: [] if value is None else [value]
                                           for kind, value in zip(ARTICLE_COLUMNS, row, strict=True)}
        for kind in linked:
            group = pending[kind]
            if group is not None and group[0] == article_id:
                values[kind] = [value for _, value in group[1]]
                pending[kind] = next(groups[kind], None)
            else:
                values[kind] = []
        yield values


STORED = set(pairs())
# Request arguments that pick a stored filter, and those that change nothing counted.
FILTER_ARGUMENTS = {"outlet_id": "outlet_id", "outlet_id__exact": "outlet_id",
                    "published_month": "published_month", "published_month__exact": "published_month",
                    "_m2m_people": "person_id", "_m2m_organizations": "organization_id",
                    "_m2m_places": "place_id"}
NEUTRAL_ARGUMENTS = {"_sort", "_sort_desc", "_next", "_size", "_page", "_facet", "_facet_m2m", "_shape",
                     "_labels", "_nolabels", "_col", "_nocol", "_json", "_nl", "_bom", "_dl", "_stream",
                     "_nofacet", "_nocount", "_nosuggest", "_trace", "_context", "lang"}


def stored_filter(args: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(filter, value) when a listing's arguments filter by nothing ('', '') or by one stored kind;
    None when its counts must be counted live."""
    chosen = [(FILTER_ARGUMENTS[key], value) for key, value in args if key in FILTER_ARGUMENTS]
    others = [key for key, _ in args if key not in FILTER_ARGUMENTS and key not in NEUTRAL_ARGUMENTS]
    if len(chosen) > 1 or others:
        return None
    return chosen[0] if chosen else ("", "")


# The filter's mark first, then the facet's values by count.
STORED_SQL = """select facet, value, count from facet_counts
where filter = :filter and filter_value = :filter_value and facet in ('', :facet)
order by facet != '', count desc, value limit :limit + 1"""


Counts = list[tuple[str, int]]


async def stored_counts(db, args, facet: str, limit: int) -> Counts | None:
    """A facet's (value, count) pairs for a listing, largest first, at most ``limit``, from the stored
    counts; None when they are not stored (the caller counts live). ``db`` is a Datasette Database,
    ``args`` the request's arguments (Datasette's MultiParams)."""
    found = stored_filter([(key, value) for key in args.keys() for value in args.getlist(key)])  # noqa: SIM118
    if found is None or (found[0], facet) not in STORED or (limit > TOP and facet not in WHOLE):
        return None
    rows = (await db.execute(STORED_SQL, {"filter": found[0], "filter_value": found[1], "facet": facet,
                                           "limit": limit})).rows
    if not rows or rows[0]["facet"] != "":
        return None
    return [(row["value"], row["count"]) for row in rows[1:]]

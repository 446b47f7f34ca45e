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
    for kind in FILTERS:
        conn.execute(f"INSERT INTO facet_counts SELECT ?, value, '', '', count(*) FROM ({MEMBERS[kind]})"
                     " GROUP BY value HAVING count(*) >= ?", (kind, min_articles))
    for filter_kind, facet in pairs():
        if filter_kind:
            large = (f"SELECT article_id, value FROM ({MEMBERS[filter_kind]}) WHERE value IN (SELECT"
                     " filter_value FROM facet_counts WHERE filter = :filter AND facet = '')")
            counted = (f"SELECT f.value AS filter_value, g.value AS value, count(*) AS count FROM ({large}) f"
                       f" JOIN ({MEMBERS[facet]}) g ON g.article_id = f.article_id GROUP BY f.value, g.value")
        else:
            counted = (f"SELECT '' AS filter_value, value, count(*) AS count FROM ({MEMBERS[facet]})"
                       " GROUP BY value")
        keep = "" if facet in WHOLE else f"WHERE n <= {TOP}"
        conn.execute(
            "INSERT INTO facet_counts (filter, filter_value, facet, value, count)"
            f" SELECT :filter, filter_value, :facet, value, count FROM (SELECT *, row_number() OVER"
            f" (PARTITION BY filter_value ORDER BY count DESC, value) AS n FROM ({counted})) {keep}",
            {"filter": filter_kind, "facet": facet})


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

"""The queries behind the site's pages, as named template functions: templates call them and only lay out.

Each function says what it returns; all SQL lives here with fixed table and column names (entity kinds
map to their link tables through ENTITY_LINKS, never through text from a template or a request).
Results are cached per process: the site serves an immutable file, so a query's answer never changes.

Table pages (the articles table and the entity indexes) also get, over the page's own filters: page
numbers, date charts and filter chips named in words. Page numbers, because Datasette 0.65 only links to
the next page: it pages a sorted table by key (``?_next=<sort value>,<id>``), not by offset, so for page n
we look up the key of the last row of page n-1 with one small query over the same filters, built exactly
as the table view builds them (``Filters`` and every ``filters_from_request`` hook), in the same order
(sort column, then id). Links carry ``_page=n`` (ignored by Datasette) so the page knows its number.
"""

from __future__ import annotations

import re
import sys
from collections import OrderedDict
from collections.abc import Hashable
from pathlib import Path
from urllib.parse import urlencode

import yaml
from datasette import hookimpl
from datasette.filters import Filters
from datasette.plugins import pm
from datasette.utils import await_me_maybe, escape_sqlite, tilde_encode

# The builder's text helpers (traditional/simplified) live in the newsarchive package, not installed.
REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from newsarchive.facet_counts import stored_counts  # noqa: E402
from newsarchive.textnorm import CJK_CHAR, to_simplified  # noqa: E402

DATABASE = "archive"
CACHED_QUERIES = 4096
PER_PAGE = 50

# kind -> (link table, its column naming the entity). Outlets link through articles.outlet_id.
ENTITY_LINKS = {
    "people": ("article_people", "person_id"),
    "organizations": ("article_organizations", "organization_id"),
    "places": ("article_places", "place_id"),
}
ENTITY_KINDS = (*ENTITY_LINKS, "outlets")


def article_ids_sql(kind: str) -> str:
    """SQL selecting the ids of the articles of entity :id of this kind (kind from ENTITY_KINDS only)."""
    if kind == "outlets":
        return "select id from articles where outlet_id = :id"
    table, column = ENTITY_LINKS[kind]
    return f"select article_id from {table} where {column} = :id"


def table_filter(kind: str, entity_id: int) -> str:
    """The articles-table query string that filters to an entity's articles."""
    key = "outlet_id" if kind == "outlets" else f"_m2m_{kind}"
    return urlencode({key: entity_id})


# kind -> (canned query of its Atom feed, the query's parameter): the feed takes the entity's slug.
ENTITY_FEEDS = {"people": ("person_feed", "person"), "outlets": ("outlet_feed", "outlet")}


def entity_feed_url(kind: str, entity: dict) -> str | None:
    """The Atom feed of an entity's newest articles, for the kinds that have one."""
    if kind not in ENTITY_FEEDS:
        return None
    query, param = ENTITY_FEEDS[kind]
    return f"/{DATABASE}/{query}.atom?{urlencode({param: entity['slug']})}"


class CaptionRules:
    """data/image_captions.yml: captions that say nothing, captions that are only a credit, spacer images."""

    def __init__(self, path: Path) -> None:
        rules = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.junk = {text.casefold() for text in rules["junk"]}
        self.junk_patterns = [re.compile(p, re.I) for p in rules["junk_patterns"]]
        self.credit_patterns = [re.compile(p) for p in rules["credit_patterns"]]
        self.decorative = [re.compile(p, re.I) for p in rules["decorative_patterns"]]

    def is_decorative(self, caption: str) -> bool:
        return any(p.search(caption) for p in self.decorative)

    def is_junk(self, caption: str) -> bool:
        return caption.casefold() in self.junk or any(p.fullmatch(caption) for p in self.junk_patterns)

    def is_credit(self, caption: str) -> bool:
        return any(p.fullmatch(caption) for p in self.credit_patterns)

    def figure(self, image: dict) -> dict | None:
        """An image as shown: None for spacers; junk captions dropped; a credit-only caption as the credit."""
        caption, credit = (image["caption"] or "").strip(), (image["credit"] or "").strip()
        if caption and self.is_decorative(caption):
            return None
        if caption and self.is_junk(caption):
            caption = ""
        elif caption and self.is_credit(caption) and not credit:
            caption, credit = "", caption
        return {**image, "caption": caption or None, "credit": credit or None}


CAPTIONS = CaptionRules(REPO_ROOT / "data" / "image_captions.yml")

# A Chinese text is traditional when enough of its characters change under traditional→simplified.
TRADITIONAL_SHARE = 0.03
SCRIPT_SAMPLE = 600


def chinese_script(text: str) -> str:
    """ "zh-Hant" when the text is in traditional characters, else "zh-Hans"."""
    sample = text[:SCRIPT_SAMPLE]
    chinese = CJK_CHAR.findall(sample)
    simplified = to_simplified(sample)
    changed = sum(1 for a, b in zip(sample, simplified, strict=False) if a != b and CJK_CHAR.match(a))
    traditional = chinese and changed >= 2 and changed / len(chinese) >= TRADITIONAL_SHARE
    return "zh-Hant" if traditional else "zh-Hans"


class ResultCache:
    """Least-recently-used query results. Only for immutable databases, whose results never change."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._rows: OrderedDict[Hashable, list] = OrderedDict()

    def get(self, key: Hashable) -> list | None:
        rows = self._rows.get(key)
        if rows is not None:
            self._rows.move_to_end(key)
        return rows

    def put(self, key: Hashable, rows: list) -> None:
        self._rows[key] = rows
        self._rows.move_to_end(key)
        if len(self._rows) > self.size:
            self._rows.popitem(last=False)


# Entity pages of much-mentioned people aggregate tens of thousands of rows; each distinct query runs
# once per process.
results = ResultCache(CACHED_QUERIES)


class Queries:
    """The archive's page queries for one Datasette instance."""

    def __init__(self, datasette) -> None:
        self.db = datasette.get_database(DATABASE)

    async def rows(self, query: str, params: dict | None = None) -> list[dict]:
        key = (self.db.path, query, tuple(sorted((params or {}).items())))
        rows = None if self.db.is_mutable else results.get(key)
        if rows is None:
            rows = [dict(row) for row in (await self.db.execute(query, params or {})).rows]
            if not self.db.is_mutable:
                results.put(key, rows)
        return rows

    async def first(self, query: str, params: dict | None = None) -> dict | None:
        found = await self.rows(query, params)
        return found[0] if found else None

    # --- the whole archive ---------------------------------------------------------------------

    async def archive_meta(self) -> dict[str, str]:
        """The build's facts from the meta table: schema_version, built_at, source_count."""
        return {row["key"]: row["value"] for row in await self.rows("select key, value from meta")}

    async def recent_articles(self, limit: int = 12) -> list[dict]:
        """The newest articles: id, title, language, published_date, outlet names."""
        return await self.rows(
            "select a.id, a.title, a.language, a.published_date, o.name as outlet, o.name_zh as outlet_zh "
            "from articles a left join outlets o on o.id = a.outlet_id "
            "order by a.published_date desc, a.id desc limit :limit",
            {"limit": limit},
        )

    async def top_people(self, limit: int = 15) -> list[dict]:
        """The most-mentioned people with both names and their article counts."""
        return await self.rows(
            "select id, name, name_zh, name_zh_hant, article_count from people where article_count > 0 "
            "order by article_count desc, name limit :limit",
            {"limit": limit},
        )

    async def top_outlets(self, limit: int = 20) -> list[dict]:
        """The outlets with the most articles, with both names and counts."""
        return await self.rows(
            "select id, name, name_zh, kind, article_count from outlets where article_count > 0 "
            "order by article_count desc, name limit :limit",
            {"limit": limit},
        )

    async def articles_per_month(self) -> list[tuple[str, int]]:
        """(YYYY-MM, articles) for every month with dated articles, in date order."""
        rows = await self.rows(
            "select published_month as month, count(*) as n from articles "
            "where published_month is not null group by published_month order by published_month"
        )
        return [(row["month"], row["n"]) for row in rows]

    async def articles_per_day(self, month: str) -> list[tuple[str, int]]:
        """(YYYY-MM-DD, articles) for the days of one month that have articles, in date order."""
        rows = await self.rows(
            "select published_date as day, count(*) as n from articles where published_month = :month "
            "and published_date is not null group by published_date order by published_date",
            {"month": month},
        )
        return [(row["day"], row["n"]) for row in rows]

    async def outlet_names(self) -> dict[int, dict]:
        """Every outlet by id: name, name_zh (to label filters and facets)."""
        return {row["id"]: row for row in await self.rows("select id, name, name_zh from outlets")}

    # --- one entity (person, organization, place, outlet) ---------------------------------------

    async def entity_article_count(self, kind: str, entity_id: int) -> int:
        """How many articles mention (or, for an outlet, were written by) the entity."""
        row = await self.first(f"select count(*) as n from ({article_ids_sql(kind)})", {"id": entity_id})
        return row["n"]

    async def entity_articles(self, kind: str, entity_id: int, page: int = 1) -> list[dict]:
        """One page (PER_PAGE) of the entity's articles, newest first, with outlet names."""
        return await self.rows(
            "select a.id, a.title, a.language, a.published_date, o.name as outlet, o.name_zh as outlet_zh "
            "from articles a left join outlets o on o.id = a.outlet_id "
            f"where a.id in ({article_ids_sql(kind)}) "
            "order by a.published_date desc, a.id desc limit :limit offset :offset",
            {"id": entity_id, "limit": PER_PAGE, "offset": (max(page, 1) - 1) * PER_PAGE},
        )

    async def entity_articles_per_month(self, kind: str, entity_id: int) -> list[tuple[str, int]]:
        """(YYYY-MM, articles) for the entity, in date order."""
        rows = await self.rows(
            "select published_month as month, count(*) as n from articles "
            f"where id in ({article_ids_sql(kind)}) and published_month is not null "
            "group by published_month order by published_month",
            {"id": entity_id},
        )
        return [(row["month"], row["n"]) for row in rows]

    async def people_mentioned_with(self, kind: str, entity_id: int, limit: int = 15) -> list[dict]:
        """The people most often in the entity's articles (a person's page leaves the person out)."""
        return await self.rows(
            "select p.id, p.name, p.name_zh, p.name_zh_hant, count(*) as n "
            "from article_people ap join people p on p.id = ap.person_id "
            f"where ap.article_id in ({article_ids_sql(kind)}) and ap.person_id is not :self "
            "group by p.id order by n desc, p.name limit :limit",
            {"id": entity_id, "self": entity_id if kind == "people" else None, "limit": limit},
        )

    async def outlets_covering(self, kind: str, entity_id: int, limit: int = 15) -> list[dict]:
        """The outlets with the most articles about the entity, with counts."""
        return await self.rows(
            "select o.id, o.name, o.name_zh, count(*) as n "
            "from articles a join outlets o on o.id = a.outlet_id "
            f"where a.id in ({article_ids_sql(kind)}) group by o.id order by n desc, o.name limit :limit",
            {"id": entity_id, "limit": limit},
        )

    async def articles_carried_by(self, outlet_id: int) -> int:
        """How many articles by other outlets reached us through this one (digest, mirror, republisher)."""
        row = await self.first("select count(*) as n from articles where via_id = :id", {"id": outlet_id})
        return row["n"]

    # --- one article ------------------------------------------------------------------------------

    async def article_outlets(self, article: dict) -> dict:
        """{"outlet": row or None, "via": row or None}: who wrote the article and who carried it."""
        rows = await self.rows(
            "select id, name, name_zh, kind from outlets where id in (:outlet, :via)",
            {"outlet": article["outlet_id"], "via": article["via_id"]},
        )
        by_id = {row["id"]: row for row in rows}
        return {"outlet": by_id.get(article["outlet_id"]), "via": by_id.get(article["via_id"])}

    async def article_entities(self, article_id: int) -> dict[str, list[dict]]:
        """{kind: [entity with names and mentions]}: people, organizations, places."""
        found = {}
        for kind, (table, column) in ENTITY_LINKS.items():
            hant = ", e.name_zh_hant" if kind == "people" else ", null as name_zh_hant"
            found[kind] = await self.rows(
                f"select e.id, e.name, e.name_zh{hant}, x.mentions from {table} x "
                f"join {kind} e on e.id = x.{column} where x.article_id = :id "
                "order by x.mentions desc, e.name",
                {"id": article_id},
            )
        return found

    async def article_figures(self, article_id: int) -> list[dict]:
        """The article's images in reading order, spacers removed, junk captions hidden (see CaptionRules)."""
        images = await self.rows(
            "select position, src, caption, credit, width, height from images "
            "where article_id = :id order by position",
            {"id": article_id},
        )
        return [figure for figure in map(CAPTIONS.figure, images) if figure]

    async def related_coverage(self, article_id: int, day: str | None, limit: int = 10) -> list[dict]:
        """Articles within a week of ``day`` that mention the same people, most shared people first."""
        if not day:
            return []
        return await self.rows(
            """select a.id, a.title, a.language, a.published_date, o.name as outlet, o.name_zh as outlet_zh,
                 count(*) as shared
               from article_people me
               join article_people other
                 on other.person_id = me.person_id and other.article_id != me.article_id
               join articles a on a.id = other.article_id
               left join outlets o on o.id = a.outlet_id
               where me.article_id = :id
                 and a.published_date between date(:day, '-7 days') and date(:day, '+7 days')
               group by a.id
               order by shared desc, abs(julianday(a.published_date) - julianday(:day)), a.id
               limit :limit""",
            {"id": article_id, "day": day, "limit": limit},
        )

    async def article_sources(self, article: dict) -> list[dict]:
        """The input files of the article, the one it was first parsed from first."""
        return await self.rows(
            "select id, input, path, sha256, bytes, format, encoding, status, message from sources "
            "where id = :source_id or article_id = :id order by id = :source_id desc, id",
            {"id": article["id"], "source_id": article["source_id"]},
        )

    async def outlet_neighbours(self, article: dict) -> dict:
        """{"previous": row or None, "next": row or None}: the outlet's articles just before and after."""
        if article["outlet_id"] is None or not article["published_date"]:
            return {"previous": None, "next": None}
        params = {"outlet": article["outlet_id"], "day": article["published_date"], "id": article["id"]}
        columns = "select id, title, language, published_date from articles indexed by articles_outlet "
        previous = await self.first(
            columns + "where outlet_id = :outlet and (published_date < :day or "
            "(published_date = :day and id < :id)) order by published_date desc, id desc limit 1",
            params,
        )
        following = await self.first(
            columns + "where outlet_id = :outlet and (published_date > :day or "
            "(published_date = :day and id > :id)) order by published_date, id limit 1",
            params,
        )
        return {"previous": previous, "next": following}


def article_script(article: dict) -> str:
    """The script the article is written in, for lang attributes and names: en, zh-Hans or zh-Hant."""
    if article["language"] != "zh":
        return "en" if article["language"] == "en" else "zh-Hans"
    return chinese_script((article["title"] or "") + (article["body"] or ""))


WINDOW = 2  # pages shown either side of the current one, besides the first and the last
# Columns whose filtered counts a table page may chart (fixed names: never taken from a request).
CHARTED_COLUMNS = {("articles", "published_month"), ("articles", "published_date")}
MAX_CHARTED_VALUES = 100_000  # every month or day there is
# Filters shown as chips with a name instead of SQL: argument -> (chip kind, table its ids point to).
LABELLED_ARGS = {
    "outlet_id": ("outlet", "outlets"),
    "via_id": ("via", "outlets"),
    "_m2m_people": ("person", "people"),
    "_m2m_organizations": ("organization", "organizations"),
    "_m2m_places": ("place", "places"),
}
PLAIN_ARGS = {
    "published_month": "month",
    "published_date": "day",
    "language": "language",
    "tags__arraycontains": "tag",
    "_search": "search",
}


async def filtered_where(datasette, request, database: str, table: str) -> tuple[str, dict]:
    """The table view's WHERE clause and parameters for this request's filters (without ``_next``)."""
    filter_args = [
        (key, value)
        for key in request.args
        if not (key.startswith("_") and "__" not in key)
        for value in request.args.getlist(key)
    ]
    where_clauses, params = Filters(sorted(filter_args)).build_where_clauses(table)
    hooks = pm.hook.filters_from_request(request=request, table=table, database=database, datasette=datasette)
    for hook in hooks:
        arguments = await await_me_maybe(hook)
        if arguments:
            where_clauses.extend(arguments.where_clauses)
            params.update(arguments.params)
    return (f"where {' and '.join(where_clauses)}" if where_clauses else ""), params


def page_window(current: int, pages: int) -> list[int]:
    """The page numbers a pager shows: the first, the last, and WINDOW either side of the current one."""
    return sorted({1, pages, *range(max(current - WINDOW, 1), min(current + WINDOW, pages) + 1)})


def numbered_links(request, current: int, pages: int) -> list[dict]:
    """Pager links for lists paged with ``?page=n`` (entity pages), in the shape PageLinks.links gives."""
    links, previous = [], 0
    for page in page_window(current, pages) if pages > 1 else []:
        url = None if page == current else _with_args(request, {"page": str(page)})
        links.append({"page": page, "url": url, "gap": page - previous > 1})
        previous = page
    return links


def page_number(request) -> int:
    try:
        return max(int(request.args.get("_page", "1")), 1)
    except ValueError:
        return 1


class PageLinks:
    """Links to numbered pages of one table listing."""

    def __init__(self, queries: Queries, datasette, request, database: str, table: str) -> None:
        self.queries = queries
        self.datasette, self.request, self.database, self.table = datasette, request, database, table

    def page_size(self) -> int:
        """Rows per page as the table view counts them: ?_size=, the table's metadata, the setting."""
        size = self.request.args.get("_size") or self.datasette.table_metadata(self.database, self.table).get(
            "size"
        )
        try:
            return int(size)
        except (TypeError, ValueError):  # none given, or "max"
            return self.datasette.setting("max_returned_rows" if size == "max" else "default_page_size")

    async def links(
        self, total: int | None, sort: str | None, sort_desc: str | None, primary_keys: list[str]
    ) -> list[dict]:
        """[{"page": n, "url": ... or None for the current page, "gap": True before a skipped run}]."""
        page_size = self.page_size()
        column = sort or sort_desc
        if not total or not column or len(primary_keys) != 1:
            return []
        pages = (total + page_size - 1) // page_size
        current = min(page_number(self.request), pages)
        wanted = page_window(current, pages)
        where, params = await filtered_where(self.datasette, self.request, self.database, self.table)
        links, previous = [], 0
        for page in wanted:
            url = None
            if page != current:
                url = await self._url(
                    page, total, page_size, column, bool(sort_desc), primary_keys[0], where, params
                )
            links.append({"page": page, "url": url, "gap": page - previous > 1})
            previous = page
        return links

    async def _url(
        self,
        page: int,
        total: int,
        page_size: int,
        column: str,
        descending: bool,
        pk: str,
        where: str,
        params: dict,
    ) -> str:
        base = {"_next": None, "_page": None}
        if page == 1:
            return self.datasette.urls.path(_with_args(self.request, base))
        # The row just before page `page`, counted from whichever end is nearer.
        before = (page - 1) * page_size - 1
        from_end = total - 1 - before
        # Datasette breaks ties by primary key ascending whichever way the column is sorted.
        direction, pk_direction = ("desc" if descending else "asc"), "asc"
        if from_end < before:
            direction, pk_direction, offset = _reverse(direction), _reverse(pk_direction), from_end
        else:
            offset = before
        col, key = escape_sqlite(column), escape_sqlite(pk)
        row = await self.queries.first(
            f"select {col} as value, {key} as pk from {escape_sqlite(self.table)} {where} "
            f"order by {col} {direction}, {key} {pk_direction} limit 1 offset :_page_offset",
            {**params, "_page_offset": offset},
        )
        value = "$null" if row["value"] is None else tilde_encode(str(row["value"]))
        sort_arg = "_sort_desc" if descending else "_sort"
        return self.datasette.urls.path(
            _with_args(
                self.request,
                {
                    **base,
                    "_next": f"{value},{tilde_encode(str(row['pk']))}",
                    sort_arg: column,
                    "_page": str(page),
                },
            )
        )


class TableFilters:
    """The current filters of a table page, described for readers, and counts under them."""

    def __init__(self, queries: Queries, datasette, request, database: str, table: str) -> None:
        self.queries = queries
        self.datasette, self.request, self.database, self.table = datasette, request, database, table

    async def counts_by(self, column: str) -> list[tuple[str, int]]:
        """(value, rows) for each value of a date column under the page's filters, in value order."""
        if (self.table, column) not in CHARTED_COLUMNS:
            raise ValueError(f"no chart for {self.table}.{column}")
        # Counts stored at build time for all articles or one filter (newsarchive.facet_counts), else live.
        stored = await stored_counts(self.queries.db, self.request.args, column, MAX_CHARTED_VALUES)
        if stored is not None:
            return sorted(stored)
        where, params = await filtered_where(self.datasette, self.request, self.database, self.table)
        col = escape_sqlite(column)
        rows = await self.queries.rows(
            f"select {col} as value, count(*) as n from {escape_sqlite(self.table)} {where} "
            f"group by {col} order by {col}",
            params,
        )
        return [(row["value"], row["n"]) for row in rows if row["value"] is not None]

    async def chips(self) -> list[dict]:
        """Each filter as {"kind", "value", "label", "name_zh", "href", "remove_url"}; kind "other" keeps
        the raw argument for filters the site does not name (only typed-in URLs have those)."""
        chips = []
        for key in self.request.args:
            if key.startswith("_") and key not in LABELLED_ARGS and key not in PLAIN_ARGS:
                continue
            for value in self.request.args.getlist(key):
                chip = {
                    "kind": "other",
                    "key": key,
                    "value": value,
                    "label": value,
                    "name_zh": None,
                    "href": None,
                    "remove_url": self.datasette.urls.path(_without(self.request, key, value)),
                }
                if key in LABELLED_ARGS:
                    chip["kind"], other_table = LABELLED_ARGS[key]
                    row = await self.queries.first(
                        f"select name, name_zh from {escape_sqlite(other_table)} where id = :id",
                        {"id": value},
                    )
                    if row:
                        chip["label"], chip["name_zh"] = row["name"], row["name_zh"]
                        chip["href"] = self.datasette.urls.row(self.database, other_table, value)
                elif key in PLAIN_ARGS:
                    chip["kind"] = PLAIN_ARGS[key]
                chips.append(chip)
        return chips


def export_url(datasette, request, database: str, table: str, fmt: str, extra: list) -> str:
    """This listing as CSV or JSON: the same filters and sort, every page, plus ``extra`` arguments."""
    kept = [k for k in request.args if k not in ("_next", "_page", "_size")]
    pairs = [(k, v) for k in kept for v in request.args.getlist(k)]
    return f"{datasette.urls.table(database, table, format=fmt)}?{urlencode(pairs + list(extra))}"


def _without(request, key: str, value: str) -> str:
    pairs = [
        (k, v)
        for k in request.args
        for v in request.args.getlist(k)
        if (k, v) != (key, value) and k not in ("_next", "_page")
    ]
    return f"{request.path}?{urlencode(pairs)}" if pairs else request.path


def _reverse(direction: str) -> str:
    return "asc" if direction == "desc" else "desc"


def _with_args(request, changes: dict) -> str:
    pairs = [(k, v) for k in request.args if k not in changes for v in request.args.getlist(k)]
    pairs += [(k, v) for k, v in changes.items() if v is not None]
    return f"{request.path}?{urlencode(pairs)}" if pairs else request.path


@hookimpl
def extra_template_vars(datasette, request, database, table, view_name):
    queries = Queries(datasette)
    named = {
        name: getattr(queries, name)
        for name in (
            "archive_meta",
            "recent_articles",
            "top_people",
            "top_outlets",
            "articles_per_month",
            "articles_per_day",
            "outlet_names",
            "entity_article_count",
            "entity_articles",
            "entity_articles_per_month",
            "people_mentioned_with",
            "outlets_covering",
            "articles_carried_by",
            "article_outlets",
            "article_entities",
            "article_figures",
            "related_coverage",
            "article_sources",
            "outlet_neighbours",
        )
    }
    table_helpers = {
        "numbered_links": lambda page, pages: numbered_links(request, page, pages),
        # Open Graph and citations need the full URL, with the host the reader used.
        "absolute_url": lambda path: datasette.absolute_url(request, path) if request else path,
    }
    if view_name == "table" and request is not None and database == DATABASE:
        pages = PageLinks(queries, datasette, request, database, table)
        filters = TableFilters(queries, datasette, request, database, table)
        table_helpers |= {
            "page_links": pages.links,
            "page_number": page_number(request),
            "filter_chips": filters.chips,
            "filtered_counts_by": filters.counts_by,
            "export_url": lambda fmt, extra=(): export_url(datasette, request, database, table, fmt, extra),
        }
    return {
        **named,
        **table_helpers,
        "article_script": article_script,
        "table_filter": table_filter,
        "entity_feed_url": entity_feed_url,
        "per_page": PER_PAGE,
        "archive_bytes": queries.db.size,
    }

"""The site's search: one SQL for the /search page and the ranked_search canned query.

What a query finds: the articles whose own words (title, summary, body, captions, tags) match it, in
either script. When the whole query is the name of one person, organization or place, it is searched
as one phrase and the articles linked to that entity are added, counted apart. Headline-only stubs
rank last; reposts of one text (same body_key) show as one result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from newsarchive.search_text import RANK_WEIGHTS, name_key, search_snippet

PAGE_SIZE = 20
FACET_SIZE = 12
SORTS = {
    # Headline-only stubs last, then text matches by bm25, then articles found only through a name.
    "relevance": "is_stub, literal desc, rank, id",
    "newest": "published_date is null, published_date desc, id desc",
    "oldest": "published_date is null, published_date, id",
}
DAY = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
BM25 = f"bm25(articles_fts, {', '.join(str(w) for w in RANK_WEIGHTS)})"

# The search page's filters, on articles a (empty parameters filter nothing).
FILTERS = """(:language = '' or a.language = :language)
    and (:date_from = '' or a.published_date >= :date_from)
    and (:date_to = '' or a.published_date <= :date_to)
    and (:outlet = '' or a.outlet_id = (select id from outlets where slug = :outlet))
    and (:person = '' or a.id in (select ap.article_id from article_people ap
                                  join people p on p.id = ap.person_id where p.slug = :person))
    and (:stubs or not a.is_stub)"""

# The hits of one search, filtered: every matching article once, with what ranking and facets need
# (read from the small articles_facets index, not the wide rows). When the whole query is the name
# of one entity (and :names is on), it is searched as one phrase and the entity's articles join in.
HITS_SQL = f"""
with named as materialized (
  select kind, entity_id from search_names where :names and key = search_name_key(:q)
    and (select count(*) from search_names where key = search_name_key(:q)) = 1
),
matches as materialized (
  select rowid as id, {BM25} as rank from articles_fts
  where articles_fts match escape_fts(
    case when exists (select 1 from named) then '"' || replace(:q, '"', ' ') || '"' else :q end)
),
linked as materialized (
  select article_id as id from article_people
    where person_id = (select entity_id from named where kind = 'people')
  union all select article_id from article_organizations
    where organization_id = (select entity_id from named where kind = 'organizations')
  union all select article_id from article_places
    where place_id = (select entity_id from named where kind = 'places')
),
found as materialized (
  select id, rank, 1 as literal from matches
  union all
  select id, null, 0 from linked where id not in (select id from matches)
),
hits as materialized (
  select f.id, f.rank, f.literal, a.is_stub, a.copies, a.body_key, a.published_date, a.outlet_id,
    a.language
  from found f join articles a indexed by articles_facets on a.id = f.id
  where {FILTERS}
),
-- One hit per text: most texts have one copy in the whole archive (articles.copies = 1) and need no
-- grouping; the copies of the others are ranked among themselves and the best one stands for them.
stories as materialized (
  select *, 1 as shown_copies from hits where copies = 1
  union all
  select id, rank, literal, is_stub, copies, body_key, published_date, outlet_id, language, shown_copies
  from (select *, row_number() over same_text as nth, count(*) over same_text as shown_copies
        from hits where copies > 1
        window same_text as (partition by body_key order by is_stub, literal desc, rank, id))
  where nth = 1
)"""

# One statement per page view, so the full-text match runs once; rows told apart by `kind`.
PAGE_SQL = HITS_SQL + """
select 'total' as kind, count(*) as n, sum(literal) as a, sum(is_stub) as b, null as c,
  null as d, null as e, null as f, null as g, null as h from hits
union all select 'stories', count(*), null, null, null, null, null, null, null, null from stories
union all select * from (
  select 'outlet', count(*), o.slug, o.name, o.name_zh, null, null, null, null, null
  from hits join outlets o on o.id = hits.outlet_id group by o.id order by 2 desc, o.name limit :facet_size)
union all select * from (
  -- cross join: read the hits' people, not every person's articles (the planner's choice otherwise);
  -- counted per person first, so only the counted people are looked up
  select 'person', c.n, p.slug, p.name, p.name_zh, p.name_zh_hant, null, null, null, null
  from (select ap.person_id, count(*) as n from hits cross join article_people ap on ap.article_id = hits.id
        group by ap.person_id) c
  join people p on p.id = c.person_id order by 2 desc, p.name limit :facet_size)
union all select 'language', count(*), language, null, null, null, null, null, null, null
  from hits group by language
union all select 'year', count(*), substr(published_date, 1, 4), null, null, null, null, null, null, null
  from hits where published_date is not null group by 3
union all select * from (
  select 'result', row_number() over (), id, literal, shown_copies, null, null, null, null, null
  from (select * from stories order by {order} limit :limit offset :offset))
"""

# A search's stories in order (at most MANY), for paging through it: its pages are slices of them.
ORDER_SQL = HITS_SQL + """
select id, literal, shown_copies from stories order by {order}
"""

# Searches matching more articles than this are not ranked, grouped or faceted as a whole: each of those
# reads every hit, about 10 µs a hit on the project's machine, so 10,000 hits fill the page's 100 ms budget
# (and a million-article archive would take seconds). Their page lists them by date and says how to narrow.
MANY = 10_000

# How many articles a search matches through its words, and how many more through the name it is.
SIZE_SQL = HITS_SQL[:HITS_SQL.index("found as materialized")].rstrip().rstrip(",").replace(
    f"select rowid as id, {BM25} as rank from articles_fts", "select rowid as id from articles_fts") + """
select (select count(*) from matches),
  (select count(*) from linked where id not in (select id from matches))"""

# Many matches: the newest first (headline-only stubs last unless a date order is asked for), or the
# oldest, read along an index in that order until a page is full; the same filters as HITS_SQL; one
# article per text (the first stored copy: copies share their body, so it matches too). Filtered hits
# are not counted (that reads them all): one more row than a page is fetched to know whether a next page
# exists.
MANY_SQL = SIZE_SQL[:SIZE_SQL.index("\nselect (select count(*)")] + """,
hits as (
  select a.id, a.id in (select id from matches) as literal, a.copies, a.is_stub, a.published_date
  from articles a indexed by {index}
  where (a.id in (select id from matches) or a.id in (select id from linked))
    and (a.copies = 1 or a.id = (select min(b.id) from articles b where b.body_key = a.body_key))
    and """ + FILTERS + """
)
select id, literal, copies from hits order by {order} limit :limit offset :offset
"""
MANY_ORDERS = {"relevance": ("is_stub, published_date desc, id", "articles_listing"),  # stubs last
               "newest": ("published_date desc, id desc", "articles_date"),
               "oldest": ("published_date, id", "articles_date")}

# What the few results on the page show: titles, snippets, outlet, date and "also in".
RESULT_DETAILS_SQL = """
select a.id, a.title, a.summary, a.body, a.body_key, a.is_stub, a.is_excerpt, a.language, a.published_date,
  a.version_count, outlet.name as outlet, outlet.name_zh as outlet_zh,
  (select group_concat(name, ', ') from (select distinct o.name from articles b join outlets o
     on o.id = b.outlet_id where b.body_key = a.body_key and b.id != a.id)) as also_in
from articles a left join outlets outlet on outlet.id = a.outlet_id where a.id in ({ids})
"""


@dataclass(frozen=True)
class SearchArgs:
    """A search request, every value checked: anything a reader types is a valid search."""

    q: str = ""
    outlet: str = ""
    person: str = ""
    language: str = ""
    date_from: str = ""
    date_to: str = ""
    sort: str = "relevance"
    names: bool = True  # add articles linked to the entity the query names
    stubs: bool = True  # include headline-only items (ranked last)
    page: int = 1

    @classmethod
    def from_request(cls, args) -> SearchArgs:
        """From a request's query string (a Datasette MultiParams or a dict)."""
        def one(name: str) -> str:
            return (args.get(name) or "").strip()[:500]

        language = one("language")
        sort = one("sort")
        page = one("page")
        return cls(
            q=one("q"), outlet=one("outlet"), person=one("person"),
            language=language if language in ("zh", "en") else "",
            date_from=_day(one("from"), start=True), date_to=_day(one("to"), start=False),
            sort=sort if sort in SORTS else "relevance",
            names=one("names") != "0", stubs=one("stubs") != "0",
            page=min(int(page), 10**6) if page.isdigit() and int(page) > 0 else 1,
        )

    def query_string(self, **changes: object) -> dict[str, str]:
        """The arguments as a query string's pairs, with changes, leaving out defaults."""
        values = {"q": self.q, "outlet": self.outlet, "person": self.person, "language": self.language,
                  "from": self.date_from, "to": self.date_to,
                  "sort": "" if self.sort == "relevance" else self.sort,
                  "names": "" if self.names else "0", "stubs": "" if self.stubs else "0",
                  "page": "" if self.page == 1 else str(self.page)}
        values.update({key: "" if value is None else str(value) for key, value in changes.items()})
        return {key: value for key, value in values.items() if value}


def _day(value: str, start: bool) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD as the first (or last) day it covers; anything else as no limit."""
    if not DAY.match(value):
        return ""
    parts = [int(part) for part in value.split("-")]
    try:
        if len(parts) == 3:
            return date(*parts).isoformat()
        year, month = parts[0], parts[1] if len(parts) == 2 else (1 if start else 12)
        if start:
            return date(year, month, 1).isoformat()
        return (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).isoformat()
    except ValueError:
        return ""


async def named_entity(db, q: str) -> dict | None:
    """The one person, organization or place whose name or listed alias the whole query is."""
    key = name_key(q)
    if len(key) < 2:
        return None
    rows = (await db.execute("select kind, entity_id from search_names where key = :key", {"key": key})).rows
    if len(rows) != 1:
        return None
    kind, entity_id = rows[0]
    columns = "name, name_zh, name_zh_hant" if kind == "people" else "name, name_zh, null"
    name, name_zh, name_zh_hant = (await db.execute(
        f"select {columns} from {kind} where id = :id", {"id": entity_id})).rows[0]
    return {"kind": kind, "id": entity_id, "name": name, "name_zh": name_zh, "name_zh_hant": name_zh_hant}


async def search_articles(db, args: SearchArgs) -> dict:
    """One page of results for templates/pages/search.html: counts, facets, results with snippets.
    ``db`` is a Datasette Database (its execute() is awaited)."""
    entity = await named_entity(db, args.q) if args.names else None
    params = {
        "q": args.q, "names": int(args.names),
        "language": args.language, "date_from": args.date_from, "date_to": args.date_to,
        "outlet": args.outlet, "person": args.person, "stubs": int(args.stubs),
        "facet_size": FACET_SIZE, "limit": PAGE_SIZE, "offset": (args.page - 1) * PAGE_SIZE,
    }
    literal, linked = await _size(db, args)
    if literal + linked > MANY:
        return await _many(db, args, params, entity, literal, linked)
    counts, shown = await _outcome(db, args, params)
    return {"args": args, "entity": entity, "many": False, **counts,
            "results": await _page(db, shown, _highlighted(args.q, entity))}


class _Kept:
    """What searches give, kept per process for a file served immutable (scripts/serve.sh opens it so):
    it never changes while served, and paging through a search or coming back to it asks again. Bounded
    by weight (a value's size); the oldest entries leave first."""

    def __init__(self, limit: int) -> None:
        self.limit, self.weight, self.values = limit, 0, {}

    def get(self, db, key: tuple, default: object = None) -> object:
        """The value kept for key in db's file; never one for a file that may change."""
        return default if db.is_mutable else self.values.get((db.path, *key), (default, 0))[0]

    def put(self, db, key: tuple, value: object, weight: int = 1) -> None:
        if db.is_mutable:
            return
        key = (db.path, *key)
        self.weight -= self.values.pop(key, (None, 0))[1]
        self.values[key] = (value, weight)
        self.weight += weight
        while self.weight > self.limit:
            self.weight -= self.values.pop(next(iter(self.values)))[1]


_SIZES = _Kept(4096)  # (query, names) -> sizes
# search but its page -> counts, facets and (once paged through) its stories in order, weighed in stories
# (~100 bytes each; counts and facets ~12 kB, as much as 128 stories): about 20 MB in all
_OUTCOMES = _Kept(200_000)
COUNTS_WEIGHT = 128


async def _size(db, args: SearchArgs) -> tuple[int, int]:
    """How many articles a search matches through its words, and how many more through its name."""
    size = _SIZES.get(db, (args.q, args.names))
    if size is None:
        row = (await db.execute(SIZE_SQL, {"q": args.q, "names": int(args.names)})).rows[0]
        size = (row[0], row[1])
        _SIZES.put(db, (args.q, args.names), size)
    return size


async def _outcome(db, args: SearchArgs, params: dict) -> tuple[dict, list[tuple]]:
    """A search's counts and facets, and its page's stories in order as (id, literal, shown copies)."""
    key = (replace(args, page=1),)
    counts, ordered = _OUTCOMES.get(db, key, (None, None))
    order = SORTS[args.sort]
    if counts is None:  # a first look: counts, facets and the page's results in one statement
        by_kind: dict[str, list] = {}
        for row in (await db.execute(PAGE_SQL.format(order=order), params)).rows:
            by_kind.setdefault(row[0], []).append(row)
        counts = _counts(by_kind)
        _OUTCOMES.put(db, key, (counts, None), weight=COUNTS_WEIGHT)
        return counts, [tuple(row[2:5]) for row in sorted(by_kind.get("result", []), key=lambda row: row[1])]
    if ordered is None:  # paging through it: every story in order, once
        ordered = [tuple(row) for row in (await db.execute(ORDER_SQL.format(order=order), params)).rows]
        _OUTCOMES.put(db, key, (counts, ordered), weight=COUNTS_WEIGHT + len(ordered))
    return counts, ordered[params["offset"]:params["offset"] + PAGE_SIZE]


def _counts(by_kind: dict[str, list]) -> dict:
    """The counts and facets among PAGE_SQL's rows."""
    total, stories = by_kind["total"][0], by_kind["stories"][0][1]
    return {
        "total": total[1],
        "literal": total[2] or 0,
        "linked": total[1] - (total[2] or 0),
        "stubs": total[3] or 0,
        "stories": stories,
        "pages": max(1, -(-stories // PAGE_SIZE)),
        "outlets": [dict(zip(("n", "slug", "name", "name_zh"), row[1:5], strict=True))
                    for row in by_kind.get("outlet", [])],
        "people": [dict(zip(("n", "slug", "name", "name_zh", "name_zh_hant"), row[1:6], strict=True))
                   for row in by_kind.get("person", [])],
        "languages": {row[2]: row[1] for row in by_kind.get("language", [])},
        "years": sorted((row[2], row[1]) for row in by_kind.get("year", [])),
    }


async def _many(db, args: SearchArgs, params: dict, entity: dict | None, literal: int, linked: int) -> dict:
    """A page of a search matching more than MANY articles: newest (or oldest) first, no facets; the
    totals are exact (the words' and the name's matches are counted apart), filters narrow the list."""
    order, index = MANY_ORDERS[args.sort]
    results = (await db.execute(MANY_SQL.format(order=order, index=index),
                                {**params, "limit": PAGE_SIZE + 1})).rows
    filtered = any((args.language, args.date_from, args.date_to, args.outlet, args.person, not args.stubs))
    # How many results the list holds is unknown (filters narrow it, copies of one text show once): the
    # pager offers the next page only when there is one.
    pages = args.page + 1 if len(results) > PAGE_SIZE else args.page
    return {
        "args": args, "entity": entity, "many": True, "filtered": filtered,
        "total": literal + linked, "literal": literal, "linked": linked, "stubs": 0,
        "stories": literal + linked, "pages": pages,
        "outlets": [], "people": [], "languages": {}, "years": [],
        "results": await _page(db, [tuple(row) for row in results[:PAGE_SIZE]], _highlighted(args.q, entity)),
    }


async def _page(db, shown: list[tuple], q: str) -> list[dict]:
    """The page's results, (id, literal, copies) in order, with titles, snippets and the other outlets of
    their text."""
    details = {}
    if shown:
        ids = ", ".join(str(int(article_id)) for article_id, _, _ in shown)
        details = {row["id"]: row for row in (await db.execute(RESULT_DETAILS_SQL.format(ids=ids))).rows}
    return [_result(article_id, literal, copies, details[article_id], q)
            for article_id, literal, copies in shown]


def _highlighted(q: str, entity: dict | None) -> str:
    """What snippets mark: the query's words, and for a name its forms in both languages."""
    names = [entity[key] for key in ("name", "name_zh", "name_zh_hant") if entity and entity[key]]
    return " OR ".join([q, *(f'"{name}"' for name in names)])


def _result(article_id: int, literal: int, copies: int, detail, q: str) -> dict:
    text = (detail["summary"] + "\n" if detail["summary"] else "") + detail["body"]
    return {
        "id": article_id, "literal": bool(literal), "copies": copies, "language": detail["language"],
        "published_date": detail["published_date"], "versions": detail["version_count"],
        "outlet": detail["outlet"], "outlet_zh": detail["outlet_zh"],
        "is_stub": bool(detail["is_stub"]), "is_excerpt": bool(detail["is_excerpt"]),
        "also_in": detail["also_in"],
        "title_html": search_snippet(detail["title"], q, None),
        "snippet_html": search_snippet(text, q, 240),
    }


def ranking_sql(columns: str, names: bool | None = None) -> str:
    """The search page's hits in its order of relevance (for :q), without its filters: selecting
    ``columns`` from ``s`` (the ranked stories) and ``a`` (their articles). With names=None the query
    keeps its :names parameter."""
    sql = HITS_SQL + f"""
select {columns}
from (select *, row_number() over (order by {SORTS['relevance']}) as position from stories) s
join articles a on a.id = s.id left join outlets o on o.id = a.outlet_id
order by s.position"""
    fixed = {"language": "''", "date_from": "''", "date_to": "''", "outlet": "''", "person": "''",
             "stubs": "1"}
    if names is not None:
        fixed["names"] = str(int(names))
    for name, value in fixed.items():
        sql = re.sub(rf":{name}\b", value, sql)
    return sql


# Shipped in the database (meta.search_sql) for query_rewrite.Search: ranked ids, nothing the site adds.
FILE_SEARCH_SQL = ranking_sql("s.id, s.literal, a.title")
# The canned query ranked_search: the first hundred, with what a reader needs to judge them.
RANKED_SEARCH_SQL = ranking_sql(
    "s.id, a.published_date, o.name as outlet, a.title, "
    "case when s.literal then 'text' else 'linked to ' || (select kind from named) end as found_by, "
    "s.shown_copies as same_text, a.version_count as versions, a.is_stub, "
    "search_snippet_text(coalesce(a.summary || char(10), '') || a.body, :q, 200) as snippet",
    names=True,
) + "\nlimit 100"

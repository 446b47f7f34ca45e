"""Table pages' page numbers, date charts and filter chips, computed over the page's own filters.

Page numbers (Datasette 0.65 only links to the next page):
Datasette pages a sorted table by key (``?_next=<sort value>,<id>``), not by offset. For page n we look
up the key of the last row of page n-1 with one small query over the same filters, built exactly as the
table view builds them (``Filters`` and every ``filters_from_request`` hook), in the same order
(``sort column, id``). Links carry ``_page=n`` (ignored by Datasette) so the page knows its number.
"""

from __future__ import annotations

from urllib.parse import urlencode

from datasette import hookimpl
from datasette.filters import Filters
from datasette.plugins import pm
from datasette.utils import await_me_maybe, escape_sqlite, tilde_encode

WINDOW = 2  # pages shown either side of the current one, besides the first and the last
# Columns whose filtered counts a table page may chart (fixed names: never taken from a request).
CHARTED_COLUMNS = {("articles", "published_month"), ("articles", "published_date")}
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


def page_number(request) -> int:
    try:
        return max(int(request.args.get("_page", "1")), 1)
    except ValueError:
        return 1


class PageLinks:
    """Links to numbered pages of one table listing."""

    def __init__(self, datasette, request, database: str, table: str) -> None:
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
        wanted = sorted({1, pages, *range(max(current - WINDOW, 1), min(current + WINDOW, pages) + 1)})
        where, params = await filtered_where(self.datasette, self.request, self.database, self.table)
        links, previous = [], 0
        for page in wanted:
            url = None
            if page != current:
                url = await self._url(
                    page, pages, total, page_size, column, bool(sort_desc), primary_keys[0], where, params
                )
            links.append({"page": page, "url": url, "gap": page - previous > 1})
            previous = page
        return links

    async def _url(
        self,
        page: int,
        pages: int,
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
        row = (
            await self.datasette.get_database(self.database).execute(
                f"select {col} as value, {key} as pk from {escape_sqlite(self.table)} {where} "
                f"order by {col} {direction}, {key} {pk_direction} limit 1 offset :_page_offset",
                {**params, "_page_offset": offset},
            )
        ).first()
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

    def __init__(self, datasette, request, database: str, table: str) -> None:
        self.datasette, self.request, self.database, self.table = datasette, request, database, table

    async def counts_by(self, column: str) -> list[tuple[str, int]]:
        """(value, rows) for each value of a date column under the page's filters, in value order."""
        if (self.table, column) not in CHARTED_COLUMNS:
            raise ValueError(f"no chart for {self.table}.{column}")
        where, params = await filtered_where(self.datasette, self.request, self.database, self.table)
        col = escape_sqlite(column)
        rows = await self.datasette.get_database(self.database).execute(
            f"select {col} as value, count(*) as n from {escape_sqlite(self.table)} {where} "
            f"group by {col} order by {col}",
            params,
        )
        return [(row["value"], row["n"]) for row in rows if row["value"] is not None]

    async def chips(self) -> list[dict]:
        """Each filter as {"kind", "value", "label", "name_zh", "href", "remove_url"}; kind "other" keeps
        the raw argument for filters the site does not name (only typed-in URLs have those)."""
        db = self.datasette.get_database(self.database)
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
                    row = (
                        await db.execute(
                            f"select name, name_zh from {escape_sqlite(other_table)} where id = :id",
                            {"id": value},
                        )
                    ).first()
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
    if view_name != "table" or request is None:
        return {}
    pages = PageLinks(datasette, request, database, table)
    filters = TableFilters(datasette, request, database, table)
    return {
        "page_links": pages.links,
        "page_number": page_number(request),
        "filter_chips": filters.chips,
        "filtered_counts_by": filters.counts_by,
        "export_url": lambda fmt, extra=(): export_url(datasette, request, database, table, fmt, extra),
    }

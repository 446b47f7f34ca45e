"""Template helpers: read-only SQL for templates, the build's meta table, and the download file's size."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from datasette import hookimpl

DATABASE = "archive"
CACHED_QUERIES = 2048


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


# Entity pages of much-mentioned people aggregate tens of thousands of rows; the file cannot change
# while it is served (-i), so each distinct query runs once per process.
results = ResultCache(CACHED_QUERIES)


@hookimpl
def extra_template_vars(datasette):
    db = datasette.get_database(DATABASE)

    async def sql(query: str, params: dict | None = None) -> list:
        """Rows of a query against the archive (immutable, so nothing a template runs can write)."""
        key = (db.path, query, tuple(sorted((params or {}).items())))
        rows = None if db.is_mutable else results.get(key)
        if rows is None:
            rows = (await db.execute(query, params or {})).rows
            if not db.is_mutable:
                results.put(key, rows)
        return rows

    async def archive_meta() -> dict[str, str]:
        return {row["key"]: row["value"] for row in await sql("select key, value from meta")}

    return {"sql": sql, "archive_meta": archive_meta, "archive_bytes": db.size}

"""Template helpers: read-only SQL for templates, the build's meta table, and the download file's size."""

from __future__ import annotations

from datasette import hookimpl

DATABASE = "archive"


@hookimpl
def extra_template_vars(datasette):
    db = datasette.get_database(DATABASE)

    async def sql(query: str, params: dict | None = None) -> list:
        """Rows of a query against the archive (immutable, so nothing a template runs can write)."""
        return (await db.execute(query, params or {})).rows

    async def archive_meta() -> dict[str, str]:
        return {row["key"]: row["value"] for row in await sql("select key, value from meta")}

    return {"sql": sql, "archive_meta": archive_meta, "archive_bytes": db.size}

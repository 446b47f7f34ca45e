"""A many-to-many facet: counts of people / organizations / places across the filtered articles.

Configured in metadata.yml as ``{"m2m": {"through": "article_people", "column": "person_id"}}``.
Clicking a value adds Datasette's own ``?_through={"table": ..., "column": ..., "value": ...}`` filter.
"""

from __future__ import annotations

import json
from typing import Any

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args


def through_arg(through: str, column: str, value: Any) -> str:
    """The exact ``_through`` query-string value Datasette's filter expects."""
    return json.dumps({"table": through, "column": column, "value": str(value)}, separators=(",", ":"))


class ManyToManyFacet(Facet):
    type = "m2m"

    async def facet_results(self) -> tuple[list[dict], list[str]]:
        results, timed_out = [], []
        configs = self.get_configs()
        filtered = bool(configs) and await self._filtered()
        for source_and_config in configs:
            config = source_and_config["config"]
            try:
                results.append(await self._facet(config, source_and_config["source"], filtered))
            except QueryInterrupted:
                timed_out.append(config["through"])
        return results, timed_out

    async def _facet(self, config: dict, source: str, filtered: bool) -> dict:
        through, column = config["through"], config["column"]
        db = self.ds.get_database(self.database)
        fks = await db.foreign_keys_for_table(through)
        our_fk = next(fk for fk in fks if fk["other_table"] == self.table)
        their_fk = next(fk for fk in fks if fk["column"] == column)
        size = self.get_facet_size()
        rows = await self.ds.execute(
            self.database,
            self._count_sql(through, column, our_fk, size, filtered),
            self.params,
            truncate=False,
            custom_time_limit=self.ds.setting("facet_time_limit_ms"),
        )
        counted = rows.rows[:size]
        labels = await self.ds.expand_foreign_keys(
            self.database, through, column, [row["value"] for row in counted]
        )
        name = their_fk["other_table"]
        return {
            "name": name,
            "type": self.type,
            "hideable": source != "metadata",
            "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet_m2m"})),
            "results": [self._value(through, column, row, labels) for row in counted],
            "truncated": len(rows) > size,
        }

    def _count_sql(self, through: str, column: str, our_fk: dict, size: int, filtered: bool) -> str:
        # When the filters keep every article, skip the IN (...) membership test: grouping the link
        # table's (column, article_id) index alone gives the same counts ~8x faster.
        where = ""
        if filtered:
            where = "where {ours} in (select {pk} from ({sql}))".format(
                ours=escape_sqlite(our_fk["column"]),
                pk=escape_sqlite(our_fk["other_column"]),
                sql=self.sql,
            )
        col = escape_sqlite(column)
        return (
            f"select {col} as value, count(*) as count from {escape_sqlite(through)} {where} "
            f"group by {col} order by count desc, value limit {size + 1}"
        )

    async def _filtered(self) -> bool:
        """Do the current filters drop any rows? (They can only narrow, so equal counts mean all rows.)"""
        total = await self.ds.execute(self.database, f"select count(*) from {escape_sqlite(self.table)}")
        return await self.get_row_count() != total.first()[0]

    def _value(self, through: str, column: str, row, labels: dict) -> dict:
        arg = through_arg(through, column, row["value"])
        selected = self._selected_arg(through, column, row["value"])
        if selected is not None:
            path = path_with_removed_args(self.request, {"_through": selected})
        else:
            path = path_with_added_args(self.request, [("_next", None), ("_through", arg)])
        return {
            "value": row["value"],
            "label": labels.get((column, row["value"]), row["value"]),
            "count": row["count"],
            "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(path)),
            "selected": selected is not None,
        }

    def _selected_arg(self, through: str, column: str, value: Any) -> str | None:
        """The request's own ``_through`` string selecting this value, if any (so it can be removed)."""
        for raw in self.request.args.getlist("_through"):
            try:
                data = json.loads(raw)
            except ValueError:
                continue
            wanted = (through, column, str(value))
            if (data.get("table"), data.get("column"), str(data.get("value"))) == wanted:
                return raw
        return None


@hookimpl
def register_facet_classes():
    return [ManyToManyFacet]


@hookimpl
def extra_template_vars(request, datasette, database, view_name):
    """``active_through_filters()``: the ``_through`` filters on a table page, named, with removal links."""
    if view_name != "table" or request is None:
        return {}

    async def active_through_filters() -> list[dict]:
        db = datasette.get_database(database)
        active = []
        for raw in request.args.getlist("_through"):
            try:
                data = json.loads(raw)
                through, column, value = data["table"], data["column"], data["value"]
                fk = next(fk for fk in await db.foreign_keys_for_table(through) if fk["column"] == column)
            except (ValueError, KeyError, TypeError, StopIteration):
                continue  # Datasette's own filter reports malformed values
            labels = await datasette.expand_foreign_keys(database, through, column, [value])
            active.append(
                {
                    "table": fk["other_table"],
                    "value": value,
                    "label": labels.get((column, value)) or labels.get((column, _as_int(value))) or value,
                    "remove_url": datasette.urls.path(path_with_removed_args(request, {"_through": raw})),
                }
            )
        return active

    return {"active_through_filters": active_through_filters}


def _as_int(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value

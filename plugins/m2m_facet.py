"""Many-to-many facets and filters: people / organizations / places across the filtered articles.

Configured in metadata.yml on the articles table as ``{"m2m": {"through": "article_people", "column":
"person_id"}}``. The facet is named after the table the link column points to (``people``), and clicking a
value adds ``?_m2m_people=<id>`` (repeatable: every value must match).

Why not Datasette's own ``?_through=``: in 0.65 it names its SQL parameter ``p0`` too, colliding with the
column filters' ``p0``, so ``?outlet_id=2&_through=...`` silently filters with the wrong value.
Our parameters are named ``m2m_<table>_<n>`` and cannot collide.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet, load_facet_configs
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

REPO_ROOT = str(Path(__file__).resolve().parents[1])  # plugins load by path; newsarchive is not installed
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from newsarchive.facet_counts import stored_counts  # noqa: E402


# A NamedTuple, not a dataclass: Datasette loads plugins-dir files without registering them in
# sys.modules, which dataclasses need when annotations are strings.
class Relation(NamedTuple):
    """One many-to-many relation of the faceted table, resolved from the link table's foreign keys."""

    through: str  # link table, e.g. article_people
    column: str  # its column pointing at the other table, e.g. person_id
    ours: str  # its column pointing at the faceted table, e.g. article_id
    our_pk: str  # the faceted table's key that `ours` references, e.g. id
    other_table: str  # e.g. people

    @property
    def arg(self) -> str:
        return f"_m2m_{self.other_table}"

    def ids_sql(self, param: str) -> str:
        """SQL for the keys of faceted-table rows linked to the value bound to ``param``."""
        return (
            f"select {escape_sqlite(self.ours)} from {escape_sqlite(self.through)} "
            f"where {escape_sqlite(self.column)} = :{param}"
        )


# (database path, table, through, column) -> Relation. Every articles-table request resolves the
# relations three times (filter, facet, template); the schema of a served file never changes.
_resolved: dict[tuple, Relation] = {}


async def relation(datasette, database: str, table: str, config: dict) -> Relation:
    db = datasette.get_database(database)
    key = (db.path, table, config["through"], config["column"])
    if key not in _resolved:
        fks = await db.foreign_keys_for_table(config["through"])
        ours = next(fk for fk in fks if fk["other_table"] == table)
        theirs = next(fk for fk in fks if fk["column"] == config["column"])
        _resolved[key] = Relation(
            config["through"], config["column"], ours["column"], ours["other_column"], theirs["other_table"]
        )
    return _resolved[key]


async def relations(datasette, database: str, table: str, configs: list[dict]) -> list[Relation]:
    return [await relation(datasette, database, table, config) for config in configs]


async def configured_relations(datasette, request, database: str, table: str) -> list[Relation]:
    """The m2m relations configured for this table in metadata (the only ones that can filter)."""
    table_metadata = datasette.table_metadata(database, table)
    configs = load_facet_configs(request, table_metadata).get("m2m", [])
    return await relations(
        datasette, database, table, [c["config"] for c in configs if c["source"] == "metadata"]
    )


async def labels_for(datasette, database: str, relation: Relation, values: list) -> dict:
    """value -> label (the other table's label column), accepting ids given as strings or ints."""
    expanded = await datasette.expand_foreign_keys(database, relation.through, relation.column, values)
    return {str(value): label for (_, value), label in expanded.items()}


async def chinese_names_for(datasette, database: str, relation: Relation, values: list) -> dict:
    """value -> the other table's name_zh (people, organizations and places all have one)."""
    if not values:
        return {}
    params = {f"v{i}": value for i, value in enumerate(values)}
    rows = await datasette.execute(
        database,
        f"select id, name_zh from {escape_sqlite(relation.other_table)} "
        f"where id in ({', '.join(':' + name for name in params)})",
        params,
    )
    return {str(row["id"]): row["name_zh"] for row in rows}


class ManyToManyFacet(Facet):
    type = "m2m"

    async def facet_results(self) -> tuple[list[dict], list[str]]:
        results, timed_out = [], []
        configs = self.get_configs()
        if not configs:
            return results, timed_out
        found = await relations(self.ds, self.database, self.table, [c["config"] for c in configs])
        for source_and_config, relation in zip(configs, found, strict=True):
            try:
                results.append(await self._facet(relation, source_and_config["source"]))
            except QueryInterrupted:
                timed_out.append(relation.other_table)
        return results, timed_out

    async def _filtered(self) -> bool:
        """Do the current filters drop any rows? (They can only narrow, so equal counts mean all rows.)
        Asked once per page, by the first facet counted live."""
        if getattr(self, "_drops_rows", None) is None:
            total = await self.ds.execute(self.database, f"select count(*) from {escape_sqlite(self.table)}")
            self._drops_rows = await self.get_row_count() != total.first()[0]
        return self._drops_rows

    async def _facet(self, relation: Relation, source: str) -> dict:
        size = self.get_facet_size()
        # Counts stored at build time for all articles or one filter (newsarchive.facet_counts), else live.
        stored = await stored_counts(self.ds.get_database(self.database), self.request.args, relation.column,
                                     size + 1)
        if stored is None:
            rows = (await self.ds.execute(
                self.database,
                self._count_sql(relation, size, await self._filtered()),
                self.params,
                truncate=False,
                custom_time_limit=self.ds.setting("facet_time_limit_ms"),
            )).rows
        else:
            rows = [{"value": int(value), "count": count} for value, count in stored]
        counted = rows[:size]
        values = [row["value"] for row in counted]
        labels = await labels_for(self.ds, self.database, relation, values)
        chinese = await chinese_names_for(self.ds, self.database, relation, values)
        return {
            "name": relation.other_table,
            "type": self.type,
            "hideable": source != "metadata",
            "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet_m2m"})),
            "results": [self._value(relation, row, labels, chinese) for row in counted],
            "truncated": len(rows) > size,
        }

    def _count_sql(self, relation: Relation, size: int, filtered: bool) -> str:
        # When the filters keep every row, skip the IN (...) membership test: grouping the link table's
        # (column, article_id) index alone gives the same counts about eight times faster.
        where = ""
        if filtered:
            where = (
                f"where {escape_sqlite(relation.ours)} in "
                f"(select {escape_sqlite(relation.our_pk)} from ({self.sql}))"
            )
        col = escape_sqlite(relation.column)
        return (
            f"select {col} as value, count(*) as count from {escape_sqlite(relation.through)} {where} "
            f"group by {col} order by count desc, value limit {size + 1}"
        )

    def _value(self, relation: Relation, row, labels: dict, chinese: dict) -> dict:
        value = str(row["value"])
        selected = value in self.request.args.getlist(relation.arg)
        if selected:
            path = path_with_removed_args(self.request, {relation.arg: value})
        else:
            path = path_with_added_args(self.request, [("_next", None), (relation.arg, value)])
        return {
            "value": row["value"],
            "label": labels.get(value, value),
            "label_zh": chinese.get(value),
            "count": row["count"],
            "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(path)),
            "selected": selected,
        }


@hookimpl
def register_facet_classes():
    return [ManyToManyFacet]


@hookimpl
def filters_from_request(request, database, table, datasette):
    async def m2m_filters() -> FilterArguments:
        where, params, descriptions = [], {}, []
        for relation in await configured_relations(datasette, request, database, table):
            values = request.args.getlist(relation.arg)
            labels = await labels_for(datasette, database, relation, values) if values else {}
            for i, value in enumerate(values):
                param = f"m2m_{relation.other_table}_{i}"
                where.append(f"{escape_sqlite(relation.our_pk)} in ({relation.ids_sql(param)})")
                params[param] = value
                descriptions.append(f'{relation.other_table} include "{labels.get(value, value)}"')
        return FilterArguments(where, params, descriptions)

    return m2m_filters

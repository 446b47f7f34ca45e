"""A column facet that reads the counts stored at build time when it can (newsarchive.facet_counts).

Configured in metadata.yml as ``{"counted": "outlet_id"}``. With no filter or one stored filter (an
outlet, a month, a person, an organization or a place with many articles) the counts come from the
``facet_counts`` table; otherwise, and for every other table, Datasette's own column facet counts
them live, under the facet time limit.
"""

from __future__ import annotations

import sys
from pathlib import Path

from datasette import hookimpl
from datasette.facets import ColumnFacet
from datasette.utils import path_with_added_args, path_with_removed_args

REPO_ROOT = str(Path(__file__).resolve().parents[1])  # plugins load by path; newsarchive is not installed
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from newsarchive.facet_counts import stored_counts  # noqa: E402

TABLE = "articles"


class CountedFacet(ColumnFacet):
    type = "counted"

    async def facet_results(self) -> tuple[list[dict], list[str]]:
        configs = self.get_configs()
        if self.table != TABLE or len(configs) != 1:
            return await super().facet_results()
        column = configs[0]["config"]["simple"]
        size = self.get_facet_size()
        db = self.ds.get_database(self.database)
        counts = await stored_counts(db, self.request.args, column, size + 1)
        if counts is None:
            return await super().facet_results()
        shown = counts[:size]
        labels = await self.ds.expand_foreign_keys(self.database, self.table, column,
                                                   [int(value) for value, _ in shown])
        return [{
            "name": column,
            "type": self.type,
            "hideable": configs[0]["source"] != "metadata",
            "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet": column})),
            "results": [self._value(column, int(value), count, labels) for value, count in shown],
            "truncated": len(counts) > size,
        }], []

    def _value(self, column: str, value: int, count: int, labels: dict) -> dict:
        selected = str(value) in self.request.args.getlist(column)
        if selected:
            path = path_with_removed_args(self.request, {column: str(value)})
        else:
            path = path_with_added_args(self.request, {column: value})
        url = self.ds.absolute_url(self.request, self.ds.urls.path(path))
        return {"value": value, "label": labels.get((column, value), value), "count": count,
                "toggle_url": url, "selected": selected}


@hookimpl
def register_facet_classes():
    return [CountedFacet]

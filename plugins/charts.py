"""Data shaping for the server-rendered SVG bar charts (templates/_charts.html draws them).

A chart spans the archive's real coverage: a few stray months far from the rest (ten articles dated 2014
in a 2019–2021 archive) are left out of the axis and named under the chart instead.
"""

from __future__ import annotations

from calendar import monthrange
from typing import NamedTuple

from datasette import hookimpl

# Months with articles separated by more than this many empty months start a new cluster.
GAP_MONTHS = 6


class Coverage(NamedTuple):
    """A gap-free month series over the main cluster of months, and the months left outside it."""

    series: list[tuple[str, int]]
    outliers: list[tuple[str, int]]

    @property
    def outlier_count(self) -> int:
        return sum(count for _, count in self.outliers)


def next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"


def months_apart(first: str, last: str) -> int:
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7])


def month_series(rows: list) -> list[tuple[str, int]]:
    """(YYYY-MM, count) rows as a gap-free series from the first to the last month (missing = 0)."""
    counts = {row[0]: row[1] for row in rows if row[0]}
    if not counts:
        return []
    series, month, last = [], min(counts), max(counts)
    while month <= last:
        series.append((month, counts.get(month, 0)))
        month = next_month(month)
    return series


def coverage(rows: list) -> Coverage:
    """The series over the cluster of months holding the most articles; other clusters are outliers.

    Clusters are runs of months with articles separated by more than GAP_MONTHS empty months.
    """
    counted = sorted((row[0], row[1]) for row in rows if row[0] and row[1])
    if not counted:
        return Coverage([], [])
    clusters: list[list[tuple[str, int]]] = [[counted[0]]]
    for month, count in counted[1:]:
        if months_apart(clusters[-1][-1][0], month) > GAP_MONTHS + 1:
            clusters.append([])
        clusters[-1].append((month, count))
    main = max(clusters, key=lambda cluster: sum(count for _, count in cluster))
    outliers = [item for cluster in clusters if cluster is not main for item in cluster]
    return Coverage(month_series(main), outliers)


def day_series(month: str, rows: list) -> list[tuple[str, int]]:
    """(YYYY-MM-DD, count) for every day of the month, in order (days without articles = 0)."""
    counts = {row[0]: row[1] for row in rows if row[0]}
    year, mon = int(month[:4]), int(month[5:7])
    return [
        (f"{month}-{day:02d}", counts.get(f"{month}-{day:02d}", 0))
        for day in range(1, monthrange(year, mon)[1] + 1)
    ]


def pivot(rows: list, row_key: str, column_key: str, value_key: str) -> dict:
    """Rows of (row, column, value) as a grid: {"columns": sorted column values, "rows": [(row, [values])]}.

    Rows keep their first-seen order; a missing cell is 0.
    """
    columns = sorted({row[column_key] for row in rows})
    cells: dict = {}
    for row in rows:
        cells.setdefault(row[row_key], {})[row[column_key]] = row[value_key]
    grid_rows = [(key, [values.get(c, 0) for c in columns]) for key, values in cells.items()]
    return {"columns": columns, "rows": grid_rows}


def totals(rows: list, key: str, value: str) -> list[tuple]:
    """(key, sum of value) over rows, in key order: e.g. articles per month from per-outlet rows."""
    summed: dict = {}
    for row in rows:
        summed[row[key]] = summed.get(row[key], 0) + (row[value] or 0)
    return sorted(summed.items())


@hookimpl
def prepare_jinja2_environment(env) -> None:
    env.filters["month_series"] = month_series
    env.filters["coverage"] = coverage
    env.globals["day_series"] = day_series
    env.globals["pivot"] = pivot
    env.globals["totals"] = totals

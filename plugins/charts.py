"""Data shaping for the server-rendered SVG bar charts (templates/_charts.html draws them)."""

from __future__ import annotations

from datasette import hookimpl


def next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"


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


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["month_series"] = month_series

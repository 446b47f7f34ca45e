"""Facet and chart counts stored at build time (newsarchive.facet_counts) are the counts the site would
count live: the same pages served from a copy whose every filter value is stored, and from a copy with
nothing stored, show the same facets and charts."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SiteClient, site_datasette
from selectolax.lexbor import LexborHTMLParser

from newsarchive import facet_counts


def copy_with_counts(sample_db: Path, folder: Path, min_articles: int | None) -> Path:
    """A copy of the sample with every filter value's counts stored (1), or none at all (None)."""
    db = folder / "archive.db"
    shutil.copy(sample_db, db)
    conn = sqlite3.connect(db, isolation_level=None)
    if min_articles is None:
        conn.execute("DELETE FROM facet_counts")
    else:
        facet_counts.write(conn, min_articles)
    conn.close()
    return db


@pytest.fixture(scope="module")
def sites(sample_db: Path, tmp_path_factory) -> Iterator[tuple[SiteClient, SiteClient]]:
    stored = SiteClient(site_datasette(copy_with_counts(sample_db, tmp_path_factory.mktemp("all"), 1)))
    live = SiteClient(site_datasette(copy_with_counts(sample_db, tmp_path_factory.mktemp("none"), None)))
    yield stored, live
    stored.close()
    live.close()


def listings(db_path: Path) -> list[str]:
    """The articles table unfiltered and under one filter of every stored kind."""
    conn = sqlite3.connect(db_path)
    pick = {
        "outlet_id": ("outlet_id", "articles"),
        "published_month": ("published_month", "articles"),
        "_m2m_people": ("person_id", "article_people"),
        "_m2m_organizations": ("organization_id", "article_organizations"),
        "_m2m_places": ("place_id", "article_places"),
    }
    largest = "select {0} from {1} where {0} is not null group by 1 order by count(*) desc limit 1"
    values = {arg: conn.execute(largest.format(*where)).fetchone()[0] for arg, where in pick.items()}
    return ["/archive/articles.json?_size=1"] + [
        f"/archive/articles.json?_size=1&{arg}={value}" for arg, value in values.items()]


def test_stored_facets_equal_live_ones(sites, sample_db: Path) -> None:
    stored, live = sites
    assert facet_counts.stored_filter([("_m2m_people", "3"), ("outlet_id", "1")]) is None  # two filters
    for path in listings(sample_db):
        got, expected = stored.get(path).json(), live.get(path).json()
        assert got["facet_results"] == expected["facet_results"], path
        assert set(got["facet_results"]) == {"outlet_id", "people", "organizations", "places"}  # no time-out


def test_stored_charts_equal_live_ones(sites, sample_db: Path) -> None:
    stored, live = sites
    for path in listings(sample_db):
        page = path.replace(".json", "") + "&lang=en"
        charts = [LexborHTMLParser(site.get(page).text).css("figure.chart") for site in (stored, live)]
        assert [c.html for c in charts[0]] == [c.html for c in charts[1]] and charts[0], page

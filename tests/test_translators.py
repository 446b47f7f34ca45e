"""Translators: named apart from the authors (articles.translators), shown on the article page in both
languages, exported with the row, and an archive built before the column existed is rebuilt with it."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, SiteClient, site_datasette
from selectolax.lexbor import LexborHTMLParser

from newsarchive.build import build as build_archive

FIXTURES = REPO / "tests" / "fixtures" / "feed_mirror"
# A CNA foreign-wire story credited only to its translators, and a NYT story with a translator's line.
INPUTS = ("cna_wire_translator.md", "nyt_closing_bios.md")


def build(folder: Path, db: Path, data: Path) -> None:
    # In-process, with the data folder of the build-mechanics tests: translators depend on no entity.
    report = build_archive([folder], db, data_dir=data, jobs=1, progress=False)
    assert report.integrity == "ok"


@pytest.fixture(scope="module")
def archive(tmp_path_factory, build_data: Path) -> Path:
    folder = tmp_path_factory.mktemp("translators-input")
    for name in INPUTS:
        shutil.copy(FIXTURES / name, folder / name)
    db = tmp_path_factory.mktemp("translators") / "archive.db"  # the name the site serves
    build(folder, db, build_data)
    return db


@pytest.fixture(scope="module")
def site(archive: Path) -> Iterator[SiteClient]:
    client = SiteClient(site_datasette(archive))
    yield client
    client.close()


def wire_story(db: Path) -> sqlite3.Row:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return conn.execute("SELECT * FROM articles WHERE url LIKE '%cna.com.tw%'").fetchone()


def test_translators_are_stored_apart_from_authors(archive: Path) -> None:
    row = wire_story(archive)
    assert json.loads(row["authors"]) == []
    assert json.loads(row["translators"]) == ["林小華", "陳大同"]  # the editor (核稿) is not stored


@pytest.mark.parametrize(("lang", "label"),
                         [("en", "translated by 林小華, 陳大同"), ("zh", "译者：林小華, 陳大同")])
def test_the_article_page_names_the_translators(site: SiteClient, archive: Path, lang: str, label: str
                                                ) -> None:
    response = site.get(f"/archive/articles/{wire_story(archive)['id']}?lang={lang}")
    assert response.status_code == 200
    byline = LexborHTMLParser(response.text).css_first("p.byline").text(separator=" ")
    assert label in " ".join(byline.split())


def test_translators_are_exported_with_the_row(site: SiteClient, archive: Path) -> None:
    article_id = wire_story(archive)["id"]
    rows = site.get(f"/archive/articles.json?id={article_id}&_shape=array").json()
    assert json.loads(rows[0]["translators"]) == ["林小華", "陳大同"]
    csv = site.get(f"/archive/articles.csv?id={article_id}&_size=max").text
    header, line = csv.splitlines()[:2]
    assert "translators" in header.split(",") and "林小華" in line


def test_an_archive_from_before_the_column_is_rebuilt_with_it(tmp_path: Path, build_data: Path) -> None:
    folder = tmp_path / "input"
    folder.mkdir()
    shutil.copy(FIXTURES / INPUTS[0], folder / INPUTS[0])
    db = tmp_path / "old.db"
    build(folder, db, build_data)
    with sqlite3.connect(db) as conn:  # as the previous schema wrote it
        conn.execute("ALTER TABLE articles DROP COLUMN translators")
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    build(folder, db, build_data)
    assert json.loads(wire_story(db)["translators"]) == ["林小華", "陳大同"]

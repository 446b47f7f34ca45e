"""Acceptance: build ../shared/seeds and check every expectation in ../shared/golden/seeds.json."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOLDEN = SHARED / "golden" / "seeds.json"
SEEDS = SHARED / "seeds"

pytestmark = pytest.mark.skipif(not GOLDEN.exists(), reason="../shared/golden is absent")

ENTITY_TABLES = {
    "people": ("people", "article_people", "person_id"),
    "organizations": ("organizations", "article_organizations", "organization_id"),
    "places": ("places", "article_places", "place_id"),
}


def golden_articles() -> list[dict]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))["articles"] if GOLDEN.exists() else []


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    db = tmp_path_factory.mktemp("golden") / "seeds.db"
    subprocess.run(
        [sys.executable, str(ROOT / "build_db.py"), str(SEEDS), "--db", str(db), "--quiet"],
        check=True,
        cwd=ROOT,
    )
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return conn


def article_row(conn: sqlite3.Connection, source: str) -> sqlite3.Row:
    row = conn.execute(
        """SELECT a.*, s.format AS source_format, o.name AS outlet_name, o.name_zh AS outlet_name_zh,
                  o.kind AS outlet_kind, v.name AS via_name, v.name_zh AS via_name_zh
           FROM sources s JOIN articles a ON a.id = s.article_id
           LEFT JOIN outlets o ON o.id = a.outlet_id LEFT JOIN outlets v ON v.id = a.via_id
           WHERE s.path = ?""",
        (source,),
    ).fetchone()
    assert row is not None, f"{source}: no article was built"
    return row


def linked_names(conn: sqlite3.Connection, article_id: int, kind: str) -> set[str]:
    table, link, column = ENTITY_TABLES[kind]
    rows = conn.execute(
        f"SELECT e.name, e.name_zh FROM {link} l JOIN {table} e ON e.id = l.{column} WHERE l.article_id = ?",
        (article_id,),
    )
    return {name for row in rows for name in row if name}


@pytest.mark.parametrize("expected", golden_articles(), ids=lambda e: e["source"])
def test_fields(seeds_db: sqlite3.Connection, expected: dict) -> None:
    row = article_row(seeds_db, expected["source"])
    body = row["body"]
    for key in ("title", "language", "url", "original_url", "published_date"):
        if key in expected:
            assert row[key] == expected[key], key
    assert row["source_format"] == expected["format"]
    assert row["outlet_name"] in expected["outlet"] or row["outlet_name_zh"] in expected["outlet"]
    if "via" in expected:
        assert row["via_name"] in expected["via"] or row["via_name_zh"] in expected["via"]
    if "outlet_kind" in expected:
        assert row["outlet_kind"] == expected["outlet_kind"]
    if "published_at_prefix" in expected:
        assert (row["published_at"] or "").startswith(expected["published_at_prefix"])
    for key, column in (("published_at_any", "published_at"), ("published_date_any", "published_date")):
        if key in expected:
            allowed = expected[key]
            value = row[column]
            assert value in allowed or any(a and value and value.startswith(a) for a in allowed), column
    for field in ("summary", "body"):
        text = row[field] or ""
        assert text.startswith(expected.get(f"{field}_prefix", "")), f"{field} prefix"
        assert text.endswith(expected.get(f"{field}_suffix", "")), f"{field} suffix"
    if "paragraphs" in expected:
        assert len(body.split("\n\n")) == expected["paragraphs"]
    for excluded in expected.get("body_excludes", []):
        assert excluded not in body, excluded
    if "authors" in expected:
        assert json.loads(row["authors"]) == expected["authors"]
    if "tags" in expected:
        assert json.loads(row["tags"]) == expected["tags"]


@pytest.mark.parametrize("expected", golden_articles(), ids=lambda e: e["source"])
def test_images_and_links(seeds_db: sqlite3.Connection, expected: dict) -> None:
    row = article_row(seeds_db, expected["source"])
    images = seeds_db.execute(
        "SELECT * FROM images WHERE article_id = ? ORDER BY position", (row["id"],)
    ).fetchall()
    assert len(images) == len(expected["images"])
    for image, wanted in zip(images, expected["images"], strict=True):
        for key, value in wanted.items():
            assert image[key] == value, key
    if "links" in expected:
        links = seeds_db.execute("SELECT url FROM links WHERE article_id = ? ORDER BY position", (row["id"],))
        assert [link[0] for link in links] == expected["links"]


@pytest.mark.parametrize("expected", golden_articles(), ids=lambda e: e["source"])
@pytest.mark.parametrize("kind", list(ENTITY_TABLES))
def test_entities(seeds_db: sqlite3.Connection, expected: dict, kind: str) -> None:
    row = article_row(seeds_db, expected["source"])
    names = linked_names(seeds_db, row["id"], kind)
    for alternatives in expected.get(kind, []):
        assert names & set(alternatives), f"{kind}: none of {alternatives} linked"
    for absent in expected.get(f"{kind}_absent", []):
        assert absent not in names, f"{kind}: {absent} must not be linked"


def test_every_seed_has_a_source_row(seeds_db: sqlite3.Connection) -> None:
    paths = {row[0] for row in seeds_db.execute("SELECT path FROM sources")}
    assert paths == {path.name for path in SEEDS.iterdir()}

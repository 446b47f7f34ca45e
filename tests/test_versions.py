"""Captures of one URL are one article with its versions; headline-only items are flagged as stubs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newsarchive.build import build

# A feed-mirror file of our own: the same page captured at different times has the same URL.
CAPTURE = """<!--{epoch}000-->
[{title}](https://www.example-news.com/world/{page}.html)
------

<div>{paragraphs}</div>
"""


def capture(folder: Path, name: str, page: str, epoch: int, title: str, *paragraphs: str) -> None:
    text = CAPTURE.format(epoch=epoch, page=page, title=title,
                          paragraphs="".join(f"<p>{p}</p>" for p in paragraphs))
    (folder / name).write_text(text, encoding="utf-8")


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


STORY = ["港口工人周一表示，新的关税将放慢钢材和机械的运输，多家航运公司已经调整了船期。",
         "码头工人预计未来几周到港船只会减少，进口商则在等待最终规则出台。"]


def test_captures_of_one_url_are_one_article_showing_the_latest(tmp_path: Path, build_data: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "a.db"
    folder.mkdir()
    capture(folder, "1-first.md", "ports", 1700000000, "港口忙碌", *STORY)
    capture(folder, "2-revised.md", "ports", 1700090000, "关税前港口忙碌 航运公司调整船期", *STORY,
            "更新：两家公司宣布暂停部分航线。")
    report = build([folder], db, data_dir=build_data, jobs=1, progress=False)
    assert (report.added, report.versions) == (1, 1)
    [(title, versions, published_at, body)] = query(
        db, "SELECT title, version_count, published_at, body FROM articles")
    assert title == "关税前港口忙碌 航运公司调整船期" and versions == 2
    assert published_at == "2023-11-14T22:13:20Z"  # the first capture's time: counted once, when it appeared
    assert "暂停部分航线" in body
    assert query(db, "SELECT title, is_current FROM article_versions ORDER BY published_at") == [
        ("港口忙碌", 0), ("关税前港口忙碌 航运公司调整船期", 1)]
    assert query(db, "SELECT count(*) FROM sources WHERE article_id IS NOT NULL") == [(2,)]
    hits = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
    assert query(db, hits, ('"暂停"',)) == [(1,)] and query(db, hits, ('"港口 口忙 忙碌"',)) == [(1,)]

    # The latest capture's file goes: the article shows the one left, indexed as that one.
    (folder / "2-revised.md").unlink()
    report = build([folder], db, data_dir=build_data, jobs=1, progress=False)
    assert report.removed == 1
    assert query(db, "SELECT title, version_count FROM articles") == [("港口忙碌", 1)]
    assert query(db, hits, ('"暂停"',)) == [(0,)] and query(db, hits, ('"港口 口忙 忙碌"',)) == [(1,)]


def test_an_address_reused_for_another_story_is_another_article(tmp_path: Path, build_data: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "a.db"
    folder.mkdir()
    capture(folder, "1.md", "latest", 1700000000, "港口忙碌", *STORY)
    capture(folder, "2.md", "latest", 1700090000, "体育馆翻新完工", "体育馆的翻新工程周末完工。")
    build([folder], db, data_dir=build_data, jobs=1, progress=False)
    assert query(db, "SELECT count(*), sum(version_count) FROM articles") == [(2, 2)]


def test_headline_only_items_are_kept_but_flagged(tmp_path: Path, build_data: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "a.db"
    folder.mkdir()
    capture(folder, "stub.md", "stub", 1700000000, "港口忙碌 航运公司调整船期", "港口忙碌 航运公司调整船期")
    capture(folder, "full.md", "full", 1700000000, "港口忙碌", *STORY)
    build([folder], db, data_dir=build_data, jobs=1, progress=False)
    assert query(db, "SELECT title, is_stub FROM articles ORDER BY title") == [
        ("港口忙碌", 0), ("港口忙碌 航运公司调整船期", 1)]

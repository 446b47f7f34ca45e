"""A larger archive derived from a real one, for scale benchmarks (bench_scale.py).

    python benchmarks/make_synthetic.py corpus.db synthetic-1m.db 1000000

Copy k of each real article (k = 0, 1, 2, …) is moved 182·k days later, so the copies spread over
years; its paragraphs are rotated by k and its title gets a k-th suffix word, so texts, fingerprints
and repost groups differ from copy to copy while every word stays a real one. Entity links, images
and links are kept, so facets and entity pages have realistic shapes. The search index is written
from the original's index text, paragraph by paragraph, in the rotated order (Chinese runs never
cross paragraphs, so this is what indexing the rotated text gives). Then the build's own final steps
run: totals, search tables and ANALYZE.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsarchive import schema  # noqa: E402
from newsarchive.search_text import FTS_COLUMNS, index_text  # noqa: E402
from newsarchive.store import FTS_INSERT, ArchiveWriter  # noqa: E402

SHIFT_DAYS = 182
SUFFIXES = ["update", "analysis", "report", "brief", "review", "notes", "digest", "follow-up",
            "观察", "评论", "分析", "简讯", "追踪", "回顾", "综述", "快讯"]
COPIED_TABLES = ["outlets", "people", "organizations", "places", "meta"]
CHILDREN = {"images": "position, src, caption, credit, width, height", "links": "position, url, text",
            "article_people": "person_id, mentions", "article_organizations": "organization_id, mentions",
            "article_places": "place_id, mentions", "article_outlets": "outlet_id, mentions"}


def shifted(day: str | None, days: int) -> str | None:
    return (date.fromisoformat(day[:10]) + timedelta(days=days)).isoformat() + day[10:] if day else None


def digest(*parts: object) -> str:
    return hashlib.sha256("\n".join(map(str, parts)).encode()).hexdigest()[:32]


def make(source_db: Path, out_db: Path, count: int) -> None:
    out_db.unlink(missing_ok=True)
    out = sqlite3.connect(out_db, isolation_level=None)
    out.execute("PRAGMA journal_mode = OFF")
    out.execute("PRAGMA synchronous = OFF")
    out.execute("PRAGMA cache_size = -500000")
    schema.create(out)
    out.execute("ATTACH DATABASE ? AS src", (f"file:{source_db}?mode=ro",))
    out.execute("BEGIN")
    for table in COPIED_TABLES:
        out.execute(f"DELETE FROM main.{table}")
        out.execute(f"INSERT INTO main.{table} SELECT * FROM src.{table}")
    originals = out.execute("SELECT id FROM src.articles ORDER BY id").fetchall()
    columns = [row[1] for row in out.execute("PRAGMA src.table_info(articles)")]
    started = time.monotonic()
    index_cache: dict[int, dict] = {}
    for n in range(count):
        original = originals[n % len(originals)][0]
        copy(out, original, n // len(originals), n + 1, columns, index_cache)
        if n % 50000 == 0:
            print(f"{n:>9} articles, {time.monotonic() - started:.0f} s", flush=True)
    writer = ArchiveWriter(out, outlets=None, entity_ids={})  # only its totals and search tables
    writer.finish()
    out.execute("COMMIT")
    out.execute("ANALYZE main")  # not the attached source, opened read-only
    out.close()


def original_index(out: sqlite3.Connection, original: int, row: dict) -> dict:
    """The original's index text per column, the body paragraph by paragraph."""
    captions = [c for (c,) in out.execute("SELECT caption FROM src.images WHERE article_id = ?"
                                          " AND caption <> '' ORDER BY position", (original,))]
    return {"title": index_text(row["title"]), "summary": index_text(row["summary"] or ""),
            "paragraphs": [index_text(p) for p in row["body"].split("\n\n")],
            "captions": index_text("\n".join(captions)),
            "tags": index_text("\n".join(json.loads(row["tags"])))}


def copy(out: sqlite3.Connection, original: int, k: int, new_id: int, columns: list[str],
         index_cache: dict[int, dict]) -> None:
    row = dict(zip(columns, out.execute("SELECT * FROM src.articles WHERE id = ?", (original,)).fetchone(),
                   strict=True))
    if original not in index_cache:
        index_cache[original] = original_index(out, original, row)
    index = index_cache[original]
    paragraphs = row["body"].split("\n\n")
    turn = k % len(paragraphs)
    suffix = SUFFIXES[k % len(SUFFIXES)] if k else ""
    source_id = out.execute(
        "INSERT INTO sources (input, path, sha256, bytes, status, article_id)"
        " VALUES ('synthetic', ?, ?, 0, 'ok', ?)",
        (f"{original}/{k}", digest(original, k), new_id)).lastrowid
    row.update(
        id=new_id, slug=f"{row['slug']}-s{k}" if k else row["slug"], source_id=source_id,
        title=f"{row['title']} {suffix}".strip(), body="\n\n".join(paragraphs[turn:] + paragraphs[:turn]),
        fingerprint=digest("fingerprint", original, k), body_key=hash((row["body_key"], k)),
        url_key=f"{row['url_key']}#{k}" if row["url_key"] else None,
        published_at=shifted(row["published_at"], SHIFT_DAYS * k),
        published_date=shifted(row["published_date"], SHIFT_DAYS * k),
    )
    row["published_month"] = row["published_date"][:7] if row["published_date"] else None
    out.execute(f"INSERT INTO main.articles ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()))
    for table, fields in CHILDREN.items():
        out.execute(f"INSERT INTO main.{table} (article_id, {fields}) SELECT ?, {fields} FROM src.{table}"
                    " WHERE article_id = ?", (new_id, original))
    body = index["paragraphs"][turn:] + index["paragraphs"][:turn]
    values = {**index, "title": index["title"] + (index_text(" " + suffix) if suffix else ""),
              "body": "\n\n".join(body)}
    out.execute(FTS_INSERT, {"rowid": new_id, **{column: values[column] for column in FTS_COLUMNS}})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path, help="a database built from the real corpus")
    parser.add_argument("out", type=Path)
    parser.add_argument("count", type=int)
    args = parser.parse_args()
    make(args.source, args.out, args.count)


if __name__ == "__main__":
    main()

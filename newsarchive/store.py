"""Writes processed files into the archive database, keeping ids stable across rebuilds."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, replace

from slugify import slugify

from newsarchive.ingest import Processed, utc_iso
from newsarchive.outlets import Outlet, OutletDirectory

ENTITY_LINKS = {
    "people": ("article_people", "person_id"),
    "organizations": ("article_organizations", "organization_id"),
    "places": ("article_places", "place_id"),
}
ARTICLE_CHILDREN = ["images", "links", "article_people", "article_organizations", "article_places",
                    "candidate_mentions"]

# Denormalised counts the site reads on every page, and the aggregated candidate list.
REFRESH_TOTALS = [
    "UPDATE outlets SET article_count = ("
    " SELECT count(*) FROM articles WHERE outlet_id = outlets.id OR via_id = outlets.id)",
    "UPDATE people SET article_count = ("
    " SELECT count(*) FROM article_people WHERE person_id = people.id)",
    "UPDATE organizations SET article_count = ("
    " SELECT count(*) FROM article_organizations WHERE organization_id = organizations.id)",
    "UPDATE places SET article_count = (SELECT count(*) FROM article_places WHERE place_id = places.id)",
    "DELETE FROM entity_candidates",
    "INSERT INTO entity_candidates (kind, name, language, count, article_count, example_article_id)"
    " SELECT kind, name, language, sum(count), count(DISTINCT article_id), min(article_id)"
    " FROM candidate_mentions GROUP BY kind, name",
]


@dataclass
class Outcome:
    added: int = 0
    updated: int = 0
    duplicates: int = 0
    removed: int = 0


def _as_storage_error(item: Processed, error: Exception) -> Processed:
    raw = item.raw
    if isinstance(raw, str):  # e.g. lone surrogates that SQLite cannot take as UTF-8
        raw = raw.encode("utf-8", errors="replace").decode("utf-8")
    message = f"could not store this file's rows: {type(error).__name__}: {error}"
    return replace(item, status="error", message=message, raw=raw, article=None)


class ArchiveWriter:
    def __init__(self, conn: sqlite3.Connection, outlets: OutletDirectory,
                 entity_ids: dict[str, dict[str, int]]) -> None:
        self.conn = conn
        self.outlets = outlets
        self.entity_ids = entity_ids
        self.outcome = Outcome()
        self._outlet_ids: dict[str, int] = {}

    def known_sources(self) -> dict[tuple[str, str], tuple[int, str]]:
        rows = self.conn.execute("SELECT input, path, id, sha256 FROM sources")
        return {(row[0], row[1]): (row[2], row[3]) for row in rows}

    # --- sources -------------------------------------------------------------------------------

    def write(self, item: Processed) -> None:
        """Store one file; if its rows cannot be stored, it is recorded as an error instead (never fatal)."""
        self.conn.execute("SAVEPOINT one_file")
        try:
            self._write(item)
        except (sqlite3.Error, UnicodeError, ValueError, OverflowError) as error:
            self.conn.execute("ROLLBACK TO one_file")
            self._write(_as_storage_error(item, error))
        self.conn.execute("RELEASE one_file")

    def _write(self, item: Processed) -> None:
        source_id, old_article = self._upsert_source(item)
        article_id = self._store_article(item, source_id, old_article) if item.article else None
        self.conn.execute("UPDATE sources SET article_id = ? WHERE id = ?", (article_id, source_id))
        if old_article is not None and old_article != article_id:
            self._drop_if_orphaned(old_article)

    def _upsert_source(self, item: Processed) -> tuple[int, int | None]:
        row = self.conn.execute(
            "SELECT id, article_id FROM sources WHERE input = ? AND path = ?", (item.input, item.path)
        ).fetchone()
        values = (item.sha256, item.bytes, item.format, item.encoding, item.status, item.message,
                  None if item.status == "ok" else item.raw)
        if row:
            self.conn.execute(
                "UPDATE sources SET sha256=?, bytes=?, format=?, encoding=?, status=?, message=?, raw=?, "
                "article_id=NULL WHERE id=?", (*values, row[0]))
            return row[0], row[1]
        cursor = self.conn.execute(
            "INSERT INTO sources (input, path, sha256, bytes, format, encoding, status, message, raw) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (item.input, item.path, *values))
        return cursor.lastrowid, None

    def remove_source(self, source_id: int) -> None:
        row = self.conn.execute("SELECT article_id FROM sources WHERE id = ?", (source_id,)).fetchone()
        self.conn.execute("UPDATE sources SET article_id = NULL WHERE id = ?", (source_id,))
        if row and row[0] is not None:
            self._drop_if_orphaned(row[0])
        self.conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        self.outcome.removed += 1

    # --- articles ------------------------------------------------------------------------------

    def _store_article(self, item: Processed, source_id: int, old_article: int | None) -> int:
        same = self.conn.execute(
            "SELECT id FROM articles WHERE fingerprint = ?", (item.fingerprint,)).fetchone()
        if same and same[0] != old_article:
            self.outcome.duplicates += 1
            self._note_duplicate(source_id, same[0])
            return same[0]
        # The same file again (new code or data: fresh links and index) or a changed file whose article
        # no other file shares: rewritten in place, so its id and slug stay.
        if old_article is not None and (same or not self._other_sources(old_article, source_id)):
            self._replace_article(item, old_article)
            self.outcome.updated += 1
            return old_article
        self.outcome.added += 1
        return self._insert_article(item, source_id)

    def _note_duplicate(self, source_id: int, article_id: int) -> None:
        first = self.conn.execute(
            "SELECT s.path FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = ?",
            (article_id,)).fetchone()
        note = f"same content as {first[0]}: one article, two sources" if first else "duplicate article"
        self.conn.execute(
            "UPDATE sources SET message = coalesce(message || '; ', '') || ? WHERE id = ?", (note, source_id))

    def _other_sources(self, article_id: int, source_id: int) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM sources WHERE article_id = ? AND id != ? LIMIT 1", (article_id, source_id)
        ).fetchone() is not None

    def _insert_article(self, item: Processed, source_id: int) -> int:
        assert item.article is not None
        row = self._article_row(item, source_id, self._unique_slug(item.article.title))
        columns = ", ".join(row)
        marks = ", ".join("?" * len(row))
        cursor = self.conn.execute(f"INSERT INTO articles ({columns}) VALUES ({marks})", list(row.values()))
        self._insert_children(cursor.lastrowid, item)
        return cursor.lastrowid

    def _replace_article(self, item: Processed, article_id: int) -> None:
        """New content under the same id, slug and first source; other files may still point at it."""
        slug, first_source = self.conn.execute(
            "SELECT slug, source_id FROM articles WHERE id = ?", (article_id,)).fetchone()
        self._clear_children(article_id)
        row = self._article_row(item, first_source, slug)
        assignments = ", ".join(f"{column} = ?" for column in row)
        self.conn.execute(f"UPDATE articles SET {assignments} WHERE id = ?", [*row.values(), article_id])
        self._insert_children(article_id, item)

    def _article_row(self, item: Processed, source_id: int, slug: str) -> dict[str, object]:
        article = item.article
        assert article is not None
        published_at, published_date = utc_iso(article)
        return {
            "slug": slug,
            "source_id": source_id,
            "fingerprint": item.fingerprint,
            "format": article.format,
            "title": article.title,
            "language": item.language,
            # A repost's URL is the reposter's: it names the outlet only when nothing came via another.
            "outlet_id": self._outlet_id(article.outlet, None if article.via else article.url,
                                         article.via_is_republisher),
            "via_id": None if article.via_is_republisher else self._outlet_id(article.via, None, False),
            "url": article.url,
            "original_url": article.original_url,
            "published_at": published_at,
            "published_date": published_date,
            "published_month": published_date[:7] if published_date else None,
            "date_source": article.date_source,
            "page_published_at": article.page_published_at,
            "authors": json.dumps(article.authors, ensure_ascii=False),
            "tags": json.dumps(article.tags, ensure_ascii=False),
            "summary": article.summary,
            "body": article.body,
            "word_count": item.word_count,
        }

    def _insert_children(self, article_id: int, item: Processed) -> None:
        article = item.article
        assert article is not None
        self.conn.executemany(
            "INSERT INTO images (article_id, position, src, caption, credit, width, height) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(article_id, n, i.src, i.caption, i.credit, i.width, i.height)
             for n, i in enumerate(article.images, 1)])
        self.conn.executemany(
            "INSERT INTO links (article_id, position, url, text) VALUES (?, ?, ?, ?)",
            [(article_id, n, link.url, link.text) for n, link in enumerate(article.links, 1)])
        for kind, (table, column) in ENTITY_LINKS.items():
            ids = self.entity_ids[kind]
            self.conn.executemany(
                f"INSERT INTO {table} (article_id, {column}, mentions) VALUES (?, ?, ?)",
                [(article_id, ids[slug], count) for slug, count in item.mentions.get(kind, Counter()).items()
                 if slug in ids])
        self.conn.executemany(
            "INSERT INTO candidate_mentions (article_id, kind, name, language, count) VALUES (?, ?, ?, ?, ?)",
            [(article_id, kind, name, language, count)
             for (kind, name, language), count in item.candidates.items()])
        self.conn.execute(
            "INSERT INTO articles_fts (rowid, title, summary, body, tags, entities) "
            "VALUES (:rowid, :title, :summary, :body, :tags, :entities)", {"rowid": article_id, **item.fts})

    def _clear_children(self, article_id: int) -> None:
        for table in ARTICLE_CHILDREN:
            self.conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
        self.conn.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))

    def _clear_article(self, article_id: int) -> None:
        self._clear_children(article_id)
        self.conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))

    def _drop_if_orphaned(self, article_id: int) -> None:
        remaining = self.conn.execute(
            "SELECT id FROM sources WHERE article_id = ? ORDER BY id LIMIT 1", (article_id,)).fetchone()
        if remaining:
            self.conn.execute("UPDATE articles SET source_id = ? WHERE id = ?", (remaining[0], article_id))
        else:
            self._clear_article(article_id)

    def _unique_slug(self, title: str) -> str:
        base = slugify(title, max_length=80, word_boundary=True) or "article"
        slug, n = base, 1
        while self.conn.execute("SELECT 1 FROM articles WHERE slug = ?", (slug,)).fetchone():
            n += 1
            slug = f"{base}-{n}"
        return slug

    # --- outlets -------------------------------------------------------------------------------

    def _outlet_id(self, name: str | None, url: str | None, republisher: bool) -> int | None:
        if not name and not url:
            return None
        outlet = self.outlets.resolve(name, url)
        if outlet is None:
            if not name:
                return None
            kind = "republisher" if republisher else "publisher"
            outlet = Outlet(slug=slugify(name) or "outlet", name=name, kind=kind)
        return self._ensure_outlet(outlet, curated=self.outlets.by_slug(outlet.slug) is outlet)

    def _ensure_outlet(self, outlet: Outlet, curated: bool) -> int:
        if outlet.slug not in self._outlet_ids:
            self.conn.execute(
                "INSERT INTO outlets (slug, name, name_zh, kind, homepage, aliases, curated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(slug) DO UPDATE SET name=excluded.name, "
                "name_zh=excluded.name_zh, kind=excluded.kind, homepage=excluded.homepage, "
                "aliases=excluded.aliases, curated=excluded.curated",
                (outlet.slug, outlet.name, outlet.name_zh, outlet.kind, outlet.homepage,
                 json.dumps(list(outlet.aliases), ensure_ascii=False), int(curated)))
            row = self.conn.execute("SELECT id FROM outlets WHERE slug = ?", (outlet.slug,)).fetchone()
            self._outlet_ids[outlet.slug] = row[0]
        return self._outlet_ids[outlet.slug]

    def write_curated_outlets(self) -> None:
        for outlet in self.outlets:
            self._ensure_outlet(outlet, curated=True)

    # --- totals --------------------------------------------------------------------------------

    def refresh_totals(self) -> None:
        for statement in REFRESH_TOTALS:
            self.conn.execute(statement)

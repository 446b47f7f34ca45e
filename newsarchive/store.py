"""Writes processed files into the archive database, keeping ids stable across rebuilds.

Three ways a file's article meets the archive:
- same content as an article already stored (same fingerprint): one article, one more source;
- another capture of an article's URL (a revised story): one article whose versions are kept in
  ``article_versions``; the article shows the best capture (complete, then latest) and the date of
  the first;
- anything else: a new article.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, replace

from slugify import slugify

from newsarchive import facet_counts
from newsarchive.ingest import Processed, same_story, utc_iso
from newsarchive.outlets import Outlet, OutletDirectory
from newsarchive.search_pages import FILE_SEARCH_SQL
from newsarchive.search_text import FTS_COLUMNS, fts_row, name_key
from newsarchive.textnorm import conversion_pairs

ENTITY_LINKS = {
    "people": ("article_people", "person_id"),
    "organizations": ("article_organizations", "organization_id"),
    "places": ("article_places", "place_id"),
}
# Link tables of an article: its entities, and the news agencies its text cites (outlets).
LINK_TABLES = {**dict(ENTITY_LINKS.values()), "article_outlets": "outlet_id"}
ARTICLE_CHILDREN = ["images", "links", *LINK_TABLES, "candidate_mentions"]
# The article columns a version carries (everything but identity and provenance).
CONTENT_COLUMNS = ["fingerprint", "format", "title", "language", "outlet_id", "via_id", "url", "original_url",
                   "published_at", "published_date", "published_month", "date_source", "page_published_at",
                   "authors", "translators", "tags", "summary", "body", "word_count", "is_stub", "is_excerpt",
                   "url_key", "body_key"]
FTS_INSERT = (f"INSERT INTO articles_fts (rowid, {', '.join(FTS_COLUMNS)}) "
              f"VALUES (:rowid, {', '.join(':' + c for c in FTS_COLUMNS)})")
FTS_DELETE = (f"INSERT INTO articles_fts (articles_fts, rowid, {', '.join(FTS_COLUMNS)}) "
              f"VALUES ('delete', :rowid, {', '.join(':' + c for c in FTS_COLUMNS)})")
# Index writes wait outside the per-file savepoints and run in batches: FTS5 writes its pending terms out
# as a new segment at every savepoint release, which made the release cost more than everything else.
FTS_BATCH = 2000

# Denormalised counts the site reads on every page, and the aggregated candidate list.
REFRESH_TOTALS = [
    "UPDATE outlets SET article_count = ("
    " SELECT count(*) FROM articles WHERE outlet_id = outlets.id OR via_id = outlets.id)",
    "UPDATE people SET article_count = ("
    " SELECT count(*) FROM article_people WHERE person_id = people.id)",
    "UPDATE organizations SET article_count = ("
    " SELECT count(*) FROM article_organizations WHERE organization_id = organizations.id)",
    "UPDATE places SET article_count = (SELECT count(*) FROM article_places WHERE place_id = places.id)",
    "UPDATE articles SET copies = 1 WHERE copies != 1",
    "UPDATE articles SET copies = shared.n FROM (SELECT body_key, count(*) AS n FROM articles"
    " GROUP BY body_key HAVING n > 1) AS shared WHERE articles.body_key = shared.body_key",
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
    versions: int = 0
    removed: int = 0


def _as_storage_error(item: Processed, error: Exception) -> Processed:
    raw = item.raw
    if isinstance(raw, str):  # e.g. lone surrogates that SQLite cannot take as UTF-8
        raw = raw.encode("utf-8", errors="replace").decode("utf-8")
    message = f"could not store this file's rows: {type(error).__name__}: {error}"
    return replace(item, status="error", message=message, raw=raw, article=None)


@functools.lru_cache(maxsize=4096)
def _outlet_slug(name: str) -> str:
    """The slug of an outlet the curated list lacks (slugify is slow, and the same few names repeat)."""
    return slugify(name) or "outlet"


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


class ArchiveWriter:
    def __init__(self, conn: sqlite3.Connection, outlets: OutletDirectory,
                 entity_ids: dict[str, dict[str, int]]) -> None:
        self.conn = conn
        self.outlets = outlets
        self.entity_ids = entity_ids
        self.outcome = Outcome()
        self._outlet_ids: dict[str, int] = {}
        # After clear_search_index(), articles get no 'delete' of old index values; the ones this build
        # does not rewrite are indexed again by finish().
        self._index_cleared = False
        self._indexed: set[int] = set()
        self._pending: list[tuple[str, dict]] = []  # index writes of the file being stored
        self._undo: list[tuple[int, bool]] = []  # its changes to _indexed, undone if the file fails
        self._queue: list[tuple[str, dict]] = []  # index writes of stored files, run in batches

    # --- sources -------------------------------------------------------------------------------

    def write(self, item: Processed) -> None:
        """Store one file; if its rows cannot be stored, it is recorded as an error instead (never fatal)."""
        self.conn.execute("SAVEPOINT one_file")
        self._pending, self._undo = [], []
        try:
            self._write(item)
        except (sqlite3.Error, UnicodeError, ValueError, OverflowError) as error:
            self.conn.execute("ROLLBACK TO one_file")
            for article_id, was_indexed in reversed(self._undo):
                (self._indexed.add if was_indexed else self._indexed.discard)(article_id)
            self._pending, self._undo = [], []
            self._write(_as_storage_error(item, error))
        self.conn.execute("RELEASE one_file")
        self._queue += self._pending
        if len(self._queue) >= FTS_BATCH:
            self._run_index_writes()

    def _write(self, item: Processed) -> None:
        source_id, old_article = self._upsert_source(item)
        article_id = self._store_article(item, source_id, old_article) if item.article else None
        self.conn.execute("UPDATE sources SET article_id = ? WHERE id = ?", (article_id, source_id))
        if old_article is not None and old_article != article_id:
            self._detach(old_article, source_id)

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
        """A file gone from its input: its row goes, and its article with it unless other files give it."""
        self._pending, self._undo = [], []
        row = self.conn.execute("SELECT article_id FROM sources WHERE id = ?", (source_id,)).fetchone()
        self.conn.execute("UPDATE sources SET article_id = NULL WHERE id = ?", (source_id,))
        if row and row[0] is not None:
            self._detach(row[0], source_id)
        self.conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        self._queue += self._pending
        self.outcome.removed += 1

    # --- articles ------------------------------------------------------------------------------

    def _store_article(self, item: Processed, source_id: int, old_article: int | None) -> int:
        same = self._article_with_fingerprint(item.fingerprint)
        if same is not None and same != old_article:
            self.outcome.duplicates += 1
            self._note_duplicate(source_id, same)
            return same
        content = self._content(item)
        if old_article is not None and self._is_versioned(old_article):
            self._save_version(old_article, source_id, content)
            self._settle_versions(old_article)
            self.outcome.updated += 1
            return old_article
        # The same file again (new code or data: fresh links and index) or a changed file whose article
        # no other file shares: rewritten in place, so its id and slug stay.
        if old_article is not None and (same or not self._other_sources(old_article, source_id)):
            self._rewrite(old_article, content, item.fts)
            self.outcome.updated += 1
            return old_article
        captured = self._article_with_url(item.url_key, old_article, content)
        if captured is not None:
            self._add_version(captured, source_id, content)
            self.outcome.versions += 1
            return captured
        self.outcome.added += 1
        return self._insert_article(content, source_id, item.fts)

    def _article_with_fingerprint(self, fingerprint: str | None) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM articles WHERE fingerprint = ? UNION ALL "
            "SELECT article_id FROM article_versions WHERE fingerprint = ? LIMIT 1",
            (fingerprint, fingerprint)).fetchone()
        return row[0] if row else None

    def _article_with_url(self, key: str | None, other_than: int | None, content: dict) -> int | None:
        """The article this content is another capture of: same URL, and the same story as one of its
        captures (some sites reuse an address for unrelated items)."""
        if key is None:
            return None
        title, body = content["row"]["title"], content["row"]["body"]
        for (article_id,) in self.conn.execute(
                "SELECT id FROM articles WHERE url_key = ? AND id IS NOT ? ORDER BY id", (key, other_than)):
            captures = self.conn.execute(
                "SELECT title, body FROM articles WHERE id = :id UNION ALL "
                "SELECT title, body FROM article_versions WHERE article_id = :id", {"id": article_id})
            if any(same_story(title, body, other_title, other_body) for other_title, other_body in captures):
                return article_id
        return None

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

    def _content(self, item: Processed) -> dict:
        """Everything an article row and its children hold, in database terms (outlet and entity ids)."""
        article = item.article
        assert article is not None
        published_at, published_date = utc_iso(article)
        row = {
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
            "authors": _json(article.authors),
            "translators": _json(article.translators),
            "tags": _json(article.tags),
            "summary": article.summary,
            "body": article.body,
            "word_count": item.word_count,
            "is_stub": int(item.is_stub),
            "is_excerpt": int(article.is_excerpt),
            "url_key": item.url_key,
            "body_key": item.body_key,
        }
        links = {}
        for kind, (table, _) in ENTITY_LINKS.items():
            ids = self.entity_ids[kind]
            links[table] = [[ids[slug], count] for slug, count in item.mentions.get(kind, Counter()).items()
                            if slug in ids]
        links["article_outlets"] = [
            [self._ensure_outlet(outlet, curated=True), count]
            for slug, count in item.mentions.get("outlets", Counter()).items()
            if (outlet := self.outlets.by_slug(slug)) is not None]
        return {
            "row": row,
            "images": [[i.src, i.caption, i.credit, i.width, i.height] for i in article.images],
            "links": [[link.url, link.text] for link in article.links],
            "entities": links,
            "candidates": [[kind, name, language, count]
                           for (kind, name, language), count in item.candidates.items()],
        }

    def _insert_article(self, content: dict, source_id: int, fts: dict[str, str] | None) -> int:
        row = {"slug": self._unique_slug(content["row"]["title"]), "source_id": source_id, **content["row"]}
        columns = ", ".join(row)
        marks = ", ".join("?" * len(row))
        cursor = self.conn.execute(f"INSERT INTO articles ({columns}) VALUES ({marks})", list(row.values()))
        self._insert_children(cursor.lastrowid, content, fts)
        return cursor.lastrowid

    def _rewrite(self, article_id: int, content: dict, fts: dict[str, str] | None) -> None:
        """New content under the same id, slug and first source; other files may still point at it."""
        self._clear_children(article_id)
        row = content["row"]
        assignments = ", ".join(f"{column} = ?" for column in row)
        self.conn.execute(f"UPDATE articles SET {assignments} WHERE id = ?", [*row.values(), article_id])
        self._insert_children(article_id, content, fts)

    def _insert_children(self, article_id: int, content: dict, fts: dict[str, str] | None) -> None:
        self._insert_rows(
            "INSERT INTO images (article_id, position, src, caption, credit, width, height) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(article_id, n, *image) for n, image in enumerate(content["images"], 1)])
        self._insert_rows(
            "INSERT INTO links (article_id, position, url, text) VALUES (?, ?, ?, ?)",
            [(article_id, n, *link) for n, link in enumerate(content["links"], 1)])
        for table, column in LINK_TABLES.items():
            self._insert_rows(
                f"INSERT INTO {table} (article_id, {column}, mentions) VALUES (?, ?, ?)",
                [(article_id, entity, count) for entity, count in content["entities"].get(table, [])])
        self._insert_rows(
            "INSERT INTO candidate_mentions (article_id, kind, name, language, count) VALUES (?, ?, ?, ?, ?)",
            [(article_id, *candidate) for candidate in content["candidates"]])
        self._pending.append((FTS_INSERT, {"rowid": article_id, **(fts or self._fts_of(content))}))
        self._mark_indexed(article_id, True)

    def _insert_rows(self, sql: str, rows: list[tuple]) -> None:
        if rows:  # most articles have no images, links or candidates: no round trip for nothing
            self.conn.executemany(sql, rows)

    @staticmethod
    def _fts_of(content: dict) -> dict[str, str]:
        row = content["row"]
        captions = [image[1] for image in content["images"] if image[1]]
        return fts_row(row["title"], row["summary"], row["body"], captions, json.loads(row["tags"]))

    def _stored_fts(self, article_id: int) -> dict[str, str]:
        """The index values an article was indexed with: the same function over its stored text."""
        title, summary, body, tags = self.conn.execute(
            "SELECT title, summary, body, tags FROM articles WHERE id = ?", (article_id,)).fetchone()
        captions = [row[0] for row in self.conn.execute(
            "SELECT caption FROM images WHERE article_id = ? AND caption <> '' ORDER BY position",
            (article_id,))]
        return fts_row(title, summary, body, captions, json.loads(tags))

    def _clear_children(self, article_id: int) -> None:
        if not self._index_cleared or article_id in self._indexed:
            self._pending.append((FTS_DELETE, {"rowid": article_id, **self._stored_fts(article_id)}))
        self._mark_indexed(article_id, False)
        for table in ARTICLE_CHILDREN:
            self.conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))

    def _mark_indexed(self, article_id: int, indexed: bool) -> None:
        self._undo.append((article_id, article_id in self._indexed))
        (self._indexed.add if indexed else self._indexed.discard)(article_id)

    def _clear_article(self, article_id: int) -> None:
        self._clear_children(article_id)
        self.conn.execute("DELETE FROM article_versions WHERE article_id = ?", (article_id,))
        self.conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))

    def _detach(self, article_id: int, source_id: int) -> None:
        """A source no longer gives this article: its version goes; the article goes with its last source."""
        self.conn.execute("DELETE FROM article_versions WHERE source_id = ?", (source_id,))
        remaining = self.conn.execute(
            "SELECT id FROM sources WHERE article_id = ? ORDER BY id LIMIT 1", (article_id,)).fetchone()
        if not remaining:
            self._clear_article(article_id)
            return
        self.conn.execute("UPDATE articles SET source_id = ? WHERE id = ? AND source_id = ?",
                          (remaining[0], article_id, source_id))
        if self._is_versioned(article_id):
            self._settle_versions(article_id)

    def _unique_slug(self, title: str) -> str:
        base = slugify(title, max_length=80, word_boundary=True) or "article"
        slug, n = base, 1
        while self.conn.execute("SELECT 1 FROM articles WHERE slug = ?", (slug,)).fetchone():
            n += 1
            slug = f"{base}-{n}"
        return slug

    # --- versions: captures of one URL -----------------------------------------------------------

    def _is_versioned(self, article_id: int) -> bool:
        row = self.conn.execute("SELECT 1 FROM article_versions WHERE article_id = ? LIMIT 1", (article_id,))
        return row.fetchone() is not None

    def _add_version(self, article_id: int, source_id: int, content: dict) -> None:
        """A new capture of an article's URL. The article's own content becomes its first version."""
        if not self._is_versioned(article_id):
            first_source = self.conn.execute(
                "SELECT source_id FROM articles WHERE id = ?", (article_id,)).fetchone()[0]
            self._save_version(article_id, first_source, self._stored_content(article_id), current=True)
        self._save_version(article_id, source_id, content)
        self._settle_versions(article_id)

    def _save_version(self, article_id: int, source_id: int, content: dict, current: bool = False) -> None:
        row = content["row"]
        self.conn.execute(
            "INSERT INTO article_versions (article_id, source_id, is_current, fingerprint, title,"
            " published_at, published_date, word_count, is_stub, body, content)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (source_id) DO UPDATE SET article_id = excluded.article_id,"
            " is_current = excluded.is_current, fingerprint = excluded.fingerprint, title = excluded.title,"
            " published_at = excluded.published_at, published_date = excluded.published_date,"
            " word_count = excluded.word_count, is_stub = excluded.is_stub, body = excluded.body,"
            " content = excluded.content",
            (article_id, source_id, int(current), row["fingerprint"], row["title"], row["published_at"],
             row["published_date"], row["word_count"], row["is_stub"], row["body"], _json(content)))

    def _stored_content(self, article_id: int) -> dict:
        """An article's current content read back from its rows, in the shape of _content()."""
        cursor = self.conn.execute(f"SELECT {', '.join(CONTENT_COLUMNS)} FROM articles WHERE id = ?",
                                   (article_id,))
        row = dict(zip(CONTENT_COLUMNS, cursor.fetchone(), strict=True))
        images = self.conn.execute("SELECT src, caption, credit, width, height FROM images "
                                   "WHERE article_id = ? ORDER BY position", (article_id,)).fetchall()
        links = self.conn.execute("SELECT url, text FROM links WHERE article_id = ? ORDER BY position",
                                  (article_id,)).fetchall()
        entities = {table: self.conn.execute(f"SELECT {column}, mentions FROM {table} WHERE article_id = ?",
                                             (article_id,)).fetchall()
                    for table, column in LINK_TABLES.items()}
        candidates = self.conn.execute("SELECT kind, name, language, count FROM candidate_mentions "
                                       "WHERE article_id = ?", (article_id,)).fetchall()
        return json.loads(_json({"row": row, "images": images, "links": links, "entities": entities,
                                 "candidates": candidates}))

    def _settle_versions(self, article_id: int) -> None:
        """Show the best capture (not a stub, then the latest, then the longest) under the first capture's
        date; rewrite the article only when the best one changed."""
        versions = self.conn.execute(
            "SELECT v.id, v.is_current, v.content, v.published_at, v.published_date FROM article_versions v"
            " JOIN sources s ON s.id = v.source_id WHERE v.article_id = ?"
            " ORDER BY v.is_stub, v.published_at IS NULL, v.published_at DESC, s.path DESC,"
            " v.word_count DESC",
            (article_id,)).fetchall()
        best_id, best_is_current, best_content = versions[0][0], versions[0][1], versions[0][2]
        if not best_is_current:
            self._rewrite(article_id, json.loads(best_content), None)
            self.conn.execute("UPDATE article_versions SET is_current = (id = ?) WHERE article_id = ?",
                              (best_id, article_id))
        dated = [v for v in versions if v[4]]
        first = min(dated, key=lambda v: (v[3] or v[4] + "T99", v[4])) if dated else None
        first_row = json.loads(first[2])["row"] if first else {}
        self.conn.execute(
            "UPDATE articles SET version_count = ?, published_at = ?, published_date = ?,"
            " published_month = ?, date_source = ? WHERE id = ?",
            (len(versions), first_row.get("published_at"), first_row.get("published_date"),
             first_row.get("published_month"), first_row.get("date_source"), article_id))

    # --- outlets -------------------------------------------------------------------------------

    def _outlet_id(self, name: str | None, url: str | None, republisher: bool) -> int | None:
        if not name and not url:
            return None
        outlet = self.outlets.resolve(name, url)
        if outlet is None:
            if not name:
                return None
            kind = "republisher" if republisher else "publisher"
            outlet = Outlet(slug=_outlet_slug(name), name=name, kind=kind)
        return self._ensure_outlet(outlet, curated=self.outlets.by_slug(outlet.slug) is outlet)

    def _ensure_outlet(self, outlet: Outlet, curated: bool) -> int:
        if outlet.slug not in self._outlet_ids:
            self.conn.execute(
                "INSERT INTO outlets (slug, name, name_zh, kind, homepage, aliases, curated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(slug) DO UPDATE SET name=excluded.name, "
                "name_zh=excluded.name_zh, kind=excluded.kind, homepage=excluded.homepage, "
                "aliases=excluded.aliases, curated=excluded.curated",
                (outlet.slug, outlet.name, outlet.name_zh, outlet.kind, outlet.homepage,
                 _json(list(outlet.aliases)), int(curated)))
            row = self.conn.execute("SELECT id FROM outlets WHERE slug = ?", (outlet.slug,)).fetchone()
            self._outlet_ids[outlet.slug] = row[0]
        return self._outlet_ids[outlet.slug]

    def write_curated_outlets(self) -> None:
        for outlet in self.outlets:
            self._ensure_outlet(outlet, curated=True)

    # --- search index and totals -----------------------------------------------------------------

    def clear_search_index(self) -> None:
        """Empty the full-text index before every article is written again (no per-article deletes)."""
        self.conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")
        self._index_cleared = True
        self._indexed.clear()

    def _run_index_writes(self) -> None:
        # In rowid order (keeping each article's own delete before its insert): FTS5 flushes its pending
        # terms to disk whenever a write's rowid is not above the previous one's.
        for _, _, sql, values in sorted((values["rowid"], n, sql, values)
                                         for n, (sql, values) in enumerate(self._queue)):
            self.conn.execute(sql, values)
        self._queue = []

    def finish(self) -> None:
        """Complete the archive after the last file: the index writes still waiting, the articles a
        cleared index lacks (files of inputs not given this time), totals and the search tables."""
        self._run_index_writes()
        if self._index_cleared:
            for (article_id,) in self.conn.execute("SELECT id FROM articles").fetchall():
                if article_id not in self._indexed:
                    self.conn.execute(FTS_INSERT, {"rowid": article_id, **self._stored_fts(article_id)})
                    self._indexed.add(article_id)
            self._index_cleared = False
        for statement in REFRESH_TOTALS:
            self.conn.execute(statement)
        facet_counts.write(self.conn)
        self._write_search_tables()

    def _write_search_tables(self) -> None:
        """What query_rewrite.Search needs to search the file as the site does: the ranking query, the
        conversion table, and the entity names a query may equal (each standing for one entity)."""
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('search_sql', ?)",
                          (FILE_SEARCH_SQL,))
        self.conn.execute("DELETE FROM search_conversion")
        self.conn.executemany("INSERT INTO search_conversion (source, target) VALUES (?, ?)",
                              conversion_pairs().items())
        owners: dict[str, set[tuple[str, int]]] = {}
        for kind in ENTITY_LINKS:
            hant = ", name_zh_hant" if kind == "people" else ""
            for entity_id, *names, aliases in self.conn.execute(
                    f"SELECT id, name, name_zh{hant}, aliases FROM {kind}"):
                for name in [*names, *json.loads(aliases or "[]")]:
                    if name and len(key := name_key(name)) >= 2:
                        owners.setdefault(key, set()).add((kind, entity_id))
        self.conn.execute("DELETE FROM search_names")
        self.conn.executemany("INSERT INTO search_names (key, kind, entity_id) VALUES (?, ?, ?)",
                              [(key, *owner) for key, found in owners.items() if len(found) == 1
                               for owner in found])

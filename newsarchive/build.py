"""The build: inputs → worker processes → writer, into a temporary copy that is swapped in atomically."""

from __future__ import annotations

import fcntl
import functools
import hashlib
import itertools
import os
import resource
import shutil
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from tqdm import tqdm

from newsarchive import entities, schema
from newsarchive.ingest import Pipeline, Processed
from newsarchive.inputs import Input, InputFile, iter_input_files, resolve_inputs
from newsarchive.outlets import load_outlets
from newsarchive.parsers.curated import load_parser_data
from newsarchive.store import ArchiveWriter
from newsarchive.workers import EMPTY_SHA256, WorkerDied, default_jobs, processing

PACKAGE_DIR = Path(__file__).parent
DEFAULT_DATA_DIR = PACKAGE_DIR.parent / "data"
LOCATION_PREFIX = "input_location:"  # meta rows: which place each sources.input key belongs to


@dataclass
class BuildReport:
    files_seen: int = 0
    unchanged: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    messages: Counter[str] = field(default_factory=Counter)
    added: int = 0
    updated: int = 0
    duplicates: int = 0
    versions: int = 0
    removed: int = 0
    articles_total: int = 0
    integrity: str = ""
    foreign_keys: str = ""
    seconds: float = 0.0
    peak_memory_mb: float = 0.0
    nothing_changed: bool = False

    def summary(self) -> str:
        if self.nothing_changed:
            return (f"files seen {self.files_seen}, all unchanged: nothing to do, the database was left "
                    f"as it was ({self.articles_total} articles)\n"
                    f"time {self.seconds:.1f} s, peak memory {self.peak_memory_mb:.0f} MB")
        top = "\n".join(f"    {count:6d}  {message}" for message, count in self.messages.most_common(5))
        return (
            f"files seen {self.files_seen} (unchanged, skipped: {self.unchanged})\n"
            f"processed: ok {self.statuses['ok']}, warnings {self.statuses['warning']}, "
            f"errors {self.statuses['error']}, skipped {self.statuses['skipped']}\n"
            f"articles: {self.articles_total} in the archive ({self.added} added, {self.updated} updated, "
            f"{self.duplicates} duplicates merged, {self.versions} later captures of a URL kept as versions, "
            f"{self.removed} sources removed)\n"
            + (f"  top messages:\n{top}\n" if top else "")
            + f"integrity_check: {self.integrity}; foreign_key_check: {self.foreign_keys}\n"
            f"time {self.seconds:.1f} s, peak memory {self.peak_memory_mb:.0f} MB"
        )


class BuildError(Exception):
    """The build itself failed; the previously published database is untouched."""


def pipeline_version(data_dir: Path) -> str:
    """Changes whenever code or curated data change, so every file is then processed again."""
    digest = hashlib.sha256()
    files = sorted(PACKAGE_DIR.rglob("*.py")) + sorted(p for p in data_dir.glob("*") if p.is_file())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class StoredSource:
    id: int
    sha256: str
    status: str
    message: str | None


@dataclass
class Published:
    """What the published database holds, read before anything is copied or written."""

    usable: bool = False  # a database of this schema to start from (else the build starts afresh)
    version: str | None = None
    sources: dict[tuple[str, str], StoredSource] = field(default_factory=dict)
    locations: dict[str, str | None] = field(default_factory=dict)  # input key -> location (None: unknown)
    articles: int = 0


def build(inputs: list[Path], db_path: Path, data_dir: Path = DEFAULT_DATA_DIR, jobs: int = 0,
          progress: bool = True, log: Callable[[str], None] | None = None) -> BuildReport:
    """Build or update the database from the inputs; a rebuild that changes nothing writes nothing.

    jobs: worker processes (0: one per core; 1: everything in this process). log: told each stage.
    """
    started = time.monotonic()
    report = BuildReport()
    db_path = Path(os.path.realpath(db_path))  # a symlinked --db: lock, work and publish at the real file
    with _build_lock(db_path) as lock:
        published = _read_published(db_path)
        version = pipeline_version(data_dir)
        sources = resolve_inputs(inputs, published.locations)
        run = _Run(sources, published, version, report, log or (lambda stage: None))
        run.log("reading the inputs")
        changed = _changed_files(iter_input_files(sources), run)
        first = next(changed, None)  # reads the inputs until a file has changed, or to their end
        if first is None and not run.reprocess_all and not run.gone():
            run.log("nothing changed")
            report.nothing_changed = True
            report.articles_total = published.articles
        else:
            _build(db_path, itertools.chain([first] if first else [], changed), run, data_dir,
                   jobs or default_jobs(), lock, progress)
    report.seconds = time.monotonic() - started
    report.peak_memory_mb = _peak_memory_mb()
    return report


@dataclass
class _Run:
    """One build's inputs, what the published database already holds, and what was seen so far."""

    sources: list[Input]
    published: Published
    version: str
    report: BuildReport
    log: Callable[[str], None]
    seen: set[tuple[str, str]] = field(default_factory=set)

    @property
    def reprocess_all(self) -> bool:
        return self.published.version != self.version

    def gone(self) -> list[int]:
        """Files gone from an input that was rebuilt leave the archive; other inputs are left alone."""
        rebuilt = {source.key for source in self.sources if source.whole}
        return [stored.id for key, stored in self.published.sources.items()
                if key[0] in rebuilt and key not in self.seen]


def _build(db_path: Path, work: Iterator[InputFile], run: _Run, data_dir: Path, jobs: int, lock: int,
           progress: bool) -> None:
    """Process the work into a copy of the published database and swap it in."""
    pipeline = _pipeline(data_dir, run.version)
    temp_path = db_path.with_name(f".{db_path.name}.building")
    try:
        with processing(work, pipeline, jobs, lock) as results:
            run.log("copying the published database")  # while the workers start on the first files
            _start_from_published(db_path, temp_path, run.published)
            _write_all(temp_path, results, run, pipeline.gazetteer, data_dir, progress)
        run.log("publishing")
        _publish(temp_path, db_path)
    except WorkerDied as error:
        raise BuildError(str(error)) from error
    finally:
        temp_path.unlink(missing_ok=True)


@functools.lru_cache(maxsize=1)
def _pipeline(data_dir: Path, version: str) -> Pipeline:
    """The gazetteer and its matcher (about 1 s to build), kept for the next build in this process (tests,
    benchmarks) as long as the code and data are the same: ``version`` says so."""
    return Pipeline(entities.load_gazetteer(data_dir), load_parser_data(data_dir))


@contextmanager
def _build_lock(db_path: Path) -> Iterator[int]:
    """One build at a time per database; a killed build's lock dies with its process (and its workers)."""
    lock_path = db_path.with_name(f".{db_path.name}.lock")
    with open(lock_path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise BuildError(f"another build of {db_path} is running") from error
        yield lock.fileno()


def _read_published(db_path: Path) -> Published:
    if not db_path.exists():
        return Published()
    try:
        conn = sqlite3.connect(f"file:{quote(str(db_path))}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"meta", "sources", "articles"} <= tables or not schema.is_current(conn):
                return Published()  # nothing built yet (an empty file) or an older schema: built afresh
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            sources = {(row[0], row[1]): StoredSource(*row[2:]) for row in conn.execute(
                "SELECT input, path, id, sha256, status, message FROM sources")}
            locations: dict[str, str | None] = {key: None for key, _ in sources}
            locations.update((key.removeprefix(LOCATION_PREFIX), value) for key, value in meta.items()
                             if key.startswith(LOCATION_PREFIX))
            articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise BuildError(f"cannot read the existing database {db_path}: {error}") from error
    return Published(True, meta.get("pipeline_version"), sources, locations, articles)


def _start_from_published(db_path: Path, temp_path: Path, published: Published) -> None:
    """Copy the published database (if usable) so unchanged files need no work; a crash leaves it intact.

    A plain file copy is consistent: the published file is only ever replaced by rename, never written
    in place, and builds (the only writers) hold the lock.
    """
    temp_path.unlink(missing_ok=True)
    if published.usable:
        shutil.copyfile(db_path, temp_path)


def _write_all(temp_path: Path, results: Iterator[Processed], run: _Run, gazetteer: entities.Gazetteer,
               data_dir: Path, progress: bool) -> None:
    report = run.report
    conn = sqlite3.connect(temp_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")  # the temp file is thrown away on any failure
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -262144")  # 256 MB: the search index's merges stay in memory
    conn.execute("PRAGMA foreign_keys = ON")
    schema.create(conn)
    conn.execute("BEGIN")
    writer = ArchiveWriter(conn, load_outlets(data_dir / "outlets.yml"),
                           entities.write_gazetteer(conn, gazetteer))
    writer.write_curated_outlets()
    if run.reprocess_all:
        writer.clear_search_index()
        _bulk_index_settings(conn, bulk=True)
    bar = tqdm(unit=" files", disable=not (progress and sys.stderr.isatty()), desc="building")
    for written, item in enumerate(results, 1):
        writer.write(item)
        report.statuses[item.status] += 1
        if item.message and item.status not in ("ok", "skipped"):
            report.messages[_message_kind(item.message)] += 1
        bar.update(1)
        if str(written).strip("0") == "1":  # 1, 10, 100, ...
            run.log(f"written {written} files")
    bar.close()
    gone = run.gone()
    run.log(f"removing {len(gone)} files gone from the inputs, counting")
    for source_id in gone:
        writer.remove_source(source_id)
    writer.finish()
    conn.execute("ANALYZE")  # planner statistics: the site's facet queries pick the right indexes
    _write_meta(conn, run.version, run.sources)
    run.log("committing")
    conn.execute("COMMIT")
    run.log("checking integrity and foreign keys")
    _check(conn, report)
    report.added, report.updated = writer.outcome.added, writer.outcome.updated
    report.duplicates, report.removed = writer.outcome.duplicates, writer.outcome.removed
    report.versions = writer.outcome.versions
    report.articles_total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    if run.reprocess_all:
        # Rewriting every article leaves deleted entries in the full-text index and free pages behind.
        run.log("optimizing the full-text index, vacuuming")
        _bulk_index_settings(conn, bulk=False)
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")
        conn.execute("VACUUM")
    conn.close()


def _bulk_index_settings(conn: sqlite3.Connection, bulk: bool) -> None:
    """While every article is written again, the full-text index keeps a whole batch's terms in memory
    and merges nothing until the final 'optimize' (a third less of the main process's index work);
    afterwards FTS5's defaults again, so later small updates merge as usual."""
    automerge, hashsize = (0, 64 * 2**20) if bulk else (4, 2**20)
    for option, value in (("automerge", automerge), ("hashsize", hashsize)):
        conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES (?, ?)", (option, value))


def _changed_files(files: Iterator[InputFile], run: _Run) -> Iterator[InputFile]:
    """The files to process: new, changed, or all of them when the code or curated data changed."""
    for item in files:
        run.report.files_seen += 1
        key = (item.input, item.path)
        run.seen.add(key)
        previous = run.published.sources.get(key)
        if not run.reprocess_all and previous and _unchanged(item, previous):
            run.report.unchanged += 1
            continue
        yield item


def _unchanged(item: InputFile, previous: StoredSource) -> bool:
    if item.data is None:  # unreadable or skipped: unchanged when it is so for the same reason
        status = "skipped" if item.skipped else "error"
        return (previous.sha256, previous.status, previous.message) == (EMPTY_SHA256, status, item.error)
    return previous.sha256 == hashlib.sha256(item.data).hexdigest()


def _message_kind(message: str) -> str:
    return message.split(":")[0][:80]


def _write_meta(conn: sqlite3.Connection, version: str, sources: list[Input]) -> None:
    values = {
        **{LOCATION_PREFIX + source.key: source.location for source in sources},
        "pipeline_version": version,
        "built_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source_count": str(conn.execute("SELECT count(*) FROM sources").fetchone()[0]),
        "article_count": str(conn.execute("SELECT count(*) FROM articles").fetchone()[0]),
    }
    conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", values.items())


def _check(conn: sqlite3.Connection, report: BuildReport) -> None:
    integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
    report.integrity = "ok" if integrity == ["ok"] else "; ".join(integrity[:5])
    report.foreign_keys = "ok" if not foreign else f"{len(foreign)} violations, e.g. {foreign[0]}"
    if report.integrity != "ok" or foreign:
        raise BuildError(f"database checks failed: {report.integrity}; {report.foreign_keys}")


def _publish(temp_path: Path, db_path: Path) -> None:
    with open(temp_path, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temp_path, db_path)
    directory = os.open(db_path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _peak_memory_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024

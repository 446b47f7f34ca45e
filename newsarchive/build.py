"""The build: inputs → worker processes → writer, into a temporary copy that is swapped in atomically."""

from __future__ import annotations

import fcntl
import hashlib
import multiprocessing
import os
import resource
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tqdm import tqdm

from newsarchive import entities, schema
from newsarchive.ingest import Pipeline, Processed
from newsarchive.inputs import InputFile, input_name, iter_input_files
from newsarchive.outlets import load_outlets
from newsarchive.parsers.curated import load_parser_data
from newsarchive.store import ArchiveWriter

PACKAGE_DIR = Path(__file__).parent
DEFAULT_DATA_DIR = PACKAGE_DIR.parent / "data"


@dataclass
class BuildReport:
    files_seen: int = 0
    unchanged: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    messages: Counter[str] = field(default_factory=Counter)
    added: int = 0
    updated: int = 0
    duplicates: int = 0
    removed: int = 0
    articles_total: int = 0
    integrity: str = ""
    foreign_keys: str = ""
    seconds: float = 0.0
    peak_memory_mb: float = 0.0

    def summary(self) -> str:
        top = "\n".join(f"    {count:6d}  {message}" for message, count in self.messages.most_common(5))
        return (
            f"files seen {self.files_seen} (unchanged, skipped: {self.unchanged})\n"
            f"processed: ok {self.statuses['ok']}, warnings {self.statuses['warning']}, "
            f"errors {self.statuses['error']}\n"
            f"articles: {self.articles_total} in the archive ({self.added} added, {self.updated} updated, "
            f"{self.duplicates} duplicates merged, {self.removed} sources removed)\n"
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


def build(inputs: list[Path], db_path: Path, data_dir: Path = DEFAULT_DATA_DIR, jobs: int = 0,
          progress: bool = True) -> BuildReport:
    started = time.monotonic()
    report = BuildReport()
    with _build_lock(db_path):
        temp_path = db_path.with_name(f".{db_path.name}.building")
        _start_from_published(db_path, temp_path)
        try:
            _build_into(temp_path, inputs, data_dir, jobs, progress, report)
            _publish(temp_path, db_path)
        finally:
            temp_path.unlink(missing_ok=True)
    report.seconds = time.monotonic() - started
    report.peak_memory_mb = _peak_memory_mb()
    return report


@contextmanager
def _build_lock(db_path: Path) -> Iterator[None]:
    """One build at a time per database; a killed build's lock dies with its process."""
    lock_path = db_path.with_name(f".{db_path.name}.lock")
    with open(lock_path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise BuildError(f"another build of {db_path} is running") from error
        yield


def _start_from_published(db_path: Path, temp_path: Path) -> None:
    """Copy the published database (if any) so unchanged files need no work; a crash leaves it intact."""
    temp_path.unlink(missing_ok=True)
    if not db_path.exists():
        return
    try:
        source = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        target = sqlite3.connect(temp_path)
        with target:
            source.backup(target)
        source.close()
        target.close()
    except sqlite3.DatabaseError as error:
        raise BuildError(f"cannot read the existing database {db_path}: {error}") from error


def _build_into(temp_path: Path, inputs: list[Path], data_dir: Path, jobs: int, progress: bool,
                report: BuildReport) -> None:
    conn = sqlite3.connect(temp_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")  # the temp file is thrown away on any failure
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA foreign_keys = ON")
    schema.create(conn)
    conn.execute("BEGIN")
    version = pipeline_version(data_dir)
    stored = conn.execute("SELECT value FROM meta WHERE key = 'pipeline_version'").fetchone()
    gazetteer = entities.load_gazetteer(data_dir)
    writer = ArchiveWriter(conn, load_outlets(data_dir / "outlets.yml"),
                           entities.write_gazetteer(conn, gazetteer))
    writer.write_curated_outlets()
    known = writer.known_sources()
    reprocess_all = stored is None or stored[0] != version
    seen: set[tuple[str, str]] = set()
    changed = _changed_files(iter_input_files(inputs), known, reprocess_all, seen, report)
    bar = tqdm(unit=" files", disable=not (progress and sys.stderr.isatty()), desc="building")
    for item in _process_all(changed, Pipeline(gazetteer, load_parser_data(data_dir)), jobs):
        writer.write(item)
        report.statuses[item.status] += 1
        if item.message and item.status != "ok":
            report.messages[_message_kind(item.message)] += 1
        bar.update(1)
    bar.close()
    _prune(writer, known, seen, {input_name(path) for path in inputs})
    writer.refresh_totals()
    conn.execute("ANALYZE")  # planner statistics: the site's facet queries pick the right indexes
    _write_meta(conn, version)
    conn.execute("COMMIT")
    _check(conn, report)
    report.added, report.updated = writer.outcome.added, writer.outcome.updated
    report.duplicates, report.removed = writer.outcome.duplicates, writer.outcome.removed
    report.articles_total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    if reprocess_all:
        # Rewriting every article leaves deleted entries in the full-text index and free pages behind.
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")
        conn.execute("VACUUM")
    conn.close()


def _changed_files(files: Iterator[InputFile], known: dict[tuple[str, str], tuple[int, str]],
                   reprocess_all: bool, seen: set[tuple[str, str]], report: BuildReport
                   ) -> Iterator[InputFile]:
    for item in files:
        report.files_seen += 1
        key = (item.input, item.path)
        seen.add(key)
        previous = known.get(key)
        if (not reprocess_all and previous and item.data is not None
                and previous[1] == hashlib.sha256(item.data).hexdigest()):
            report.unchanged += 1
            continue
        yield item


def _process_all(files: Iterator[InputFile], pipeline: Pipeline, jobs: int) -> Iterator[Processed]:
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1:
        yield from map(pipeline.process, files)
        return
    global _worker_pipeline
    _worker_pipeline = pipeline  # forked workers inherit it: the gazetteer is loaded once per build
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            yield from pool.imap(_process_in_worker, files, chunksize=8)
    finally:
        _worker_pipeline = None


_worker_pipeline: Pipeline | None = None


def _process_in_worker(item: InputFile) -> Processed:
    assert _worker_pipeline is not None
    return _worker_pipeline.process(item)


def _prune(writer: ArchiveWriter, known: dict[tuple[str, str], tuple[int, str]],
           seen: set[tuple[str, str]], rebuilt_inputs: set[str]) -> None:
    """Files gone from an input that was rebuilt leave the archive; other inputs are left alone."""
    for key, (source_id, _) in known.items():
        if key[0] in rebuilt_inputs and key not in seen:
            writer.remove_source(source_id)


def _message_kind(message: str) -> str:
    return message.split(":")[0][:80]


def _write_meta(conn: sqlite3.Connection, version: str) -> None:
    values = {
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

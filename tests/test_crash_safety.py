"""Crash safety: a build killed with SIGKILL at any moment leaves the published database as it was.

A real build_db.py subprocess over a generated corpus (our own short feed-mirror files) is killed at
several points of its run: while workers parse, while the writer writes, during the final checks and
the swap. Each time the published file must be byte-identical (or, if the kill came after the atomic
rename, the complete new build), pass ``PRAGMA integrity_check``, and leave no worker behind. The next
build then succeeds and its summary reports clean integrity and foreign-key checks.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
WORDS = ["trade", "talks", "tariffs", "export", "controls", "chips", "diplomats", "summit", "envoy",
         "sanctions", "visit", "Beijing", "Washington", "Taiwan", "Pacific", "Wang", "Yi", "Antony",
         "Blinken", "Xi", "Jinping"]
FIRST_FILES, ADDED_FILES, CHANGED_FILES = 200, 1000, 100
# When to kill: while starting up (seconds), then when the working copy has grown by these fractions of
# what an uninterrupted run of the same build adds (the last ones: commit, checks and swap are near).
STARTUP_KILL_S = 0.5
GROWTH_KILL_POINTS = [0.25, 0.5, 0.75, 0.9, 0.97]
POLL_S = 0.005
RETRIES, RETRY_STEP = 3, 0.1
CLEAN_SUMMARY = "integrity_check: ok; foreign_key_check: ok"

pytestmark = pytest.mark.slow


def story(n: int, version: int = 1) -> str:
    """One feed-mirror file of our own; every n gives different words."""
    words = [WORDS[(n * 7 + i * i + version) % len(WORDS)] for i in range(360)]
    paragraphs = "".join(f"<p>{' '.join(words[i:i + 60])}.</p>" for i in range(0, 360, 60))
    return (f"<!--{1_700_000_000_000 + n * 60_000}-->\n"
            f"[Generated story {n} version {version}: {' '.join(words[:6])}]"
            f"(https://cn.nytimes.com/china/2023/generated-{n}/)\n------\n\n<section>{paragraphs}</section>\n")


def write_corpus(folder: Path, count: int, changed: int = 0) -> None:
    for n in range(count):
        path = folder / f"{n // 100:02d}" / f"story-{n}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(story(n, version=2 if n < changed else 1))


def start_build(corpus: Path, db: Path) -> subprocess.Popen:
    # Its own session: the build and its worker processes form one process group.
    return subprocess.Popen([sys.executable, "build_db.py", str(corpus), "--db", str(db), "--quiet"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def finish(process: subprocess.Popen) -> str:
    stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr[-3000:]
    assert CLEAN_SUMMARY in stdout, stdout
    return stdout


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_database(db: Path) -> int:
    """integrity_check and foreign_key_check on a read-only connection; returns the source count."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        return conn.execute("SELECT count(*) FROM sources").fetchone()[0]
    finally:
        conn.close()


def group_is_gone(process: subprocess.Popen, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def kill_when(corpus: Path, db: Path, ready, whole_group: bool) -> str | None:
    """Start a build and SIGKILL it once ready(working copy size or None) holds; what it was doing then,
    or None if the build finished first."""
    building = db.with_name(f".{db.name}.building")
    stale = building.stat().st_ino if building.exists() else None  # a killed build's leftover copy
    process = start_build(corpus, db)
    started = time.monotonic()
    while not ready(_size(building, stale), time.monotonic() - started):
        if process.poll() is not None:
            process.communicate()
            return None
        time.sleep(POLL_S)
    state = f"working copy at {building.stat().st_size >> 10} KiB" if building.exists() else "starting up"
    if whole_group:  # the machine dies: the build and its workers at once
        os.killpg(process.pid, signal.SIGKILL)
    else:  # only the main process dies: orphaned workers must exit by themselves
        process.send_signal(signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL
    try:
        assert group_is_gone(process), "worker processes outlived the killed build"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    return f"{time.monotonic() - started:.1f} s, {state}"


def _size(building: Path, stale_inode: int | None) -> int | None:
    """Size of this build's working copy (not of a leftover one), None before it exists."""
    try:
        status = building.stat()
    except FileNotFoundError:
        return None
    return None if status.st_ino == stale_inode else status.st_size


def kill_condition(point: float | None, start_size: int, final_size: int):
    """Predicate over (working copy size, seconds since start): startup for None, else grown by point."""
    if point is None:
        return lambda size, elapsed: elapsed >= STARTUP_KILL_S
    target = start_size + point * (final_size - start_size)
    return lambda size, elapsed: size is not None and size >= target


def test_killed_builds_leave_the_published_database_intact(tmp_path: Path) -> None:
    corpus, db = tmp_path / "corpus", tmp_path / "archive.db"
    write_corpus(corpus, FIRST_FILES)
    finish(start_build(corpus, db))
    first_build, published = db.read_bytes(), sha256(db)
    assert check_database(db) == FIRST_FILES

    # The next build has real work: new files to parse and write, changed files to update.
    write_corpus(corpus, FIRST_FILES + ADDED_FILES, changed=CHANGED_FILES)
    trial = tmp_path / "trial" / "archive.db"
    trial.parent.mkdir()
    trial.write_bytes(db.read_bytes())
    started = time.monotonic()
    finish(start_build(corpus, trial))
    duration = time.monotonic() - started

    points = [None, *GROWTH_KILL_POINTS]
    killed = []
    for n, point in enumerate(points):
        # A build may finish before its working copy grows as much as the trial's did: retry earlier.
        for retry in range(RETRIES):
            earlier = None if point is None else point - RETRY_STEP * retry
            ready = kill_condition(earlier, db.stat().st_size, trial.stat().st_size)
            state = kill_when(corpus, db, ready, whole_group=n % 2 == 0)
            if state is not None:
                break
            check_database(db)  # it finished and published: start again from the first build
            db.write_bytes(first_build)
            published = sha256(db)
        if state is None:
            continue
        killed.append(state)
        sources = check_database(db)
        if sha256(db) != published:  # killed after the atomic rename: the new build is complete
            assert sources == FIRST_FILES + ADDED_FILES, f"killed at {state}: half-built database published"
            published = sha256(db)
    assert len(killed) >= len(points) - 1, f"only {killed} builds were still running when killed"

    summary = finish(start_build(corpus, db))
    assert check_database(db) == FIRST_FILES + ADDED_FILES
    assert "errors 0" in summary
    assert not (tmp_path / ".archive.db.building").exists()
    print(f"uninterrupted build {duration:.1f} s; killed at {' | '.join(killed)}; final build:\n{summary}")

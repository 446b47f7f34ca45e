"""Crash safety: a build killed with SIGKILL at any stage leaves the published database as it was.

A real build_db.py subprocess over a small generated corpus (our own short feed-mirror files) is killed
at every stage it logs with --verbose: reading the inputs, copying the database, writing (first file and
later), committing, checking, optimizing and vacuuming (a build that reprocesses every file), and
publishing. Each time the published file must be byte-identical (or, if the kill came after the atomic
rename, the complete new build) and pass ``PRAGMA integrity_check``. Kills alternate between the whole
process group (the machine dies) and the main process alone: its workers must then die with it and the
next build must not be refused by a lock they hold. A last build succeeds with clean checks.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import select
import shutil
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
FIRST_FILES, ADDED_FILES, CHANGED_FILES = 20, 40, 5
# Stages as build_db.py --verbose logs them; the build is killed as soon as it reports one.
STAGES = ["reading the inputs", "copying the published database", "written 1 files", "written 10 files",
          "committing", "checking integrity and foreign keys", "publishing"]
REPROCESSING_STAGE = "optimizing the full-text index, vacuuming"
STAGE_TIMEOUT_S = 120  # hang guards only
CLEAN_SUMMARY = "integrity_check: ok; foreign_key_check: ok"


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


def start_build(corpus: Path, db: Path, data: Path) -> subprocess.Popen:
    # Its own session: the build and its worker processes form one process group.
    return subprocess.Popen([sys.executable, "build_db.py", str(corpus), "--db", str(db), "--data", str(data),
                             "--quiet", "--verbose", "--jobs", "2"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def finish(process: subprocess.Popen) -> str:
    stdout, stderr = process.communicate(timeout=STAGE_TIMEOUT_S)
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


def wait_for_stage(process: subprocess.Popen, stage: str) -> None:
    """Read the build's log until it reports ``stage``; fail if it ends (or hangs) before."""
    log = []
    deadline = time.monotonic() + STAGE_TIMEOUT_S
    while time.monotonic() < deadline:
        if select.select([process.stderr], [], [], 1)[0]:
            line = process.stderr.readline()
            if not line:
                break
            log.append(line)
            if line.rstrip().endswith(stage):
                return
    process.kill()
    pytest.fail(f"the build never reported {stage!r} (exit {process.wait()}):\n{''.join(log)}")


def group_is_gone(process: subprocess.Popen, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def kill_at(stage: str, corpus: Path, db: Path, data: Path, whole_group: bool) -> None:
    process = start_build(corpus, db, data)
    wait_for_stage(process, stage)
    if whole_group:  # the machine dies: the build and its workers at once
        os.killpg(process.pid, signal.SIGKILL)
    else:  # only the main process dies: its workers must exit by themselves
        process.send_signal(signal.SIGKILL)
    process.communicate()
    try:
        assert process.returncode in (-signal.SIGKILL, 0), process.returncode  # 0: it had just finished
        assert group_is_gone(process), f"killed at {stage!r}: worker processes outlived the build"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def test_builds_killed_at_every_stage_leave_the_published_database_intact(tmp_path: Path, build_data: Path
                                                                           ) -> None:
    corpus, db, data = tmp_path / "corpus", tmp_path / "archive.db", tmp_path / "data"
    shutil.copytree(build_data, data)  # a copy this test changes
    write_corpus(corpus, FIRST_FILES)
    finish(start_build(corpus, db, data))
    first_build = db.read_bytes()
    assert check_database(db) == FIRST_FILES

    # The next build has real work: new files to parse and write, changed files to update.
    write_corpus(corpus, FIRST_FILES + ADDED_FILES, changed=CHANGED_FILES)
    for n, stage in enumerate(STAGES):
        kill_at(stage, corpus, db, data, whole_group=n % 2 == 0)
        sources = check_database(db)
        if db.read_bytes() != first_build:  # killed after the atomic rename: the new build is complete
            assert sources == FIRST_FILES + ADDED_FILES, f"killed at {stage!r}: half-built database published"
            db.write_bytes(first_build)  # so the next stage has the same work to do

    # Curated data changed: every file is processed again, then the index is optimized and vacuumed.
    with (data / "outlets.yml").open("a") as outlets:
        outlets.write("\n# changed\n")
    kill_at(REPROCESSING_STAGE, corpus, db, data, whole_group=False)
    assert db.read_bytes() == first_build
    check_database(db)

    summary = finish(start_build(corpus, db, data))
    assert check_database(db) == FIRST_FILES + ADDED_FILES
    assert "errors 0" in summary
    assert not (tmp_path / ".archive.db.building").exists()

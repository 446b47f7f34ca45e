"""The builder end to end on our own files: accounting, idempotence, increments, duplicates, encodings."""

from __future__ import annotations

import fcntl
import gc
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

from newsarchive import workers
from newsarchive.build import BuildError, build
from newsarchive.gazetteer import SAFE_LOADER
from newsarchive.ingest import Pipeline
from newsarchive.inputs import InputFile

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: the people file is large

FEED_MIRROR = """<!--1700000000000-->
[{title}](https://cn.nytimes.com/china/20231114/{slug}/)
------

<address>SAMPLE WRITER</address><time pudate="2023-11-14 20:00:00">2023年11月14日</time>
<section><p>{body}</p><p>Second paragraph.</p></section>
"""


def feed_mirror(title: str, body: str, slug: str = "sample") -> str:
    return FEED_MIRROR.format(title=title, body=body, slug=slug)


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(SAMPLE, folder)
    return folder


def test_every_sample_file_is_accounted_for(corpus: Path, tmp_path: Path, build_data: Path) -> None:
    db = tmp_path / "a.db"
    report = build([corpus], db, data_dir=build_data, jobs=1, progress=False)
    files = sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*") if p.is_file())
    assert sorted(r[0] for r in rows(db, "SELECT path FROM sources")) == files
    assert report.files_seen == len(files)
    assert report.integrity == "ok" and report.foreign_keys == "ok"
    statuses = dict(rows(db, "SELECT path, status FROM sources"))
    assert statuses["other/notes-without-format.txt"] == "warning"
    assert all(status == "ok" for path, status in statuses.items() if not path.startswith("other/"))


def test_rebuild_with_nothing_changed_writes_nothing(corpus: Path, tmp_path: Path, build_data: Path) -> None:
    db = tmp_path / "a.db"
    (corpus / "named-pipe").mkdir()
    os.mkfifo(corpus / "named-pipe" / "pipe.txt")  # skipped and error rows are unchanged too
    (corpus / "empty.txt").write_bytes(b"")
    build([corpus], db, data_dir=build_data, jobs=1, progress=False)
    first = rows(db, "SELECT id, slug, fingerprint, source_id FROM articles ORDER BY id")
    published = db.stat()
    report = build([corpus], db, data_dir=build_data, jobs=1, progress=False)
    assert report.nothing_changed and report.unchanged == report.files_seen
    assert "all unchanged: nothing to do" in report.summary()
    assert (db.stat().st_ino, db.stat().st_mtime_ns) == (published.st_ino, published.st_mtime_ns)
    assert rows(db, "SELECT id, slug, fingerprint, source_id FROM articles ORDER BY id") == first
    assert not list(tmp_path.glob(".a.db.building"))

    (corpus / "empty.txt").unlink()  # a file gone is a change: the database is rebuilt without it
    report = build([corpus], db, data_dir=build_data, jobs=1, progress=False)
    assert not report.nothing_changed and report.removed == 1


def test_a_single_file_input_updates_its_row_and_leaves_the_rest_of_its_folder(
        corpus: Path, tmp_path: Path, build_data: Path) -> None:
    db, changed = tmp_path / "a.db", corpus / "top.md"
    changed.write_text(feed_mirror("顶层文件", "文件夹顶层的一篇文章。"), encoding="utf-8")
    build([corpus], db, data_dir=build_data, jobs=1, progress=False)
    sources = rows(db, "SELECT input, path FROM sources ORDER BY id")
    changed.write_text(feed_mirror("顶层文件", "文件夹顶层的一篇文章，改了。"), encoding="utf-8")
    # keyed under its folder: the same row
    report = build([changed], db, data_dir=build_data, jobs=1, progress=False)
    assert (report.files_seen, report.updated, report.removed) == (1, 1, 0)
    assert rows(db, "SELECT input, path FROM sources ORDER BY id") == sources
    # the same row as the folder's
    assert build([corpus], db, data_dir=build_data, jobs=1, progress=False).nothing_changed


def test_inputs_with_the_same_name_keep_their_own_rows(tmp_path: Path, build_data: Path) -> None:
    """c1/same and c2/same hold the same file name: neither overwrites the other, built together or apart."""
    for n in (1, 2):
        (tmp_path / f"c{n}" / "same").mkdir(parents=True)
        (tmp_path / f"c{n}" / "same" / "story.md").write_text(
            feed_mirror(f"同名文件夹 {n}", f"第{n}篇。", slug=f"same-{n}"))
    one, two, db = tmp_path / "c1" / "same", tmp_path / "c2" / "same", tmp_path / "a.db"
    build([one, two], db, data_dir=build_data, jobs=1, progress=False)
    stories = "SELECT s.input, a.title FROM sources s JOIN articles a ON a.id = s.article_id ORDER BY s.input"
    assert rows(db, stories) == [("c2/same", "同名文件夹 2"), ("same", "同名文件夹 1")]

    (two / "story.md").write_text(feed_mirror("同名文件夹 2 改", "第2篇文章改了。"))
    # the second folder alone keeps its key
    report = build([two], db, data_dir=build_data, jobs=1, progress=False)
    assert (report.updated, report.added, report.removed) == (1, 0, 0)
    assert rows(db, stories) == [("c2/same", "同名文件夹 2 改"), ("same", "同名文件夹 1")]
    assert build([one, two], db, data_dir=build_data, jobs=1, progress=False).nothing_changed

    # A database from before inputs had locations: its rows are adopted by the input of that name.
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM meta WHERE key LIKE 'input_location:%'")
    conn.commit()
    conn.close()
    assert build([one, two], db, data_dir=build_data, jobs=1, progress=False).nothing_changed


def test_a_symlinked_database_is_written_through_and_locked_at_its_real_path(
        corpus: Path, tmp_path: Path, build_data: Path) -> None:
    real, link = tmp_path / "real" / "archive.db", tmp_path / "link.db"
    real.parent.mkdir()
    build([corpus], real, data_dir=build_data, jobs=1, progress=False)
    link.symlink_to(real)
    (corpus / "new.md").write_text(feed_mirror("经由符号链接", "通过符号链接更新数据库。"), encoding="utf-8")
    with open(real.with_name(".archive.db.lock"), "w") as lock:  # a build of the real file is running
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(BuildError, match="another build"):
            build([corpus], link, data_dir=build_data, jobs=1, progress=False)
    report = build([corpus], link, data_dir=build_data, jobs=1, progress=False)
    assert report.added == 1
    assert link.is_symlink() and link.resolve() == real
    assert rows(real, "SELECT count(*) FROM articles WHERE title = '经由符号链接'") == [(1,)]
    assert not list(tmp_path.glob(".link.db*"))


def test_workers_return_every_result_in_input_order(monkeypatch, real_pipeline: Pipeline) -> None:
    """Small chunks and a short read-ahead: many round trips, still every file once, in order."""
    monkeypatch.setattr(workers, "CHUNK_FILES", 3)
    monkeypatch.setattr(workers, "CHUNKS_PER_WORKER", 1)
    files = [InputFile("in", f"{n:03d}.md", feed_mirror(f"第{n}篇", f"正文{n}。", slug=str(n)).encode())
             for n in range(40)]
    files[5] = InputFile("in", "005.md", None, "a named pipe", skipped=True)
    pipeline = real_pipeline
    with open(os.devnull) as lock, workers.processing(iter(files), pipeline, 2, lock.fileno()) as results:
        processed = list(results)  # (workers close their copy of the lock)
    assert [item.path for item in processed] == [item.path for item in files]
    assert [item.status for item in processed].count("ok") == 39 and processed[5].status == "skipped"


class Paths:
    """Stands in for the pipeline where only the orchestration is under test."""

    def process(self, item: InputFile) -> str:
        return item.path


def test_an_error_while_reading_the_inputs_reaches_the_build() -> None:
    def files():
        yield from (InputFile("in", str(n), b"x") for n in range(40))
        raise OSError("the disk went away")

    with (pytest.raises(OSError, match="the disk went away"), open(os.devnull) as lock,
          workers.processing(files(), Paths(), 2, lock.fileno()) as results):
        list(results)


KILLED_WORKER = """
import os, sys
from newsarchive import workers
from newsarchive.inputs import InputFile

class DiesOnSecondFile:  # what the kernel's out-of-memory killer does to a worker
    def process(self, item):
        if item.path == "2":
            os._exit(9)
        return item.path

try:
    with workers.processing(iter([InputFile("in", str(n), b"x") for n in range(5)]), DiesOnSecondFile(), 2,
                            os.dup(0)) as results:
        list(results)
except workers.WorkerDied as error:
    print(error)
"""


def test_a_killed_worker_fails_the_build_instead_of_hanging_it() -> None:
    done = subprocess.run([sys.executable, "-c", KILLED_WORKER], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)  # the timeout is a hang guard
    assert done.returncode == 0, done.stderr[-2000:]
    assert "a worker process died while processing the files from in/0 on" in done.stdout


def test_fresh_builds_give_the_same_ids_and_slugs(corpus: Path, tmp_path: Path, build_data: Path) -> None:
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    build([corpus], one, data_dir=build_data, jobs=1, progress=False)
    build([corpus], two, data_dir=build_data, jobs=2, progress=False)
    sql = "SELECT id, slug, title FROM articles ORDER BY id"
    assert rows(one, sql) == rows(two, sql)
    assert gc.get_freeze_count() == 0  # the objects frozen while the workers ran are collected again


def test_a_full_build_leaves_the_search_index_merging_as_usual(corpus: Path, tmp_path: Path,
                                                               build_data: Path) -> None:
    """The bulk settings of a full rewrite (no merges, a large in-memory batch) do not stay in the file:
    a later update, or anyone writing to a downloaded copy, gets FTS5's defaults."""
    db = tmp_path / "a.db"
    build([corpus], db, data_dir=build_data, jobs=1, progress=False)
    assert dict(rows(db, "SELECT k, v FROM articles_fts_config WHERE k IN ('automerge', 'hashsize')")) == {
        "automerge": 4, "hashsize": 1048576}


def test_added_changed_and_removed_files(corpus: Path, tmp_path: Path, build_data: Path) -> None:
    db = tmp_path / "a.db"
    changed = corpus / "feed-mirror" / "2020-10-reuters-wang-yi-europe.md"
    build([corpus], db, data_dir=build_data, jobs=1, progress=False)
    (article_id,) = rows(db, "SELECT article_id FROM sources WHERE path LIKE '%reuters-wang-yi-europe.md'")[0]

    (corpus / "new.md").write_text(
        feed_mirror("新增的示例文章", "这是新加入的一篇示例文章。"), encoding="utf-8"
    )
    changed.write_text(changed.read_text(encoding="utf-8").replace("共同应对", "一起应对"), encoding="utf-8")
    (corpus / "other" / "notes-without-format.txt").unlink()
    report = build([corpus], db, data_dir=build_data, jobs=1, progress=False)

    assert (report.added, report.updated, report.removed) == (1, 1, 1)
    assert report.unchanged == report.files_seen - 2
    updated = rows(db, f"SELECT body FROM articles WHERE id = {article_id}")[0][0]
    assert "一起应对" in updated
    assert not rows(db, "SELECT 1 FROM sources WHERE path = 'other/notes-without-format.txt'")


def test_changed_curated_data_relinks_every_article_under_the_same_ids(corpus: Path, tmp_path: Path,
                                                                      build_data: Path) -> None:
    data = tmp_path / "data"  # a copy this test changes
    shutil.copytree(build_data, data)
    db = tmp_path / "a.db"
    build([corpus], db, data_dir=data, jobs=1, progress=False)
    articles = "SELECT id, slug FROM articles ORDER BY id"
    before = rows(db, articles)
    wang_yi_links = (
        "SELECT count(*) FROM article_people JOIN people ON people.id = person_id WHERE slug = 'wang-yi'"
    )
    assert rows(db, wang_yi_links)[0][0] > 0

    people = yaml.load((data / "people.yml").read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    kept = [person for person in people if person["name"] != "Wang Yi"]
    kept_yaml = yaml.dump(kept, allow_unicode=True, Dumper=SAFE_DUMPER)
    (data / "people.yml").write_text(kept_yaml, encoding="utf-8")
    report = build([corpus], db, data_dir=data, jobs=1, progress=False)

    assert report.updated == len(before) and report.added == 0
    assert rows(db, articles) == before
    assert rows(db, wang_yi_links) == [(0,)]


def test_same_content_twice_is_one_article_with_two_sources(tmp_path: Path, build_data: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = feed_mirror("重复的示例文章", "同一篇文章出现了两次。")
    (folder / "a.md").write_text(text, encoding="utf-8")
    (folder / "b.md").write_text(text, encoding="utf-8-sig")  # different bytes, same content
    db = tmp_path / "a.db"
    report = build([folder], db, data_dir=build_data, jobs=1, progress=False)
    assert report.duplicates == 1
    assert rows(db, "SELECT count(*) FROM articles") == [(1,)]
    sources = rows(db, "SELECT article_id, message FROM sources ORDER BY path")
    assert sources[0][0] == sources[1][0]
    assert "same content as a.md" in sources[1][1]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030", "big5"])
def test_encodings_decode_and_are_recorded(tmp_path: Path, encoding: str, build_data: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    title = "臺灣與美國舉行經貿對話" if encoding == "big5" else "台湾与美国举行经贸对话"
    body = (
        "這是一篇測試文章，美國官員表示會談順利。"
        if encoding == "big5"
        else "这是一篇测试文章，美国官员表示会谈顺利。"
    )
    (folder / "file.md").write_bytes(feed_mirror(title, body).encode(encoding))
    db = tmp_path / "a.db"
    build([folder], db, data_dir=build_data, jobs=1, progress=False)
    ((status, recorded),) = rows(db, "SELECT status, encoding FROM sources")
    assert status == "ok"
    assert recorded.replace("_", "-").startswith(encoding.split("-sig")[0].replace("_", "-"))
    assert rows(db, "SELECT title FROM articles") == [(title,)]


def test_bad_files_get_rows_with_clear_messages(tmp_path: Path, build_data: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    truncated = feed_mirror("被截断的示例文章", "这篇文章的HTML在中途被截断了。")
    (folder / "truncated.md").write_text(truncated[: truncated.index("Second") + 6], encoding="utf-8")
    db = tmp_path / "a.db"
    report = build([folder], db, data_dir=build_data, jobs=1, progress=False)
    result = {
        path: (status, message)
        for path, status, message in rows(db, "SELECT path, status, message FROM sources")
    }
    assert result["empty.txt"] == ("error", "empty file")
    assert result["picture.png"][0] == "error" and "binary" in result["picture.png"][1]
    assert result["truncated.md"][0] in ("ok", "warning")
    assert rows(db, "SELECT count(*) FROM sources WHERE raw IS NOT NULL AND status = 'error'") == [(2,)]
    assert report.statuses["error"] == 2


def test_tar_archives_are_read_in_place(corpus: Path, tmp_path: Path, build_data: Path) -> None:
    archive = tmp_path / "sample.tar.xz"
    with tarfile.open(archive, "w:xz") as tar:
        tar.add(corpus, arcname=".")
    db = tmp_path / "a.db"
    build([archive], db, data_dir=build_data, jobs=2, progress=False)
    paths = {r[0] for r in rows(db, "SELECT path FROM sources")}
    assert "digest/2024-03-wang-yi-blinken-reuters.txt" in paths
    assert rows(db, "SELECT DISTINCT input FROM sources") == [("sample.tar.xz",)]


def test_failed_build_leaves_the_published_database_intact(corpus: Path, tmp_path: Path,
                                                           build_data: Path) -> None:
    db = tmp_path / "a.db"
    build([corpus], db, data_dir=build_data, jobs=1, progress=False)
    before = db.read_bytes()
    broken_data = tmp_path / "broken-data"
    broken_data.mkdir()
    (broken_data / "outlets.yml").write_text("outlets: [{slug: x}]\n", encoding="utf-8")
    with pytest.raises((BuildError, ValueError, OSError)):
        build([corpus], db, data_dir=broken_data, jobs=1, progress=False)
    assert db.read_bytes() == before
    assert not list(tmp_path.glob(".a.db.building"))


def test_command_line_summary_and_exit_status(corpus: Path, tmp_path: Path, build_data: Path) -> None:
    db = tmp_path / "cli.db"
    done = subprocess.run(
        [sys.executable, "build_db.py", str(corpus), "--db", str(db), "--data", str(build_data), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "files seen" in done.stdout and "integrity_check: ok" in done.stdout
    helped = subprocess.run(
        [sys.executable, "build_db.py", "--help"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    for option in ("--db", "--data", "--jobs", "--candidates", "--quiet"):
        assert option in helped.stdout

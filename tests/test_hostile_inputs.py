"""Parsers never take the build down: random and mutated inputs, odd file names, special and huge files.

Property tests (hypothesis) feed random bytes, random text in random encodings, format-shaped text with
random fields, and mutations of our own fixtures (truncations, byte flips, NUL bytes, huge lines, deep
nesting, re-encodings) to ``parsers.parse`` (which may only raise ParseError) and to
``Pipeline.process`` + ``ArchiveWriter.write`` (which must always give a storable Processed). Example
counts stay modest so the suite stays fast. Whole builds over nasty files run the real command line in a
subprocess, with a time and memory limit, and check that every file is reported in ``sources``.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsarchive import entities, parsers, schema
from newsarchive.build import DEFAULT_DATA_DIR
from newsarchive.ingest import Pipeline, Processed
from newsarchive.inputs import MAX_FILE_BYTES, InputFile
from newsarchive.model import ParseError
from newsarchive.outlets import load_outlets
from newsarchive.store import ArchiveWriter

REPO = Path(__file__).resolve().parents[1]
HOSTILE = REPO / "tests" / "fixtures" / "hostile"
# Our own short files in every format: the starting points for mutations.
SEEDS = sorted(p.read_bytes() for folder in (HOSTILE, REPO / "data" / "sample")
               for p in folder.rglob("*") if p.is_file())
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gb18030", "big5", "cp1252", "shift_jis", "latin-1"]
STATUSES = {"ok", "warning", "error"}
BUILD_TIMEOUT_S = 240
BUILD_MEMORY_LIMIT = 3 * 1024**3  # address space: a runaway read fails with MemoryError instead of eating RAM
PEAK_RSS_LIMIT_MB = 1024

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- strategies ---------------------------------------------------------------------------------

def _mutate(data: bytes, kind: str, position: float, payload: bytes) -> bytes:
    at = int(position * len(data))
    if kind == "truncate":
        return data[:at]
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:] if at < len(data) else data
    if kind == "insert":
        return data[:at] + payload + data[at:]
    if kind == "delete":
        return data[:at] + data[at + len(payload):]
    if kind == "reencode":
        text = data.decode("utf-8", errors="replace")
        return text.encode(ENCODINGS[int(position * 100) % len(ENCODINGS)], errors="replace")
    return data[at:] + data[:at]  # rotate: the header ends up in the middle


PAYLOADS = st.sampled_from([
    b"\x00", b"\x00" * 9000, b"\xff\xfe", b"\xef\xbb\xbf", b"\r", b"\n" * 5000, b"a" * 300_000,
    b" " * 200_000, b"<div>" * 20_000, b"</p>" * 5000, b"<!--", b"---\n", b"]]>", b"&#x0;", b"&#99999999;",
    b"\xe4\xb8", b"\xc0\x80", "\ud800".encode("utf-8", "surrogatepass"), b"[x](http://[bad)\n------\n",
    b"<!--99999999999999-->\n", b"March 32, 2024   1 min   1 words\n", b"Current:Home > My -\n",
    b"<img src='javascript:alert(1)'>", b"\\ud800", b'title: "\\udfff"\n', b"Date:9999-99-99 99:99:99\n",
    "<p>王毅\u200b布林肯\ufeff</p>".encode(), b"2024-01-01T00:00:00+99:99\n", b"0001-01-01T00:00:00+05:00\n",
])
MUTATIONS = st.lists(
    st.tuples(st.sampled_from(["truncate", "flip", "insert", "delete", "reencode", "rotate"]),
              st.floats(0, 1, exclude_max=True), PAYLOADS),
    min_size=1, max_size=4)


@st.composite
def mutated_seed(draw) -> bytes:
    data = draw(st.sampled_from(SEEDS))
    for kind, position, payload in draw(MUTATIONS):
        data = _mutate(data, kind, position, payload)
    return data


@st.composite
def encoded_text(draw) -> bytes:
    return draw(st.text(max_size=3000)).encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


LINE = st.text(st.characters(blacklist_categories=["Cs"]), max_size=200)
ANY_LINE = st.text(max_size=200)  # may hold lone surrogates, as escaped JSON can


@st.composite
def feed_mirror_text(draw) -> str:
    tags = draw(st.lists(st.sampled_from(["p", "div", "img", "a", "figure", "figcaption", "time", "address",
                                          "section", "footer", "small", "cite", "br", "script", "svg"])))
    html = "<p>" + "".join(f"<{tag} src={draw(LINE)!r} href={draw(LINE)!r}>{draw(LINE)}" for tag in tags)
    keys = ["title", "from", *draw(st.lists(st.sampled_from(["date", "author", "tags", "title"])))]
    # Double-quoted values are JSON-unescaped by the parser: "\ud800" becomes a lone surrogate.
    front = "".join(f"{key}: {draw(st.sampled_from([json.dumps(draw(ANY_LINE)), draw(LINE)]))}\n"
                    for key in keys)
    epoch = draw(st.integers(0, 10**14))
    url = draw(st.sampled_from(["https://", "http://[", "javascript:"])) + draw(LINE)
    return f"---\n{front}---\n<!--{epoch}-->\n[{draw(LINE)}]({url})\n------\n\n{html}"


@st.composite
def digest_text(draw) -> str:
    date = draw(st.sampled_from(["March 3, 2024", "Sept. 31, 2024", "Foo 99, 0000", "May 1, 9999"]))
    stamp = draw(st.sampled_from(["", "2024-03-03T09:15:00Z", "0001-01-01T00:00:00+05:00",
                                  "9999-12-31T23:59:59-05:00", "2024-13-45T99:99"]))
    body = "\n\n".join(draw(st.lists(LINE, max_size=8)))
    return f"{draw(LINE)}\n\n{draw(LINE)}-{draw(LINE)}\n\n{date}   {draw(st.integers(0, 10**6))} min   " \
           f"{draw(st.integers(0, 10**9))} words\n\n{draw(LINE)}\n\n{stamp}\n{draw(LINE)}\n\n{body}\n"


@st.composite
def republished_text(draw) -> str:
    lines = draw(st.lists(st.one_of(LINE, st.sampled_from(["View", "- In:", "veryGood! (1)", "Related",
                                                           "Date:2025-01-10 08:00:00", "Date:"]),
                                    LINE.map(lambda s: "- " + s)), max_size=12))
    return f"Current:Home > My{draw(LINE)} -{draw(LINE)}\n" + "\n".join(lines)


# --- properties ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(entities.load_gazetteer(DEFAULT_DATA_DIR))


@pytest.fixture(scope="module")
def writer(pipeline: Pipeline) -> ArchiveWriter:
    """The real writer on an in-memory archive: whatever the pipeline gives must be storable."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    schema.create(conn)
    return ArchiveWriter(conn, load_outlets(DEFAULT_DATA_DIR / "outlets.yml"),
                         entities.write_gazetteer(conn, pipeline.gazetteer))


def check_parse(text: str) -> None:
    """A parser returns an article or raises ParseError; any other exception is a parser bug."""
    try:
        article = parsers.parse(text, "hostile.txt")
    except ParseError as error:
        assert str(error)
        return
    assert isinstance(article.title, str) and isinstance(article.paragraphs, list)


def check_pipeline(pipeline: Pipeline, writer: ArchiveWriter, data: bytes) -> Processed:
    result = pipeline.process(InputFile("hostile", f"file-{len(data)}.txt", data, None, len(data)))
    assert result.status in STATUSES
    assert result.status == "ok" or result.message
    writer.write(result)  # e.g. a lone surrogate in a title would fail here and stop the whole build
    return result


def _decoded(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


@PROPERTY
@given(data=st.one_of(st.binary(max_size=4000), encoded_text(), mutated_seed()))
def test_pipeline_survives_random_and_mutated_bytes(pipeline, writer, data: bytes) -> None:
    check_pipeline(pipeline, writer, data)


@PROPERTY
@given(data=st.one_of(st.binary(max_size=2000), mutated_seed()))
def test_parsers_only_raise_parse_error_on_mutated_files(data: bytes) -> None:
    check_parse(_decoded(data))


# Cases found by these properties, kept so they are always tried.
SURROGATE_TITLE = ('---\ntitle: "\\ud800 lone surrogate"\nfrom: https://hostile.example/s\n---\n'
                   "[t](https://hostile.example/s)\n------\n<p>Body text.</p>\n")
DIGEST_HEAD = "Channel\n\nReuters-Title\n\nMarch 3, 2024   1 min   9 words\n\n"
DIGEST_YEAR_ONE = DIGEST_HEAD + "0001-01-01T00:00:00+05:00\n\nBody.\n"
DIGEST_YEAR_ZERO = DIGEST_HEAD + "0000-00-00T00:00:00Z\n\nBody.\n"
BROKEN_IMAGE_URL = ("[t](https://hostile.example/i)\n------\n<p>Body text.</p><img src='https://[broken/x.jpg'>\n")


@PROPERTY
@example(SURROGATE_TITLE)
@example(DIGEST_YEAR_ONE)
@example(DIGEST_YEAR_ZERO)
@given(text=st.one_of(feed_mirror_text(), digest_text(), republished_text(), st.text(max_size=2000)))
def test_parsers_only_raise_parse_error_on_format_shaped_text(text: str) -> None:
    check_parse(text)


@PROPERTY
@example(SURROGATE_TITLE)
@example(DIGEST_YEAR_ONE)
@example(BROKEN_IMAGE_URL)
@given(text=st.one_of(feed_mirror_text(), digest_text(), republished_text()))
def test_pipeline_stores_format_shaped_text(pipeline, writer, text: str) -> None:
    check_pipeline(pipeline, writer, text.encode("utf-8", errors="surrogatepass"))


# --- whole builds over nasty files ---------------------------------------------------------------

def nested(depth: int) -> str:
    return "<div>" * depth + "<p>Deep text about Wang Yi in Beijing.</p>" + "</div>" * depth


def feed_mirror_wrapping(html: str) -> str:
    return f"<!--1614834360000-->\n[Deep nesting](https://hostile.example/deep)\n------\n\n{html}\n"


# Each parsed on its own in a subprocess with a time limit: HTML parsers can be quadratic in depth.
DEEP_FILES: dict[str, str] = {
    "nested-100k-feed-mirror.md": feed_mirror_wrapping(nested(100_000)),
    "nested-100k-generic.html": nested(100_000),
    "unclosed-200k-feed-mirror.md": feed_mirror_wrapping("<div><span><b>" * 200_000),
    "nested-lists-100k.html": "<ul><li>" * 100_000,
    "attributes-100k.html": "<p " + " ".join(f"a{i}=1" for i in range(100_000)) + ">Many attributes.</p>",
    "nested-100k-digest.txt": "Channel\n\nReuters-Title\n\nMarch 3, 2024   1 min   9 words\n\n"
                              "摘要\n\n" + nested(100_000) + "\n",
}
DEEP_FILE_SECONDS = 20

NASTY_FILES: dict[str, bytes] = {
    "nested-2k.html": nested(2000).encode(),
    "huge-line-letters.txt": b"Title line\n\n" + b"a" * 5_000_000 + b"\n",
    "huge-line-spaces.txt": b"Title line\n\n" + b"a" + b" " * 5_000_000 + b"b\n",
    "huge-line-words.md": feed_mirror_wrapping("<p>" + "word (x/y) Credit... " * 250_000 + "</p>").encode(),
    "huge-digest-line.txt": b"Channel\n\nReuters-Title\n\nMarch 3, 2024   2 min   310 words\n\n"
                            + b"Summary\n\n" + b"x " * 2_000_000 + b"REUTERS/ x\n",
    "nul-bytes-late.txt": b"Title after text\n\n" + b"Some words here. " * 1000 + b"\x00" * 100 + b"more\n",
    "nul-bytes-early.txt": b"\x00\x01\x02binary",
    "empty.txt": b"",
    "whitespace.txt": b" \n\t\r\n ",
    "utf16-no-bom.txt": "Title\n\nA UTF-16 body without a byte-order mark.\n".encode("utf-16-le"),
    "truncated-utf8.txt": "Title\n\n王毅".encode()[:-1],
    "entity-bomb.html": b"<p>" + b"&amp;" * 500_000 + b"</p>",
    "many-lines.txt": b"Title\n" + b"\n" * 2_000_000,
    "name with spaces.txt": b"A file with spaces in its name\n\nBody text.",
    "quotes 'single' \"double\".txt": b"A file with quotes in its name\n\nBody text.",
    "new\nline.txt": b"A file with a newline in its name\n\nBody text.",
}
NON_UTF8_NAME = b"latin1-\xe9t\xe9.txt"


def make_nasty_folder(folder: Path) -> dict[str, str]:
    """Write the nasty files; return {path as the builder reports it: expected status or ''}."""
    folder.mkdir()
    expected = {name: "" for name in NASTY_FILES}
    for name, data in NASTY_FILES.items():
        (folder / name).write_bytes(data)
    expected["empty.txt"] = expected["whitespace.txt"] = expected["nul-bytes-early.txt"] = "error"
    with open(os.path.join(os.fsencode(folder), NON_UTF8_NAME), "wb") as handle:
        handle.write(b"A file whose name is not UTF-8\n\nBody text.")
    expected[NON_UTF8_NAME.decode("utf-8", errors="backslashreplace")] = ""
    with open(folder / "too-large.txt", "wb") as handle:  # sparse: over the limit without using disk
        handle.truncate(MAX_FILE_BYTES + 1)
    expected["too-large.txt"] = "error"
    os.symlink(folder / "missing-target", folder / "dangling-link.txt")
    expected["dangling-link.txt"] = "error"
    return expected


def run_build(inputs: list[Path], db: Path, timeout: float = BUILD_TIMEOUT_S) -> tuple[str, float]:
    """build_db.py in a subprocess under an address-space limit; (stdout, the build's peak RSS in MB).

    os.wait4 gives the resource usage of this build alone (its worker processes included).
    """
    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (BUILD_MEMORY_LIMIT, BUILD_MEMORY_LIMIT))

    out, err = db.with_suffix(".out"), db.with_suffix(".err")
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "build_db.py", *map(str, inputs), "--db", str(db), "--quiet", "--jobs", "2"],
            cwd=REPO, stdout=stdout, stderr=stderr, preexec_fn=limit_memory)
    deadline = time.monotonic() + timeout
    while (waited := os.wait4(process.pid, os.WNOHANG))[0] == 0:
        if time.monotonic() > deadline:
            process.kill()
            os.wait4(process.pid, 0)
            pytest.fail(f"the build did not finish within {timeout} s")
        time.sleep(0.1)
    process.returncode = os.waitstatus_to_exitcode(waited[1])
    assert process.returncode == 0, err.read_text()[-3000:]
    summary = out.read_text()
    assert "integrity_check: ok; foreign_key_check: ok" in summary
    return summary, waited[2].ru_maxrss / 1024


def source_rows(db: Path) -> dict[str, tuple[str, str | None]]:
    conn = sqlite3.connect(db)
    try:
        return {path: (status, message) for path, status, message in
                conn.execute("SELECT path, status, message FROM sources")}
    finally:
        conn.close()


@pytest.mark.slow
def test_nasty_files_build_and_are_all_reported(tmp_path: Path) -> None:
    folder = tmp_path / "nasty"
    expected = make_nasty_folder(folder)
    started = time.monotonic()
    stdout, peak_mb = run_build([folder], tmp_path / "nasty.db")
    rows = source_rows(tmp_path / "nasty.db")
    assert set(rows) == set(expected), stdout
    for path, status in expected.items():
        got, message = rows[path]
        assert got in STATUSES and (got == "ok" or message), (path, got, message)
        assert not status or got == status, (path, got, message)
        assert "crashed" not in (message or ""), (path, message)
    assert "file too large" in rows["too-large.txt"][1]
    assert peak_mb < PEAK_RSS_LIMIT_MB, f"peak RSS {peak_mb:.0f} MB"
    print(f"nasty build: {time.monotonic() - started:.1f} s, peak RSS {peak_mb:.0f} MB\n{stdout}")


PROCESS_ONE = """
import sys
from pathlib import Path
from newsarchive import entities
from newsarchive.build import DEFAULT_DATA_DIR
from newsarchive.ingest import Pipeline
from newsarchive.inputs import InputFile
pipeline = Pipeline(entities.load_gazetteer(DEFAULT_DATA_DIR))
data = Path(sys.argv[1]).read_bytes()
result = pipeline.process(InputFile("deep", sys.argv[1], data, None, len(data)))
print(result.status, result.message)
"""


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DEEP_FILES))
def test_deeply_nested_html_is_processed_in_bounded_time(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(DEEP_FILES[name])
    try:
        result = subprocess.run([sys.executable, "-c", PROCESS_ONE, str(path)], cwd=REPO, capture_output=True,
                                text=True, timeout=DEEP_FILE_SECONDS + 15)  # + loading the gazetteer
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: not processed within {DEEP_FILE_SECONDS} s")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[0] in STATUSES
    assert "crashed" not in result.stdout


WALK_INPUTS = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from newsarchive.inputs import iter_input_files
for item in iter_input_files([Path(sys.argv[1])]):
    print(item.path, "error" if item.data is None else "read", item.error, flush=True)
"""


def test_special_files_are_reported_not_read(tmp_path: Path) -> None:
    """A named pipe blocks a reader forever and /dev/zero never ends: neither is an article file."""
    folder = tmp_path / "special"
    folder.mkdir()
    (folder / "normal.txt").write_bytes(b"A normal file\n\nBody text.")
    os.mkfifo(folder / "named-pipe.txt")
    os.symlink("/dev/zero", folder / "endless.txt")
    try:
        result = subprocess.run([sys.executable, "-c", WALK_INPUTS, str(folder)], cwd=REPO,
                                capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("walking the inputs blocked on a special file")
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines()}
    assert outcome == {"endless.txt": "error", "named-pipe.txt": "error", "normal.txt": "read"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files and folders whatever their permissions")
def test_unreadable_files_and_folders_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "unreadable"
    (folder / "locked-folder").mkdir(parents=True)
    (folder / "locked-folder" / "inside.txt").write_bytes(b"Hidden\n\nBody.")
    (folder / "locked.txt").write_bytes(b"Locked\n\nBody.")
    (folder / "locked.txt").chmod(0)
    (folder / "locked-folder").chmod(0)
    try:
        run_build([folder], tmp_path / "unreadable.db", timeout=90)
    finally:
        (folder / "locked-folder").chmod(0o755)
    rows = source_rows(tmp_path / "unreadable.db")
    assert rows["locked.txt"][0] == "error" and "cannot read" in rows["locked.txt"][1]
    locked = [status for path, (status, _) in rows.items() if path.startswith("locked-folder")]
    assert locked == ["error"], rows


@pytest.mark.slow
def test_memory_stays_bounded_with_a_file_just_under_the_limit(tmp_path: Path) -> None:
    """The largest file the builder accepts (plain text of many short paragraphs) in a bounded footprint."""
    folder = tmp_path / "big"
    folder.mkdir()
    paragraph = b"Wang Yi met Antony Blinken in Beijing to talk about tariffs and Taiwan. " * 4 + b"\n\n"
    repeats = (MAX_FILE_BYTES - 100) // len(paragraph)
    (folder / "big.txt").write_bytes(b"A very large file\n\n" + paragraph * repeats)
    stdout, peak_mb = run_build([folder], tmp_path / "big.db")
    status, message = source_rows(tmp_path / "big.db")["big.txt"]
    assert status in ("ok", "warning"), message
    assert peak_mb < PEAK_RSS_LIMIT_MB, f"peak RSS {peak_mb:.0f} MB for a {MAX_FILE_BYTES >> 20} MB file"
    print(f"big file build: peak RSS {peak_mb:.0f} MB\n{stdout}")


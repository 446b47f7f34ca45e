"""The database download of the single-process site (plugins/downloads.py) and the release step.

Issue 12.6: ``curl -I`` on the download shows Content-Length and ``Accept-Ranges: bytes``, a Range request
gets 206, and a compressed copy (written by deploy/release.py) downloads too.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from datasette.app import Datasette

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def release(sample_db: Path, tmp_path_factory) -> Path:
    """The sample archive released by the real command into a fresh folder."""
    outdir = tmp_path_factory.mktemp("release")
    subprocess.run([sys.executable, str(REPO / "deploy" / "release.py"), str(sample_db), str(outdir)],
                   check=True, capture_output=True)
    return outdir


@pytest.fixture(scope="module")
def released_site(serve_site, release: Path) -> str:
    return serve_site(release / "archive.db")


def test_release_writes_the_file_its_sha256_and_a_gzip_copy(release: Path, sample_db: Path) -> None:
    data = sample_db.read_bytes()
    assert (release / "archive.db").read_bytes() == data
    assert gzip.decompress((release / "archive.db.gz").read_bytes()) == data
    for name in ("archive.db", "archive.db.gz"):
        digest, filename = (release / f"{name}.sha256").read_text().split()
        assert filename == name and digest == hashlib.sha256((release / name).read_bytes()).hexdigest()


def test_download_has_a_length_and_accepts_ranges(released_site: str, release: Path) -> None:
    head = httpx.head(released_site + "/archive.db")
    assert head.status_code == 200
    assert head.headers["accept-ranges"] == "bytes"
    assert int(head.headers["content-length"]) == (release / "archive.db").stat().st_size
    assert head.headers["content-type"] == "application/octet-stream"
    assert "content-security-policy" in head.headers


RANGES = [("bytes=100-199", 100, 199), ("bytes=1000-", 1000, None), ("bytes=-512", -512, None)]


@pytest.mark.parametrize(("header", "first", "last"), RANGES)
def test_a_range_request_gets_206_and_those_bytes(released_site: str, release: Path, header: str,
                                                  first: int, last: int | None) -> None:
    data = (release / "archive.db").read_bytes()
    expected = data[first:] if last is None else data[first:last + 1]
    response = httpx.get(released_site + "/archive.db", headers={"Range": header})
    assert response.status_code == 206
    assert response.content == expected
    start = first % len(data)
    assert response.headers["content-range"] == f"bytes {start}-{start + len(expected) - 1}/{len(data)}"


def test_ranges_that_cannot_be_served(released_site: str, release: Path) -> None:
    size = (release / "archive.db").stat().st_size
    past_the_end = httpx.get(released_site + "/archive.db", headers={"Range": f"bytes={size}-"})
    assert past_the_end.status_code == 416
    assert past_the_end.headers["content-range"] == f"bytes */{size}"
    assert "content-security-policy" in past_the_end.headers
    several = httpx.get(released_site + "/archive.db", headers={"Range": "bytes=0-1,5-6"})
    assert several.status_code == 200 and len(several.content) == size
    changed = httpx.get(released_site + "/archive.db", headers={"Range": "bytes=0-1", "If-Range": '"old"'})
    assert changed.status_code == 200 and len(changed.content) == size


def test_the_compressed_copy_downloads_and_resumes(released_site: str, release: Path) -> None:
    whole = httpx.get(released_site + "/archive.db.gz")
    assert whole.status_code == 200 and whole.headers["content-type"] == "application/gzip"
    assert gzip.decompress(whole.content) == (release / "archive.db").read_bytes()
    tail = httpx.get(released_site + "/archive.db.gz", headers={"Range": "bytes=10-"})
    assert tail.status_code == 206 and tail.content == whole.content[10:]


def test_no_compressed_copy_without_a_release(live_server: str) -> None:
    response = httpx.get(live_server + "/archive.db.gz")
    assert response.status_code == 404
    assert "content-security-policy" in response.headers


def facts(db: Path, tmp_path: Path) -> dict:
    """What ``archive_downloads()`` gives a template, rendered by a page of Datasette with our plugins."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "facts.html").write_text("{{ archive_downloads()|tojson }}")

    async def render() -> dict:
        datasette = Datasette(immutables=[str(db)], plugins_dir=str(REPO / "plugins"),
                              template_dir=str(tmp_path))
        return (await datasette.client.get("/facts")).json()

    return asyncio.run(render())


def test_archive_downloads_gives_size_sha256_and_compressed_size(release: Path, tmp_path: Path) -> None:
    db = release / "archive.db"
    assert facts(db, tmp_path) == {
        "url": "/archive.db", "filename": "archive.db", "bytes": db.stat().st_size,
        "sha256": hashlib.sha256(db.read_bytes()).hexdigest(),
        "compressed": {"url": "/archive.db.gz", "filename": "archive.db.gz",
                       "bytes": (release / "archive.db.gz").stat().st_size},
    }


def test_archive_downloads_without_a_release(sample_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    shutil.copy(sample_db, db)
    templates = tmp_path / "templates"
    templates.mkdir()
    result = facts(db, templates)
    assert result["compressed"] is None
    assert result["sha256"] == hashlib.sha256(db.read_bytes()).hexdigest()

"""Smoke test of the production recipe (deploy/local.py, what `make deploy-local` runs): Datasette workers
on the released file behind Debian's nginx, supervised.

Checks what nginx adds (micro-cache, gzip, the download as a static file with ranges, per-client limits on
readers' SQL, our headers on its own answers) and what the supervisor does (a killed worker comes back while
the others keep serving). Skipped when nginx is not installed (`make system-deps` installs it).
"""

from __future__ import annotations

import gzip
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import free_port

REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 90


@pytest.fixture(scope="module")
def recipe(sample_db: Path, tmp_path_factory) -> Iterator[tuple[str, Path, subprocess.Popen]]:
    """(base URL, working folder, the deploy/local.py process) for two workers serving the sample."""
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed (make system-deps)")
    workdir = tmp_path_factory.mktemp("deploy")
    db = workdir / "built.db"
    shutil.copy(sample_db, db)
    port = free_port()
    log = (workdir / "local.log").open("w")
    process = subprocess.Popen(
        [sys.executable, str(REPO / "deploy" / "local.py"), str(db), "--port", str(port), "--workers", "2",
         "--dir", str(workdir / "run")], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while "serving http" not in (workdir / "local.log").read_text():
            assert process.poll() is None, (workdir / "local.log").read_text()
            assert time.monotonic() < deadline, "deploy/local.py did not start"
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", workdir / "run", process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def worker_ports(workdir: Path) -> list[int]:
    site = (workdir / "archive.conf").read_text()
    return [int(port) for port in re.findall(r"server 127\.0\.0\.1:(\d+)", site)]


def test_pages_come_through_nginx_with_our_headers_cached_and_gzipped(recipe) -> None:
    url, _, _ = recipe
    first = httpx.get(url + "/archive/articles", headers={"Accept-Encoding": "gzip"})
    again = httpx.get(url + "/archive/articles", headers={"Accept-Encoding": "gzip"})
    assert first.status_code == again.status_code == 200
    assert "script-src 'self'" in again.headers["content-security-policy"]
    assert again.headers["x-cache"] == "HIT"
    assert again.headers["content-encoding"] == "gzip"


def test_the_download_is_a_static_file_with_ranges(recipe) -> None:
    url, workdir, _ = recipe
    data = (workdir / "release" / "archive.db").read_bytes()
    head = httpx.head(url + "/archive.db")
    assert head.headers["accept-ranges"] == "bytes" and int(head.headers["content-length"]) == len(data)
    assert head.headers["x-content-type-options"] == "nosniff"
    part = httpx.get(url + "/archive.db", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == data[100:200]
    assert gzip.decompress(httpx.get(url + "/archive.db.gz").content) == data


def test_readers_sql_is_rate_limited_per_client(recipe) -> None:
    """2 a second, bursts of 10: of 30 queries in a row some are refused by nginx, with our headers."""
    url, _, _ = recipe
    responses = [httpx.get(url + "/archive.json", params={"sql": f"select {n}"}) for n in range(30)]
    assert responses[0].status_code == 200
    refused = next(response for response in responses if response.status_code == 429)
    assert refused.headers["x-frame-options"] == "DENY" and refused.headers["retry-after"] == "5"
    assert httpx.get(url + "/").status_code == 200  # pages are not limited


def test_a_killed_worker_is_restarted_while_the_others_serve(recipe) -> None:
    url, workdir, _ = recipe
    port = worker_ports(workdir)[0]
    listing = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    pid = int(re.search(r"pid=(\d+)", listing).group(1))
    subprocess.run(["kill", "-KILL", str(pid)], check=True)
    assert httpx.get(url + "/archive/people?_size=7").status_code == 200  # not cached yet: a worker answers
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/-/versions.json", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the worker was not restarted"
        time.sleep(0.3)
    assert f"worker {port} exited with -9" in (workdir.parent / "local.log").read_text()

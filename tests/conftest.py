"""Shared fixtures: the sample corpus built into a real archive.db, the site in-process, and served for real.

Site tests use ``client``: the real Datasette app (our metadata, plugins, templates, static files and the
settings of scripts/serve.sh) called in-process through ``datasette.client``. Browser tests and the one
smoke test of scripts/serve.sh use ``live_server``.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import yaml
from datasette.app import Datasette

from newsarchive.entities import Gazetteer, Matcher, load_gazetteer
from newsarchive.ingest import Pipeline

REPO = Path(__file__).resolve().parents[1]


# The repository's gazetteer takes seconds to load and to compile into a matcher: the tests that use the
# real one share one per test process.
@pytest.fixture(scope="session")
def real_gazetteer() -> Gazetteer:
    return load_gazetteer(REPO / "data")


@pytest.fixture(scope="session")
def real_pipeline(real_gazetteer: Gazetteer) -> Pipeline:
    return Pipeline(real_gazetteer)


@pytest.fixture(scope="session")
def real_matcher(real_pipeline: Pipeline) -> Matcher:
    return real_pipeline.matcher  # the pipeline's own: one compiled matcher per test process


@pytest.fixture(scope="session")
def build_data(tmp_path_factory) -> Path:
    """The repository's data folder without its two generated files, the divisions (3,400 places) and the
    organization families (31,000 organizations): the many builds of the tests about build mechanics
    (inputs, versions, locking, crash safety), which look at no entity, each load it in a second instead
    of six."""
    data = tmp_path_factory.mktemp("build-data") / "data"
    shutil.copytree(REPO / "data", data, ignore=shutil.ignore_patterns("sample"))
    (data / "divisions.yml").write_text("[]\n", encoding="utf-8")
    (data / "organization_families.yml").write_text("{}\n", encoding="utf-8")
    return data


SERVER_START_TIMEOUT_S = 30


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """data/sample built once per session by the real command line, into a tmp dir as archive.db."""
    db = tmp_path_factory.mktemp("sample") / "archive.db"
    subprocess.run(
        [sys.executable, "build_db.py", "data/sample", "--db", str(db)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    return db


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"scripts/serve.sh exited with {process.returncode}: {log.read_text()}")
        try:
            if httpx.get(f"{url}/-/versions.json", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"scripts/serve.sh did not answer at {url} within {SERVER_START_TIMEOUT_S}s")


@pytest.fixture(scope="session")
def serve_site(tmp_path_factory) -> Iterator[Callable[[Path], str]]:
    """A function that serves a database with scripts/serve.sh on a free port and returns its base URL
    (more datasette options, e.g. ``"--setting", "sql_time_limit_ms", "1"``, may follow the database).

    The server's log goes to a file (a pipe nobody reads would fill up and stall it). Every server
    started is stopped at the end of the session.
    """
    processes: list[subprocess.Popen] = []
    logs = tmp_path_factory.mktemp("server-logs")

    def serve(db: Path, *options: str) -> str:
        port = free_port()
        log = logs / f"serve-{port}.log"
        with log.open("w") as log_file:
            process = subprocess.Popen(
                [str(REPO / "scripts" / "serve.sh"), str(db), "-h", "127.0.0.1", "-p", str(port), *options],
                cwd=REPO,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        wait_until_serving(url, process, log)
        return url

    yield serve
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def live_server(serve_site, sample_db) -> str:
    """Base URL of the public site (scripts/serve.sh) serving the sample archive."""
    return serve_site(sample_db)


@pytest.fixture(scope="module")
def db(sample_db: Path) -> sqlite3.Connection:
    """The sample archive, read-only, rows addressable by column name."""
    conn = sqlite3.connect(f"file:{sample_db}?immutable=1", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def serve_settings() -> dict:
    """The ``--setting NAME VALUE`` pairs of scripts/serve.sh, typed for Datasette (one source of truth)."""
    text = (REPO / "scripts" / "serve.sh").read_text()
    typed = {"on": True, "off": False}
    return {
        name: typed.get(value, int(value) if value.isdigit() else value)
        for name, value in re.findall(r"--setting (\w+) (\S+)", text)
    }


def site_datasette(db: Path) -> Datasette:
    """The public site as scripts/serve.sh configures it, in-process, serving ``db`` (named archive.db)."""
    return Datasette(
        immutables=[str(db)],
        metadata=yaml.safe_load((REPO / "metadata.yml").read_text()),
        plugins_dir=str(REPO / "plugins"),
        template_dir=str(REPO / "templates"),
        static_mounts=[("assets", str(REPO / "static"))],
        settings=serve_settings(),
    )


class SiteClient:
    """Synchronous requests to an in-process Datasette (its ``datasette.client``) on one event loop."""

    def __init__(self, datasette: Datasette) -> None:
        self.datasette = datasette
        self.loop = asyncio.new_event_loop()

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        """``path`` may be a full URL the site wrote (facet toggles are absolute): only its path is used."""
        url = urlsplit(path)
        path = url.path + (f"?{url.query}" if url.query else "")
        return self.loop.run_until_complete(self.datasette.client.request(method, path, **kwargs))

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def delete(self, path: str, **kwargs) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def close(self) -> None:
        self.loop.close()


@pytest.fixture(scope="module")
def client(sample_db: Path) -> Iterator[SiteClient]:
    """Requests to the site serving the sample archive, in-process."""
    site = SiteClient(site_datasette(sample_db))
    yield site
    site.close()

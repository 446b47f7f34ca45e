"""Time the public site's pages over HTTP: scripts/serve.sh serving DB, sequential requests, p50/p95.

    .venv/bin/python benchmarks/bench_site.py corpus.db [--requests 40]

Pages are chosen with SQL on DB: the most-mentioned person (the heaviest person page), the article
linked to the most entities, and a search for that person's Chinese name. Targets: p95 under 300 ms for
the articles table with every facet, under 100 ms for the rest.

Templates cache their query results (the served file is immutable), so repeated requests for one page
are "warm". The "first visit" rows time pages that no earlier request has warmed: one request each to
the pages of the most-mentioned people and of as many articles.
"""

from __future__ import annotations

import argparse
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
WARMUP = 3
TABLE_TARGET_MS = 300
PAGE_TARGET_MS = 100


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def first_visits(db: Path, count: int) -> list[tuple[str, list[str], int]]:
    """(label, paths, p95 target in ms): pages each requested once, before anything else."""
    conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
    people = conn.execute("select id from people order by article_count desc limit ?", [count]).fetchall()
    articles = conn.execute("select id from articles order by random() limit ?", [count]).fetchall()
    conn.close()
    return [
        (
            f"person pages, first visit ({len(people)})",
            [f"/archive/people/{i}" for (i,) in people],
            PAGE_TARGET_MS,
        ),
        (
            f"article pages, first visit ({len(articles)})",
            [f"/archive/articles/{i}" for (i,) in articles],
            PAGE_TARGET_MS,
        ),
    ]


def pages(db: Path) -> list[tuple[str, str, int]]:
    """(label, path, p95 target in ms) for each page measured."""
    conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
    person_id, person_zh, person_name = conn.execute(
        "select id, name_zh, name from people order by article_count desc limit 1"
    ).fetchone()
    (article_id,) = conn.execute(
        "select article_id from article_people group by article_id order by count(*) desc limit 1"
    ).fetchone()
    (median_person,) = conn.execute(
        "select id from people where article_count > 0 order by article_count "
        "limit 1 offset (select count(*) / 2 from people where article_count > 0)"
    ).fetchone()
    conn.close()
    query = person_zh or person_name
    return [
        ("home", "/", PAGE_TARGET_MS),
        ("articles table, all facets", "/archive/articles", TABLE_TARGET_MS),
        ("articles table, person filter", f"/archive/articles?_m2m_people={person_id}", TABLE_TARGET_MS),
        ("person page (most mentioned)", f"/archive/people/{person_id}", PAGE_TARGET_MS),
        ("person page (median)", f"/archive/people/{median_person}", PAGE_TARGET_MS),
        ("article page", f"/archive/articles/{article_id}", PAGE_TARGET_MS),
        ("search page", f"/search?q={query}", PAGE_TARGET_MS),
        ("table search", f"/archive/articles?_search={query}", TABLE_TARGET_MS),
    ]


def serve(db: Path, log) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [str(REPO / "scripts" / "serve.sh"), str(db), "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(f"{url}/-/versions.json", timeout=1)
            return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"scripts/serve.sh did not start; see {log.name}")


def timed_ms(client: httpx.Client, path: str) -> float:
    started = time.perf_counter()
    client.get(path).raise_for_status()
    return (time.perf_counter() - started) * 1000


def report(label: str, timings: list[float], target: int) -> bool:
    """Print one row; True when the p95 misses the target."""
    slow = p95(timings) >= target
    print(
        f"{label:36} {statistics.median(timings):8.1f} {p95(timings):8.1f} "
        f"{'<' + str(target):>7}{'  MISSED' if slow else ''}"
    )
    return slow


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument(
        "--requests", type=int, default=40, help="timed requests per page, and first-visit pages (default 40)"
    )
    args = parser.parse_args()
    with tempfile.NamedTemporaryFile("w", prefix="bench_site_", suffix=".log", delete=False) as log:
        process, url = serve(args.db.resolve(), log)
    missed = 0
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            client.get("/-/versions.json")  # opens the keep-alive connection outside the timings
            print(f"{'page':36} {'p50 ms':>8} {'p95 ms':>8} {'target':>7}")
            for label, paths, target in first_visits(args.db, args.requests):
                missed += report(label, [timed_ms(client, path) for path in paths], target)
            for label, path, target in pages(args.db):
                for _ in range(WARMUP):
                    timed_ms(client, path)
                missed += report(label, [timed_ms(client, path) for _ in range(args.requests)], target)
    finally:
        process.terminate()
        process.wait(timeout=10)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

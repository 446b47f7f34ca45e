"""Search latency and index size on a built archive, through a real `datasette serve` over HTTP.

    python benchmarks/bench_search.py corpus.db [--runs 5] [--port N]

Starts scripts/serve.sh (the production settings) on 127.0.0.1, runs twenty realistic queries against
the articles table's ?_search= JSON API (as is, and without count and facets) and the /search page (as
is, and with its language, date and order filters), and prints p50/p95 latencies and the share of the
file taken by the full-text index (from dbstat, or the index's block bytes without it). On a shared
machine wall-clock latency includes waiting for a CPU, so the server's own CPU time per request (from
/proc) is printed too.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 100
QUERIES = [
    "China",
    "tariffs",
    "diplomats",
    "Hong Kong protests",
    '"trade war"',
    "Huawei sanctions",
    "港",
    "疫",
    "拜登",
    "台湾",
    "习近平",
    "外交部",
    "中美关系",
    "国家安全法",
    "美國國務卿",
    "Pompeo 中国",
    "Trump 关税",
    '"South China Sea"',
    "疫苗 vaccine",
    "Biden OR 拜登",
]
# One-character queries for near-universal characters match most of the corpus; timed apart, not in p95.
STRESS_QUERIES = ["中", "美"]
# endpoint -> (query, run) -> request. Each run of the /search page asks for another page of results.
ENDPOINTS = {
    "api": lambda q, run: ("/archive/articles.json", {"_search": q, "_shape": "array", "_size": "20"}),
    "api-lean": lambda q, run: (
        "/archive/articles.json",
        {"_search": q, "_shape": "array", "_size": "20", "_nocount": "1", "_nofacet": "1"},
    ),
    "page": lambda q, run: ("/search", {"q": q, "page": str(run + 1)}),
    # The page's filters: language, a date range, newest first.
    "filtered": lambda q, run: ("/search", {"q": q, "language": "zh", "from": "2020-09", "to": "2020-12",
                                            "sort": "newest", "page": str(run + 1)}),
}


def free_port(port: int = 0) -> int:
    """The port (a free one when 0); exits if it is taken, so we never time someone else's server."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            sys.exit(f"port {port} is in use")
        return probe.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "serve.sh"), str(db), "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so we can stop serve.sh and its datasette child together
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:  # exited: e.g. the port was taken
        try:
            if httpx.get(f"http://127.0.0.1:{port}/-/versions.json", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.3)
    stop_server(server)
    sys.exit(f"datasette did not start on port {port}")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def timed_ms(client: httpx.Client, path: str, params: dict) -> float:
    start = time.perf_counter()
    response = client.get(path, params=params)
    elapsed = (time.perf_counter() - start) * 1000
    response.raise_for_status()
    return elapsed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def server_cpu_ms(group: int) -> float:
    """User + system CPU so far of the server's processes (serve.sh's process group), from /proc."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[2]) == group:  # pgrp; utime and stime follow at 11 and 12
            ticks += int(fields[11]) + int(fields[12])
    return 1000 * ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class Timings:
    latency_ms: list[float]  # wall clock per request
    server_cpu_ms: float  # mean server CPU per request: what latency would be on an idle machine


def measure(port: int, group: int, runs: int, queries: list[str]) -> dict[str, dict[str, Timings]]:
    """endpoint -> query -> timings, after one untimed warm-up request (its own page) per query."""
    results: dict[str, dict[str, Timings]] = {name: {} for name in ENDPOINTS}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        for name, request in ENDPOINTS.items():
            for q in queries:
                timed_ms(client, *request(q, runs))
                cpu_before = server_cpu_ms(group)
                latencies = [timed_ms(client, *request(q, run)) for run in range(runs)]
                results[name][q] = Timings(latencies, (server_cpu_ms(group) - cpu_before) / runs)
    return results


def index_share(db: Path) -> str:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    total = conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]
    try:
        rows = conn.execute(
            "SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE 'articles_fts%' GROUP BY name"
        )
        parts = dict(rows.fetchall())
    except sqlite3.OperationalError:  # no dbstat in this SQLite build: FTS5 stores index blocks in _data
        parts = {
            "articles_fts_data (block bytes)": conn.execute(
                "SELECT sum(length(block)) FROM articles_fts_data"
            ).fetchone()[0]
        }
    fts = sum(parts.values())
    detail = ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in sorted(parts.items()))
    return f"FTS {fts / 1e6:.1f} MB of {total / 1e6:.1f} MB = {100 * fts / total:.0f}% ({detail})"


def report(title: str, results: dict[str, dict[str, Timings]]) -> bool:
    print(title)
    ok = True
    for name, per_query in results.items():
        latencies = [ms for timings in per_query.values() for ms in timings.latency_ms]
        p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
        ok &= p95 < TARGET_P95_MS
        cpu = [timings.server_cpu_ms for timings in per_query.values()]
        slowest = sorted(per_query, key=lambda q: -statistics.median(per_query[q].latency_ms))[:3]
        print(
            f"  {name:8} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  (n={len(latencies)})"
            f"  server CPU/request: mean {statistics.mean(cpu):5.1f} ms, max {max(cpu):5.1f} ms"
            "  slowest: "
            + ", ".join(f"{q} {statistics.median(per_query[q].latency_ms):.0f} ms" for q in slowest)
        )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=5, help="timed requests per query and endpoint")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args()
    print(index_share(args.db))
    port = free_port(args.port)
    server = start_server(args.db.resolve(), port)
    try:
        ok = report("realistic queries:", measure(port, server.pid, args.runs, QUERIES))
        report("stress (not in the target):", measure(port, server.pid, args.runs, STRESS_QUERIES))
    finally:
        stop_server(server)
    print(f"target p95 < {TARGET_P95_MS} ms: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()

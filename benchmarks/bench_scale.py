"""Page latencies as the archive grows: the same pages on databases of different sizes, one after another.

    python benchmarks/make_synthetic.py corpus.db /tmp/s250k.db 250000
    python benchmarks/make_synthetic.py corpus.db /tmp/s1m.db 1000000
    python benchmarks/bench_scale.py corpus.db /tmp/s250k.db /tmp/s1m.db [--requests 20]

For each database: its size, then p50/p95 (ms) of the faceted articles table, the table filtered by
outlet, by person and by month, the most-mentioned person's and outlet's pages, the home page and
/search for three queries, each served by scripts/serve.sh with the production settings. Every
request for the table pages is first made once as JSON to check that no facet timed out (a facet
that silently disappears would make the page fast and wrong). Targets at 1M articles: faceted table
p95 ≤ 500 ms, filtered tables and entity pages ≤ 300 ms, search ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_site import p95, serve, timed_ms

WARMUP = 2
TABLE_TARGET_MS = 500
PAGE_TARGET_MS = 300
SEARCHES = ["中美关系", "特朗普", "tariffs"]


def pages(db: Path) -> list[tuple[str, str, int, bool]]:
    """(label, path, p95 target, is a faceted table) for one database."""
    conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
    person = conn.execute("select id from people order by article_count desc limit 1").fetchone()[0]
    outlet = conn.execute("select id from outlets order by article_count desc limit 1").fetchone()[0]
    month = conn.execute("select published_month from articles where published_month is not null"
                         " group by 1 order by count(*) desc limit 1").fetchone()[0]
    conn.close()
    table = "/archive/articles"
    return [
        ("home", "/", PAGE_TARGET_MS, False),
        ("articles table, all facets", table, TABLE_TARGET_MS, True),
        ("table filtered by outlet", f"{table}?outlet_id={outlet}", PAGE_TARGET_MS, True),
        ("table filtered by person", f"{table}?_m2m_people={person}", PAGE_TARGET_MS, True),
        ("table filtered by month", f"{table}?published_month={month}", PAGE_TARGET_MS, True),
        ("person page (most mentioned)", f"/archive/people/{person}", PAGE_TARGET_MS, False),
        ("outlet page (largest)", f"/archive/outlets/{outlet}", PAGE_TARGET_MS, False),
        *((f"search {q}", f"/search?q={q}", PAGE_TARGET_MS, False) for q in SEARCHES),
    ]


FACETS = {"outlet_id", "people", "organizations", "places"}


def timed_out_facets(client: httpx.Client, path: str) -> list[str]:
    """The articles table's facets missing from its JSON: Datasette leaves out a facet that timed out."""
    json_path = path.replace("/archive/articles", "/archive/articles.json", 1)
    return sorted(FACETS - set(client.get(json_path, params={"_size": "1"}).json()["facet_results"]))


def measure(db: Path, requests: int) -> tuple[int, int]:
    """Print one database's rows; (pages over target, facets timed out)."""
    articles = sqlite3.connect(f"file:{db}?immutable=1", uri=True).execute(
        "select count(*) from articles").fetchone()[0]
    print(f"\n{db.name}: {articles:,} articles, {db.stat().st_size / 2**30:.2f} GB")
    print(f"{'page':34} {'p50 ms':>8} {'p95 ms':>8} {'target':>7}  facets timed out")
    missed = timed_out = 0
    with tempfile.NamedTemporaryFile("w", prefix="bench_scale_", suffix=".log", delete=False) as log:
        process, url = serve(db.resolve(), log)
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            for label, path, target, faceted in pages(db):
                late = timed_out_facets(client, path) if faceted else []
                for _ in range(WARMUP):
                    timed_ms(client, path)
                timings = [timed_ms(client, path) for _ in range(requests)]
                slow = p95(timings) > target
                numbers = f"{statistics.median(timings):8.1f} {p95(timings):8.1f} {'≤' + str(target):>7}"
                flag = "  MISSED" if slow else ""
                print(f"{label:34} {numbers}  {', '.join(late) or '-'}{flag}", flush=True)
                missed += slow
                timed_out += len(late)
    finally:
        process.terminate()
        process.wait(timeout=10)
    return missed, timed_out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dbs", nargs="+", type=Path)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    results = [measure(db, args.requests) for db in args.dbs]
    missed, timed_out = sum(r[0] for r in results), sum(r[1] for r in results)
    print(f"\npages over target: {missed}; facets timed out: {timed_out}")
    return 1 if missed or timed_out else 0


if __name__ == "__main__":
    sys.exit(main())

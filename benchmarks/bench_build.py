"""Build speed and size against the naive loader, and the cost of entity matching, in one run.

    python benchmarks/bench_build.py ../shared/corpus/feedmirror-2020.tar.xz
    python benchmarks/bench_build.py /tmp/corpus --jobs 2 --no-entities-run

Runs, one after the other on the same input and machine: the naive loader (benchmarks/naive_loader.py:
sqlite-utils insert and a default FTS5 index), the real build with entity matching switched off, the
real build as the project builds, and a rebuild of that database with nothing changed. Prints wall and
CPU seconds of each, the database sizes against the raw input, and the two ratios the issues set
targets for: build / naive loader (≤ 3) and database / raw input (≤ 2.7); entity matching's share of
the build's wall time (≤ 15%).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import naive_loader  # noqa: E402

from newsarchive import entities  # noqa: E402
from newsarchive.build import build  # noqa: E402


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def raw_bytes(source: Path) -> int:
    """Bytes of the input files themselves (uncompressed)."""
    if source.is_dir():
        return sum(path.stat().st_size for path in source.rglob("*") if path.is_file())
    with tarfile.open(source, "r|*") as tar:
        return sum(member.size for member in tar if member.isfile())


def timed(label: str, run) -> tuple[float, str]:
    cpu, wall = cpu_seconds(), time.monotonic()
    note = run()
    wall, cpu = time.monotonic() - wall, cpu_seconds() - cpu
    print(f"{label:<26} wall {wall:7.1f} s  cpu {cpu:7.1f} s  {note}", flush=True)
    return wall, note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", type=Path)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--no-entities-run", action="store_true",
                        help="skip the build without entity matching")
    args = parser.parse_args()
    raw = raw_bytes(args.input)
    print(f"input {args.input}: {raw / 2**20:.0f} MB of raw files, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        naive_db, db = Path(folder) / "naive.db", Path(folder) / "archive.db"

        def naive() -> str:
            naive_loader.load(args.input, naive_db)
            return f"db {naive_db.stat().st_size / 2**20:.0f} MB"

        def real(path: Path) -> str:
            report = build([args.input], path, jobs=args.jobs, progress=False)
            size = path.stat().st_size / 2**20
            return (f"{report.files_seen} files, {dict(report.statuses)}, db {size:.0f} MB, "
                    f"peak {report.peak_memory_mb:.0f} MB")

        naive_wall, _ = timed("naive loader", naive)
        without = None
        if not args.no_entities_run:
            analyse = entities.Matcher.analyse
            entities.Matcher.analyse = lambda self, *text, **options: entities.Analysis("", [], [])
            without, _ = timed("build without entities", lambda: real(Path(folder) / "plain.db"))
            entities.Matcher.analyse = analyse
            (Path(folder) / "plain.db").unlink()
        full, _ = timed("build", lambda: real(db))
        timed("rebuild, nothing changed", lambda: real(db))
        size = db.stat().st_size
    print(f"\nbuild / naive loader: {full / naive_wall:.2f}x (target ≤ 3)")
    print(f"database / raw input: {size / raw:.2f}x (target ≤ 2.7)")
    if without:
        share = 100 * (full / without - 1)
        print(f"entity matching adds {share:.0f}% to the build's wall time (target ≤ 15%)")


if __name__ == "__main__":
    main()

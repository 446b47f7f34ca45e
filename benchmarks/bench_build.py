"""Whole-build wall time with and without entity matching, on the same inputs.

    python benchmarks/bench_build.py ../shared/corpus/feedmirror-2020.tar.xz
    python benchmarks/bench_build.py /tmp/corpus/archived/2020-12-0* --jobs 2

Builds twice into fresh temporary databases: once with the matcher switched off (analyse()
finds nothing), once as the project builds. Prints wall and CPU seconds, statuses and
the share entity matching adds to the build's wall time (issue 10's budget is 15%).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsarchive import entities  # noqa: E402
from newsarchive.build import build  # noqa: E402


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_build(inputs: list[Path], jobs: int, label: str) -> float:
    with tempfile.TemporaryDirectory() as folder:
        cpu, wall = cpu_seconds(), time.monotonic()
        report = build(inputs, Path(folder) / "bench.db", jobs=jobs, progress=False)
        wall, cpu = time.monotonic() - wall, cpu_seconds() - cpu
        size = (Path(folder) / "bench.db").stat().st_size / 2**20
    print(f"{label:<22} wall {wall:7.1f} s  cpu {cpu:7.1f} s  files {report.files_seen}  "
          f"statuses {dict(report.statuses)}  db {size:.0f} MB  peak {report.peak_memory_mb:.0f} MB")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=0)
    args = parser.parse_args()

    real_analyse = entities.Matcher.analyse
    entities.Matcher.analyse = lambda self, *text, **options: entities.Analysis("", [], [])
    without = timed_build(args.inputs, args.jobs, "without entities")
    entities.Matcher.analyse = real_analyse
    with_entities = timed_build(args.inputs, args.jobs, "with entities")
    print(f"entity matching adds {100 * (with_entities / without - 1):.0f}% to the build's wall time")


if __name__ == "__main__":
    main()

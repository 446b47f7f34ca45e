#!/usr/bin/env python3
"""Build the US–China news archive: raw article files in, one SQLite database out."""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

from newsarchive.build import DEFAULT_DATA_DIR, BuildError, build


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__,
        epilog="Every input file gets a row in the `sources` table with status ok, warning or error. "
        "The exit status is non-zero only when the build itself fails; bad input files do not fail it.",
    )
    parser.add_argument(
        "inputs", nargs="*", type=Path, metavar="INPUT",
        help="a file, a folder (walked recursively) or a .tar/.tar.gz/.tar.xz archive (read in place)",
    )
    parser.add_argument("--db", type=Path, default=Path("archive.db"),
                        help="the database to build or update (default: archive.db); it is replaced "
                        "atomically when the build succeeds")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR,
                        help="folder with the curated outlets, people, organizations and places "
                        "(default: the project's data/)")
    parser.add_argument("--jobs", type=int, default=0,
                        help="worker processes for parsing and entity matching (default: one per core; "
                        "1: no workers, everything in the main process)")
    parser.add_argument("--candidates", type=int, default=0, metavar="N",
                        help="after the build, print the N most frequent names not in the gazetteer "
                        "(with no INPUT, print them from the existing database)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--verbose", action="store_true",
                        help="log each stage of the build to stderr with the seconds since the start")
    return parser.parse_args(argv)


def print_candidates(db_path: Path, limit: int) -> None:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT kind, name, language, count, article_count, example_article_id FROM entity_candidates "
        "ORDER BY article_count DESC, count DESC LIMIT ?", (limit,))
    print(f"{'kind':<14}{'name':<32}{'lang':<6}{'mentions':>9}{'articles':>9}  example article id")
    for kind, name, language, count, articles, example in rows:
        print(f"{kind:<14}{name:<32}{language:<6}{count:>9}{articles:>9}  {example}")
    conn.close()


def stage_logger():
    """Prints each stage to stderr at once (a reader may act on it), with the seconds since the start."""
    started = time.monotonic()
    return lambda stage: print(f"{time.monotonic() - started:8.2f} s  {stage}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.inputs:
        try:
            report = build(args.inputs, args.db, args.data, args.jobs, progress=not args.quiet,
                           log=stage_logger() if args.verbose else None)
        except BuildError as error:
            print(f"build failed: {error}; {args.db} is unchanged", file=sys.stderr)
            return 1
        print(report.summary())
    elif not args.candidates:
        print("nothing to do: give at least one INPUT (see --help)", file=sys.stderr)
        return 2
    if args.candidates:
        print_candidates(args.db, args.candidates)
    return 0


if __name__ == "__main__":
    sys.exit(main())

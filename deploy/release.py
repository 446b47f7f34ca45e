#!/usr/bin/env python3
"""The release step: the files a host serves, written from a built database in one pass over it.

    deploy/release.py DB OUTDIR [--level N]

writes into OUTDIR (created if needed):

- ``archive.db``: the database (a copy, read-only; left in place when DB already is OUTDIR/archive.db);
- ``archive.db.sha256``: its SHA-256, in ``sha256sum`` format (``sha256sum -c archive.db.sha256``);
- ``archive.db.gz``: a gzip copy (the ``/archive.db.gz`` download), and ``archive.db.gz.sha256``.

Every file is written under a temporary name and renamed into place, the database first, so a host never
serves a half-written file and the records are never older than the database (plugins/downloads.py uses
the records only when they are at least as new). Copy OUTDIR to every host (rsync) to scale out.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import shutil
import sys
import time
from pathlib import Path

CHUNK_BYTES = 4 * 1024 * 1024
NAME = "archive.db"
# Level 3 takes a third of level 6's time here for 3% more bytes (the FTS index compresses poorly).
DEFAULT_LEVEL = 3


def replace_atomically(path: Path, write) -> None:
    """Call ``write(handle)`` on a temporary file next to ``path``, then rename it to ``path``."""
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("wb") as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)


class HashingWriter:
    """A file-like sink that feeds what is written to it to ``digest`` before passing it on."""

    def __init__(self, handle, digest) -> None:
        self.handle = handle
        self.digest = digest

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()


def copy(source: Path, handle) -> None:
    with source.open("rb") as data:
        shutil.copyfileobj(data, handle, CHUNK_BYTES)


def release(db: Path, outdir: Path, level: int = DEFAULT_LEVEL) -> dict[str, str | int]:
    """Write the release files for ``db`` into ``outdir``; return their SHA-256s and sizes."""
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / NAME
    if db.resolve() != target.resolve():
        replace_atomically(target, lambda handle: copy(db, handle))
        target.chmod(0o444)
    database_sha = hashlib.sha256()
    gz_sha = hashlib.sha256()

    def write_gzip(handle) -> None:
        sink = HashingWriter(handle, gz_sha)
        with target.open("rb") as source, \
                gzip.GzipFile(NAME, "wb", level, sink, int(target.stat().st_mtime)) as compressed:
            while chunk := source.read(CHUNK_BYTES):
                database_sha.update(chunk)
                compressed.write(chunk)

    gz = outdir / f"{NAME}.gz"
    replace_atomically(gz, write_gzip)
    facts = {"sha256": database_sha.hexdigest(), "bytes": target.stat().st_size,
             "gz_sha256": gz_sha.hexdigest(), "gz_bytes": gz.stat().st_size}
    for name, digest in ((NAME, facts["sha256"]), (gz.name, facts["gz_sha256"])):
        replace_atomically(outdir / f"{name}.sha256",
                           lambda handle, line=f"{digest}  {name}\n": handle.write(line.encode()))
    return facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path, help="the built database")
    parser.add_argument("outdir", type=Path, help="where the release files go")
    parser.add_argument("--level", type=int, default=DEFAULT_LEVEL, help="gzip level (1-9)")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        parser.error(f"{args.db} is not a file")
    started = time.monotonic()
    facts = release(args.db, args.outdir, args.level)
    print(f"{args.outdir / NAME}: {facts['bytes']:,} bytes, sha256 {facts['sha256']}")
    print(f"{args.outdir / NAME}.gz: {facts['gz_bytes']:,} bytes "
          f"({facts['gz_bytes'] / max(facts['bytes'], 1):.0%}), sha256 {facts['gz_sha256']}")
    print(f"released in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

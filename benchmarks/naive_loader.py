"""The baseline for build speed and size: what thirty lines of sqlite-utils do with the same input.

    python benchmarks/naive_loader.py ../shared/corpus/feedmirror-2020.tar.xz naive.db

Reads every file of a tar archive or folder, strips the tags, takes the front matter's title, inserts
the rows with sqlite-utils and lets it add a default FTS5 index (which cannot search Chinese words
inside a sentence). bench_build.py runs it beside the real build, on the same machine in the same run.
"""

from __future__ import annotations

import os
import re
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

TAGS = re.compile(r"<[^>]*>")
TITLE = re.compile(r"^title:\s*(.*)$", re.M)


def files(source: Path) -> Iterator[tuple[str, bytes]]:
    """(path, bytes) of every regular file in a tar archive or a folder."""
    if source.is_dir():
        for folder, _, names in os.walk(source):
            for name in names:
                yield os.path.join(folder, name), Path(folder, name).read_bytes()
        return
    with tarfile.open(source, "r|*") as tar:
        for member in tar:
            if member.isfile():
                yield member.name, tar.extractfile(member).read()


def load(source: Path, db_path: Path) -> None:
    """Every file as one row (path, title, text without tags), then sqlite-utils' full-text index."""
    db = sqlite_utils.Database(db_path)
    rows = ({"path": path, "title": (m.group(1) if (m := TITLE.search(text)) else "").strip('"'),
             "body": TAGS.sub(" ", text)}
            for path, data in files(source) for text in [data.decode("utf-8", errors="replace")])
    db["articles"].insert_all(rows, pk="path", batch_size=1000)
    db["articles"].enable_fts(["title", "body"], create_triggers=False)


if __name__ == "__main__":
    load(Path(sys.argv[1]), Path(sys.argv[2]))

"""Parse every file of the shared feed-mirror corpus and report outcomes and speed.

    python benchmarks/corpus_parse_report.py                 # ../shared/corpus tarball, read in place
    python benchmarks/corpus_parse_report.py /tmp/corpus     # or an extracted copy
    python benchmarks/corpus_parse_report.py --common 30     # also the most repeated paragraphs

Statuses: ok, warning (parsed with warnings), error (ParseError), not-detected (feed_mirror.detect said
no), crash (any other exception: a bug). The time is CPU time of parsing only (not reading, decoding or
other processes on a busy machine). It also counts the mirrored feeds (front matter ``categories``) that
data/outlets.yml does not know, and the files whose outlet resolves neither by author + URL nor by feed:
both should be zero.
"""

from __future__ import annotations

import argparse
import re
import sys
import tarfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsarchive.model import ParsedArticle, ParseError
from newsarchive.outlets import default_directory
from newsarchive.parsers import feed_mirror

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "feedmirror-2020.tar.xz"


def corpus_files(source: Path) -> Iterator[tuple[str, bytes]]:
    """(name, raw bytes) for each file of a directory tree or a tarball, read in place."""
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            if path.is_file():
                yield str(path.relative_to(source)), path.read_bytes()
        return
    with tarfile.open(source) as tar:
        for member in tar:
            if member.isfile():
                handle = tar.extractfile(member)
                if handle is not None:
                    yield member.name, handle.read()


def message_key(message: str) -> str:
    """Group messages that differ only in numbers or quoted values."""
    return re.sub(r"'[^']*'|\d+", "#", message)[:120]


def run(source: Path, limit: int | None, common: int) -> None:
    statuses: Counter[str] = Counter()
    messages: Counter[str] = Counter()
    examples: dict[str, str] = {}
    paragraphs: Counter[str] = Counter()
    parse_seconds = 0.0
    unresolved_feeds: Counter[str] = Counter()
    unresolved_files = 0
    started = time.perf_counter()
    for count, (name, raw) in enumerate(corpus_files(source), 1):
        if limit and count > limit:
            break
        text = raw.decode("utf-8", errors="replace")
        t0 = time.process_time()
        status, notes, article = parse_one(text, name)
        parse_seconds += time.process_time() - t0
        statuses[status] += 1
        feed, resolved = resolve_outlet(text)
        if feed is not None:
            unresolved_feeds[feed] += 1
        unresolved_files += not resolved
        for note in notes:
            key = f"{status}: {message_key(note)}"
            messages[key] += 1
            examples.setdefault(key, name)
        if common and article is not None:
            paragraphs.update(p[:80] for p in set(article.paragraphs))
    total = sum(statuses.values())
    print(f"files: {total}  wall: {time.perf_counter() - started:.1f}s")
    for status, n in statuses.most_common():
        print(f"  {status:13} {n:7}  {100 * n / max(total, 1):6.2f}%")
    print(f"parse CPU time: {1000 * parse_seconds / max(total, 1):.2f} ms/file")
    print(f"feeds not in data/outlets.yml: {dict(unresolved_feeds) or 0}")
    print(f"files whose outlet resolves neither by author + URL nor by feed: {unresolved_files}")
    print("top messages:")
    for key, n in messages.most_common(25):
        print(f"  {n:6}  {key}   e.g. {examples[key]}")
    if common:
        print("most repeated paragraphs:")
        for text, n in paragraphs.most_common(common):
            print(f"  {n:6}  {text}")


def _front_matter_field(head: str, key: str) -> str | None:
    match = re.search(rf"^{key}:\s*(.*?)\s*$", head, re.MULTILINE)
    return match.group(1).strip("[] ") if match else None


def resolve_outlet(text: str) -> tuple[str | None, bool]:
    """(the feed's name when it is not curated, whether the file's outlet resolves at all)."""
    head = text[:2000]
    outlets = default_directory()
    feed = _front_matter_field(head, "categories")
    author, url = _front_matter_field(head, "author"), _front_matter_field(head, "from")
    resolved = outlets.resolve(author, url) or outlets.resolve(feed)
    return (None if outlets.resolve(feed) else str(feed)), resolved is not None


def parse_one(text: str, name: str) -> tuple[str, list[str], ParsedArticle | None]:
    try:
        if not feed_mirror.detect(text):
            return "not-detected", [], None
        article = feed_mirror.parse(text, name)
    except ParseError as exc:
        return "error", [str(exc)], None
    except Exception as exc:  # a crash is a parser bug; count it rather than stop the report
        return "crash", [f"{type(exc).__name__}: {exc}"], None
    return ("warning" if article.warnings else "ok"), article.warnings, article


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_CORPUS, help="tarball or directory")
    parser.add_argument("--limit", type=int, help="stop after this many files")
    parser.add_argument("--common", type=int, default=0, help="show the N most repeated paragraphs")
    args = parser.parse_args()
    if not args.source.exists():
        sys.exit(f"corpus not found: {args.source}")
    run(args.source, args.limit, args.common)


if __name__ == "__main__":
    main()

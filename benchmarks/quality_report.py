"""Count, over a whole built archive, each extraction defect class of issue 9 (a benchmark, not a test).

    python benchmarks/quality_report.py corpus.db            # the table
    python benchmarks/quality_report.py corpus.db --examples 3   # plus a few article ids per class

Each row is one defect class: how many articles (or images, or URLs) show it. A class is counted from
what the database stores, the way a reader of the site would notice it; the patterns say what is
looked for. Counts that cannot reach zero are explained in the issue note, case by case.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsarchive.outlets import DEFAULT_PATH, load_outlets
from newsarchive.textnorm import normalize

OUTLETS = load_outlets(DEFAULT_PATH)
RULES = yaml.safe_load((DEFAULT_PATH.parent / "feed_mirror.yml").read_text(encoding="utf-8"))
# CDT's own labels before a title ("综合 | …" a roundup) name no source.
NOT_SOURCES = {name for rule in RULES["reposts"] for name in rule.get("not_sources") or ()}

# A title ending in " - Site", " | Site" or "｜Site" where Site is a curated outlet's name or alias.
TITLE_TAIL = re.compile(r"(?:\s[-–—|]\s*|\s*[｜]\s*)([^-–—|｜]{1,30})$")
TITLE_SECTION_TAG = re.compile(r"^\s*\[[^\]]{1,6}\]|\[[^\]]{1,6}\]\s*$")
TITLE_TRAILING_COMMA = re.compile(r"[,，、]\s*$")
ESCAPED_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#[xX][0-9a-fA-F]{2,5});")
# A repost's source written before its title: "德国之声｜…", "澎湃新闻 | …", "【404文库】维舟｜…".
REPOST_PREFIX = re.compile(r"^(?:【([^】]{1,12})】)?\s*([^｜|【】]{1,20}?)\s*(?:｜|\s\|\s)")
UPDATE_NOTE = re.compile(r"^[（(](?:新增|更新|補充|补充|增加|加入|修正|更正)[^）)]{0,60}[)）]$")
RELATED_LINE = re.compile(
    r"^(?:相关报道|相關報導|相关阅读|相關閱讀|延伸閱讀|延伸阅读|更多相关)\s*(?:[:：/]|$)|^(?:其它|其他)\s*/"
    r"|^(?:Related|Read more|More on this)\b"
)
JUNK_CAPTION = re.compile(
    r"^(?:img|image|图片|圖片|图|圖|图说|圖說|photo|line|分隔线|分隔線|file|截图|配图|bbc|\d{1,3}"
    r"|[\W_]{1,4}|\[[^\]]{1,6}\]|\S+\.(?:jpe?g|png|gif|webp|svg))$",
    re.IGNORECASE,
)
LOGO_SRC = re.compile(r"RFI_FB\.png|/error\.svg|grey_line|_line-nc\.png|/logo[^/]*\.(?:png|svg|jpe?g)$", re.I)
CNA_REPORTER = re.compile(r"中央社(?:記者|记者)[^（）()，,]{2,20}?\d{1,2}日(?:專|专)?(?:電|电)")
EPOCH_DATE = re.compile(r"^【大纪元(\d{4})年(\d{1,2})月(\d{1,2})日讯】")
CNA_RELEASE = re.compile(r"(?<!\d)(1\d\d)([01]\d)([0-3]\d)\s*$")
REUTERS_DATELINE = re.compile(r"^路透[^\d\s]{1,20}?(\d{1,2})月(\d{1,2})日\s*-")
STUB_CHARS = 60


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--examples", type=int, default=0, help="print this many article ids per class")
    args = parser.parse_args()
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    counts, examples = report(conn)
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    print(f"{args.db}: {total} articles")
    print(f"{'defect class':<58}{'count':>8}")
    for name, count in counts.items():
        print(f"{name:<58}{count:>8}")
        if args.examples and examples[name]:
            print(f"{'':<6}e.g. {', '.join(map(str, examples[name][: args.examples]))}")
    print("shared image URLs by outlet (stock photos reused by one outlet are legitimate):")
    for outlet, urls in _shared_by_outlet(conn, set(examples[IMAGE_CLASSES[0]])).most_common():
        print(f"    {outlet or '-':<40}{urls:>8}")


def report(conn: sqlite3.Connection) -> tuple[dict[str, int], dict[str, list]]:
    """Every defect class with its count, and example ids (articles, or image URLs)."""
    found: dict[str, list] = defaultdict(list)
    for row in _articles(conn):
        for name, check in ARTICLE_CHECKS.items():
            if check(row):
                found[name].append(row["id"])
    _image_checks(conn, found)
    _group_checks(conn, found)
    names = [*ARTICLE_CHECKS, *IMAGE_CLASSES, *GROUP_CLASSES]
    return {name: len(found[name]) for name in names}, found


def _articles(conn: sqlite3.Connection) -> Iterator[dict]:
    columns = {row[1] for row in conn.execute("PRAGMA table_info(articles)")}
    stub = "a.is_stub" if "is_stub" in columns else "NULL"
    query = (
        f"SELECT a.id, a.title, a.body, a.authors, a.url, a.published_date, {stub} AS is_stub,"
        " o.slug AS outlet, o.kind AS outlet_kind, v.slug AS via FROM articles a"
        " LEFT JOIN outlets o ON o.id = a.outlet_id LEFT JOIN outlets v ON v.id = a.via_id"
    )
    for row in conn.execute(query):
        yield dict(row)


def _site_name_in_title(row: dict) -> bool:
    match = TITLE_TAIL.search(row["title"])
    return bool(match) and OUTLETS.resolve(match.group(1).strip()) is not None


def _body_starts_with_title(row: dict) -> bool:
    """The headline repeated as the first paragraph (a body that is only the headline is a stub instead;
    a first sentence that opens with the headline's words is writing, not a repeat)."""
    title = _fold(row["title"])
    first, _, rest = row["body"].partition("\n\n")
    return len(title) >= 6 and _fold(first) == title and bool(rest.strip())


def _fold(text: str) -> str:
    return re.sub(r"\W+", "", normalize(text).casefold())


def _cna_reporter_without_author(row: dict) -> bool:
    return (
        row["outlet"] == "central-news-agency"
        and json.loads(row["authors"]) == []
        and CNA_REPORTER.search(row["body"][:200]) is not None
    )


def _printed_date_differs(row: dict) -> bool:
    """The page prints its own date (Epoch Times' 【大纪元…讯】, CNA's closing 1091217 release code,
    Reuters' dateline) and the stored date is another day."""
    stored = row["published_date"]
    head, tail = row["body"][:120], row["body"][-40:]
    printed = None
    if m := EPOCH_DATE.match(head):
        printed = (int(m[1]), int(m[2]), int(m[3]))
    elif row["outlet"] == "central-news-agency" and (m := CNA_RELEASE.search(tail)):
        printed = (int(m[1]) + 1911, int(m[2]), int(m[3]))
    elif m := REUTERS_DATELINE.match(head):
        printed = (int(stored[:4]) if stored else 0, int(m[1]), int(m[2]))
    if printed is None:
        return False
    return stored is None or tuple(map(int, stored.split("-"))) != printed


def _repost_without_original(row: dict) -> bool:
    """A republisher named as the outlet, or a title that still opens with its source's name."""
    if row["outlet_kind"] == "republisher" and row["via"] is None and "nei.st/medium/" in (row["url"] or ""):
        return True  # nei.st's /medium/ section reposts publications; its other sections are its own
    match = REPOST_PREFIX.match(row["title"])
    return (row["outlet"] == "china-digital-times" and row["via"] is None and match is not None
            and not {match.group(1), match.group(2)} & NOT_SOURCES)


ARTICLE_CHECKS: dict[str, Callable[[dict], bool]] = {
    "title: site name after the title": _site_name_in_title,
    "title: section tag ([國際], [影])": lambda r: bool(TITLE_SECTION_TAG.search(r["title"])),
    "title: trailing comma": lambda r: bool(TITLE_TRAILING_COMMA.search(r["title"])),
    "title: escaped HTML entity": lambda r: bool(ESCAPED_ENTITY.search(r["title"])),
    "body: escaped HTML entity": lambda r: bool(ESCAPED_ENTITY.search(r["body"])),
    "body: starts with the title": _body_starts_with_title,
    "body: wire update note first": lambda r: bool(UPDATE_NOTE.match(r["body"].partition("\n\n")[0])),
    "body: related-article line": lambda r: any(RELATED_LINE.match(p) for p in r["body"].split("\n\n")),
    "authors: CNA reporter named, no author": _cna_reporter_without_author,
    "date: stored date differs from the date the page prints": _printed_date_differs,
    "date: none at all": lambda r: r["published_date"] is None,
    "repost: outlet is the reposter (no original outlet)": _repost_without_original,
    f"stub: body under {STUB_CHARS} characters": lambda r: len(r["body"]) < STUB_CHARS,
    "stub: flagged is_stub": lambda r: bool(r["is_stub"]),
}

IMAGE_CLASSES = [
    "images: URL shared by 3+ article URLs (distinct URLs)",
    "images: rows with a URL shared by 3+ articles",
    "images: known logo / divider / error icon",
    "images: URL cut off at a trailing '.'",
    "images: junk caption",
]
GROUP_CLASSES = ["versions: URLs with 2+ articles", "versions: articles in those groups"]


def _image_checks(conn: sqlite3.Connection, found: dict[str, list]) -> None:
    # Captures of one URL share their images; count distinct article URLs, not article rows.
    users: dict[str, set[str]] = defaultdict(set)
    rows = conn.execute(
        "SELECT i.article_id, i.src, i.caption, coalesce(a.url, a.id) FROM images i"
        " JOIN articles a ON a.id = i.article_id").fetchall()
    for _, src, _, page in rows:
        if src:
            users[src].add(str(page))
    shared = {src for src, ids in users.items() if len(ids) >= 3}
    found[IMAGE_CLASSES[0]] = sorted(shared)
    for article_id, src, caption, _ in rows:
        if src in shared:
            found[IMAGE_CLASSES[1]].append(article_id)
        if src and LOGO_SRC.search(src):
            found[IMAGE_CLASSES[2]].append(article_id)
        if src and src.endswith("."):
            found[IMAGE_CLASSES[3]].append(article_id)
        if caption and JUNK_CAPTION.match(caption.strip()):
            found[IMAGE_CLASSES[4]].append(article_id)


def _shared_by_outlet(conn: sqlite3.Connection, shared: set[str]) -> Counter[str]:
    pairs = conn.execute(
        "SELECT DISTINCT i.src, o.slug FROM images i JOIN articles a ON a.id = i.article_id"
        " LEFT JOIN outlets o ON o.id = a.outlet_id")
    return Counter(slug for src, slug in pairs if src in shared)


def _group_checks(conn: sqlite3.Connection, found: dict[str, list]) -> None:
    groups = Counter(url for (url,) in conn.execute("SELECT url FROM articles WHERE url IS NOT NULL"))
    repeated = [url for url, n in groups.items() if n > 1]
    found[GROUP_CLASSES[0]] = repeated
    found[GROUP_CLASSES[1]] = [url for url in repeated for _ in range(groups[url])]


if __name__ == "__main__":
    main()

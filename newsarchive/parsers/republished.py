"""Republished pages: a content farm's copy of another outlet's story.

Layout:

    Current:Home > My<title> -<SiteName>        breadcrumb; the site is the republisher
    <title>
    View
    Date:2025-04-12 03:02:51                    the page's own date, not the story's
    <story, one paragraph a line; "- " lines in it are the farm's links to other stories>
    - In:
    - <tag>                                     one a line
    veryGood! (46413)
    Related / Ranking / Recommendation          sections of links to unrelated stories
"""

from __future__ import annotations

import re
from datetime import datetime

from newsarchive.model import ParsedArticle, ParseError
from newsarchive.parsers.curated import ParserData
from newsarchive.parsers.textutil import guess_language, nonblank, stripped_lines

FORMAT = "republished-page"

BREADCRUMB = re.compile(r"Current\s*:\s*Home\s*>\s*(?P<trail>.*)")
DATE = re.compile(r"Date\s*:\s*(?P<date>.+)")
VIEW = re.compile(r"Views?\s*(?:\(?\d+\)?)?")
VOTES = re.compile(r"veryGood!\s*\(\d+\)")
TAGS_START = re.compile(r"-\s*In\s*:")
LINK_ITEM = "- "
# Headings of the page furniture after the story; nothing from there on belongs to the article.
TRAILING_SECTIONS = frozenset({"Related", "Ranking", "Recommendation"})


def detect(text: str) -> bool:
    lines = nonblank(stripped_lines(text[:2000]))
    return bool(lines) and BREADCRUMB.match(lines[0]) is not None


def parse(text: str, path: str, data: ParserData | None = None) -> ParsedArticle:
    """One republished page as an article (the layout needs no curated data)."""
    lines = nonblank(stripped_lines(text))
    breadcrumb = BREADCRUMB.match(lines[0]) if lines else None
    if not breadcrumb:
        raise ParseError("not a republished page: no 'Current:Home >' breadcrumb on the first line")
    trail, dash, site = breadcrumb["trail"].rpartition(" -")
    if not dash or not site.strip():
        raise ParseError(f"republished page's breadcrumb names no site: {lines[0]!r}")
    title, rest = _title(trail.strip(), lines[1:])
    page_date, rest, warnings = _page_date(rest)
    paragraphs, tags = _story_and_tags(rest)
    if not paragraphs:
        raise ParseError("republished page has no story text")
    return ParsedArticle(
        format=FORMAT,
        title=title,
        paragraphs=paragraphs,
        language=guess_language("\n".join(paragraphs)),
        outlet=site.strip(),
        via_is_republisher=True,
        page_published_at=page_date,
        tags=tags,
        warnings=warnings,
    )


def _title(trail: str, lines: list[str]) -> tuple[str, list[str]]:
    """The title line under the breadcrumb, else the breadcrumb's last step (it may carry a prefix)."""
    if lines and lines[0] and trail.endswith(lines[0]):
        return lines[0], lines[1:]
    title = trail.rpartition(">")[2].strip()
    if not title:
        raise ParseError("republished page has no title")
    return title, lines


def _page_date(lines: list[str]) -> tuple[str | None, list[str], list[str]]:
    """The page's Date: line (ISO 8601, no zone: the site gives none) and the lines after it."""
    for index, line in enumerate(lines[:4]):
        match = DATE.fullmatch(line)
        if match:
            raw = match["date"].strip()
            try:
                return datetime.fromisoformat(raw).isoformat(), lines[index + 1 :], []
            except ValueError:
                return raw, lines[index + 1 :], [f"unreadable page date {raw!r}; kept as written"]
    return None, lines, ["republished page has no Date: line"]


def _story_and_tags(lines: list[str]) -> tuple[list[str], list[str]]:
    """Story paragraphs up to the tag list or page furniture, then the "- In:" tags."""
    paragraphs: list[str] = []
    for index, line in enumerate(lines):
        if TAGS_START.fullmatch(line):
            return paragraphs, _tags(lines[index + 1 :])
        if VOTES.fullmatch(line) or line in TRAILING_SECTIONS:
            break
        if not (line.startswith(LINK_ITEM) or VIEW.fullmatch(line)):
            paragraphs.append(line)
    return paragraphs, []


def _tags(lines: list[str]) -> list[str]:
    tags: list[str] = []
    for line in lines:
        if not line.startswith(LINK_ITEM):
            break
        tags.append(line[len(LINK_ITEM) :].strip())
    return [tag for tag in tags if tag]

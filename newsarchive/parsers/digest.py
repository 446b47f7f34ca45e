"""Digest reposts: a channel's copy of another outlet's story, with a Chinese summary on top.

Layout (blank lines between the parts vary):

    <channel>                                   e.g. a Telegram-style digest channel -> ``via``
    <Outlet>-<Title>                            outlet and title may both contain hyphens
    October 27, 2023   4 min   829 words
    <Chinese summary, one or more paragraphs>
    [2023-10-27T14:57:24.503Z]                  optional
    <body paragraphs, photo captions between them, paywall prompts at the end>
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC

from newsarchive import dates
from newsarchive.model import Image, ParsedArticle, ParseError
from newsarchive.parsers.curated import ParserData, default_parser_data
from newsarchive.parsers.textutil import guess_language, is_chinese, nonblank, stripped_lines
from newsarchive.textnorm import is_cjk

FORMAT = "digest"

DATE_LINE = re.compile(r"(?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4})\s+\d+\s*min\s+[\d,]+\s*words?")
TIMESTAMP_ZONE = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
# Feed-mirror files open with an HTML comment or YAML front matter; digests open with the channel's name.
FEED_MIRROR_OPENINGS = ("<!--", "---")
DETECT_WINDOW = 6  # the date line is the third non-blank line; allow a little slack

# Photo captions, each with its credit: "...Thursday. (Jose Luis Magana/AP)", "... REUTERS/Jane Doe",
# "...last week.Credit...Jane Doe/Xinhua, via Getty Images". Credits are short and end the line.
CAPTION_STYLES = (
    re.compile(r"(?P<caption>.*?)\s*Credit(?:\.\.\.|…)\s*(?P<credit>\S.{0,120})"),
    re.compile(r"(?:(?P<caption>.*\S)\s+)?(?P<credit>REUTERS/[^.!?]{1,80})"),
    re.compile(r"(?P<caption>.*\S)\s*\((?P<credit>[^()]{1,60}/[^()]{1,60})\)"),
)
MAX_CREDIT_WORDS = 10
# Captions are sentences, not pages: longer lines are not tried, since the first style's lazy caption
# and whitespace backtrack over a long run of spaces in quadratic time (a 200 KB line took 40 s).
MAX_CAPTION_LINE = 1000
WORD = re.compile(r"[^\W\d_]+")
ASCII_WORD = re.compile(r"[A-Za-z]+")


@dataclass
class _Sections:
    summary: list[str]
    timestamp: str | None
    body: list[str]
    warnings: list[str]


def detect(text: str) -> bool:
    lines = nonblank(stripped_lines(text[:4000]))[:DETECT_WINDOW]
    if not lines or lines[0].startswith(FEED_MIRROR_OPENINGS):
        return False
    return any(DATE_LINE.fullmatch(line) for line in lines[1:])


def parse(text: str, path: str, data: ParserData | None = None) -> ParsedArticle:
    """One digest repost as an article, read with the curated data (default: the repository's)."""
    data = data or default_parser_data()
    lines = stripped_lines(text)
    channel, outlet_title, date_match, after_date = _header(lines)
    sections = _split_sections(lines[after_date:])
    paragraphs, images = _body(sections.body, data.digest_boilerplate)
    if not paragraphs:
        raise ParseError("digest has no article text after its summary")
    outlet, title, warnings = _outlet_and_title(outlet_title, data)
    article = ParsedArticle(
        format=FORMAT,
        title=repair_title(title, "\n".join(paragraphs)),
        paragraphs=paragraphs,
        language=guess_language("\n".join(paragraphs)),
        outlet=outlet,
        via=channel,
        summary="\n\n".join(sections.summary) or None,
        images=images,
        warnings=sections.warnings + warnings,
    )
    _set_date(article, date_match, sections.timestamp)
    return article


def _header(lines: list[str]) -> tuple[str, str, re.Match[str], int]:
    """Channel, Outlet-Title line, the date line's match, and the index of the line after it."""
    found = [(index, line) for index, line in enumerate(lines) if line][:DETECT_WINDOW]
    for position, (index, line) in enumerate(found):
        match = DATE_LINE.fullmatch(line)
        if not match:
            continue
        if position != 2:
            raise ParseError(
                f"digest needs a channel line and an 'Outlet-Title' line before its date line; "
                f"found {position} line(s)"
            )
        return found[0][1], found[1][1], match, index + 1
    raise ParseError("not a digest: no 'Month D, YYYY  N min  N words' line near the top")


def _split_sections(lines: list[str]) -> _Sections:
    """Summary and body are told apart by the timestamp line, else a double blank line, else language."""
    stamp = next((i for i, line in enumerate(lines) if TIMESTAMP.fullmatch(line)), None)
    if stamp is not None:
        return _Sections(nonblank(lines[:stamp]), lines[stamp], nonblank(lines[stamp + 1 :]), [])
    gap = _double_blank(lines)
    if gap is not None and all(is_chinese(line) for line in nonblank(lines[:gap])):
        return _Sections(nonblank(lines[:gap]), None, nonblank(lines[gap:]), [])
    paragraphs = nonblank(lines)
    chinese = next((i for i, line in enumerate(paragraphs) if not is_chinese(line)), len(paragraphs))
    if chinese == len(paragraphs) and paragraphs:
        warning = "could not tell the summary from a Chinese body; took the first paragraph as the summary"
        return _Sections(paragraphs[:1], None, paragraphs[1:], [warning])
    warnings = [] if chinese else ["digest has no Chinese summary"]
    return _Sections(paragraphs[:chinese], None, paragraphs[chinese:], warnings)


def _double_blank(lines: list[str]) -> int | None:
    """Index of the first run of two blank lines that follows some text."""
    first_text = next((i for i, line in enumerate(lines) if line), len(lines))
    for index in range(first_text, len(lines) - 1):
        if not lines[index] and not lines[index + 1]:
            return index
    return None


def _body(lines: list[str], boilerplate: tuple[re.Pattern[str], ...]) -> tuple[list[str], list[Image]]:
    """Body paragraphs without paywall prompts; photo captions go to images."""
    paragraphs: list[str] = []
    images: list[Image] = []
    for line in lines:
        if any(pattern.fullmatch(line) for pattern in boilerplate):
            continue
        image = caption_image(line)
        if image:
            images.append(image)
        else:
            paragraphs.append(line)
    return paragraphs, images


def caption_image(line: str) -> Image | None:
    """The photo caption and credit on this line, if it is one."""
    if len(line) > MAX_CAPTION_LINE:
        return None
    for style in CAPTION_STYLES:
        match = style.fullmatch(line)
        if match and len(match["credit"].split()) <= MAX_CREDIT_WORDS:
            return Image(src=None, caption=match["caption"] or None, credit=match["credit"].strip())
    return None


def _outlet_and_title(line: str, data: ParserData) -> tuple[str | None, str, list[str]]:
    """Split "Outlet-Title" at the longest known outlet name; unknown outlets end at the first hyphen."""
    known = data.outlets.split_prefix(line)
    if known:
        outlet, title, warnings = known.prefix, known.rest, []
    else:
        outlet, hyphen, title = (part.strip() for part in line.partition("-"))
        if not hyphen:
            outlet, title = None, line
        warnings = [f"outlet {outlet or line!r} is not in the curated outlets list"]
    if not title:
        raise ParseError(f"digest's 'Outlet-Title' line has no title: {line!r}")
    return outlet, title, warnings


def repair_title(title: str, body: str) -> str:
    """Restore letters a title lost in transit ("Dtente") from the body's spelling ("détente")."""
    if not title.isascii():
        return title  # nothing was dropped
    spellings: dict[str, str] = {}
    for word in WORD.findall(body):
        ascii_part = "".join(char for char in word if char.isascii())
        if word != ascii_part and len(ascii_part) >= 3 and not any(is_cjk(char) for char in word):
            spellings.setdefault(ascii_part.casefold(), word)

    def restore(match: re.Match[str]) -> str:
        spelling = spellings.get(match[0].casefold())
        return _merge_letters(match[0], spelling) if spelling else match[0]

    return ASCII_WORD.sub(restore, title)


def _merge_letters(damaged: str, spelling: str) -> str:
    """The title's own letters (keeping its capitals) with the body's non-ASCII letters put back."""
    letters = iter(damaged)
    merged = "".join(next(letters) if char.isascii() else char for char in spelling)
    return merged.upper() if damaged.isupper() else merged


def _set_date(article: ParsedArticle, date_match: re.Match[str], timestamp: str | None) -> None:
    """The channel's timestamp (UTC; the channel names no zone of its own), else the date line."""
    if timestamp:
        moment = dates.parse_iso(timestamp)
        if moment is None or not dates.plausible(moment):
            article.warnings.append(f"impossible digest timestamp {timestamp!r}; date line used instead")
        else:
            if not TIMESTAMP_ZONE.search(timestamp):
                article.warnings.append("digest timestamp has no time zone; read as UTC")
            article.published_at = dates.in_zone(moment, UTC)
            article.date_source = "digest-timestamp"
            return
    day = dates.english_date(date_match["date"])
    if day is None:
        article.warnings.append(f"unreadable digest date {date_match['date']!r}")
        return
    article.published_date, article.date_source = day.isoformat(), "digest-date"

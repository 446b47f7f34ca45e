"""Best effort for any other file with readable text: first line as title, blocks as paragraphs.

Comes last in the parser order and accepts any non-blank text; the result carries a warning so the
builder marks the source as a warning rather than ok.
"""

from __future__ import annotations

import re

import yaml

from newsarchive.html_text import html_paragraphs
from newsarchive.model import ParsedArticle, ParseError
from newsarchive.parsers.curated import ParserData
from newsarchive.parsers.textutil import guess_language, join_wrapped, nonblank, stripped_lines

FORMAT = "generic"
WARNING = "no known format; best-effort generic parse"
MAX_TITLE = 300

HTML_HINT = re.compile(
    r"<(?:!doctype|html|head|body|p|div|br|article|section|span|h[1-6]|table|ul|li|a)[\s>/]", re.IGNORECASE
)
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<yaml>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
BLANK_LINES = re.compile(r"\n\s*\n")


def detect(text: str) -> bool:
    return bool(text.strip())


def parse(text: str, path: str, data: ParserData | None = None) -> ParsedArticle:
    """Best-effort article from any text (no curated data needed)."""
    if not text.strip():
        raise ParseError("empty file")
    meta_title, text = _front_matter(text)
    blocks = _html_blocks(text) if HTML_HINT.search(text) else _plain_blocks(text)
    if not blocks or not blocks[0]:
        raise ParseError("no readable text (markup only)")
    first_line = blocks[0][0]
    title = (meta_title or first_line)[:MAX_TITLE].strip()
    if not meta_title and len(first_line) <= MAX_TITLE:
        blocks[0] = blocks[0][1:]  # the title line is not also body text
    paragraphs = [join_wrapped(lines) for lines in blocks if lines] or [first_line]
    return ParsedArticle(
        format=FORMAT,
        title=title,
        paragraphs=paragraphs,
        language=guess_language(title + "\n" + "\n".join(paragraphs)),
        warnings=[WARNING],
    )


def _front_matter(text: str) -> tuple[str | None, str]:
    """A YAML front matter's title (if any) and the text after the front matter."""
    match = FRONT_MATTER.match(text)
    if not match:
        return None, text
    try:
        meta = yaml.safe_load(match["yaml"])
    except yaml.YAMLError:
        return None, text  # not front matter after all; keep it as text
    title = meta.get("title") if isinstance(meta, dict) else None
    return (str(title).strip() or None) if title else None, text[match.end() :]


def _plain_blocks(text: str) -> list[list[str]]:
    """Blank-line-separated blocks, each as its non-blank lines."""
    blocks = [nonblank(stripped_lines(block)) for block in BLANK_LINES.split(text)]
    return [block for block in blocks if block]


def _html_blocks(text: str) -> list[list[str]]:
    return [[paragraph] for paragraph in html_paragraphs(text) if paragraph.strip()]

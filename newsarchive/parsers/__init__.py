"""Input formats. Each parser module has the same small interface:

- ``FORMAT``: the name stored in ``sources.format`` and ``articles.format``;
- ``detect(text) -> bool``: whether the decoded text looks like this format;
- ``parse(text, path, data=None) -> ParsedArticle``: the article, or ``ParseError`` with a clear message;
  ``data`` is the curated data (``curated.load_parser_data(folder)``), the repository's when omitted.

``generic`` comes last: it accepts anything with text and marks its result as a best effort.
"""

from __future__ import annotations

from types import ModuleType

from newsarchive.model import ParsedArticle, ParseError
from newsarchive.parsers import digest, feed_mirror, generic, republished
from newsarchive.parsers.curated import ParserData

PARSERS: list[ModuleType] = [feed_mirror, digest, republished, generic]


def detect_format(text: str) -> ModuleType:
    """The first parser module that recognises the text."""
    for parser in PARSERS:
        if parser.detect(text):
            return parser
    raise ParseError("no parser recognises this file")


def parse(text: str, path: str, data: ParserData | None = None) -> ParsedArticle:
    """The article in a file of any known format."""
    return detect_format(text).parse(text, path, data)

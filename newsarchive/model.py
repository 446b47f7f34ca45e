"""The parsed shape every input format produces, before it reaches the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Image:
    src: str | None = None
    caption: str | None = None
    credit: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass
class Link:
    url: str
    text: str = ""


@dataclass
class ParsedArticle:
    """One article as a parser found it. Outlet names are raw strings; the builder resolves them."""

    format: str
    title: str
    paragraphs: list[str]
    language: str | None = None  # "en"/"zh"; guessed by the builder when None
    outlet: str | None = None  # who wrote it, as named in the file
    via: str | None = None  # digest channel or republisher it came through
    via_is_republisher: bool = False
    url: str | None = None
    original_url: str | None = None
    published_at: datetime | None = None  # timezone-aware; stored as UTC
    published_date: str | None = None  # YYYY-MM-DD when only a date is known
    date_source: str | None = None
    page_published_at: str | None = None  # a republisher page's own date, not the story's
    authors: list[str] = field(default_factory=list)
    # Translators named in a closing credit (譯者/编译): never authors, kept apart so that a wire story
    # credited only to its translator still names who put it into Chinese.
    translators: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    summary: str | None = None
    images: list[Image] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    is_excerpt: bool = False  # the page carries only the start of the text (a feed's teaser, cut off)
    warnings: list[str] = field(default_factory=list)  # non-fatal problems, shown in sources.message

    @property
    def body(self) -> str:
        return "\n\n".join(p for p in self.paragraphs if p)


class ParseError(Exception):
    """The file is not usable as an article; the message says why."""

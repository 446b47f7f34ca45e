"""Feed-mirror pages built from a few lines of HTML, for the parser tests of one layout each."""

from __future__ import annotations

from newsarchive.model import ParsedArticle
from newsarchive.parsers import feed_mirror


def page(url: str, html: str, title: str = "标题", author: str | None = None) -> ParsedArticle:
    """Parse one mirror page: the article's URL and title, its HTML, optionally a front-matter author."""
    front = f"---\ntitle: \"{title}\"\nauthor: {author}\n---\n" if author else ""
    text = f"{front}<!--1600000000000-->\n[{title}]({url})\n------\n<div>{html}</div>"
    return feed_mirror.parse(text, "page.md")

"""Reposts: a page that carries another outlet's story credits that outlet, the reposter becomes ``via``.

China Digital Times names its source before the title ("德国之声｜…", "【404文库】维舟 | …"); nei.st files
each post under the original publication's category and links the original with ``?source=URL``; RFI
carries news agencies' dispatches under their own dateline ("（法新社巴黎8日电）").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from newsarchive.outlets import Outlet, OutletDirectory
from newsarchive.parsers.feed_rules import OutletRules
from newsarchive.urls import http_url, query_value

CATEGORY_CLASS = re.compile(r"\bcategory-([a-z0-9-]+)")
CATEGORY_PATH = re.compile(r"^https?://[^/]+/medium/([a-z0-9-]+)/")
# What follows a writer's name signing the end of a text: a date, a place, or nothing.
SIGNATURE = re.compile(r"^\s*(?:[（(]?\d{4}\s*年|[于於写寫]|\s*$)")
SOURCE_LINE_REACH = 2  # a source line is the first or second paragraph (after a lead picture's caption)


@dataclass
class Repost:
    outlet: str | None  # the original outlet's name as the reposter writes it (or a curated name)
    title: str | None = None  # the title without the source's name, when the title carried it
    original_url: str | None = None
    writer: str | None = None  # the title named a writer (their own blog or account), not a publication


def from_title(title: str, rules: OutletRules) -> Repost | None:
    """A source named before the title: ``SOURCE｜TITLE`` (CDT's reposts)."""
    for pattern in rules.repost_titles:
        m = pattern.match(title)
        if m is None or not m.group("title").strip():
            continue
        source = m.group("source").strip()
        if source in rules.repost_writers:  # the writer's post: its author, and no other publication
            return Repost(outlet=None, title=m.group("title").strip(), writer=source)
        if not {source, (m.groupdict().get("column") or "").strip()} & rules.repost_not_sources:
            rest = m.group("title").strip()  # "SOURCE｜WRITER：title": the writer too
            return Repost(outlet=source, title=rest, writer=_curated_writer(rest, rules))
    writer = _curated_writer(title, rules)
    return Repost(outlet=None, writer=writer) if writer else None


def _colon_names(title: str, rules: OutletRules) -> Iterator[str]:
    """The names before a title's colon ("WRITER：title"), one per matching writer_titles pattern."""
    for pattern in rules.writer_titles:
        m = pattern.match(title)
        if m is not None and m.group("source"):
            yield m.group("source")


def _curated_writer(title: str, rules: OutletRules) -> str | None:
    """"WRITER：title": a colon usually introduces a speaker, so only a curated writer's name is read as
    the byline (the title stays as written)."""
    return next((name for name in _colon_names(title, rules) if name in rules.repost_writers), None)


def signed_title_writer(title: str, paragraphs: list[str], rules: OutletRules) -> str | None:
    """The name before a title's colon when the text is signed with it at its end ("陈某：…" and a last
    line "陈某2020年10月6日于…"): the writer, though no curated list names them."""
    last = paragraphs[-1] if paragraphs else ""
    return next((name for name in _colon_names(title, rules)
                 if last.startswith(name) and SIGNATURE.match(last[len(name):])), None)


def from_dateline(first: str, rules: OutletRules, outlets: OutletDirectory) -> Repost | None:
    """A news agency's dispatch carried as it is: its dateline opens the text ("（法新社巴黎8日电）")."""
    for wire in rules.wire_copies:
        if wire.pattern.search(first):
            agency = outlets.by_slug(wire.agency)
            if agency is not None:
                return Repost(outlet=agency.name)
    return None


def from_source_line(paragraphs: list[str], rules: OutletRules, outlets: OutletDirectory) -> Repost | None:
    """A source line opening or closing the text ("来源：新华社", CDT's reposts without a source in the
    title; Epoch Times' "（转自美国之音）"): a repost only when the line names a known outlet; anything else
    (a blog, an account) is left alone."""
    for text in [*paragraphs[:SOURCE_LINE_REACH], *paragraphs[SOURCE_LINE_REACH:][-1:]]:
        for pattern in rules.source_lines:
            m = pattern.match(text)
            outlet = outlets.resolve(m.group("source").strip()) if m else None
            if outlet is not None:
                return Repost(outlet=outlet.name)
    return None


def from_category(root: LexborNode, url: str | None, rules: OutletRules, outlets: OutletDirectory
                  ) -> Repost | None:
    """nei.st: the post's category names the original publication; its ``?source=`` link, the original."""
    if not rules.repost_categories:
        return None
    slugs = [rules.repost_categories[c] for c in _categories(root, url) if c in rules.repost_categories]
    outlet = outlets.by_slug(slugs[0]) if slugs else None
    if outlet is None:  # no publication category: a ?source= link to a known outlet's page names it
        return _linked_source(root, url, outlets)
    return Repost(outlet=outlet.name, original_url=_source_link(root, outlet, outlets))


def _linked_source(root: LexborNode, url: str | None, outlets: OutletDirectory) -> Repost | None:
    """The original named only by a ``?source=`` link to a curated outlet's page (not the reposter's own)."""
    home = outlets.by_url(url) if url else None
    for anchor in root.css("a[href*='source=http']"):
        source = http_url(query_value(anchor.attributes.get("href") or "", "source"))
        outlet = outlets.by_url(source) if source else None
        if outlet is not None and outlet is not home:
            anchor.decompose()
            return Repost(outlet=outlet.name, original_url=source)
    return None


def _categories(root: LexborNode, url: str | None) -> list[str]:
    """The post's categories in page order (a post may sit in a topic and a publication), then the
    URL's ``/medium/<category>/``."""
    article = root.css_first("article[class*='category-']")
    found = CATEGORY_CLASS.findall(article.attributes.get("class") or "") if article is not None else []
    m = CATEGORY_PATH.match(url or "")
    return [*found, m.group(1)] if m else found


def _source_link(root: LexborNode, outlet: Outlet, outlets: OutletDirectory) -> str | None:
    """The first ``?source=`` link that points at the credited outlet's own site; it leaves the page."""
    for anchor in root.css("a[href*='source=']"):
        source = http_url(query_value(anchor.attributes.get("href") or "", "source"))
        if source and outlets.by_url(source) is outlet:
            anchor.decompose()
            return source
    return None

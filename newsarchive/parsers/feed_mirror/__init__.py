"""Feed-mirror files: an RSS mirror's markdown wrapper around one outlet's article HTML.

Shape: optional YAML-like front matter (title, date, author = usually the outlet, from = URL, tags),
an ``<!--epoch-ms-->`` line, a markdown link ``[title](url)``, a ``------`` rule, then the HTML.
The HTML layout depends on the outlet and the year. What is furniture for which outlet (selectors,
boilerplate lines, title suffixes, byline patterns, time zones) is data: ``data/feed_mirror.yml``.
The passes live in their own modules: ``envelope`` (the markdown wrapper), ``bylines`` (authors and
dates), ``images``, ``body`` (text, title, links) and ``reposts`` (who wrote a reposted story).
"""

from __future__ import annotations

from dataclasses import dataclass

from newsarchive import dates
from newsarchive.html_text import (
    NOISE_TAGS,
    Block,
    clean_text,
    drop_nodes,
    parse_html,
    tame_nesting,
    text_blocks,
)
from newsarchive.model import Image, ParsedArticle, ParseError
from newsarchive.outlets import Outlet, OutletDirectory
from newsarchive.parsers.curated import ParserData, default_parser_data
from newsarchive.parsers.feed_mirror import body, bylines, images, reposts
from newsarchive.parsers.feed_mirror.envelope import (
    Envelope,
    detect,
    front_list,
    parse_front_matter,
    split_envelope,
    without_surrogates,
)
from newsarchive.parsers.feed_mirror.nodes import drop_containers, first_text
from newsarchive.parsers.feed_rules import OutletRules
from newsarchive.parsers.textutil import guess_language
from newsarchive.urls import url_host

FORMAT = "feed-mirror"
# A standfirst that summarises the article (nei.st's WordPress description, FT Chinese's lead).
SUMMARY_SELECTOR = "p.blog-post__description, .story-lead"

__all__ = ["FORMAT", "detect", "parse", "parse_front_matter", "split_envelope"]


@dataclass
class Page:
    """What the layout pass takes out of the outlet's HTML, before the body text is judged."""

    heading: str | None
    summary: str | None
    byline: bylines.Byline
    original_url: str | None
    images: list[Image]
    blocks: list[Block]
    repost: reposts.Repost | None
    barred: bool  # the page ends at a paywall: only the text before it is there


def parse(text: str, path: str, data: ParserData | None = None) -> ParsedArticle:
    """One feed-mirror file as an article, read with the curated data (default: the repository's)."""
    try:
        return _parse(text, path, data or default_parser_data())
    except ParseError:
        raise
    except Exception as exc:  # anything unexpected in odd HTML must not stop a build
        raise ParseError(f"feed-mirror parser failed: {type(exc).__name__}: {exc}") from exc


def _parse(text: str, path: str, data: ParserData) -> ParsedArticle:
    env = split_envelope(without_surrogates(text))
    warnings: list[str] = []
    url = env.url
    outlet, poster = _front_author(env.front.get("author"), url, data.outlets)
    home = _home_outlet(url, outlet, data.outlets)
    rules = data.feed_mirror.outlet(home.slug if home else None)
    page = _read_page(env.html, url, rules, data.outlets, warnings)
    blocks, text_authors, dropped = body.body_blocks(page.blocks, rules)
    page.summary, summary_authors = bylines.summary_byline(page.summary, rules)
    text_authors = summary_authors or text_authors
    if not blocks and page.summary:  # a teaser whose only text is its standfirst
        blocks = [Block(page.summary)]
    if not blocks and not body.is_picture_post(env.html, page.images):
        raise ParseError(body.empty_body_message(env.html, page.images, page.blocks))
    # A picture post (a photo of the day, a cartoon, a scanned document) has no text: it is kept with its
    # pictures and captions, and its empty body makes it a stub.
    title = body.choose_title(env.front.get("title"), env.link_title, page.heading)
    repost = (page.repost or reposts.from_title(title, rules)
              or (reposts.from_dateline(blocks[0].text, rules, data.outlets) if blocks else None)
              or reposts.from_source_line([b.text for b in blocks], rules, data.outlets))
    if repost is not None and repost.title:
        title = repost.title
    title = body.strip_title_furniture(title, rules)
    blocks = body.without_headline(blocks, title, rules)
    if not title:
        warnings.append("no title in front matter or link")
        title = blocks[0].text[:80] if blocks else ""
    if not title:
        raise ParseError("no title and no text: a picture post without a title")
    _check_url(url, env.html, warnings)
    found = bylines.instant(page.byline, env, rules, warnings)
    near = found.published_at.date() if found.published_at else None
    # The printed date is read before the closing credits go (CNA prints it after the editor's name).
    printed = page.byline.printed_date or bylines.printed_date([b.text for b in blocks], rules, near)
    if printed is None and page.byline.printed_day is not None:  # a byline's day without its year
        printed = dates.calendar_date(None, *page.byline.printed_day, near)
    blocks, credited, credits = body.without_end_credits(blocks, rules)
    blocks, inline = body.split_at_bylines(blocks, rules)
    blocks, signed = body.without_section_signatures(blocks, rules)
    text_authors = (text_authors or credited or inline or signed
                    or ([repost.writer] if repost and repost.writer else []))
    if not text_authors and (writer := reposts.signed_title_writer(title, [b.text for b in blocks], rules)):
        text_authors = [writer]
    paragraphs = [b.text for b in blocks]
    if repost is not None and home is not None and home.kind == "republisher":
        # The republisher's own date is its page's; the story's is the one it prints, if any.
        found.page_published_at = env.front.get("date") or None
        if printed is not None:
            found.published_at = None
    found = bylines.with_printed_date(found, printed, warnings)
    via = None
    if repost is not None and repost.outlet is not None:
        via, outlet, poster = (home.name if home else outlet), repost.outlet, []
    return ParsedArticle(
        format=FORMAT,
        title=title,
        paragraphs=paragraphs,
        language=guess_language(title + " " + " ".join(paragraphs)[:600]),
        outlet=outlet,
        via=via,
        url=url,
        original_url=page.original_url or (repost.original_url if repost else None),
        published_at=found.published_at,
        published_date=found.published_date,
        date_source=found.date_source,
        page_published_at=found.page_published_at,
        authors=bylines.with_bio_authors(
            # The account that posted a picture post wrote nothing: the picture's credit is its maker's.
            bylines.clean_authors(page.byline.authors or text_authors or (poster if paragraphs else []),
                                  outlet, data.outlets, rules),
            bylines.bio_authors(dropped, rules)),
        translators=bylines.clean_authors(
            [name for names in body.named_in(dropped + credits, rules.translators)
             for name in bylines.split_authors(names)], outlet, data.outlets, rules),
        summary=page.summary,
        tags=_tags(env, data.outlets),
        images=page.images,
        links=body.body_links(blocks, url),
        warnings=warnings,
        is_excerpt=page.barred or body.ends_at_heading(page.blocks, rules)
        or bool(paragraphs and rules.excerpt and rules.excerpt.search(paragraphs[-1])),
    )


def _tags(env: Envelope, outlets: OutletDirectory) -> list[str]:
    """Front-matter tags, without the mirror's copies of the author field and of the feed's name."""
    author = clean_text(env.front.get("author") or "")
    return [t for t in front_list(env.front.get("tags", "")) if t != author and outlets.resolve(t) is None]


def _front_author(author: str | None, url: str | None, outlets: OutletDirectory
                  ) -> tuple[str | None, list[str]]:
    """(outlet, post authors) from front-matter ``author``: usually the outlet's name, but on blog-style
    sites (CDT, Bitter Winter) the WordPress post author, a person or pen name. A name that is no known
    outlet, on a URL whose host is one, is taken as the post's author and the outlet is left to the URL."""
    author = clean_text(author or "")
    if not author or author.casefold() in ("unknown", "null", "none"):
        return None, []
    if outlets.resolve(author) is None and url and outlets.by_url(url) is not None:
        return None, [author]
    return author, []


def _home_outlet(url: str | None, outlet: str | None, outlets: OutletDirectory) -> Outlet | None:
    """The outlet whose page this is: by the URL's host, else by the front matter's name."""
    return (outlets.by_url(url) if url else None) or outlets.resolve(outlet)


def _read_page(html: str, url: str | None, rules: OutletRules, outlets: OutletDirectory,
               warnings: list[str]) -> Page:
    """Take byline, footer link, repost source and images out of the HTML, drop furniture, and read
    the text blocks."""
    html, nesting_warning = tame_nesting(html)
    if nesting_warning:
        warnings.append(nesting_warning)
    root = parse_html(html).body
    if root is None:
        raise ParseError("no HTML body after the feed-mirror header")
    if rules.media_captions:  # found by the player they caption, so before the players leave as noise
        drop_nodes(root, rules.media_captions)
    drop_nodes(root, NOISE_TAGS)
    heading = first_text(root, "h1")
    summary = first_text(root, SUMMARY_SELECTOR)
    drop_nodes(root, SUMMARY_SELECTOR)
    byline = bylines.take_byline(root, rules)
    original_url = body.take_original_link(root)
    repost = reposts.from_category(root, url, rules, outlets)
    drop_nodes(root, "footer")
    barred = bool(rules.excerpt_barrier and root.css_first(rules.excerpt_barrier))
    if rules.image_noise:  # boxes whose pictures are logos or other pages' thumbnails
        drop_nodes(root, rules.image_noise)
    for selector, gallery_heading in rules.related_galleries:
        images.drop_related_galleries(root, selector, gallery_heading)
    found_images = images.take_images(root, rules)  # before the noise: galleries sit in noisy boxes
    if rules.noise:
        drop_nodes(root, rules.noise)
    for marker, container in rules.noise_containers:
        drop_containers(root, marker, container)
    if rules.related_lists and url:
        body.drop_related_lists(root, rules.related_lists, url, outlets)
    body.drop_more_links(root)
    return Page(heading, summary or None, byline, original_url, found_images, text_blocks(root), repost,
                barred)


def _check_url(url: str | None, html: str, warnings: list[str]) -> None:
    if url is None:
        warnings.append("no article URL (link or from:)")
    elif not url_host(url):
        warnings.append(f"article URL has no usable host: {url[:200]}")
    tail = html.rstrip()
    if tail and not tail.endswith(">"):
        warnings.append("HTML looks truncated (no closing tag at the end)")


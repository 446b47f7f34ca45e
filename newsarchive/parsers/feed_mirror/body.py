"""The article text: blocks minus furniture, the title without site names, links that belong to it."""

from __future__ import annotations

import html
import re
from itertools import groupby

from selectolax.lexbor import LexborNode

from newsarchive.html_text import Block, clean_text
from newsarchive.model import Image, Link
from newsarchive.outlets import Outlet, OutletDirectory
from newsarchive.parsers.feed_mirror.bylines import text_byline
from newsarchive.parsers.feed_rules import OutletRules
from newsarchive.textnorm import normalize
from newsarchive.urls import http_url

MAX_BOILERPLATE_CHARS = 400
BYLINE_LINES = 2  # a byline is looked for in the first and the last three lines of text
REPEATED_RUN = 3  # this many paragraphs in a row repeating earlier ones word for word: the page's slip
# A paragraph wholly in Markdown bold (a subheading the mirror wrote as **…**): the markers go.
MARKDOWN_BOLD = re.compile(r"^\*\*(?P<text>[^*]+)\*\*$")
ORIGINAL_LINK_TEXT = re.compile(
    r"点击查看本文英文版|英文原文|英文版|Read (?:this|the) (?:article|story) in English"
)
TWITTER_PROFILE = re.compile(r"^https?://(?:www\.|mobile\.)?twitter\.com/[^/?#]+/?$", re.I)
TAG_LINK = re.compile(r"/tag/|/tags/", re.I)
ELLIPSIS = re.compile(r"\s*(?:\.{3,}|…+)\s*$")
WORD = re.compile(r"\w")
# Possessive: the two runs of spaces around the optional dots are not traded against each other, which
# took quadratic time on a link whose text is a long run of spaces (a mutated 200 KB page: 12 s).
MORE_LINK = re.compile(r"\s*+(?:\.{3}|…)?\s*+(?:more|閱讀全文|阅读全文|全文)\s*+")
NOT_A_WORD = re.compile(r"\W+")


def body_blocks(blocks: list[Block], rules: OutletRules) -> tuple[list[Block], list[str], list[str]]:
    """Blocks minus furniture, trailing credits and in-text bylines; plus authors named in the text
    and the lines that left as furniture or closing credits (read for translators and writers' bios)."""
    blocks = _before_tail(blocks, rules)
    if rules.inline_noise is not None:
        blocks = [Block(rules.inline_noise.sub("", b.text).strip(), b.links, b.tag)
                  if rules.inline_noise.search(b.text) else b for b in blocks]
    # Bylines are looked for in the first and last lines of the text proper: furniture (copyright
    # lines, feed footers) after a closing credit does not push the credit out of reach.
    furniture = [not WORD.search(b.text) or _is_boilerplate(b.text, rules) for b in blocks]
    text_count = furniture.count(False)
    authors: list[str] = []
    kept: list[Block] = []
    dropped: list[str] = []
    seen = 0  # blocks of text proper before this one
    for block, is_furniture in zip(blocks, furniture, strict=True):
        after = text_count - seen - (0 if is_furniture else 1)
        names, drop = text_byline(block.text, seen <= BYLINE_LINES or after <= BYLINE_LINES, rules)
        authors.extend(names)
        if not (drop or is_furniture):
            bold = MARKDOWN_BOLD.match(block.text)
            kept.append(Block(bold.group("text").strip(), block.links, block.tag) if bold else block)
        elif is_furniture and WORD.search(block.text):
            dropped.append(block.text)
        seen += not is_furniture
    while (
        len(kept) > 1
        and len(kept[-1].text) <= MAX_BOILERPLATE_CHARS
        and rules.tail_boilerplate.search(kept[-1].text)
    ):
        dropped.append(kept.pop().text)
    while len(kept) > 1 and _is_lead_note(kept[0].text, rules):
        kept.pop(0)  # a wire update note ("(新增…)") before the story proper
    return _without_repeated_runs(kept), authors, dropped


def _without_repeated_runs(blocks: list[Block]) -> list[Block]:
    """Runs of REPEATED_RUN or more paragraphs that repeat earlier ones word for word leave (the page
    carried part of its text twice); a single repeated line (a chart's source, a quote) stays."""
    first: dict[str, int] = {}
    repeated = [first.setdefault(block.text, index) < index for index, block in enumerate(blocks)]
    kept: list[Block] = []
    for is_repeat, pairs in groupby(zip(blocks, repeated, strict=True), key=lambda pair: pair[1]):
        run = [block for block, _ in pairs]
        if not (is_repeat and len(run) >= REPEATED_RUN):
            kept.extend(run)
    return kept


def _before_tail(blocks: list[Block], rules: OutletRules) -> list[Block]:
    """The blocks before the paragraph that starts the related-articles tail."""
    if rules.tail_start is not None:
        for index, block in enumerate(blocks[1:], 1):
            if rules.tail_start.match(block.text):
                return blocks[:index]
    return blocks


def without_end_credits(blocks: list[Block], rules: OutletRules
                        ) -> tuple[list[Block], list[str], list[str]]:
    """Credits and link labels cut from the end of paragraphs (CNA's "（編輯：X）1091217", "（看完整報導）");
    a paragraph that held only a credit leaves, and the one before it is then the last. Also the authors
    a credit names, and the credits cut (read for translators)."""
    authors: list[str] = []
    credits: list[str] = []
    kept: list[Block] = []
    for block in reversed(blocks):  # from the end: the last paragraph is the one with nothing kept after it
        text = _without_credits(block.text, rules, last=not kept, authors=authors)
        if text == block.text:
            kept.append(block)
            continue
        credits.append(block.text[len(text):])
        if WORD.search(text):
            kept.append(Block(text, block.links, block.tag))
    return (kept[::-1] or blocks), authors, credits


def named_in(lines: list[str], patterns: tuple[re.Pattern[str], ...]) -> list[str]:
    """The names (group "names") the patterns find in lines that left the body: translators in a
    closing credit (CNA's "（譯者：X/核稿：Y）"), writers in a closing bio (NYT's "X是《纽约时报》记者")."""
    return [m.group("names") for line in lines for pattern in patterns for m in pattern.finditer(line)]


def split_at_bylines(blocks: list[Block], rules: OutletRules) -> tuple[list[Block], list[str]]:
    """A byline set inside a paragraph, between the lead and the rest (RTI's "…。#記者X採訪報導#…"):
    the paragraph is split there, the byline leaves, and the authors it names are returned."""
    authors: list[str] = []
    for pattern in rules.inline_bylines:
        kept: list[Block] = []
        for block in blocks:
            parts, start = [], 0
            for m in pattern.finditer(block.text):
                authors.append(m.group("names"))
                parts.append(block.text[start:m.start()])
                start = m.end()
            if not parts:
                kept.append(block)
                continue
            parts.append(block.text[start:])
            for part in filter(WORD.search, map(str.strip, parts)):
                kept.append(Block(part, [link for link in block.links if link.text in part], block.tag))
        blocks = kept
    return blocks, authors


HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
SIGNATURE_LINES = 3  # a section's signature runs over at most this many short lines after its heading
SIGNATURE_LINE_CHARS = 40


def ends_at_heading(blocks: list[Block], rules: OutletRules) -> bool:
    """The page stops at a section's heading with nothing under it (nei.st's "01" before a transcript
    the page does not carry): only the start of the text is there."""
    last = blocks[-1] if blocks else None
    return bool(last and rules.excerpt_heading and last.tag in HEADING_TAGS
                and rules.excerpt_heading.fullmatch(last.text))


def without_section_signatures(blocks: list[Block], rules: OutletRules) -> tuple[list[Block], list[str]]:
    """A section signed by its writer right after its heading (BBC's "分析" box: "BBC驻北美记者 X（Y）" in
    one to three short lines, or in the heading after a dash): the signature leaves, the heading stays,
    and the writers are returned."""
    if not rules.section_signatures:
        return blocks, []
    authors: list[str] = []
    kept: list[Block] = []
    skip = 0
    for index, block in enumerate(blocks):
        if skip:
            skip -= 1
            continue
        kept.append(block)
        if block.tag not in HEADING_TAGS and len(block.text) > SIGNATURE_LINE_CHARS:
            continue  # a heading, or a short bold line standing for one ("<p><b>分析</b></p>")
        for heading, signature in rules.section_signatures:
            m = heading.match(block.text)
            if m is None:
                continue
            if m.groupdict().get("signature"):
                if signed := signature.fullmatch(m.group("signature").strip()):
                    authors.append(signed.group("names"))
                    heading_text = block.text[: m.start("signature")].rstrip(" -－–—")
                    kept[-1] = Block(heading_text, block.links, block.tag)
                break
            lines: list[str] = []
            for following in blocks[index + 1: index + 1 + SIGNATURE_LINES]:
                if len(following.text) > SIGNATURE_LINE_CHARS:
                    break
                lines.append(following.text)
                if signed := signature.fullmatch(" ".join(lines)):
                    authors.append(signed.group("names"))
                    skip = len(lines)
                    break
            break
    return kept, authors


def _without_credits(text: str, rules: OutletRules, last: bool, authors: list[str]) -> str:
    cut = True
    while cut and text:  # a label may be doubled: "（看完整報導）（看完整報導）"
        cut = False
        for credit in rules.end_credits:
            m = credit.pattern.search(text) if credit.where == "any" or last else None
            if m and m.end() == len(text) and m.start() < len(text):
                if m.groupdict().get("names"):
                    authors.append(m.group("names"))
                text, cut = text[: m.start()].rstrip(), True
    return text


def _is_lead_note(text: str, rules: OutletRules) -> bool:
    return len(text) <= MAX_BOILERPLATE_CHARS and rules.lead_notes.search(text)


def _is_boilerplate(text: str, rules: OutletRules) -> bool:
    # Site furniture is short; skipping long paragraphs keeps the many patterns cheap.
    return len(text) <= MAX_BOILERPLATE_CHARS and rules.boilerplate.search(text)


def without_headline(blocks: list[Block], title: str, rules: OutletRules) -> list[Block]:
    """The body without a first paragraph that only repeats the headline (BBC, VOA video captions), and,
    where the outlet's rules say so (RFI), without later ones too (the title of the page's player)."""
    # Only a paragraph about as long as the title can be it (folding is not free).
    while len(blocks) > 1 and _repeats(blocks[0].text, title):
        blocks = blocks[1:]
    if rules.title_repeats and len(fold(title)) >= 4:
        blocks = blocks[:1] + [b for b in blocks[1:] if not _repeats(b.text, title)]
    return blocks


def _repeats(text: str, title: str) -> bool:
    return abs(len(text) - len(title)) <= 8 and fold(text) == fold(title)


def fold(text: str) -> str:
    """Text compared loosely: script, width, case, spaces and punctuation do not matter."""
    return NOT_A_WORD.sub("", normalize(text).casefold())


def is_picture_post(page_html: str, images: list[Image]) -> bool:
    """A post whose whole content is its pictures (no video, no text): kept as a stub with them."""
    return bool(images) and "<iframe" not in page_html and "<video" not in page_html


def empty_body_message(page_html: str, images: list[Image], blocks: list[Block]) -> str:
    """Why there is no article text: a video or photo post, a link-only post, or nothing at all."""
    if "<iframe" in page_html or "<video" in page_html:
        return "no article text: a video post"
    if images:
        return f"no article text: the post holds only {len(images)} image(s)"
    if any("appeared first on" in b.text or "first appeared on" in b.text for b in blocks):
        return "no article text: a link-only post pointing to another site"
    return "no article text after removing layout and boilerplate"


# --- title ----------------------------------------------------------------------------------------


def choose_title(front: str | None, link: str | None, heading: str | None) -> str:
    """The fullest title: front matter and link text, whichever is not cut with '...'; a longer
    version that extends it (the other one, or the page's own heading) wins."""
    candidates = [t for t in (clean_title(front), clean_title(link)) if t]
    whole = [t for t in candidates if not ELLIPSIS.search(t)]
    title = (whole or candidates or [clean_title(heading)])[0]
    for longer in (*whole, clean_title(heading)):
        stem = ELLIPSIS.sub("", title)
        if stem and len(longer) > len(stem) and longer.startswith(stem):
            title = longer
    return title


def clean_title(title: str | None) -> str:
    """Entities left escaped by the feed (``&amp;#21328;``) decoded, spacing cleaned."""
    text = title or ""
    for _ in range(2):  # double-escaped entities need two passes
        if "&" not in text:
            break
        text = html.unescape(text)
    return clean_text(text)


def strip_title_furniture(title: str, rules: OutletRules) -> str:
    """The title without site names, section tags and stray trailing punctuation."""
    for pattern in rules.title_furniture:
        stripped = pattern.sub("", title).strip()
        if stripped:
            title = stripped
    return title


# --- links ----------------------------------------------------------------------------------------


def take_original_link(root: LexborNode) -> str | None:
    """The footer link to the original-language article; the link leaves the body."""
    for anchor in root.css("a[href]"):
        if ORIGINAL_LINK_TEXT.search(anchor.text()):
            href = http_url(anchor.attributes.get("href"))
            anchor.decompose()
            if href:
                return href
    return None


def drop_related_lists(root: LexborNode, selector: str, url: str, outlets: OutletDirectory) -> None:
    """Lists whose every item is only a link to another page of the same outlet: related articles."""
    home = outlets.by_url(url)
    for listing in root.css(selector):
        items = listing.css("li")
        if items and home is not None and all(_is_own_link_item(item, home, outlets) for item in items):
            listing.decompose()


def _is_own_link_item(item: LexborNode, home: Outlet, outlets: OutletDirectory) -> bool:
    anchors = item.css("a[href]")
    if len(anchors) != 1 or clean_text(anchors[0].text()) != clean_text(item.text()):
        return False
    href = http_url(anchors[0].attributes.get("href"))
    return href is not None and outlets.by_url(href) is home


def drop_more_links(root: LexborNode) -> None:
    """'...more' links that point a teaser back at its own page."""
    for anchor in root.css("a"):
        if MORE_LINK.fullmatch(anchor.text()):
            anchor.decompose()


def body_links(blocks: list[Block], url: str | None) -> list[Link]:
    """Outbound links of the kept text, each once; the article itself, profiles and tag pages left out."""
    links: list[Link] = []
    seen = {url} if url else set()
    for block in blocks:
        for link in block.links:
            if link.url in seen or TWITTER_PROFILE.match(link.url) or TAG_LINK.search(link.url):
                continue
            seen.add(link.url)
            links.append(link)
    return links

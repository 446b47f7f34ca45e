"""HTML → clean plain text, shared by the parsers.

The walk turns an element tree into *blocks*: one block per paragraph-like element or ``<br>``-separated
line, each with the outbound links found inside it, so a parser can drop a boilerplate line together
with its links. Scripts, styles, iframes and form controls never reach the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from newsarchive.model import Link
from newsarchive.textnorm import CJK_WIDE_CLASS
from newsarchive.urls import http_url

# Elements whose content is never article text.
NOISE_TAGS = (
    "script, style, iframe, noscript, svg, button, form, input, select, textarea, object, embed, "
    "video, audio, canvas, template, link, meta, head, title"
)

# Elements that start a new block of text (everything else is inline and joins its neighbours).
BLOCK_TAGS = frozenset(
    {
        *("p", "div", "section", "article", "header", "footer", "main", "nav", "aside", "address", "center"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "hr"),
        *("figure", "figcaption", "picture", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption"),
        *("details", "summary", "body", "html"),
    }
)

_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u2000-\u200a\u202f\u205f]+")
# Characters that show nothing: zero-width spaces and joiners between words, soft hyphens, direction
# marks and embeddings, the byte order mark. They break searches ("早\u200c安") and are dropped. The
# zero-width joiner and variation selectors stay: emoji are drawn with them.
_INVISIBLE = re.compile(
    r"[\u00ad\u180e\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# A space typed before full-width punctuation ("3,800% 。") is a layout slip: the mark carries its own space.
# The spaces must follow a non-space; that check comes after the first space, so the pattern starts with a
# character set and the regex engine can skip ahead to the next space instead of trying every position.
_SPACE_BEFORE_WIDE_MARK = re.compile(
    r"[ \u00a0\u3000](?<=\S.)[ \u00a0\u3000]*(?=[。，、；：！？）」』】》〉])")
# Pretty-printed HTML puts line breaks between inline tags; a line break (with its indentation) between
# two CJK characters is an artefact, not a word gap. Spaces typed on one line are kept.
_CJK = CJK_WIDE_CLASS
_CJK_LINE_GAP = re.compile(f"(?<=[{_CJK}])[ \\t]*\\r?\\n\\s*(?=[{_CJK}])")


@dataclass
class Block:
    """One paragraph-like piece of text and the links inside it."""

    text: str
    links: list[Link] = field(default_factory=list)
    tag: str = ""  # the block element that holds the text ("p", "li", "h2", ...; "" for bare text)


# lexbor's tree building slows down quadratically with nesting depth (100k nested <div>s take minutes),
# so pathologically deep HTML is flattened before parsing. Real articles nest a few dozen levels.
MAX_DEPTH = 400
_DEPTH_CHECK_MIN_TAGS = 2000
# Possessive: a tag left open to the end of a long text ("<aaaa…") is given up at once, not retried for
# every split between its name and the rest (quadratic: 80,000 letters took 6 s).
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*+)[^>]*+>")
_VOID_TAGS = frozenset({"br", "img", "hr", "meta", "link", "input", "wbr", "source", "area", "col", "embed"})
_LAYOUT_TAGS = re.compile(
    r"</?(?:div|span|b|i|u|em|strong|font|section|article|center|small|big|a|li|ul|ol|table|tr|td)\b[^>]*>",
    re.I,
)
MAX_TAG_CHARS = 20_000  # real tags (long srcset lists included) stay far below this
_HUGE_TAG = re.compile(rf"<[^<>]{{{MAX_TAG_CHARS},}}>")
_ANY_TAG = re.compile(r"<[^>]*>")


def parse_html(html: str) -> LexborHTMLParser:
    return LexborHTMLParser(html)


def nesting_depth(html: str, limit: int = MAX_DEPTH) -> int:
    """Deepest element nesting, counted from tags (stops counting once past ``limit``)."""
    depth = deepest = 0
    for match in _TAG.finditer(html):
        if match.group(2).lower() in _VOID_TAGS:
            continue
        depth += -1 if match.group(1) else 1
        deepest = max(deepest, depth)
        if deepest > limit:
            break
    return deepest


def tame_nesting(html: str) -> tuple[str, str | None]:
    """HTML safe to hand to the parser, and a warning when it had to be changed. A single tag with
    thousands of attributes is as slow to parse as deep nesting, so such tags go too."""
    html, huge = _HUGE_TAG.subn(" ", html)
    notes = [f"{huge} tag(s) longer than {MAX_TAG_CHARS} characters dropped"] if huge else []
    if html.count("<") >= _DEPTH_CHECK_MIN_TAGS and nesting_depth(html) > MAX_DEPTH:
        flat = _LAYOUT_TAGS.sub(" ", html)
        if nesting_depth(flat) <= MAX_DEPTH:
            html = flat
            notes.append(f"HTML nested more than {MAX_DEPTH} levels deep; layout tags were flattened")
        else:
            html = _ANY_TAG.sub(" ", flat)
            notes.append(f"HTML nested more than {MAX_DEPTH} levels deep; all tags were dropped")
    return html, "; ".join(notes) or None


def clean_text(text: str) -> str:
    """Collapse whitespace, drop invisible characters, layout line breaks between CJK characters and spaces
    before full-width punctuation, strip."""
    text = _INVISIBLE.sub("", text)
    if "\n" in text:  # the gap pattern (a line break) is rare in a block; the test is cheaper than the scan
        text = _CJK_LINE_GAP.sub("", text)
    text = _SPACES.sub(" ", text)
    return _SPACE_BEFORE_WIDE_MARK.sub("", text).strip()


def drop_nodes(root: LexborNode, selector: str) -> None:
    """Remove every element matching a CSS selector (with its subtree)."""
    for node in root.css(selector):
        node.decompose()


def text_blocks(root: LexborNode) -> list[Block]:
    """Blocks of clean text in document order; empty blocks are left out."""
    blocks: list[Block] = []
    parts: list[str] = []
    links: list[Link] = []
    open_blocks = [""]  # tags of the block elements we are inside, innermost last

    def flush() -> None:
        if not parts:  # most flushes: a block element right after another one
            links.clear()
            return
        text = clean_text("".join(parts).replace(_LINK_START, ""))
        if text:
            blocks.append(Block(text, list(links), open_blocks[-1]))
        parts.clear()
        links.clear()

    # Iterative walk: (node, entering) pairs; a block element flushes on the way in and out.
    stack: list[tuple[LexborNode, bool]] = [(root, True)]
    while stack:
        node, entering = stack.pop()
        tag = node.tag
        if not entering:
            if tag == "a":
                _close_link(node, parts, links)
            else:
                flush()
                open_blocks.pop()
            continue
        if tag == "-text":
            parts.append(node.text_content or "")
            continue
        if tag == "br":
            flush()
            continue
        if tag in BLOCK_TAGS:
            flush()
            open_blocks.append(tag)
            stack.append((node, False))
        elif tag == "a":
            parts.append(_LINK_START)
            stack.append((node, False))
        elif tag in ("-comment", "img") or tag is None:
            continue
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, True) for c in reversed(children))
    flush()
    return blocks


# Marks where an <a> started inside the running text, so its text can be cut out when it closes.
_LINK_START = "\x00"


def _close_link(node: LexborNode, parts: list[str], links: list[Link]) -> None:
    """Record the link that just closed (text = what was added since its start marker)."""
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] == _LINK_START:
            text = clean_text("".join(parts[i + 1 :]).replace(_LINK_START, ""))
            parts[i] = ""
            break
    else:  # the link started in an earlier block (a block element inside <a>)
        text = ""
    url = http_url(node.attributes.get("href"))
    if url:
        links.append(Link(url=url, text=text))


def html_paragraphs(html: str) -> list[str]:
    """Plain-text paragraphs of an HTML fragment, noise removed."""
    tree = parse_html(tame_nesting(html)[0])
    root = tree.body or tree.root
    if root is None:
        return []
    drop_nodes(root, NOISE_TAGS)
    return [b.text for b in text_blocks(root)]

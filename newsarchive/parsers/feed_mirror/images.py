"""The article's own images with their captions and credits; logos, icons and dividers are left out."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from newsarchive.html_text import clean_text
from newsarchive.model import Image
from newsarchive.parsers.feed_mirror.nodes import first_child, next_element, same, to_int
from newsarchive.parsers.feed_rules import OutletRules
from newsarchive.urls import is_cut_off, unwrap_image_proxy

CREDIT_SELECTOR = "cite, .aesop-cap-cred, [class*='credit'], [class*='copyright']"
CAPTION_SELECTOR = "figcaption, .picinfo, .wp-caption-text, [class*='caption']"
INLINE_TAGS = frozenset({"-text", "b", "strong", "a", "span", "em", "i", "u", "sup", "sub"})


def take_images(root: LexborNode, rules: OutletRules) -> list[Image]:
    """Every article image with its caption and credit; caption elements leave the body."""
    images: list[Image] = []
    seen: set[str] = set()
    for img in root.css("img"):
        attrs = img.attributes
        src = unwrap_image_proxy(attrs.get("data-src") or attrs.get("src"))
        if src is None or is_cut_off(src):
            # No picture to show (no address, or one cut off before its extension): its caption, written
            # under a chart or photo the page never had, is no paragraph of the text either.
            if (caption_node := _caption_node(img)) is not None:
                caption_node.decompose()
            continue
        if src in seen or (rules.skip_images and rules.skip_images.search(src)):
            continue
        seen.add(src)
        caption_node = _caption_node(img)
        if caption_node is not None:  # an empty caption element shows nothing: the alt text stays hidden
            caption, credit = _caption_and_credit(caption_node, rules)
            caption_node.decompose()
        elif rules.gallery_captions and (gallery := _gallery_caption(img)):
            caption, credit = split_credit(gallery, rules)
        else:
            caption, credit = split_credit(clean_text(attrs.get("alt") or attrs.get("title") or ""), rules)
        if caption and rules.junk_captions and rules.junk_captions.fullmatch(caption):
            caption = None
        images.append(
            Image(
                src=src,
                caption=caption,
                credit=credit,
                width=to_int(attrs.get("width")),
                height=to_int(attrs.get("height")),
            )
        )
    return images


def drop_related_galleries(root: LexborNode, selector: str, heading: re.Pattern[str]) -> None:
    """A gallery of another story shown inside the article (DW's "相关图集：…" heading followed by picture
    boxes): the heading and the picture boxes right after it leave the page."""
    for node in root.css(selector):
        if not heading.match(clean_text(node.text())):
            continue
        box = next_element(node)
        while box is not None and box.css_first("img") is not None and box.css_first("p") is None:
            following = next_element(box)
            box.decompose()
            box = following
        node.decompose()


def _gallery_caption(img: LexborNode) -> str | None:
    """A gallery's caption written after its picture: ``<img><b>Title</b>：text`` up to the next block;
    the caption leaves the body (it belongs to the picture)."""
    start = next_element(img)
    # The bold title may stand on the picture's next line (DW: "<img><br><b>Title</b>：text").
    heading = next_element(start) if start is not None and start.tag == "br" else start
    if heading is None or heading.tag not in ("b", "strong") or not _same_line(img, heading):
        return None
    parts: list[str] = []
    node: LexborNode | None = heading
    doomed = [start] if start is not heading else []
    while node is not None and node.tag in INLINE_TAGS:
        parts.append(node.text() if node.tag != "-text" else node.text_content or "")
        doomed.append(node)
        node = node.next
    for item in doomed:
        item.decompose()
    return clean_text("".join(parts)) or None


def _same_line(img: LexborNode, heading: LexborNode) -> bool:
    """Only blank text (and at most one line break) between the picture and the bold title that opens
    its caption."""
    node = img.next
    breaks = 0
    while node is not None and (node.tag == "-text" or (node.tag == "br" and breaks == 0)):
        breaks += node.tag == "br"
        node = node.next
    return same(node, heading)


def _caption_node(img: LexborNode) -> LexborNode | None:
    """The element captioning an image: a caption inside the image's own small container, or the
    element right after the image (or after its container), e.g. the mirror's ``<div><small>``."""
    node = img
    for _ in range(4):
        sibling = next_element(node)
        if sibling is not None and _is_caption(sibling):
            return sibling
        parent = node.parent
        if parent is None or parent.tag in ("body", "html") or len(parent.css("img")) > 1:
            return None
        found = parent.css_first(CAPTION_SELECTOR)
        if found is not None:
            return found
        node = parent
    return None


def _is_caption(node: LexborNode) -> bool:
    if node.css_matches(CAPTION_SELECTOR):
        return True
    small = node.css_first("small")
    return node.tag == "div" and small is not None and same(first_child(node), small)


def _caption_and_credit(node: LexborNode, rules: OutletRules) -> tuple[str | None, str | None]:
    # A credit box around a credit element (BBC's copyright container) would name the credit twice.
    found = [c for c in node.css(CREDIT_SELECTOR) if len(c.css(CREDIT_SELECTOR)) == 1]  # (matches itself)
    credits = [clean_text(c.text()) for c in found]
    for c in found:
        c.decompose()
    caption = clean_text(node.text(separator=" "))
    credit = " ".join(c for c in credits if c) or None
    text, written = split_credit(caption, rules)
    if credit is None or written is None:
        return (text, written) if credit is None else (caption or None, credit)
    # A credit at the caption's end as well as the credit element (RFA: "…（记者X摄）" and "Photo: RFA").
    return text, f"{written} / {credit}"


def split_credit(caption: str, rules: OutletRules) -> tuple[str | None, str | None]:
    """Caption text and the credit written at its end (``（路透社）``, ``中央社記者X攝 109年1月1日``,
    ``图像来源，Getty Images``, ``（X提供）中央社記者Y傳真 110年1月12日``): the outlet's caption_credits
    rules, first match wins; a credit in two parts is joined with " / ". A group "keep" (the day a photo
    was taken, VOA's "（路透社2020年5月1日资料照）") stays with the caption in brackets, not in the credit."""
    if not caption.strip():
        return None, None
    for pattern in rules.caption_credits:
        m = pattern.match(caption)
        if m is None:
            continue
        parts = [m.group(name).strip() for name in ("credit", "credit2") if m.groupdict().get(name)]
        keep = (m.groupdict().get("keep") or "").strip()
        if keep and not parts:
            return caption, None  # only a date: nothing in the brackets is a credit
        if parts:
            text = (m.group("caption") or "").strip()
            return (f"{text}（{keep}）" if keep else text) or None, " / ".join(parts)
    return caption, None

"""Small helpers over selectolax nodes, shared by the byline, image and body passes."""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from newsarchive.html_text import clean_text


def elements(node: LexborNode) -> list[LexborNode]:
    """Element children (text and comments skipped)."""
    result = []
    child = node.child
    while child is not None:
        if child.tag not in ("-text", "-comment"):
            result.append(child)
        child = child.next
    return result


def leading_block(root: LexborNode) -> LexborNode | None:
    """The first block of the page: down the chain of first children while they are wrapper <div>s
    (the mirror wraps the page in one; broken pages close it early, so siblings do not matter)."""
    found = elements(root)
    node = found[0] if found else None
    while node is not None and node.tag == "div":
        inner = first_child(node)
        if inner is None or inner.tag != "div":
            break
        node = inner
    return node


def first_child(node: LexborNode) -> LexborNode | None:
    """First child that is an element or non-blank text."""
    child = node.child
    while child is not None and (
        child.tag == "-comment" or (child.tag == "-text" and not (child.text_content or "").strip())
    ):
        child = child.next
    return child


def same(a: LexborNode | None, b: LexborNode | None) -> bool:
    """Whether two handles point at the same element."""
    return a is not None and b is not None and a.mem_id == b.mem_id


def blank_text(node: LexborNode) -> bool:
    """No non-blank text directly inside node."""
    child = node.child
    while child is not None:
        if child.tag == "-text" and (child.text_content or "").strip():
            return False
        child = child.next
    return True


def next_element(node: LexborNode) -> LexborNode | None:
    """The next sibling element, unless non-blank text stands between them."""
    sibling = node.next
    while sibling is not None and sibling.tag in ("-text", "-comment"):
        if sibling.tag == "-text" and (sibling.text_content or "").strip():
            return None
        sibling = sibling.next
    return sibling


def first_text(root: LexborNode, selector: str) -> str | None:
    """Clean text of the first element matching a selector."""
    node = root.css_first(selector)
    return clean_text(node.text()) if node is not None else None


def drop_containers(root: LexborNode, marker: str, container: str) -> None:
    """Remove the nearest ``container`` ancestor of every element matching ``marker``."""
    doomed: dict[int, LexborNode] = {}
    for node in root.css(marker):
        parent = node.parent
        while parent is not None and parent.tag != container:
            parent = parent.parent
        if parent is not None:
            doomed[parent.mem_id] = parent
    for node in doomed.values():
        node.decompose()


def to_int(value: str | None) -> int | None:
    """A pixel size attribute as an int (``100%`` and the like give None)."""
    if value and value.strip().isdigit():
        return int(value.strip())
    return None

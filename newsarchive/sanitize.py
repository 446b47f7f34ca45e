"""Guards for hostile HTML before it reaches the HTML parser.

lexbor (selectolax) builds the tree in time quadratic in nesting depth for some elements and in the
attribute count of one tag: 100,000 nested ``<div>`` take minutes, one tag with 20,000 attributes
seconds. Real articles nest a few dozen levels and carry a handful of attributes, so tags nested deeper
than MAX_DEPTH and oversized tags are dropped (their text stays) and parsing stays near linear.
"""

from __future__ import annotations

import re

MAX_DEPTH = 256
MAX_TAG_CHARS = 4000
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)([^<>]*)>")
# Void elements and elements whose end tag is usually omitted: they never build a deep tree.
FLAT = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option",
})


def bound_html(html: str, max_depth: int = MAX_DEPTH) -> str:
    """The HTML without tags nested deeper than max_depth or longer than MAX_TAG_CHARS (text is kept)."""
    pieces: list[str] = []
    depth, kept_from = 0, 0
    for match in TAG.finditer(html):
        closing, name, rest = match.groups()
        drop = len(rest) > MAX_TAG_CHARS
        if not drop and name.lower() not in FLAT and not rest.endswith("/"):
            if closing:
                drop = depth > max_depth  # closes a tag that was dropped for its depth
                depth = max(depth - 1, 0)
            else:
                depth += 1
                drop = depth > max_depth
        if drop:
            pieces.append(html[kept_from:match.start()])
            kept_from = match.end()
    if not pieces:
        return html
    pieces.append(html[kept_from:])
    return "".join(pieces)

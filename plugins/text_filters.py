"""Jinja filters for showing article text and metadata safely (output stays autoescaped)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from datasette import hookimpl

# The project's one definition of a Chinese character (the repository is not an installed package).
REPO_ROOT = str(Path(__file__).resolve().parents[1])
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from newsarchive.textnorm import CJK_CHAR  # noqa: E402
from newsarchive.urls import http_url  # noqa: E402 - javascript: or data: URLs never reach an href or src

BLANK_LINE = re.compile(r"\n\s*\n")


def paragraphs(body: str | None) -> list[str]:
    """Body text split on blank lines into non-empty paragraphs."""
    return [p.strip() for p in BLANK_LINE.split(body or "") if p.strip()]


def with_figures(paragraphs: list[str], figures: list) -> list[tuple[str, object]]:
    """Paragraphs as ("p", text) with ("figure", image) items spread evenly between them, in order.

    The archive knows each image's order but not the paragraph it stood by, so images are placed at even
    intervals rather than stacked above the text; any image left over (no text) comes last.
    """
    items: list[tuple[str, object]] = []
    every = len(paragraphs) / (len(figures) + 1) if figures else 0
    placed = 0
    for index, paragraph in enumerate(paragraphs, start=1):
        items.append(("p", paragraph))
        while placed < len(figures) and index >= round(every * (placed + 1)):
            items.append(("figure", figures[placed]))
            placed += 1
    items.extend(("figure", figure) for figure in figures[placed:])
    return items


def has_cjk(text: str | None) -> bool:
    """Does the text contain a Chinese character? (For lang attributes on names of either language.)"""
    return bool(CJK_CHAR.search(text or ""))


def json_list(value: str | None) -> list:
    """A JSON array column (authors, tags, aliases) as a list; anything else as an empty list."""
    try:
        loaded = json.loads(value or "[]")
    except ValueError:
        return []
    return loaded if isinstance(loaded, list) else []


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["paragraphs"] = paragraphs
    env.filters["json_list"] = json_list
    env.filters["with_figures"] = with_figures
    env.tests["cjk"] = has_cjk
    env.filters["http_url"] = http_url

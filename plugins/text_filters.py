"""Jinja filters for showing article text and metadata safely (output stays autoescaped)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from datasette import hookimpl

BLANK_LINE = re.compile(r"\n\s*\n")


def paragraphs(body: str | None) -> list[str]:
    """Body text split on blank lines into non-empty paragraphs."""
    return [p.strip() for p in BLANK_LINE.split(body or "") if p.strip()]


def json_list(value: str | None) -> list:
    """A JSON array column (authors, tags, aliases) as a list; anything else as an empty list."""
    try:
        loaded = json.loads(value or "[]")
    except ValueError:
        return []
    return loaded if isinstance(loaded, list) else []


def http_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None, so javascript: or data: URLs never reach an href or src."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:  # e.g. "http://[" (an unclosed IPv6 host): not a link we can show
        return None
    return url.strip() if scheme in ("http", "https") else None


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["paragraphs"] = paragraphs
    env.filters["json_list"] = json_list
    env.filters["http_url"] = http_url

"""The mirror's markdown envelope around the outlet's HTML: front matter, epoch comment, title link, rule."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from newsarchive.html_text import clean_text

FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
EPOCH_LINE = re.compile(r"\A\s*<!--\s*(\d{9,14})\s*-->[ \t]*\r?\n?")
LINK_LINE = re.compile(r"\A\s*\[(.*)\]\(\s*(\S*?)\s*\)[ \t]*(?:\r?\n|\Z)")
RULE_LINE = re.compile(r"\A\s*-{3,}[ \t]*(?:\r?\n|\Z)")


@dataclass
class Envelope:
    front: dict[str, str] = field(default_factory=dict)
    epoch_ms: int | None = None
    link_title: str | None = None
    link_url: str | None = None
    html: str = ""

    @property
    def url(self) -> str | None:
        """The article's URL: the title link's, else front matter ``from``."""
        if (self.link_url or "").startswith("http"):
            return self.link_url
        return self.front.get("from") or None


def split_envelope(text: str) -> Envelope:
    """Front matter, epoch comment, title link and rule, then the HTML; each part optional."""
    env = Envelope()
    rest = text
    if m := FRONT_MATTER.match(rest):
        env.front = parse_front_matter(m.group(1))
        rest = rest[m.end() :]
    if m := EPOCH_LINE.match(rest):
        env.epoch_ms = int(m.group(1))
        rest = rest[m.end() :]
    if m := LINK_LINE.match(rest):
        env.link_title, env.link_url = m.group(1).strip(), m.group(2)
        rest = rest[m.end() :]
        if m := RULE_LINE.match(rest):
            rest = rest[m.end() :]
    env.html = rest
    return env


def parse_front_matter(block: str) -> dict[str, str]:
    """``key: value`` lines; quoted values unescaped, ``[ a, b ]`` lists kept as their text."""
    front: dict[str, str] = {}
    for line in block.splitlines():
        key, sep, value = line.partition(":")
        if not sep or not key.strip().isidentifier():
            continue
        front[key.strip()] = _unquote(value.strip())
    return front


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            return str(json.loads(value))
        except ValueError:
            return value[1:-1]
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def detect(text: str) -> bool:
    """A feed-mirror file: a title link or ``from:`` URL, then HTML."""
    env = split_envelope(text[:5000])
    has_link = env.link_url is not None and env.link_url.startswith("http")
    has_from = env.front.get("from", "").startswith("http")
    return (has_link or has_from) and env.html.lstrip().startswith("<")


def front_list(value: str) -> list[str]:
    """A front-matter ``[ a, b ]`` list as clean items."""
    return [t for t in (clean_text(t) for t in value.strip().strip("[]").split(",")) if t]


def without_surrogates(text: str) -> str:
    """Lone surrogates (from lenient decoding) cannot be stored as UTF-8; they become U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return text

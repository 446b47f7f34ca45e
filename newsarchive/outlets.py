"""Curated outlets from data/outlets.yml: resolve a raw outlet name or a URL to one known outlet."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from newsarchive.textnorm import is_cjk, normalize

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "outlets.yml"
KINDS = ("publisher", "aggregator", "mirror", "republisher")
# Characters that may sit between an outlet's name and a title in a digest's "Outlet-Title" line.
SEPARATORS = " \t\u00a0-–—:|｜"


@dataclass(frozen=True)
class Outlet:
    slug: str
    name: str
    kind: str
    name_zh: str | None = None
    homepage: str | None = None
    hosts: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutletPrefix:
    """A known outlet found at the start of a line, as written there, and the text after it."""

    outlet: Outlet
    prefix: str
    rest: str


def alias_key(name: str) -> str:
    """How names compare: full/half width, traditional/simplified, case and whitespace do not matter."""
    return "".join(normalize(name).casefold().split())


def _char_class(char: str) -> str:
    if is_cjk(char):
        return "cjk"
    return "word" if char.isalnum() else "other"


def _is_boundary(line: str, end: int) -> bool:
    """A name may end at `end` unless it would cut a word ("AP" in "APEC", "内" in "内蒙古")."""
    if end >= len(line):
        return True
    before, after = _char_class(line[end - 1]), _char_class(line[end])
    return "other" in (before, after) or before != after


class OutletDirectory:
    def __init__(self, outlets: Iterable[Outlet]) -> None:
        self.outlets = list(outlets)
        self._by_slug = {outlet.slug: outlet for outlet in self.outlets}
        self._by_key = _alias_index(self.outlets)
        self._by_host = {host.lower(): outlet for outlet in self.outlets for host in outlet.hosts}

    def __iter__(self) -> Iterator[Outlet]:
        return iter(self.outlets)

    def __len__(self) -> int:
        return len(self.outlets)

    def by_slug(self, slug: str) -> Outlet | None:
        return self._by_slug.get(slug)

    def resolve(self, name: str | None, url: str | None = None) -> Outlet | None:
        """The outlet called `name` (any alias), else the one whose host serves `url`."""
        if name:
            outlet = self._by_key.get(alias_key(name))
            if outlet:
                return outlet
        return self.by_url(url) if url else None

    def by_url(self, url: str) -> Outlet | None:
        """Most specific host first, so cn.nytimes.com is not taken for nytimes.com."""
        try:
            host = urlsplit(url.strip()).hostname
        except ValueError:
            return None
        if not host:
            return None
        parts = host.lower().rstrip(".").split(".")
        for start in range(len(parts) - 1):
            outlet = self._by_host.get(".".join(parts[start:]))
            if outlet:
                return outlet
        return None

    def split_prefix(self, line: str) -> OutletPrefix | None:
        """The longest known outlet name that starts `line` and ends on a word boundary."""
        for end in range(len(line), 0, -1):
            outlet = self._by_key.get(alias_key(line[:end]))
            if outlet and _is_boundary(line, end):
                return OutletPrefix(outlet, line[:end].strip(SEPARATORS), line[end:].strip(SEPARATORS))
        return None


def _alias_index(outlets: list[Outlet]) -> dict[str, Outlet]:
    """alias key -> outlet. Explicit aliases beat other outlets' names; any other clash is a data error."""
    names: dict[str, Outlet] = {}
    aliases: dict[str, Outlet] = {}
    for outlet in outlets:
        for name in (outlet.slug, outlet.name, outlet.name_zh):
            if name:
                _claim(names, alias_key(name), outlet, name)
        for alias in outlet.aliases:
            _claim(aliases, alias_key(alias), outlet, alias)
    return names | aliases


def _claim(index: dict[str, Outlet], key: str, outlet: Outlet, written: str) -> None:
    owner = index.setdefault(key, outlet)
    if owner is not outlet:
        raise ValueError(f"outlet name {written!r} belongs to both {owner.slug!r} and {outlet.slug!r}")


def _outlet_from_entry(entry: dict) -> Outlet:
    missing = [key for key in ("slug", "name", "kind") if not entry.get(key)]
    if missing:
        raise ValueError(f"outlet entry {entry!r} lacks {', '.join(missing)}")
    if entry["kind"] not in KINDS:
        raise ValueError(f"outlet {entry['slug']!r}: kind {entry['kind']!r} is not one of {KINDS}")
    return Outlet(
        slug=entry["slug"],
        name=entry["name"],
        kind=entry["kind"],
        name_zh=entry.get("name_zh"),
        homepage=entry.get("homepage"),
        hosts=tuple(entry.get("hosts") or ()),
        aliases=tuple(str(alias) for alias in entry.get("aliases") or ()),
    )


def load_outlets(path: Path | str) -> OutletDirectory:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    outlets = [_outlet_from_entry(entry) for entry in data.get("outlets") or []]
    slugs = [outlet.slug for outlet in outlets]
    duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if duplicates:
        raise ValueError(f"duplicate outlet slugs: {', '.join(duplicates)}")
    return OutletDirectory(outlets)


@lru_cache(maxsize=1)
def default_directory() -> OutletDirectory:
    """The project's curated list, loaded once (parsers that need known outlet names use this)."""
    return load_outlets(DEFAULT_PATH)

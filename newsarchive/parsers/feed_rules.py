"""Feed-mirror layout rules from ``data/feed_mirror.yml``: what is page furniture, outlet by outlet.

Every rule names the outlets it applies to (curated slugs, or ``all``) and carries an example it must
match. The parser asks for one outlet's rules (``rules.outlet(slug)``) and gets them compiled together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

ALL = "all"
# Rule kinds whose entries are regular expressions under "pattern".
PATTERN_KINDS = (
    "title_furniture",
    "tail_start",
    "boilerplate",
    "tail_boilerplate",
    "text_bylines",
    "summary_bylines",
    "skip_images",
    "junk_captions",
    "printed_dates",
    "lead_notes",
    "repost_titles",
    "end_credits",
    "caption_credits",
    "wire_copies",
    "not_authors",
    "related_galleries",
    "excerpts",
    "inline_bylines",
    "translators",
    "bio_authors",
    "source_lines",
    "section_signatures",
    "writer_titles",
    "excerpt_headings",
    "inline_noise",
)
SELECTOR_KINDS = (
    "media_captions", "noise", "image_noise", "noise_containers", "time_elements", "related_lists",
    "gallery_captions", "excerpt_barriers",
)


class LinePatterns:
    """Many regexes tested against one line: anchored ones (``^...``) in one ``match``, the rest in one
    ``search``, so a long alternation is not retried at every position of every paragraph."""

    def __init__(self, patterns: list[str], flags: int = 0) -> None:
        starts = [p[1:] for p in patterns if p.startswith("^")]
        anywhere = [p for p in patterns if not p.startswith("^")]
        self._start = re.compile("|".join(f"(?:{p})" for p in starts), flags) if starts else None
        self._anywhere = re.compile("|".join(f"(?:{p})" for p in anywhere), flags) if anywhere else None

    def search(self, text: str) -> bool:
        """Whether any of the patterns matches the text."""
        return bool(
            (self._start is not None and self._start.match(text))
            or (self._anywhere is not None and self._anywhere.search(text))
        )


@dataclass(frozen=True)
class TextByline:
    pattern: re.Pattern[str]  # group "names" holds the author names
    drop: bool  # the line itself is furniture and leaves the body
    places: tuple[str, ...]  # places a dateline glues to the reporter's name; longest first


@dataclass(frozen=True)
class PrintedDate:
    pattern: re.Pattern[str]  # groups year (optional), month, day
    where: str  # "first" or "last" paragraph
    within_days: int | None  # a date further than this from the feed time is a typo, not the story's date


@dataclass(frozen=True)
class EndCredit:
    pattern: re.Pattern[str]  # anchored at the paragraph's end; optional group "names" holds authors
    where: str  # "last" paragraph only, or "any" paragraph


@dataclass(frozen=True)
class WireCopy:
    pattern: re.Pattern[str]  # the agency's dateline opening the first paragraph
    agency: str  # the agency's outlet slug


@dataclass(frozen=True)
class OutletRules:
    """One outlet's rules (its own plus those for all outlets), compiled."""

    zone: ZoneInfo | None
    byline_zone: ZoneInfo | None  # the zone unmarked byline times are written in, when not the outlet's own
    media_captions: str | None  # captions of a video or audio clip, read before the players leave
    noise: str
    image_noise: str | None
    noise_containers: tuple[tuple[str, str], ...]
    time_elements: str | None
    related_lists: str | None  # lists dropped when every item is only a link to the same outlet
    gallery_captions: bool  # <img><b>Title</b>：text is a picture and its caption
    title_furniture: tuple[re.Pattern[str], ...]
    tail_start: re.Pattern[str] | None
    boilerplate: LinePatterns
    tail_boilerplate: LinePatterns
    text_bylines: tuple[TextByline, ...]
    summary_bylines: tuple[re.Pattern[str], ...]  # group "names": the author opening the standfirst
    skip_images: re.Pattern[str] | None
    junk_captions: re.Pattern[str] | None
    printed_dates: tuple[PrintedDate, ...]
    lead_notes: LinePatterns
    repost_titles: tuple[re.Pattern[str], ...]
    repost_not_sources: frozenset[str]
    repost_writers: frozenset[str]  # sources before a title that are a writer, not a publication
    repost_categories: dict[str, str]
    writer_titles: tuple[re.Pattern[str], ...]  # "WRITER：title": group source, read only for repost_writers
    end_credits: tuple[EndCredit, ...]
    caption_credits: tuple[re.Pattern[str], ...]  # groups caption, credit (and credit2): first match wins
    wire_copies: tuple[WireCopy, ...]
    not_authors: re.Pattern[str] | None  # names that are never a person's (whole name, any case)
    related_galleries: tuple[tuple[str, re.Pattern[str]], ...]  # (heading selector, heading text)
    # (selector, text pattern): a byline element of its own; groups names, month, day (year optional)
    byline_elements: tuple[tuple[str, re.Pattern[str]], ...]
    excerpt: re.Pattern[str] | None  # the end of a last paragraph the page cut off (a feed's teaser)
    excerpt_barrier: str | None  # a paywall's box: the page carries only the text before it
    inline_noise: re.Pattern[str] | None  # cut from inside paragraphs (Reuters' story codes)
    title_repeats: bool  # a later paragraph repeating the headline is a player's title, not text
    excerpt_heading: re.Pattern[str] | None  # a section heading the page ends with: the text stops there
    inline_bylines: tuple[re.Pattern[str], ...]  # a byline inside a paragraph; group "names": its authors
    translators: tuple[re.Pattern[str], ...]  # in a credit that leaves the body; group "names"
    bio_authors: tuple[re.Pattern[str], ...]  # in a closing bio that leaves the body; group "names"
    source_lines: tuple[re.Pattern[str], ...]  # a repost's "来源：X" line opening the text; group "source"
    # (heading, signature): a section whose heading matches is signed by its writer in the lines after it
    # (or in the heading's group "signature"); the signature's group "names" is the writer
    section_signatures: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]


class FeedMirrorRules:
    """All rules of the data file; ``outlet(slug)`` compiles (once) the set that applies to one outlet."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self._compiled: dict[str | None, OutletRules] = {}

    def entries(self, kind: str) -> list[dict[str, Any]]:
        """The raw rules of one kind, as written in the data file."""
        return list(self.data.get(kind) or [])

    def outlet(self, slug: str | None) -> OutletRules:
        """The rules for one outlet slug (None: an unknown outlet gets only the rules for all)."""
        if slug not in self._compiled:
            self._compiled[slug] = self._compile(slug)
        return self._compiled[slug]

    def _for(self, kind: str, slug: str | None) -> list[dict[str, Any]]:
        return [rule for rule in self.entries(kind) if ALL in rule["outlets"] or slug in rule["outlets"]]

    def _patterns(self, kind: str, slug: str | None) -> list[str]:
        return [rule["pattern"] for rule in self._for(kind, slug)]

    def _compile(self, slug: str | None) -> OutletRules:
        zone_rules = [rule for rule in self._for("time_zones", slug) if ALL not in rule["outlets"]]
        zones = [rule["zone"] for rule in zone_rules]
        written = [rule["times_in"] for rule in zone_rules if rule.get("times_in")]
        times = [rule["selector"] for rule in self._for("time_elements", slug)]
        reposts = self._for("reposts", slug)
        return OutletRules(
            zone=ZoneInfo(zones[0]) if zones else None,
            byline_zone=ZoneInfo(written[0]) if written else None,
            media_captions=", ".join(rule["selector"] for rule in self._for("media_captions", slug)) or None,
            noise=", ".join(rule["selector"] for rule in self._for("noise", slug)),
            image_noise=", ".join(rule["selector"] for rule in self._for("image_noise", slug)) or None,
            noise_containers=tuple(
                (rule["marker"], rule["container"]) for rule in self._for("noise_containers", slug)
            ),
            time_elements=", ".join(times) or None,
            gallery_captions=bool(self._for("gallery_captions", slug)),
            related_lists=", ".join(rule["selector"] for rule in self._for("related_lists", slug)) or None,
            title_furniture=tuple(re.compile(p) for p in self._patterns("title_furniture", slug)),
            tail_start=_one_regex(self._patterns("tail_start", slug)),
            boilerplate=LinePatterns(self._patterns("boilerplate", slug)),
            tail_boilerplate=LinePatterns(self._patterns("tail_boilerplate", slug), re.IGNORECASE),
            text_bylines=tuple(
                TextByline(re.compile(rule["pattern"]), bool(rule.get("drop")),
                           tuple(sorted(rule.get("places") or (), key=len, reverse=True)))
                for rule in self._for("text_bylines", slug)
            ),
            summary_bylines=tuple(re.compile(p) for p in self._patterns("summary_bylines", slug)),
            skip_images=_one_regex(self._patterns("skip_images", slug), re.IGNORECASE),
            junk_captions=_one_regex(self._patterns("junk_captions", slug), re.IGNORECASE),
            printed_dates=tuple(
                PrintedDate(re.compile(rule["pattern"]), rule.get("where", "first"), rule.get("within_days"))
                for rule in self._for("printed_dates", slug)
            ),
            lead_notes=LinePatterns(self._patterns("lead_notes", slug)),
            repost_titles=tuple(re.compile(p) for p in self._patterns("repost_titles", slug)),
            repost_not_sources=frozenset(
                name for rule in reposts for name in rule.get("not_sources") or ()
            ),
            repost_writers=frozenset(name for rule in reposts for name in rule.get("writers") or ()),
            repost_categories={
                key: value for rule in reposts for key, value in (rule.get("categories") or {}).items()
            },
            writer_titles=tuple(re.compile(p) for p in self._patterns("writer_titles", slug)),
            end_credits=tuple(
                EndCredit(re.compile(rule["pattern"]), rule.get("where", "last"))
                for rule in self._for("end_credits", slug)
            ),
            caption_credits=tuple(re.compile(p) for p in self._patterns("caption_credits", slug)),
            wire_copies=tuple(
                WireCopy(re.compile(rule["pattern"]), rule["agency"])
                for rule in self._for("wire_copies", slug)
            ),
            not_authors=_one_regex(self._patterns("not_authors", slug), re.IGNORECASE),
            related_galleries=tuple(
                (rule["selector"], re.compile(rule["pattern"]))
                for rule in self._for("related_galleries", slug)
            ),
            byline_elements=tuple(
                (rule["selector"], re.compile(rule["pattern"])) for rule in self._for("byline_elements", slug)
            ),
            excerpt=_one_regex(self._patterns("excerpts", slug)),
            excerpt_barrier=", ".join(
                rule["selector"] for rule in self._for("excerpt_barriers", slug)) or None,
            inline_noise=_one_regex(self._patterns("inline_noise", slug)),
            title_repeats=bool(self._for("title_repeats", slug)),
            excerpt_heading=_one_regex(self._patterns("excerpt_headings", slug)),
            inline_bylines=tuple(re.compile(p) for p in self._patterns("inline_bylines", slug)),
            translators=tuple(re.compile(p) for p in self._patterns("translators", slug)),
            bio_authors=tuple(re.compile(p) for p in self._patterns("bio_authors", slug)),
            source_lines=tuple(re.compile(p) for p in self._patterns("source_lines", slug)),
            section_signatures=tuple(
                (re.compile(rule["pattern"]), re.compile(rule["signature"]))
                for rule in self._for("section_signatures", slug)
            ),
        )


def _one_regex(patterns: list[str], flags: int = 0) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags) if patterns else None


def load_feed_mirror_rules(path: Path) -> FeedMirrorRules:
    """Read and check the rules file: every rule names its outlets; patterns compile; zones exist."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    for kind, rules in data.items():
        for rule in rules or []:
            if not rule.get("outlets"):
                raise ValueError(f"{path}: a {kind} rule names no outlets: {rule!r}")
            if kind in PATTERN_KINDS:
                re.compile(rule["pattern"])
            if kind == "time_zones":
                ZoneInfo(rule["zone"])
                ZoneInfo(rule.get("times_in") or rule["zone"])
    return FeedMirrorRules(data)

"""Which country's institution a bare name means: 外交部, 国防部, 国会 ... decided by the text around it.

The rules and their order are described in data/institutions.yml, which also holds the names, the
country words, the datelines, the outlets' home countries and worked examples. The matcher hands over
its settled matches; this module reads the context of each bare name and says which organization it
links to (or none, when the context does not make the country clear).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from newsarchive.textnorm import is_cjk, normalize

LOCAL = "local"  # a city, state or province right before the name: a local body (宾州最高法院)
NEAR_PLACE_GAP = 2  # Chinese characters allowed between a country's name and an institution (捷克已故参议院)
NEWLINE = re.compile("\n")
SENTENCE_ENDS = frozenset("。！？!?\n")
PUNCTUATION = frozenset("。，,；;：:！!？?、（）()「」『』“”\"《》\n")


@dataclass(frozen=True)
class InstitutionRules:
    """data/institutions.yml, normalised."""

    bare_names: dict[str, dict[str, str]]  # bare name -> country code -> organization slug
    titles: dict[str, str]  # title containing a bare name (国防部长) -> that bare name
    country_words: dict[str, str]  # word -> country code
    fillers: tuple[str, ...]
    list_separators: frozenset[str]
    speaker_gap: int
    topic_share: float  # the topic country has at least this share of the article's country mentions
    topic_lead: float  # ... and this many times as many as the next country
    topic_minimum: int  # ... and at least this many
    datelines: tuple[re.Pattern[str], ...]
    outlet_home: dict[str, str]
    examples: list[dict[str, Any]] = field(default_factory=list)


def load_rules(path: Path) -> InstitutionRules:
    """Read data/institutions.yml (a missing file means no bare names)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    data = data or {}
    words = {normalize(word): code for code, items in (data.get("country_words") or {}).items()
             for word in items}
    return InstitutionRules(
        bare_names={normalize(name): dict(by_country)
                    for name, by_country in (data.get("bare_names") or {}).items()},
        titles={normalize(title): normalize(name) for title, name in (data.get("titles") or {}).items()},
        country_words=words,
        fillers=tuple(sorted((normalize(word) for word in data.get("fillers") or []), key=len, reverse=True)),
        list_separators=frozenset(normalize(word) for word in data.get("list_separators") or []),
        speaker_gap=int(data.get("speaker_gap", 0)),
        topic_share=float((data.get("topic") or {}).get("share", 1)),
        topic_lead=float((data.get("topic") or {}).get("lead", 1)),
        topic_minimum=int((data.get("topic") or {}).get("minimum", 1)),
        datelines=tuple(re.compile(pattern, re.MULTILINE) for pattern in data.get("datelines") or []),
        outlet_home=dict(data.get("outlet_home") or {}),
        examples=list(data.get("examples") or []),
    )


class Match(Protocol):
    """What the resolver needs of a settled match (entities._Hit)."""

    start: int
    end: int  # inclusive
    kind: str  # people / organizations / places / outlets, or "" when unlinked
    slug: str
    country: str  # the entity's country code ("" for international bodies and world regions)
    local: bool  # places: a city, state or province (not a country, Taiwan, Hong Kong or Macau)
    bare: str  # the bare institution name this match is, if any
    title: str  # the bare name inside a title this match is (国防部长 -> 国防部), if any
    rule: str  # set here: which clue decided a bare name


@dataclass
class _Evidence:
    position: int
    paragraph: int
    country: str


class Resolver:
    """Links the bare institution names of one article."""

    def __init__(self, rules: InstitutionRules) -> None:
        self.rules = rules
        self._longest_word = max(map(len, rules.country_words), default=0)
        self._groups: dict[str, list[tuple[str, str]]] = {}  # organization slug -> (bare name, country)
        for name, by_country in rules.bare_names.items():
            for country, slug in by_country.items():
                self._groups.setdefault(slug, []).append((name, country))

    def resolve(self, text: str, matches: list[Match], outlet: str | None) -> None:
        """Set kind/slug/rule of every bare match, in text order (earlier decisions inform later ones)."""
        if not any(match.bare or match.title for match in matches):
            return
        breaks = [found.start() for found in NEWLINE.finditer(text)]
        evidence: dict[str, list[_Evidence]] = {}
        dateline = self._dateline_country(text, matches)
        topic = self._topic(matches)
        for index, match in enumerate(matches):
            group = match.bare or match.title
            if match.kind == "organizations" and not group:
                for name, country in self._groups.get(match.slug, ()):
                    evidence.setdefault(name, []).append(
                        _Evidence(match.start, bisect_right(breaks, match.start), country))
                continue
            if not group:
                continue
            paragraph = bisect_right(breaks, match.start)
            country, rule = self._decide(text, matches, index, group, paragraph, evidence,
                                         (dateline, topic, outlet), title=bool(match.title))
            if not country:
                continue
            if rule in ("prefix", "list", "speaker", "paragraph"):
                evidence.setdefault(group, []).append(_Evidence(match.start, paragraph, country))
            slug = self.rules.bare_names.get(group, {}).get(country)
            if match.bare and slug:
                match.kind, match.slug, match.country, match.rule = "organizations", slug, country, rule

    def _decide(self, text: str, matches: list[Match], index: int, group: str, paragraph: int,
                evidence: dict[str, list[_Evidence]], article: tuple[str, str, str | None],
                title: bool) -> tuple[str, str]:
        match = matches[index]
        if match.title and match.country:  # 美国国防部长: the title holds its country
            return match.country, "prefix"
        previous = matches[index - 1] if index else None
        country = self._prefix(text, match, previous)
        if country:
            return (country, "prefix") if country != LOCAL else ("", "")
        country = "" if title else self._listed_after(text, match, previous)
        if country:
            return country, "list"
        country = self._speaker(text, matches, index)
        if country or title:  # a title says nothing more about the article's bare names
            return country, "speaker"
        earlier = evidence.get(group, [])
        if earlier and earlier[-1].paragraph == paragraph:
            return earlier[-1].country, "paragraph"
        candidates = self.rules.bare_names.get(group, {})
        dateline, topic, outlet = article
        # Any country the text points at counts, even one without this institution (then it stays
        # unlinked); where the story was written counts only for a country that has it.
        clues = {code for code in (earlier[-1].country if earlier else "",
                                   self._subject(text, matches, index), topic) if code}
        place = dateline or self.rules.outlet_home.get(outlet or "", "")  # a dateline outranks the home
        if place in candidates:
            clues.add(place)
        if len(clues) == 1 and next(iter(clues)) in candidates:
            return next(iter(clues)), "article"
        return "", ""

    def _topic(self, matches: list[Match]) -> str:
        """The country most of the article's places, people and organizations belong to, if one clearly
        leads."""
        counts: dict[str, int] = {}
        for match in matches:
            if match.country and match.kind in ("places", "people", "organizations") and not match.bare:
                counts[match.country] = counts.get(match.country, 0) + 1
        if not counts:
            return ""
        ranked = sorted(counts.items(), key=lambda item: -item[1])
        country, count = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0
        total = sum(counts.values())
        rules = self.rules
        leads = count >= rules.topic_share * total and count >= rules.topic_lead * second
        return country if leads and count >= rules.topic_minimum else ""

    def _prefix(self, text: str, match: Match, previous: Match | None) -> str:
        """The country named right before the name (after fillers such as 的), or LOCAL, or ""."""
        position = match.start
        for _ in range(2):
            filler = next((word for word in self.rules.fillers if text.endswith(word, 0, position)), "")
            if not filler:
                break
            position -= len(filler)
        if previous is not None and previous.kind == "places" and previous.end < position:
            gap = text[previous.end + 1:position]
            if len(gap) <= NEAR_PLACE_GAP and all(map(is_cjk, gap)):
                if previous.local:
                    return LOCAL if not gap else ""
                if previous.country:
                    return previous.country
        if previous is not None and previous.end + 1 == position and previous.kind == "organizations":
            return previous.country  # inside an institution of that country: 美国国会参议院
        for length in range(min(self._longest_word, position), 0, -1):
            word = text[position - length:position]
            if word in self.rules.country_words:
                return self.rules.country_words[word]
        return ""

    def _listed_after(self, text: str, match: Match, previous: Match | None) -> str:
        """The country of the institution just before in a list: 美国国务院、财政部和商务部."""
        if previous is None or previous.kind != "organizations" or not previous.country:
            return ""
        gap = text[previous.end + 1:match.start]
        return previous.country if gap in self.rules.list_separators else ""

    def _speaker(self, text: str, matches: list[Match], index: int) -> str:
        """The country of the person named right after: 国防部发言人史顺文."""
        match = matches[index]
        for following in matches[index + 1:]:
            gap = text[match.end + 1:following.start]
            if len(gap) > self.rules.speaker_gap or any(char in PUNCTUATION for char in gap):
                return ""
            if following.kind == "people":
                return following.country
        return ""

    def _subject(self, text: str, matches: list[Match], index: int) -> str:
        """The country of the last person named before the name in the same sentence (特朗普在国会)."""
        for before in reversed(matches[:index]):
            if any(char in SENTENCE_ENDS for char in text[before.end + 1:matches[index].start]):
                return ""
            if before.kind == "people":
                return before.country
        return ""

    def _dateline_country(self, text: str, matches: list[Match]) -> str:
        """The country of the last national or local place inside a dateline near the start."""
        head = text[:400]
        for pattern in self.rules.datelines:
            found = pattern.search(head)
            if not found:
                continue
            places = [match for match in matches if match.kind == "places" and match.country
                      and found.start() <= match.start and match.end < found.end()]
            if places:
                return places[-1].country
        return ""


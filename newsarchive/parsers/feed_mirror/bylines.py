"""Bylines and dates: who wrote the article and when, from the page's byline, its text and the envelope."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from selectolax.lexbor import LexborNode

from newsarchive import dates
from newsarchive.html_text import clean_text, text_blocks
from newsarchive.outlets import OutletDirectory
from newsarchive.parsers.feed_mirror.envelope import Envelope
from newsarchive.parsers.feed_mirror.nodes import blank_text, first_child, leading_block
from newsarchive.parsers.feed_rules import OutletRules
from newsarchive.textnorm import CJK_CLASS

RFI_BYLINE = re.compile(r"^(\d{2})/(\d{2})/(\d{4}) - (\d{2}):(\d{2})$")
AUTHOR_SPLIT = re.compile(r"\s*(?:[,，、;；/／\\&]|\band\b|\s和\s|(?<=[A-Za-z])和(?=[A-Za-z]))\s*")
AUTHOR_ROLE = re.compile(
    r"[（(][^）)]*[)）]"
    r"|^(?:(?:null|None)\s+)?(?:(?:采访|特约|实习|資深|资深)?(?:记者|記者)\s*[:：/]?\s*|(?:撰文|作者)[:：/]?\s*|文[:：/]\s*)?"
    r"|\s*(?:综合报导|综合报道|综合|采访|编译|整理|报导|报道|摘译|摘编)$"
)
CJK_NAME = re.compile(f"[{CJK_CLASS}·•]+")
STALE_DAYS = 7  # a feed time this far from the date the page prints belongs to a repost of an old story
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T00:00(?::00)?(?:\.0+)?(?:Z|[+-]00:?00)?)?$")


@dataclass
class Byline:
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    source: str | None = None
    printed_date: date | None = None  # a date the page prints without a time (Economist, BBC)
    printed_day: tuple[int, int] | None = None  # (month, day) printed without a year: dated by the feed time


@dataclass
class Dates:
    published_at: datetime | None = None  # in the outlet's own zone
    published_date: str | None = None  # set only when the page prints a date of its own
    date_source: str | None = None
    page_published_at: str | None = None  # the page's own date-time as printed, ISO 8601


def take_byline(root: LexborNode, rules: OutletRules) -> Byline:
    """Author and time from the first byline-shaped element found; the element leaves the body."""
    zone = rules.byline_zone or rules.zone or UTC
    byline = Byline()
    for take in (_byline_address_time, _byline_feed_italic, _byline_rfi, _byline_person_list):
        found = take(root, zone)
        if found is not None:
            byline = found
            break
    if rules.time_elements and byline.published_at is None:
        _time_element(root, rules.time_elements, zone, byline)
    if not byline.authors:
        _byline_element(root, rules, byline)
    return byline


def _byline_element(root: LexborNode, rules: OutletRules, byline: Byline) -> None:
    """A byline in an element of its own, read before the box holding it leaves as noise (CNA's column
    box: "中央社駐柏林特派員X／12月23日"): its authors, and the day it prints."""
    for selector, pattern in rules.byline_elements:
        node = root.css_first(selector)
        m = pattern.match(clean_text(node.text())) if node is not None else None
        if m is None:
            continue
        byline.authors = split_authors(m.group("names"))
        parts = m.groupdict()
        if parts.get("month"):
            month, day = int(parts["month"]), int(parts["day"])
            if parts.get("year"):
                byline.printed_date = dates.calendar_date(int(parts["year"]), month, day, None)
            else:
                byline.printed_day = (month, day)
        node.decompose()
        return


def _byline_address_time(root: LexborNode, zone: tzinfo) -> Byline | None:
    """2023+ cn.nytimes: ``<address>AUTHOR</address><time pudate="local time">``."""
    address = root.css_first("address")
    pudate = root.css_first("time[pudate]")
    if address is None and pudate is None:
        return None
    byline = Byline()
    if address is not None:
        byline.authors = split_authors(address.text())
        address.decompose()
    if pudate is not None:
        byline.published_at = dates.parse_datetime(pudate.attributes.get("pudate") or "", zone)
        byline.source = "time-element" if byline.published_at else None
        pudate.decompose()
    return byline


def _byline_feed_italic(root: LexborNode, zone: tzinfo) -> Byline | None:
    """The mirror's 2020 byline: ``<div><i>AUTHORS<br>DATE</i></div>`` as the first element."""
    first = leading_block(root)
    if first is None or first.tag != "div" or len(first.text()) > 300:
        return None
    italic = first_child(first)
    if italic is None or italic.tag != "i" or not blank_text(first):
        return None
    byline = Byline()
    for line in (block.text for block in text_blocks(italic)):
        when = dates.parse_datetime(line, zone) if line else None
        if when is not None:
            byline.published_at, byline.source = when, "byline"
        elif line and not re.search(r"\d{4}\s*年", line):
            byline.authors = split_authors(line)
    first.decompose()
    return byline


def _byline_rfi(root: LexborNode, zone: tzinfo) -> Byline | None:
    """RFI: ``<div>dd/mm/yyyy - HH:MM</div>`` in the outlet's local time as the first element."""
    first = leading_block(root)
    if first is None or first.tag != "div":
        return None
    m = RFI_BYLINE.match(first.text(strip=True))
    if not m:
        return None
    day, month, year, hour, minute = map(int, m.groups())
    first.decompose()
    try:
        when = datetime(year, month, day, hour, minute, tzinfo=zone)
    except ValueError:
        return Byline()
    return Byline(published_at=when, source="byline")


def _byline_person_list(root: LexborNode, zone: tzinfo) -> Byline | None:
    """BBC: ``<ul class="…Person…"><li class="…Name…">NAME</li><li class="…Title…">ROLE</li></ul>``."""
    people = root.css_first("ul[class*='Person']")
    if people is None:
        return None
    names = [clean_text(li.text()) for li in people.css("li[class*='Name']")]
    people.decompose()
    return Byline(authors=[n for n in names if n])


def _time_element(root: LexborNode, selector: str, zone: tzinfo, byline: Byline) -> None:
    """A ``<time datetime>`` the page prints: a date (Economist print date, BBC) or a full time."""
    node = root.css_first(selector)
    if node is None:
        return
    value = (node.attributes.get("datetime") or "").strip()
    if not value:  # a date written out ("Dec 4th 2019")
        byline.printed_date = dates.english_date(clean_text(node.text()))
    elif DATE_ONLY.match(value):
        byline.printed_date = dates.calendar_date(int(value[:4]), int(value[5:7]), int(value[8:10]), None)
    elif (when := dates.parse_datetime(value, zone)) is not None:
        byline.published_at, byline.source = when, "time-element"


# --- authors named in the text ------------------------------------------------------------------


def text_byline(text: str, near_an_end: bool, rules: OutletRules) -> tuple[list[str], bool]:
    """Authors named in a line near the start or end of the text (作者：X, 大纪元记者X报导,
    中央社記者X台北N日電, DW's "X/Y（综合报导）", RFA's "记者X 责编…"), and whether the line is only a
    byline (then it leaves the body)."""
    if not near_an_end:
        return [], False
    for byline in rules.text_bylines:
        m = byline.pattern.search(text)
        if m:
            return names_in(m.group("names"), byline.places), byline.drop
    return [], False


def summary_byline(summary: str | None, rules: OutletRules) -> tuple[str | None, list[str]]:
    """The standfirst without an author's name that opens it, and that name (FT Chinese "林一木：…")."""
    for pattern in rules.summary_bylines:
        m = pattern.match(summary or "")
        if m:
            return summary[m.end() :] or None, [m.group("names")]
    return summary, []


def names_in(written: str, places: tuple[str, ...]) -> list[str]:
    """Names from a byline. A dateline's place glued to a name ("林小華台北", "戴雅真布魯塞爾") is cut off
    and a place standing alone ("倫敦" of "布魯塞爾/倫敦") is no name; Chinese names listed with spaces
    ("吕熙 文海欣") are split."""
    names: list[str] = []
    for name in split_authors(written.rstrip("－-／/ ")):
        parts = name.split()  # Chinese names listed with spaces; a name written "徐 媛" stays one
        if not all(CJK_NAME.fullmatch(p) and len(p) >= 2 for p in parts):
            parts = [name]
        names.extend(clean_text(AUTHOR_ROLE.sub("", part)) for part in parts)
    if places:
        names = [_without_place(name, places) for name in names if name not in places]
        last = names[-1] if names else ""
        if len(last) >= 5 and CJK_NAME.fullmatch(last) and "·" not in last:
            names[-1] = last[:3]  # a place we do not know: Chinese names are mostly three characters
    return [n for n in names if n]


def _without_place(name: str, places: tuple[str, ...]) -> str:
    """The name without the places glued after it ("李怡欣台湾台北": both go)."""
    stripped = True
    while stripped:
        stripped = False
        for place in places:
            if name.endswith(place) and len(name) - len(place) >= 2:
                name, stripped = name[: -len(place)], True
                break
    return name


def bio_authors(lines: list[str], rules: OutletRules) -> list[tuple[str, str | None]]:
    """Writers of a closing bio that left the body ("王五(Wang Wu)是《纽约时报》记者"): (name, the other
    form of the name given in brackets, if any)."""
    found: list[tuple[str, str | None]] = []
    for line in lines:
        for pattern in rules.bio_authors:
            m = pattern.match(line)
            if m:
                alias = m.groupdict().get("alias")
                found += [(name, alias) for name in split_authors(m.group("names"))]
    return found


def with_bio_authors(authors: list[str], bios: list[tuple[str, str | None]]) -> list[str]:
    """The byline's authors plus every writer with a closing bio whom the byline does not name already
    (under either form of the name): a co-writer named only at the end is an author too."""
    known = {name.casefold() for name in authors}
    named = [({name.casefold()} | ({alias.casefold()} if alias else set()), name) for name, alias in bios]
    # A byline in transliteration ("罗杰·科恩") whose bio gives the name only in Latin letters ("Roger
    # Cohen"): that bio is the byline writer's own, not a co-writer's.
    unmatched = [a for a in authors if "·" in a and not any(a.casefold() in forms for forms, _ in named)]
    result = list(authors)
    for forms, name in named:
        if forms & known or any(_same_but_cut(name.casefold(), other) for other in known):
            continue
        if unmatched and name.isascii():
            unmatched.pop(0)
        else:
            result.append(name)
        known |= forms
    return result


def _same_but_cut(one: str, other: str) -> bool:
    """One name the other with its end cut off (a bio's typo: "Somini Sengupt" for "Somini Sengupta")."""
    short, long = sorted((one, other), key=len)
    return len(short) >= 8 and long.startswith(short)


def split_authors(text: str) -> list[str]:
    """One byline's names, split on commas, 、, "and", 和 and slashes."""
    return [p for p in AUTHOR_SPLIT.split(clean_text(text)) if p]


def clean_authors(names: list[str], outlet: str | None, outlets: OutletDirectory, rules: OutletRules
                  ) -> list[str]:
    """Roles stripped, ALL-CAPS names title-cased; duplicates, outlet names and names that are never a
    person's (a broadcaster, a research unit) removed."""
    result: list[str] = []
    for name in names:
        name = clean_text(AUTHOR_ROLE.sub("", name))
        if not name or len(name) > 40 or any(c.isdigit() or c in "《》" for c in name):
            continue
        if rules.not_authors is not None and rules.not_authors.fullmatch(name):
            continue
        if name.isupper() and not CJK_NAME.search(name):
            name = name.title()
        if (outlet and outlet.casefold() in name.casefold()) or outlets.resolve(name) is not None:
            continue
        if name not in result:
            result.append(name)
    return result


# --- the date -------------------------------------------------------------------------------------


def printed_date(paragraphs: list[str], rules: OutletRules, near: date | None) -> date | None:
    """A date the article's text prints (【大纪元2020年12月17日讯】, 路透北京1月15日, CNA's 1091217)."""
    if not paragraphs:
        return None
    for rule in rules.printed_dates:
        text = paragraphs[0] if rule.where == "first" else paragraphs[-1]
        m = rule.pattern.search(text)
        if m:
            parts = m.groupdict()
            year = int(parts["year"]) if parts.get("year") else None
            found = dates.calendar_date(year, int(parts["month"]), int(parts["day"]), near)
            if found is not None and not _typo(found, near, rule.within_days):
                return found
    return None


def _typo(found: date, near: date | None, within_days: int | None) -> bool:
    """A printed date too far from the feed time for its rule: a slip of the hand, not the story's date."""
    return bool(within_days and near and abs((found - near).days) > within_days)


# A feed time may run a few minutes ahead of the mirror's capture (clocks differ), not hours.
CAPTURE_SLACK = timedelta(minutes=10)


def instant(byline: Byline, env: Envelope, rules: OutletRules, warnings: list[str]) -> Dates:
    """The most precise moment known (the page's byline time, the epoch comment, the front-matter
    date), on the outlet's own clock so that its local date is the page's."""
    if byline.published_at is not None and dates.plausible(byline.published_at):
        when = byline.published_at
        # A time the page prints on its own clock (no offset written) is kept as printed.
        printed_local = rules.zone is not None and when.tzinfo is (rules.byline_zone or rules.zone)
        return Dates(_on_clock(when, rules), None, byline.source, when.isoformat() if printed_local else None)
    front_date = env.front.get("date")
    captured = dates.parse_iso(front_date) if front_date else None
    if env.epoch_ms is not None:
        when = dates.from_epoch_ms(env.epoch_ms)
        if when is None or not dates.plausible(when):
            warnings.append(f"implausible epoch comment {env.epoch_ms}")
        else:
            if captured is not None and when > captured + CAPTURE_SLACK and rules.zone:
                # Published after the mirror captured it: the feed wrote the outlet's own clock as if it
                # were UTC (Zaobao in July 2020); read so, it must fall before the capture, or it is unknown.
                when = when.replace(tzinfo=rules.zone)
                when = when if when <= captured + CAPTURE_SLACK else None
            if when is not None:
                return Dates(_on_clock(when, rules), None, "epoch")
    if front_date:
        when = captured
        if when is not None and dates.plausible(when):
            return Dates(_on_clock(when, rules), None, "front-matter")
        warnings.append(f"unreadable front-matter date {front_date!r}")
    return Dates()


def _on_clock(when: datetime, rules: OutletRules) -> datetime:
    return dates.in_zone(when, rules.zone) if rules.zone else when


def with_printed_date(found: Dates, printed: date | None, warnings: list[str]) -> Dates:
    """The page's own printed date wins over the day of a feed time; the time is kept, unless it is far
    from that date (an old story reposted): then it is the page's time, not the story's."""
    if printed is not None and (found.published_at is None or found.published_at.date() != printed):
        found.published_date, found.date_source = printed.isoformat(), "printed-date"
        if found.published_at is not None and abs((found.published_at.date() - printed).days) > STALE_DAYS:
            found.page_published_at = found.page_published_at or found.published_at.isoformat()
            found.published_at = None
    if found.published_at is None and found.published_date is None:
        warnings.append("no publication date")
    return found

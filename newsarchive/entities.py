"""Finds gazetteer people, organizations, places and cited outlets in an article, and unknown names worth
curating.

`Matcher.analyse()` is the one analysis step: it returns an `Analysis` with every mention (where it is,
what it links to, and how: by a full name, a surname, a short name or a bare institution name), the
counts per entity, and the candidate names.

Two Aho-Corasick automatons hold every name, alias, surname and blocker phrase: one in lower case, run
over lower-cased text, for names that may come in any case (multi-word Latin names, Chinese), and one
for short Latin names and acronyms, which must appear as written or in capitals ("Li", "US", "FBI").
Latin matches must sit on word boundaries, Chinese ones on the word boundaries of a segmenter
(newsarchive.wordseg: 巩固原有 holds no 固原). Where valid matches overlap the longest wins (美国国务院 is
not 美国 + 国务院, "South China Sea" is not "China"). Bare institution names (外交部, 国会) are linked by
newsarchive.institutions from their context.
"""

from __future__ import annotations

import itertools
import re
import string
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Set
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from operator import itemgetter
from typing import Any, NamedTuple

import ahocorasick_rs
from unidecode import unidecode

from newsarchive.gazetteer import KINDS, MENTION_KINDS, Entity, Gazetteer, load_gazetteer, write_gazetteer
from newsarchive.institutions import Resolver
from newsarchive.model import ParsedArticle
from newsarchive.textnorm import CJK_CHAR, CJK_CLASS, CJK_RUN, is_cjk, normalize
from newsarchive.wordseg import Segmenter, Words

__all__ = ["KINDS", "MENTION_KINDS", "Analysis", "Gazetteer", "Matcher", "Mention", "body_with_captions",
           "load_gazetteer", "write_gazetteer"]

NAME_DOT = "·"
OFFICE_ENDINGS = ("部", "局", "署", "厅")  # organizations whose head's title is the name plus 长 (卫生部长)
MAX_COUNTRY_GAP = 2  # characters allowed between a country's name and an institution of another country
CJK = CJK_CLASS
SENTENCE_STARTS = frozenset(".!?\n\"“‘'([:;—-")  # before a word that may be capitalised only for the sentence


# Letters the case-insensitive regexes match to Latin letters (ı to i, ſ to s) that lower-case to no Latin
# letter (İ, Turkish, lower-cases to two characters, which fold() leaves as they are)
ODD_CASE = ("ı", "İ", "ſ")
HYPHENATED_WORD = re.compile(r"-([A-Z][^\W\d_]+)")  # the second half of a double-barrelled name
NAME_SUFFIXES = frozenset({"Jr", "Sr", "II", "III"})
# 哈里斯(Kamala Harris), 苏利文(Sen. Dan Sullivan, R-AK)
BRACKET_AFTER_CHINESE = re.compile(f"[{CJK_CLASS}] ?\\($")  # the opening of 拜登(Hunter Biden), 拜登 (…)
BRACKETED_NAME = re.compile(r" ?\(([A-Z][\w.'’-]*(?: [A-Za-z][\w.'’-]*){1,4})[),]")


RuledOut = frozenset[tuple[str, str]]  # (name as written, person's slug) pairs an article rules out


def _spelt_alike(written: str, name: str) -> bool:
    """Whether a name written in an article is the given one, allowing a writer's slip (Andrian for Adrian,
    Derrick for Derek, Pieter for Pete) but not another name (Harry for Kamala, Mike for Mark)."""
    if written == name:
        return True
    alike = SequenceMatcher(None, written, name).ratio()
    return alike >= 0.8 or (alike >= 0.6 and written[0] == name[0])


def fold(text: str) -> str:
    """Lower case, one character for one, so offsets in folded text are those of the normalised text."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(char.lower() if len(char.lower()) == 1 else char for char in text)


def body_with_captions(article: ParsedArticle) -> str:
    """What analyse() gets as the body: paragraphs plus image captions (a caption may be the only place a
    person is named), never the credits."""
    captions = [image.caption for image in article.images if image.caption]
    return "\n\n".join([article.body, *captions])


def _cjk_at(text: str, index: int) -> bool:
    """is_cjk(text[index]), with the common ideographs (U+4E00–U+9FFF, part of CJK_CLASS) decided without
    the regex: it runs for about two characters of every match."""
    char = text[index]
    # the rest of CJK_CLASS lies above U+3400: punctuation such as 。 and “ needs no regex
    return "\u4e00" <= char <= "\u9fff" or (char >= "\u3400" and CJK_CHAR.match(char) is not None)


def _is_word_char(char: str) -> bool:
    """Latin (or other alphabetic, non-CJK) letters and digits: what a Latin name must not touch."""
    return char.isalnum() and not is_cjk(char)


@dataclass(frozen=True, slots=True)
class Meaning:
    """One thing a matched string can stand for."""

    kind: str  # people / organizations / places / outlets / surname / surname_zh / block / bare / title
    slug: str = ""  # bare and title: the bare institution name
    rule: str = ""  # places: "person_like" or "context"
    context: tuple[str, ...] = ()  # words one of which the article must contain (rule "context")
    country: str = ""  # the entity's country code
    local: bool = False  # places: a city, state or province
    short: bool = False  # people: a short form of the name (a foreigner's transliterated surname, 拜登)


@dataclass(slots=True)
class _Key:
    bounded_start: bool  # the key starts with a Latin letter or digit: needs a word boundary before it
    bounded_end: bool
    chinese_start: bool  # the key starts with a Chinese character: may sit inside a Chinese word
    chinese_end: bool
    meanings: list[Meaning] = field(default_factory=list)
    surname: bool = False  # one of the meanings is a surname
    short: bool = False  # one of the meanings is a short name or a Chinese surname (may run on: _runs_on)
    title: bool = False  # the first meaning is a title (国防部长)
    office: bool = False  # an organization whose name ends like an office (部, 局): 卫生部长 is its head
    # What a hit of the key links to when its first meaning holds without a check (kind, slug, country,
    # local): most names, settled once here rather than at every mention.
    settled: tuple[str, str, str, bool] | None = None
    # Where the first meaning is a place with no rule (most places): its slug, country and local, linked
    # unless the hit is part of another name (_inside_other_name).
    place: tuple[str, str, bool] | None = None


Keys = dict[tuple[bool, str], _Key]  # (exact case?, string) -> key
_Match = tuple[int, int, _Key]  # start, end (inclusive), key: a match before it is settled
# An automaton over encoded names (bytes, a fixed number a character), the key of each pattern index (None
# where the encoded form stands for more than one name, or for a name the encoding changes), and for those
# indexes the (name, key) pairs to check against the text.
_Checked = dict[int, list[tuple[str, _Key]]]
_Automaton = tuple[ahocorasick_rs.BytesAhoCorasick, list[_Key | None], _Checked]


@dataclass(slots=True)
class _Hit:
    start: int
    end: int  # inclusive
    key: _Key
    slug: str = ""
    kind: str = ""
    country: str = ""
    local: bool = False
    bare: str = ""  # a bare institution name, settled by institutions.Resolver
    title: str = ""  # a title containing a bare name (国防部长 -> 国防部)
    rule: str = ""  # how a bare name was settled
    form: str = "name"  # name / short / surname / bare


class Mention(NamedTuple):
    """One linked name in the analysed text: text[start:end] links to slug of kind."""

    start: int
    end: int
    kind: str  # people / organizations / places / outlets
    slug: str
    form: str  # name (a full name or alias), short (拜登), surname (Blinken after Antony Blinken),
    # bare (外交部, settled by context)
    rule: str = ""  # bare names: the clue that decided (prefix, list, speaker, paragraph, article)


@dataclass
class Analysis:
    """What one article mentions: the normalised text analysed, its mentions in order, and unknown names
    worth curating (kind, name, language)."""

    text: str
    mentions: list[Mention]
    candidates: list[tuple[str, str, str]]

    def counts(self) -> dict[str, Counter[str]]:
        """Kind -> slug -> number of mentions, for every kind of MENTION_KINDS."""
        counts: dict[str, Counter[str]] = {kind: Counter() for kind in MENTION_KINDS}
        for mention in self.mentions:
            counts[mention.kind][mention.slug] += 1
        return counts


class Matcher:
    """Built once per process (the automatons and the segmenter take a second); analyse() per article."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        rules = gazetteer.name_rules
        self._full_name_countries = frozenset(rules.get("full_name_countries", []))
        self._national_codes = frozenset(place.country_code for place in gazetteer.entities["places"].values()
                                         if place.category == "country" and place.country_code)
        self._any_case, self._exact = self._build(gazetteer)
        self._title_before = _ending_with_title(rules.get("surname_titles", []))
        self._titles_zh = tuple(normalize(title) for title in rules.get("surname_titles_zh", []))
        self._longest_titles_zh = sorted(self._titles_zh, key=len, reverse=True)
        # a role word as a whole word, not after "vice" (总统 is not Vice President Pence, nor the
        # presidential candidate Hillary Clinton)
        self._title_roles = {normalize(title): _role_words(words)
                             for title, words in (rules.get("title_roles_zh") or {}).items()}
        self._country_words = _country_words(gazetteer)
        self._longest_country_word = max(map(len, self._country_words), default=0)
        self._credits = [_credit_pattern(entry) for entry in rules.get("credit_patterns", [])]
        self._candidate_en = _candidate_pattern_en(rules.get("candidate_titles_en", []))
        self._candidate_zh = _candidate_pattern_zh(rules.get("candidate_titles_zh", []),
                                                   rules.get("candidate_followers_zh", []))
        self._candidate_org = _candidate_pattern_org(rules.get("organization_heads_en", []))
        self._organization_heads = tuple(rules.get("organization_heads_en", []))
        # Where those regexes can match, and which credit clues and organization heads a text holds, all
        # found in one pass (_Clues): a regex is then tried only where it can match.
        self._clues = _Clues(
            {"en": [f"{title} " for title in rules.get("candidate_titles_en", [])],
             "zh": rules.get("candidate_titles_zh", [])},
            [*(clue for _, clues in self._credits for clue in clues), *self._organization_heads, *ODD_CASE])
        self._candidate_stopwords = frozenset(rules.get("candidate_stopwords", []))
        self._chinese_surnames = frozenset(rules.get("chinese_surnames", ""))
        self._title_only = frozenset(name.casefold() for name in rules.get("title_only_surnames", []))
        self._not_place_before = tuple(rules.get("place_not_followed_by", []))
        self._someone_elses_roles = tuple(normalize(role) for role in rules.get("short_name_not_after", []))
        people = gazetteer.entities["people"]
        self._namesakes_titles = {slug: tuple(map(normalize, people[slug].not_after))
                                  for slug in people if people[slug].not_after}
        self._transliteration = frozenset(normalize(rules.get("transliteration_characters", "")))
        self._joins_a_name = self._transliteration | {NAME_DOT, "."}
        self._pseudonym_after = tuple(normalize(marker) for marker in rules.get("pseudonym_after", []))
        self._pseudonym_before = tuple(normalize(marker) for marker in rules.get("pseudonym_before", []))
        # words before an original name in brackets that are no part of it: 米德伟(Ambassador Derek Mitchell)
        titles_en = rules.get("candidate_titles_en", [])
        self._name_titles = frozenset(word.casefold().rstrip(".") for title in titles_en
                                      for word in title.split())
        self._given_name_variants: dict[str, set[str]] = {}
        for name, variants in rules.get("given_name_variants", {}).items():
            for one in (name, *variants):
                self._given_name_variants.setdefault(one, set()).update((name, *variants))
        self._head_titles = tuple(rules.get("office_head_titles", []))
        self._institutions = Resolver(gazetteer.institutions)

    # --- building ---------------------------------------------------------------------------------

    def _build(self, gazetteer: Gazetteer) -> tuple[_Automaton, _Automaton]:
        keys: Keys = {}
        for slug, names in gazetteer.outlets.items():
            for name in names:
                _add(keys, normalize(name).strip(), Meaning("outlets", slug))
        for kind in KINDS:
            for entity in gazetteer.entities[kind].values():
                for name in entity.all_names():
                    self._add_entity_name(keys, kind, entity, name)
        for person in gazetteer.entities["people"].values():
            self._add_surnames(keys, person)
        institutions = gazetteer.institutions
        for name in institutions.bare_names:
            _add(keys, name, Meaning("bare", name))
        for title, name in institutions.titles.items():
            _add(keys, title, Meaning("title", name))
        for phrase in gazetteer.blockers:
            _add(keys, normalize(phrase).strip(), Meaning("block"))
        chinese = [text for case, text in keys if CJK_CHAR.search(text)]
        self._segmenter = Segmenter(chinese, map(normalize, gazetteer.name_rules.get("compound_heads", [])))
        self._any_case_names = frozenset(text for case, text in keys if not case)
        self._exact_names = frozenset(text for case, text in keys if case)
        # Known only as a surname (贝克, the last part of a curated X·贝克): after a name dot, that says
        # nothing about who 詹姆斯·贝克 is (_joined_to_unknown).
        self._bare_surnames = frozenset(text for (case, text), key in keys.items()
                                        if key.surname and all(meaning.kind.startswith("surname")
                                                               for meaning in key.meanings))
        return _automaton(keys, False, _utf16), _automaton(keys, True, _latin1)

    def _add_entity_name(self, keys: Keys, kind: str, entity: Entity,
                         name: str) -> None:
        text = normalize(name).strip()
        rules = self.gazetteer.place_rules
        country = entity.country_code or ""
        if kind == "organizations":
            _add(keys, text, Meaning(kind, entity.slug, country=country))
            return
        if kind == "people":
            short = (country not in self._full_name_countries and NAME_DOT not in text
                     and all(map(is_cjk, text)) and not _spells_in_pinyin(text, entity.name))
            _add(keys, text, Meaning(kind, entity.slug, country=country, short=short))
            return
        # Taiwan, Hong Kong and Macau are regions with codes of their own; other regions, provinces, states
        # and cities are local.
        national = entity.category == "country" or (entity.category == "region"
                                                    and country not in self._national_codes)
        local = not national
        if kind == "places":
            if text in rules.stop_names:
                return
            if text in rules.requires_context and text == normalize(entity.name):
                _add(keys, text, Meaning(kind, entity.slug, "context", rules.requires_context[text],
                                         country=country, local=local))
                return
            if text in rules.person_like:
                _add(keys, text, Meaning(kind, entity.slug, "person_like", country=country, local=local))
                return
        _add(keys, text, Meaning(kind, entity.slug, country=country, local=local))

    def _add_surnames(self, keys: Keys, person: Entity) -> None:
        """English surname ("Blinken") and the last part of dotted Chinese names (马修·米勒 -> 米勒)."""
        if person.surname:
            _add(keys, normalize(person.surname).strip(), Meaning("surname", person.slug))
        for name in (person.name_zh, person.name_zh_hant, *person.aliases):
            text = normalize(name or "")
            last = text.rsplit(NAME_DOT, 1)[-1]
            if NAME_DOT in text and len(last) >= 2 and all(is_cjk(char) for char in last):
                _add(keys, last, Meaning("surname_zh", person.slug))

    # --- matching ---------------------------------------------------------------------------------

    def analyse_article(self, article: ParsedArticle,
                        normalized: Callable[[str], str] = normalize) -> Analysis:
        """analyse() of a parsed article: its title, summary, body and captions, and its outlet.
        ``normalized`` may reuse parts the caller has already normalised (normalize() keeps line breaks
        and converts nothing across them, so the parts normalised apart and joined are the whole)."""
        directory = self.gazetteer.outlet_directory
        outlet = directory.resolve(article.outlet, article.url) if directory else None
        captions = [image.caption for image in article.images if image.caption]
        body = "\n\n".join([normalized(article.body), *map(normalized, captions)])
        text = "\n".join((normalized(article.title or ""), normalized(article.summary or ""), body))
        return self.analyse(article.title, article.summary, body_with_captions(article),
                            outlet.slug if outlet else None, normalized_text=text)

    def analyse(self, title: str, summary: str | None, body: str, outlet: str | None = None, *,
                normalized_text: str | None = None) -> Analysis:
        """Every mention and candidate name of one article. `outlet` is the slug of the outlet that
        published it: its home country is a weak clue for bare institution names, and its own name (a
        dateline, a byline) is not a citation. `normalized_text`, when given, is normalize() of the
        three joined by line breaks."""
        text = normalized_text or normalize("\n".join((title or "", summary or "", body or "")))
        folded = fold(text)
        # names in any case and the clues are searched in the lower-cased text, as UTF-16
        data = _utf16(folded)
        clues = self._clues.scan(data)
        credits = _credit_spans(text, self._credits, clues.present)
        hits = self._longest_hits(text, folded, data)
        if credits:
            hits = [hit for hit in hits if not _inside(hit.start, hit.end + 1, credits)]
        self._resolve(text, hits, outlet)
        # tuple.__new__ makes the same Mention without the Python-level __new__ of a named tuple (about
        # forty an article)
        new = tuple.__new__
        mentions = [new(Mention, (hit.start, hit.end + 1, hit.kind, hit.slug, hit.form, hit.rule))
                    for hit in hits if hit.kind and not (hit.kind == "outlets" and hit.slug == outlet)]
        taken = [(hit.start, hit.end + 1) for hit in hits if hit.kind]
        return Analysis(text, mentions, self._find_candidates(text, taken + credits, clues))

    def _longest_hits(self, text: str, folded: str, data: bytes) -> list[_Hit]:
        """Every valid match (on Latin or Chinese word boundaries), then overlapping ones settled. folded
        is fold(text), data its UTF-16 form."""
        size = len(text)
        found: list[_Match] = []
        add = found.append
        word_char = _is_word_char
        titles = offices = False  # whether any match is a title (国防部长) or an office (国防部)
        # names in any case in the lower-cased text, as UTF-16; exact-case ones in the text, as Latin-1
        scans = ((self._any_case, folded, data, 2), (self._exact, text, _latin1(text), 1))
        for (automaton, keys, checked), searched, data, width in scans:
            for index, start, stop in automaton.find_matches_as_indexes(data, overlapping=True):
                if width == 2:  # bytes to characters
                    if start & 1:
                        continue  # a match that starts inside a character
                    start >>= 1
                    stop >>= 1
                key = keys[index]
                if key is None:  # its encoded form stands for more than one name: which one is in the text?
                    found_name = searched[start:stop]
                    key = next((key for name, key in checked[index] if name == found_name), None)
                    if key is None:
                        continue
                if key.bounded_start and start > 0 and word_char(text[start - 1]):
                    continue
                if key.bounded_end and stop < size and word_char(text[stop]):
                    continue
                add((start, stop - 1, key))
                titles |= key.title
                offices |= key.office
        # Leftmost, then longest: two stable sorts by a C key are cheaper than one by a Python key.
        found.sort(key=itemgetter(1), reverse=True)
        found.sort(key=itemgetter(0))
        if titles:
            found = _titles_hold_their_institution(found)
        if self._head_titles and offices:
            # 法国卫生部长 is the minister: not the ministry (the country before it is still a place)
            found = [match for match in found
                     if not (match[2].office and text.startswith(self._head_titles, match[1] + 1))]
        last = size - 1
        # (the common ideographs first, without a call)
        inside = [(key.chinese_start and start
                   and ("\u4e00" <= text[start - 1] <= "\u9fff" or _cjk_at(text, start - 1)))
                  or (key.chinese_end and end < last
                      and ("\u4e00" <= text[end + 1] <= "\u9fff" or _cjk_at(text, end + 1)))
                  for start, end, key in found]
        if any(inside):  # these matches touch Chinese text: their ends must be word boundaries
            spans = [(match[0], match[1] + 1) for match, check in zip(found, inside, strict=True) if check]
            words = self._segmenter.words(text, spans)
            fits, runs_on = words.fits, self._runs_on
            found = [match for match, check in zip(found, inside, strict=True) if not check or (
                fits(match[0], match[1] + 1) and not (match[2].short and runs_on(text, match, words)))]
        chosen: list[_Match] = []
        cluster: list[_Match] = []
        cluster_end = -1
        for match in found:
            if match[0] > cluster_end and cluster:
                if len(cluster) == 1:  # most matches overlap no other
                    chosen.append(cluster[0])
                else:
                    chosen += _best_cover(cluster)
                cluster = []
            cluster.append(match)
            if match[1] > cluster_end:
                cluster_end = match[1]
        chosen += _best_cover(cluster)
        return [_Hit(start, end, key) for start, end, key in chosen]

    def _runs_on(self, text: str, match: _Match, words: Words) -> bool:
        """A short transliterated name (桑德斯, 特拉斯) that the segmenter's words around it continue into an
        unknown longer name: the rest of its word, or the word right after or before it, spelt only with
        transliteration characters and no gazetteer name (桑德斯/特罗姆, 莫雷|诺, 斯/特拉斯/堡)."""
        hit_start, hit_end, key = match
        if not key.short:
            return False
        after, before = hit_end + 1, hit_start - 1
        if after < len(text):
            rest = text[after:words.around(after)[1]]
            if self._spells_a_name(rest):
                return True
        if before >= 0:
            start, end = words.around(before)
            if end == hit_start and self._spells_a_name(text[start:end]):
                return True
        return False

    def _spells_a_name(self, part: str) -> bool:
        return bool(part) and self._transliteration.issuperset(part) and not self.knows(part)

    def _resolve(self, text: str, hits: list[_Hit], outlet: str | None) -> None:
        """Entities first; then surnames, titled ones before bare ones, against the people named so far;
        then bare institution names from their context."""
        cache: dict[tuple[str, ...], bool] = {}
        others = self._others_in_brackets(text, hits) if "(" in text else frozenset()
        surname_hits: list[tuple[_Hit, bool]] = []
        for hit in hits:
            settled = hit.key.settled
            if settled is not None:
                hit.kind, hit.slug, hit.country, hit.local = settled
                continue  # linked, and not as a place: no surname meaning of the key applies
            place = hit.key.place
            if place is not None and not self._inside_other_name(text, hit):
                hit.kind = "places"
                hit.slug, hit.country, hit.local = place
            else:
                self._first_meaning_that_holds(text, hit, cache, others)
            if hit.key.surname and hit.kind in ("", "places"):
                surname_hits.append((hit, self._has_title(text, hit)))
        _drop_foreign_institutions(text, hits)
        self._drop_pseudonyms(text, hits)
        named = {hit.slug for hit in hits if hit.kind == "people"}
        introduced = set(named)
        for hit, titled in surname_hits:
            if titled:
                self._link_surname(text, hit, named, introduced, others, titled=True)
        for hit, titled in surname_hits:
            if not titled:
                self._link_surname(text, hit, introduced, introduced, others, titled=False)
        self._institutions.resolve(text, hits, outlet)

    def _drop_pseudonyms(self, text: str, hits: list[_Hit]) -> None:
        """A name the article calls a pseudonym (李强(化名), 化名王伟) stays unlinked all through it."""
        pseudonyms = {text[hit.start:hit.end + 1] for hit in hits
                      if hit.kind == "people" and (text.startswith(self._pseudonym_after, hit.end + 1)
                                                   or text.endswith(self._pseudonym_before, 0, hit.start))}
        for hit in hits if pseudonyms else ():
            if hit.kind == "people" and text[hit.start:hit.end + 1] in pseudonyms:
                hit.kind = hit.slug = ""

    def _first_meaning_that_holds(self, text: str, hit: _Hit, cache: dict[tuple[str, ...], bool],
                                  others: RuledOut) -> None:
        """Link the hit to the first of its key's meanings whose conditions hold, or mark it as the bare
        institution name or title it is."""
        for meaning in hit.key.meanings:
            kind = meaning.kind
            if kind in MENTION_KINDS:
                # only places, short names and names with a rule have conditions to check
                if ((kind == "places" or meaning.short or meaning.rule)
                        and not self._meaning_holds(text, hit, meaning, cache, others)):
                    continue
                hit.kind, hit.slug, hit.country = kind, meaning.slug, meaning.country
                hit.local, hit.form = meaning.local, "short" if meaning.short else "name"
                return
            if kind in ("bare", "title"):
                setattr(hit, kind, meaning.slug)
                hit.form = "bare"
                hit.country = hit.country or meaning.country
                return

    def _link_surname(self, text: str, hit: _Hit, named: set[str], introduced: set[str],
                      others: RuledOut, titled: bool) -> None:
        """Link a surname to the one person named in the article who has it; with a title, also to the
        gazetteer's only person of that surname. A resolved surname outranks a place of the same name."""
        meanings = [meaning for meaning in hit.key.meanings if meaning.kind.startswith("surname")]
        english = meanings[0].kind == "surname"
        if english and not self._stands_alone(text, hit, check_before=not titled):
            return
        if not english and (_runs_into_a_dotted_name(text, hit.end) or text.startswith("-", hit.end + 1)
                            or _after_a_dotted_name(text, hit.start)
                            or self._joined_to_unknown(text, hit.end)):
            return  # 克里斯蒂安·埃斯特罗斯, 摩根-奥塔格斯, 丹·哈里斯, 凯利·马格萨门: someone else's name
        if not titled and text[hit.start:hit.end + 1].casefold() in self._title_only:
            return
        everyone = {meaning.slug for meaning in meanings}
        in_article = everyone & named
        if not in_article and titled and len(everyone) == 1:
            in_article = everyone
        elif not in_article and titled and not english:
            in_article = self._fitting(text, hit, everyone)
        if (len(in_article) == 1 and not self._ruled_out(text, hit, next(iter(in_article)), others)
                and not self._after_a_namesakes_title(text, hit.start, next(iter(in_article)))):
            hit.kind, hit.slug, hit.form = "people", next(iter(in_article)), "surname"
            hit.country = self.gazetteer.entities["people"][hit.slug].country_code or ""
            introduced.add(hit.slug)

    def _fitting(self, text: str, hit: _Hit, everyone: set[str]) -> set[str]:
        """Of the people sharing a transliterated surname, those whose country and role fit the title and
        the country before it: 英国首相约翰逊 is Boris Johnson, 美国参议员约翰逊 Ron Johnson."""
        title = next((title for title in self._longest_titles_zh if text.endswith(title, 0, hit.start)), "")
        position = hit.start - len(title)
        if text.endswith("前", 0, position):  # 美国前总统克林顿: a former holder
            position -= 1
        country = ""
        for length in range(min(self._longest_country_word, position), 0, -1):
            country = self._country_words.get(text[position - length:position], "")
            if country:
                break
        roles = self._title_roles.get(title)
        if not country and not roles:
            return set()
        people = self.gazetteer.entities["people"]
        return {slug for slug in everyone
                if (not country or people[slug].country_code == country)
                and (not roles or roles.search(people[slug].role or ""))}

    def _has_title(self, text: str, hit: _Hit) -> bool:
        if is_cjk(text[hit.start]):
            return text.endswith(self._titles_zh, 0, hit.start)
        return self._title_before.search(text, max(0, hit.start - 40), hit.start) is not None

    def _stands_alone(self, text: str, hit: _Hit, check_before: bool) -> bool:
        """A surname on its own, not part of an unknown longer name ("Wang Teng", "Mary Sullivan") or an
        unknown double-barrelled one ("Williams-Guillén"; "Biden-Harris" is two known names)."""
        if _capitalised_word_after(text, hit.end):
            return False
        joined = HYPHENATED_WORD.match(text, hit.end + 1)
        if joined and not self.knows(joined.group(1)):
            return False
        return not (check_before and self._given_name_before(text, hit.start))

    def _given_name_before(self, text: str, start: int) -> bool:
        word = _capitalised_word_before(text, start)
        return bool(word) and word not in self._candidate_stopwords

    def _meaning_holds(self, text: str, hit: _Hit, meaning: Meaning,
                       context_cache: dict[tuple[str, ...], bool], others: RuledOut) -> bool:
        if meaning.kind == "places" and self._inside_other_name(text, hit):
            return False
        if meaning.short and (_runs_into_a_dotted_name(text, hit.end) or _after_a_dotted_name(text, hit.start)
                              or self._joined_to_unknown(text, hit.end)
                              or text.endswith(self._someone_elses_roles, 0, hit.start)
                              or self._after_a_namesakes_title(text, hit.start, meaning.slug)
                              or self._ruled_out(text, hit, meaning.slug, others)):
            return False
        if meaning.rule == "person_like":
            return not _capitalised_word_after(text, hit.end) and not self._given_name_before(text, hit.start)
        if meaning.rule == "context":
            if meaning.context not in context_cache:
                context_cache[meaning.context] = any(word in text for word in meaning.context)
            return context_cache[meaning.context]
        return True

    def _others_in_brackets(self, text: str, hits: list[_Hit]) -> RuledOut:
        """The (name, person) pairs an article rules out with an original name in brackets: after
        莱希(Tomas Lerch), neither that 莱希 nor a later bare 莱希说 is Ebrahim Raisi (see _ruled_out). Only
        a name standing alone counts: after 亨特·拜登(Hunter Biden), 亨特.拜登 or 亨特拜登 a bare 拜登 is
        still mostly his father."""
        ruled_out: set[tuple[str, str]] = set()
        for hit in hits:
            if not text.startswith(("(", " ("), hit.end + 1) or (
                    hit.start and text[hit.start - 1] in self._joins_a_name):
                continue
            name = text[hit.start:hit.end + 1]
            for meaning in hit.key.meanings:
                personal = meaning.kind.startswith("surname") or (meaning.kind == "people" and meaning.short)
                if personal and self._someone_else_in_brackets(text, hit, meaning.slug):
                    ruled_out.add((name, meaning.slug))
        return frozenset(ruled_out)

    def _ruled_out(self, text: str, hit: _Hit, slug: str, others: RuledOut) -> bool:
        """Whether the article's bracketed originals rule the person out for this mention: a mention with
        its own original name goes by it (拜登(Hunter Biden) … 拜登(Joe Biden)), one with a title before it by
        the title (布里吉特·马克龙(Brigitte Macron) … 法国总统马克龙), any other by the others."""
        own = self._someone_else_in_brackets(text, hit, slug)
        if own is not None:
            return own
        return (text[hit.start:hit.end + 1], slug) in others and not self._has_title(text, hit)

    def _someone_else_in_brackets(self, text: str, hit: _Hit, slug: str) -> bool | None:
        """哈里斯(David J. Harris), 鲍尔(Jerome Powell): a transliterated surname followed by the original
        name in brackets is someone else when that name has another family name, or no given name the
        person is called by; None when no such name follows. Writers misspell originals (史剑道(Derrick
        Scissors) is Derek Scissors), shorten given names (弗林(Mike Flynn)), add a name or use an initial
        (余茂春(Maochun Miles Yu), 卡伦鲍尔(A. Kramp-Karrenbauer)), put a title first (米德伟(Ambassador
        Derek Mitchell)) or a Chinese name in Western order (成正东(Zhengdong Cheng)): none of these is
        another person."""
        found = BRACKETED_NAME.match(text, hit.end + 1)
        if not found:
            return None
        person = self.gazetteer.entities["people"][slug]
        words = [unidecode(word).casefold() for word in found.group(1).replace(".", " ").split()
                 if word not in NAME_SUFFIXES]
        while words and words[0] in self._name_titles:
            words.pop(0)
        if len(words) < 2 or not person.surname:
            return None
        names = [unidecode(name).casefold().replace(".", " ").split() for name in person.all_names()
                 if " " in name]
        family = {unidecode(person.surname).casefold().split()[-1]}
        given: set[str] = set()
        for parts in names:
            family.update((parts[-1], *parts[-1].split("-")))
            given.update(part for word in parts[:-1] for part in (word, *word.split("-")) if len(part) > 1)
        # family name last, or first as in 成正东(Zhengdong Cheng); a given name among the other words
        return not any(any(_spelt_alike(family_name, name) for name in family)
                       and any(self._is_given_name(word.split("-")[0], given) for word in others)
                       for family_name, others in ((words[-1], words[:-1]), (words[0], words[1:])))

    def _is_given_name(self, written: str, given: set[str]) -> bool:
        """Whether a word of a bracketed name is one of the person's given names: an initial of one, a
        spelling close to one (_spelt_alike), or a listed short or long form of one (Mike, Michael)."""
        if len(written) == 1:
            return any(name[0] == written for name in given)
        forms = self._given_name_variants.get(written, {written})
        return any(_spelt_alike(form, name) for form in forms for name in given)

    def _inside_other_name(self, text: str, hit: _Hit) -> bool:
        """A place name that is part of a transliterated person's name (安德鲁·普雷斯顿) or of an
        institution named after it (明尼苏达大学, 深圳证交所) is not a mention of the place."""
        start, after = hit.start, hit.end + 1
        return ((start > 0 and text[start - 1] == NAME_DOT)
                or text.startswith(NAME_DOT, after)
                or text.startswith(self._not_place_before, after, after + 5))  # within five characters

    # --- candidates -------------------------------------------------------------------------------

    def _find_candidates(self, text: str, taken: list[tuple[int, int]],
                         clues: _Found) -> list[tuple[str, str, str]]:
        found: list[tuple[str, str, str]] = []
        # A case-insensitive title starts every English match: where the lower-cased text has one (and a
        # space) is where the regex may match. ı, İ and ſ match Latin letters in the regex but not once
        # lower-cased: a text with one is searched whole.
        odd_case = not clues.present.isdisjoint(ODD_CASE)
        english = (self._candidate_en.finditer(text) if odd_case
                   else _matches_at(self._candidate_en, text, clues.starts["en"]))
        for match in english:
            words = []
            for word in match.group(1).split():
                if word in self._candidate_stopwords:
                    break
                words.append(word)
            name = " ".join(words)
            start = match.start(1)
            if len(words) >= 2 and self._unknown(name, start, start + len(name), taken):
                found.append(("people", name, "en"))
        heads = any(head in clues.present and head in text for head in self._organization_heads)
        for match in self._candidate_org.finditer(text) if heads else ():
            words = match.group(1).split()
            while words and words[0] in self._candidate_stopwords:  # "The Cyberspace Administration"
                words.pop(0)
            name = " ".join(words)
            start = match.end(1) - len(name)
            if len(words) >= 2 and self._unknown(name, start, match.end(1), taken):
                found.append(("organizations", name, "en"))
        for match in _matches_at(self._candidate_zh, text, clues.starts["zh"]):  # each starts with a title
            name = match.group(1)
            chinese_name = NAME_DOT in name or name[0] in self._chinese_surnames
            if name in self._candidate_stopwords or not chinese_name:
                continue
            if self._unknown(name, match.start(1), match.end(1), taken):
                found.append(("people", name, "zh"))
        return found

    def _after_a_namesakes_title(self, text: str, start: int, slug: str) -> bool:
        """Whether one of the titles people.yml lists under the person's not_after comes right before the
        name: 驻韩大使哈里斯 is Harry Harris, "Dr Abe" a scientist, not the prime minister."""
        titles = self._namesakes_titles.get(slug)
        return bool(titles) and text[max(0, start - 12):start].rstrip().endswith(titles)

    def _joined_to_unknown(self, text: str, end: int) -> bool:
        """哈里斯-布里肯 (a law firm, a double-barrelled name) is not Harris, nor 埃尔多安·塞蒂诺克 (a sailor
        whose given name it is) Erdoğan; 拜登 in 拜登-哈里斯 or 拜登·哈里斯 (the ticket) is Biden. A bare
        surname after the dot is unknown (詹姆斯·贝克 is not LeBron James), but not after a hyphen, which also
        joins two people's surnames (列宁-威尔逊) or a name written with one (希拉里-克林顿)."""
        if not text.startswith(("-", NAME_DOT), end + 1):
            return False
        run = CJK_RUN.match(text, end + 2)
        after = run.group() if run else ""
        dot = text[end + 1] == NAME_DOT
        return bool(after) and not any(self.knows(part) and not (dot and part in self._bare_surnames)
                                       for part in (after[:size] for size in range(2, len(after) + 1)))

    def knows(self, name: str) -> bool:
        """Whether a (normalised) string is a name, alias, surname or blocker phrase of the gazetteer."""
        return fold(name) in self._any_case_names or name in self._exact_names

    def _unknown(self, name: str, start: int, end: int, taken: list[tuple[int, int]]) -> bool:
        return not self.knows(name) and not _overlaps(start, end, taken)


def _credit_pattern(entry: str | dict[str, Any]) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """A credit pattern of name_rules.yml and its clues: a bare pattern, or {pattern, clues}."""
    if isinstance(entry, str):
        return re.compile(entry), ()
    return re.compile(entry["pattern"]), tuple(entry.get("clues") or ())


def _credit_spans(text: str, credits: list[tuple[re.Pattern[str], tuple[str, ...]]],
                  present: Set[str] | None = None) -> list[tuple[int, int]]:
    """Spans of the photo credits and bylines in the text. A pattern with clues is tried only when the text
    contains one of them: most texts have no credit, and a substring test costs far less than a regex
    pass. `present`, when given, holds the clues whose lower-cased form the lower-cased text contains
    (_Clues): only those are looked for in the text."""
    return [match.span()
            for pattern, clues in credits
            if not clues or any((present is None or clue in present) and clue in text for clue in clues)
            for match in pattern.finditer(text)]


class _Found(NamedTuple):
    """What _Clues.scan found: the sorted starts of each group's strings, and the strings of the present list
    that occur."""

    starts: dict[str, list[int]]
    present: set[str]


class _Clues:
    """Short strings found in one pass over a text: where the strings of each group start (the titles that
    begin every match of a candidate regex), and which strings of a list occur at all (credit clues,
    organization heads). The text is searched lower-cased, as UTF-16 (the form the name automaton reads),
    so a string is found in any case: a caller that needs the exact case checks the text itself."""

    def __init__(self, groups: dict[str, list[str]], present: Iterable[str]) -> None:
        where: dict[str, tuple[set[str], set[str]]] = {}  # lower-cased string -> (groups, present strings)
        for group, members in groups.items():
            for member in members:
                where.setdefault(fold(member), (set(), set()))[0].add(group)
        for member in present:
            where.setdefault(fold(member), (set(), set()))[1].add(member)
        searched = sorted(where)
        self._groups = list(groups)
        # a few dozen strings: as a DFA the scan takes a fifth of the time, in a few hundred kilobytes
        self._automaton = ahocorasick_rs.BytesAhoCorasick([_utf16(member) for member in searched],
                                                          implementation=ahocorasick_rs.Implementation.DFA)
        self._found = [(tuple(where[member][0]), where[member][1]) for member in searched]

    def scan(self, data: bytes) -> _Found:
        """The strings in data, the UTF-16 form of a lower-cased text (fold())."""
        starts: dict[str, set[int]] = {group: set() for group in self._groups}
        present: set[str] = set()
        for index, start, _ in self._automaton.find_matches_as_indexes(data, overlapping=True):
            if start & 1:
                continue  # a match that starts inside a character
            groups, strings = self._found[index]
            for group in groups:
                starts[group].add(start >> 1)
            present |= strings
        return _Found({group: sorted(found) for group, found in starts.items()}, present)


def _matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """pattern.finditer(text) for a pattern whose every match starts at one of the sorted positions and is
    not empty: the matches found there, leftmost first, none inside the one before (what finditer finds,
    trying only those positions)."""
    end = 0
    for start in starts:
        if start >= end:
            match = pattern.match(text, start)
            if match is not None:
                yield match
                end = match.end()


def _country_words(gazetteer: Gazetteer) -> dict[str, str]:
    """Chinese words naming a country -> its code: the Chinese names of countries, Taiwan, Hong Kong and
    Macau, and institutions.yml's country_words (美, 英方, 华府)."""
    words = {normalize(name): place.country_code
             for place in gazetteer.entities["places"].values()
             if place.category in ("country", "region") and place.country_code
             for name in place.all_names() if all(map(is_cjk, name))}
    words.update(gazetteer.institutions.country_words)
    return words


def _role_words(words: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<!vice )\b(?:{_alternatives(words)})\b", re.IGNORECASE)


def _longest_then_leftmost(match: _Match) -> tuple[int, int]:
    return match[0] - match[1], match[0]


def _best_cover(cluster: list[_Match]) -> list[_Match]:
    """Of overlapping matches, longest first, then leftmost, without overlaps: 其中东京都 is Tokyo (东京都),
    not 中东 + 京都; 美国国务院 is one name; 巴西安全 is Brazil (a tie goes to the leftmost)."""
    if len(cluster) < 2:
        return cluster
    chosen: list[_Match] = []
    for match in sorted(cluster, key=_longest_then_leftmost):
        start, end = match[0], match[1]
        if all(end < other[0] or other[1] < start for other in chosen):
            chosen.append(match)
    return sorted(chosen, key=itemgetter(0))


def _titles_hold_their_institution(found: list[_Match]) -> list[_Match]:
    """美国国防部长 is a minister, not the ministry: an organization's name that runs into a title (国防部长)
    becomes part of the title, whose country it gives (found is sorted by start)."""
    titles = [match for match in found if match[2].title]
    merged: list[_Match] = []
    for match in found:
        start, end, key = match
        meaning = key.meanings[0] if key.meanings else None
        if meaning is not None and meaning.kind == "organizations":
            title = next((title for title in titles if start < title[0] <= end < title[1]), None)
            if title is not None:
                merged.append((start, title[1], _Key(
                    False, False, key.chinese_start, title[2].chinese_end,
                    [Meaning("title", title[2].meanings[0].slug, country=meaning.country)], title=True)))
                continue
        merged.append(match)
    return merged


def _drop_foreign_institutions(text: str, hits: list[_Hit]) -> None:
    """An organization of one country written right after another country's name (at most two Chinese
    characters between them) is left unlinked: 英国民主党 is not the US party."""
    for before, hit in itertools.pairwise(hits):
        if (hit.kind != "organizations" or before.kind != "places"
                or hit.start - before.end - 1 > MAX_COUNTRY_GAP):
            continue  # most pairs: no need to look at the gap
        gap = text[before.end + 1:hit.start]
        if (hit.country and before.country and not before.local and before.country != hit.country
                and all(map(is_cjk, gap))):
            hit.kind = hit.slug = ""


def _runs_into_a_dotted_name(text: str, end: int) -> bool:
    """Whether a few more Chinese characters after position end lead to a name dot: 哈里斯 in
    哈里斯别克·巴班 is part of another transliterated name."""
    index = end + 1
    while index < len(text) and index <= end + 3 and is_cjk(text[index]):
        index += 1
    return index > end + 1 and index < len(text) and text[index] == NAME_DOT


def _spells_in_pinyin(chinese: str, english: str) -> bool:
    """Whether a Chinese name is the person's English name in pinyin, family name and given name: 成蕾 is
    Cheng Lei and 杨恒均 Yang Hengjun, Chinese names written in full whatever the person's country, while
    鲍威尔 (Powell) or 余茂春 (Miles Yu) stand for a surname or another given name."""
    syllables = unidecode(chinese).casefold().split()
    words = re.split(r"[\s\-'’]+", unidecode(english.split(" (")[0]).casefold())
    if len(syllables) < 2 or syllables[0] not in words:
        return False
    words.remove(syllables[0])
    return "".join(words) == "".join(syllables[1:])


def _after_a_dotted_name(text: str, start: int) -> bool:
    """Whether a name dot comes right before position start: 哈里斯 in 杰森·哈里斯 or 拜登 in 詹姆斯·拜登 is
    another person of that family name (the person's own dotted names are longer keys and win)."""
    return start > 0 and text[start - 1] == NAME_DOT


def _add(keys: Keys, text: str, meaning: Meaning) -> None:
    """Register one meaning of a normalised string. The first entity of a kind registered without a rule
    takes the name; entities with a rule (Georgia the country, only with Caucasus context) leave room for
    the next one (Georgia the US state)."""
    if len(text) < 2:
        return
    forms = _case_forms(text)
    for spelling in forms or [fold(text)]:
        key = keys.get((forms is not None, spelling))
        if key is None:
            key = keys[forms is not None, spelling] = _Key(_is_word_char(text[0]), _is_word_char(text[-1]),
                                                            is_cjk(text[0]), is_cjk(text[-1]))
        _add_meaning(key, meaning, text)


def _add_meaning(key: _Key, meaning: Meaning, text: str) -> None:
    if meaning.kind in KINDS and any(other.kind == meaning.kind and not other.rule for other in key.meanings):
        return  # an unconditional entity of this kind already has the name
    if meaning in key.meanings:
        return
    key.office = key.office or (meaning.kind == "organizations" and text.endswith(OFFICE_ENDINGS))
    key.meanings.append(meaning)
    key.surname = key.surname or meaning.kind.startswith("surname")
    key.short = key.short or meaning.short or meaning.kind == "surname_zh"
    key.meanings.sort(key=_meaning_order)
    first = key.meanings[0]
    key.title = first.kind == "title"
    # Matcher._resolve takes the first meaning that holds; only places, short names and names with a rule
    # have conditions.
    unconditional = (first.kind in MENTION_KINDS and first.kind != "places"
                     and not first.short and not first.rule)
    key.settled = (first.kind, first.slug, first.country, first.local) if unconditional else None
    plain_place = first.kind == "places" and not first.short and not first.rule
    key.place = (first.slug, first.country, first.local) if plain_place else None


def _meaning_order(meaning: Meaning) -> int:
    return {"people": 0, "organizations": 1, "places": 2, "surname": 3, "surname_zh": 3}.get(meaning.kind, 4)


def _case_forms(text: str) -> list[str] | None:
    """Multi-word Latin names match in any case (None); one-word names and acronyms as written or in
    capitals."""
    if not any(char.isascii() and char.isalpha() for char in text):
        return None
    if " " in text and text != text.upper():
        return None
    return sorted({text, text.upper()})


def _latin1(text: str) -> bytes:
    """The text in Latin-1, one byte a character, with "?" for every other character: the form the
    exact-case names (short Latin names, acronyms) are searched in, a third of the bytes UTF-8 takes for
    Chinese text."""
    return text.encode("latin-1", "replace")


def _utf16(text: str) -> bytes:
    """The text in UTF-16 (little-endian), two bytes a character: the form the other names are searched
    in (fewer bytes than UTF-8 for Chinese text). A character beyond the BMP, two units in UTF-16, is read
    as U+FFFD; lone surrogates (broken input) pass as themselves."""
    data = text.encode("utf-16-le", "surrogatepass")
    if len(data) != 2 * len(text):
        data = _BEYOND_BMP.sub("\ufffd", text).encode("utf-16-le", "surrogatepass")
    return data


_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")
# What each encoding writes for a character it cannot hold as itself.
_MARKS = {_latin1: _latin1("?"), _utf16: _utf16("\ufffd")}


def _automaton(keys: Keys, exact: bool, encode: Callable[[str], bytes]) -> _Automaton:
    """One automaton over the keys of one case mode, encoded (a fixed number of bytes a character, so
    offsets convert to the text's). An encoded name with the encoding's mark in it may stand for other
    strings (名 and 字 are both "?" in Latin-1): its matches are checked against the text."""
    forms: dict[bytes, list[tuple[str, _Key]]] = {}
    for (case, text), key in sorted(keys.items()):
        if case == exact:
            forms.setdefault(encode(text), []).append((text, key))
    patterns = sorted(forms)
    checked: _Checked = {index: forms[form] for index, form in enumerate(patterns) if _MARKS[encode] in form}
    # The library's default automaton: a DFA would scan a little faster but takes ten times the memory.
    return (ahocorasick_rs.BytesAhoCorasick(patterns),
            [None if index in checked else forms[form][0][1] for index, form in enumerate(patterns)], checked)


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(span_start <= start and end <= span_end for span_start, span_end in spans)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < span_end and span_start < end for span_start, span_end in spans)


def _capitalised_word_after(text: str, end: int) -> bool:
    after = text[end + 1:end + 3]
    return len(after) == 2 and after[0] == " " and after[1].isupper()


def _capitalised_word_before(text: str, start: int) -> str:
    """The capitalised word directly before position start (one space between), unless it only starts a
    sentence ("But Wang said"); empty when there is none."""
    if start < 2 or text[start - 1] != " ":
        return ""
    index = start - 2
    while index >= 0 and (text[index].isalpha() or text[index] in ".'’-") and not is_cjk(text[index]):
        index -= 1
    word = text[index + 1:start - 1]
    if not word or not word[0].isupper() or word.endswith("."):
        return ""  # a word with a full stop ends the previous sentence
    while index >= 0 and text[index] == " ":
        index -= 1
    if index < 0:
        return ""
    if text[index] == "(" and BRACKET_AFTER_CHINESE.search(text, max(0, index - 2), index + 1):
        return word  # 拜登(Hunter Biden): an original name in brackets, not a sentence
    return "" if text[index] in SENTENCE_STARTS else word


def _ending_with_title(titles: list[str]) -> re.Pattern[str]:
    """Matches a title (case-insensitive) at the very end of the searched window: "... President " ."""
    return re.compile(rf"(?<![\w])(?:{_alternatives(titles)})\s+$", re.IGNORECASE)


def _starts_with(words: list[str], ignore_case: bool = False) -> str:
    """A lookahead for the first characters of the words: the regex engine tries a long alternation at
    every position, the lookahead rules most positions out at once (the matches are the same)."""
    letters = re.escape("".join(sorted({word[0] for word in words if word})))
    if not letters:
        return ""
    return f"(?=(?i:[{letters}]))" if ignore_case else f"(?=[{letters}])"


def _alternatives(words: list[str]) -> str:
    """The words as one regex alternation, longest first (so a longer word wins); never-matching if none."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)) or "(?!)"


def _candidate_pattern_en(titles: list[str]) -> re.Pattern[str]:
    return re.compile(rf"{_starts_with(titles, ignore_case=True)}(?<![\w])(?i:{_alternatives(titles)}) "
                      rf"((?:[A-Z][a-z]+)(?:[ -][A-Z][a-z]+){{1,2}})(?![\w])")


def _candidate_pattern_org(heads: list[str]) -> re.Pattern[str]:
    """Capitalised words ending in an organization word, perhaps with "of ..." after it: "Cyberspace
    Administration of China", "Ministry of State Security", "Chinese Academy of Sciences"."""
    alternatives = _alternatives(heads)
    word = r"[A-Z][a-z]+"
    first = _starts_with([*heads, *string.ascii_uppercase])  # a capitalised word or a head starts a match
    return re.compile(rf"{first}(?<![\w-])((?:{word} ){{0,4}}(?:{alternatives})(?: (?:of|for) (?:the )?{word}"
                      rf"(?: (?:and )?{word}){{0,3}})?)(?![\w-])")


def _candidate_pattern_zh(titles: list[str], followers: list[str]) -> re.Pattern[str]:
    alternatives = _alternatives(titles)
    ends = "|".join(re.escape(word) for word in sorted(followers, key=len, reverse=True))
    name = rf"[{CJK}]{{1,6}}?{NAME_DOT}[{CJK}]{{1,8}}?|[{CJK}]{{2,3}}?"
    return re.compile(rf"(?:{alternatives})({name})(?=(?:{ends})|[^{CJK}{NAME_DOT}]|$)")

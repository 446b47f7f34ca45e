"""Exact-case names (short Latin names and acronyms) are found in the text read as Latin-1 bytes, with "?"
for every other character; names with such characters are checked against the text itself."""

from __future__ import annotations

from newsarchive.entities import Matcher


def _linked(matcher: Matcher, body: str) -> list[tuple[str, str, str]]:
    analysis = matcher.analyse("", None, body)
    return [(analysis.text[mention.start:mention.end], mention.kind, mention.slug)
            for mention in analysis.mentions]


def test_acronyms_and_names_beyond_latin1_in_chinese_text(real_matcher: Matcher) -> None:
    assert _linked(real_matcher, "据BBC中文网报道，FBI表示。") == [
        ("BBC中文网", "outlets", "bbc"), ("FBI", "organizations", "federal-bureau-of-investigation")]
    assert _linked(real_matcher, "Huế市和Xi’an") == [("Huế", "places", "hue"), ("Xi’an", "places", "xian")]


def test_a_name_whose_latin1_form_has_a_question_mark_must_match_the_text(real_matcher: Matcher) -> None:
    # "BBC中文网" reads BBC??? in Latin-1, as does "BBC报道称": only the BBC is named there
    assert _linked(real_matcher, "BBC报道称") == [("BBC", "outlets", "bbc")]
    assert _linked(real_matcher, "在Xi?an") == []


def test_broken_text_keeps_its_offsets(real_matcher: Matcher) -> None:
    fbi = ("FBI", "organizations", "federal-bureau-of-investigation")
    assert _linked(real_matcher, "FBI\ud800说") == [fbi]

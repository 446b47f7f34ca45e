"""The two name automatons read the text as bytes of a fixed width: exact-case names (short Latin names and
acronyms) in Latin-1, with "?" for every other character, the others in UTF-16, with U+FFFD for characters
beyond the BMP. Names whose encoded form has such a mark are checked against the text itself."""

from __future__ import annotations

from newsarchive.entities import Matcher, Meaning, _add, _automaton, _utf16


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


def test_characters_beyond_the_bmp_keep_the_offsets(real_matcher: Matcher) -> None:
    assert _linked(real_matcher, "😀美国和𠀋中国") == [("美国", "places", "united-states"),
                                                     ("中国", "places", "china")]
    assert _utf16("a😀\ud800") == "a\ufffd\ud800".encode("utf-16-le", "surrogatepass")


def test_a_name_beyond_the_bmp_is_checked_against_the_text() -> None:
    keys: dict = {}
    _add(keys, "𠀋城", Meaning("places", "rare-town"))
    automaton, found, checked = _automaton(keys, False, _utf16)
    assert found == [None] and [name for name, _ in checked[0]] == ["𠀋城"]
    # 𠀋 and 😀 are both U+FFFD in the searched form: only the first is the name
    assert [index for index, _, _ in automaton.find_matches_as_indexes(_utf16("😀城𠀋城"))] == [0, 0]

"""A transliterated surname several gazetteer people share (约翰逊, 克林顿), after a title and a country:
the one person whose country and role fit (name_rules.yml title_roles_zh), or nobody."""

from __future__ import annotations

import pytest

from newsarchive.entities import Matcher


@pytest.fixture(scope="module")
def matcher(real_matcher: Matcher) -> Matcher:
    return real_matcher


def people(matcher: Matcher, text: str) -> list[str]:
    return [mention.slug for mention in matcher.analyse("", None, text).mentions if mention.kind == "people"]


@pytest.mark.parametrize(("text", "expected"), [
    ("英国首相约翰逊今天说。", ["boris-johnson"]),
    ("美国参议员约翰逊今天说。", ["ron-johnson"]),
    ("美国前总统克林顿今天说。", ["bill-clinton"]),
    ("美国国务卿克林顿今天说。", ["hillary-clinton"]),
    ("约翰逊今天说。", []),  # no title: any of them
    ("韩国首相约翰逊今天说。", []),  # nobody of that country fits
])
def test_country_and_title_choose_one_person(matcher: Matcher, text: str, expected: list[str]) -> None:
    assert people(matcher, text) == expected


def test_the_data_has_several_people_of_that_surname(matcher: Matcher) -> None:
    everyone = matcher.gazetteer.entities["people"].values()
    assert sum(1 for person in everyone if (person.name_zh or "").endswith("·约翰逊")) >= 3

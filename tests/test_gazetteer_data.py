"""Structure checks for the curated gazetteer data files (data/people.yml, data/organizations.yml,
data/institutions.yml), and the worked examples of data/institutions.yml run through the real matcher."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from slugify import slugify

from newsarchive.gazetteer import SAFE_LOADER
from newsarchive.textnorm import is_cjk, normalize, to_simplified

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
ORG_KINDS = {
    "government",
    "legislature",
    "party",
    "military",
    "international",
    "company",
    "media",
    "ngo",
    "militant",
    "other",
}
CHINESE_FIELDS = ("name_zh", "name_zh_hant")
ACRONYM = re.compile(r"^[A-Z0-9&.\-]+$")


def _load(name: str) -> list[dict]:
    entries = yaml.load((DATA_DIR / name).read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    assert isinstance(entries, list)
    return entries


@pytest.fixture(scope="module")
def people() -> list[dict]:
    return _load("people.yml")


@pytest.fixture(scope="module")
def organizations() -> list[dict]:
    return _load("organizations.yml")


def _all_names(entry: dict) -> list[str]:
    """Every string the matcher is meant to look for: name, Chinese forms, aliases."""
    names = [entry["name"], *entry.get("aliases", [])]
    names += [entry[field] for field in CHINESE_FIELDS if field in entry]
    return names


def _has_cjk(text: str) -> bool:
    return any(is_cjk(char) for char in text)


def _latin_letters(text: str) -> int:
    return sum(1 for char in text if char.isalpha() and not is_cjk(char))


def test_counts(people: list[dict], organizations: list[dict]) -> None:
    assert len(people) >= 300
    assert len(organizations) >= 150


def test_people_fields(people: list[dict]) -> None:
    for person in people:
        assert set(person) <= {"name", "name_zh", "name_zh_hant", "aliases", "surname", "role",
                               "country", "not_after"}, person
        assert isinstance(person.get("not_after", []), list), person
        if "country" in person:
            assert re.fullmatch(r"[A-Z]{2}", person["country"]), person
        for field in ("name", "surname", "role"):
            assert isinstance(person.get(field), str) and person[field].strip(), (field, person)
        assert person["surname"] in person["name"], person
        assert isinstance(person.get("aliases", []), list), person


def test_most_people_have_a_chinese_name(people: list[dict]) -> None:
    with_zh = sum(1 for person in people if "name_zh" in person)
    assert with_zh / len(people) >= 0.95


def test_organization_fields(organizations: list[dict]) -> None:
    for org in organizations:
        assert set(org) <= {"name", "name_zh", "aliases", "kind", "country"}, org
        assert isinstance(org.get("name"), str) and org["name"].strip(), org
        assert org.get("kind") in ORG_KINDS, org
        assert isinstance(org.get("aliases", []), list), org
        if "country" in org:
            assert re.fullmatch(r"[A-Z]{2}", org["country"]), org
        if org["kind"] == "international":
            assert "country" not in org, org


@pytest.mark.parametrize("filename", ["people.yml", "organizations.yml"])
def test_slugs_unique(filename: str) -> None:
    slugs = [slugify(entry["name"]) for entry in _load(filename)]
    duplicates = {slug for slug in slugs if slugs.count(slug) > 1}
    assert not duplicates
    assert all(slugs)


def test_no_name_shared_between_entries(people: list[dict], organizations: list[dict]) -> None:
    """A surface form must point at one entity only, across both files, after normalisation."""
    owners: dict[str, set[str]] = defaultdict(set)
    for kind, entries in (("person", people), ("org", organizations)):
        for entry in entries:
            for text in _all_names(entry):
                assert isinstance(text, str) and text.strip(), entry
                owners[normalize(text).casefold()].add(f"{kind}:{entry['name']}")
    shared = {text: sorted(names) for text, names in owners.items() if len(names) > 1}
    assert not shared


def test_people_latin_aliases_are_specific(people: list[dict]) -> None:
    """No bare surname (the matcher resolves those per article) and no short Latin fragments."""
    for person in people:
        other_surnames = {other["surname"].casefold() for other in people if other is not person}
        for alias in [person["name"], *person.get("aliases", [])]:
            if _has_cjk(alias):
                continue
            assert alias.casefold() != person["surname"].casefold() or alias == person["name"], alias
            assert alias.casefold() not in other_surnames, (alias, person["name"])
            assert _latin_letters(alias) >= 4 or ACRONYM.match(alias), (alias, person["name"])


def test_chinese_aliases_are_not_single_characters(people: list[dict], organizations: list[dict]) -> None:
    for entry in [*people, *organizations]:
        for alias in _all_names(entry):
            if _has_cjk(alias):
                assert sum(1 for char in alias if is_cjk(char)) >= 2, (alias, entry["name"])


def test_chinese_fields_are_chinese(people: list[dict], organizations: list[dict]) -> None:
    for entry in [*people, *organizations]:
        for field in CHINESE_FIELDS:
            if field in entry:
                assert _has_cjk(entry[field]), (field, entry)


def test_name_zh_is_simplified(people: list[dict], organizations: list[dict]) -> None:
    for entry in [*people, *organizations]:
        if "name_zh" in entry:
            assert to_simplified(entry["name_zh"]) == entry["name_zh"], entry


def test_traditional_form_matches_simplified(people: list[dict]) -> None:
    """name_zh_hant is only given when it differs, and converts back to name_zh."""
    for person in people:
        if "name_zh_hant" in person:
            assert "name_zh" in person, person
            assert person["name_zh_hant"] != person["name_zh"], person
            assert to_simplified(person["name_zh_hant"]) == person["name_zh"], person


# --- bare institution names ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def institutions() -> dict:
    return yaml.safe_load((DATA_DIR / "institutions.yml").read_text(encoding="utf-8"))


def test_bare_names_point_at_organizations_of_their_country(institutions: dict,
                                                            organizations: list[dict]) -> None:
    by_slug = {slugify(org["name"]): org for org in organizations}
    all_names = {normalize(name) for org in organizations for name in _all_names(org)}
    for name, by_country in institutions["bare_names"].items():
        assert normalize(name) not in all_names, f"{name} is an alias: the context decides it"
        for country, slug in by_country.items():
            assert slug in by_slug, (name, slug)
            assert by_slug[slug].get("country") == country, (name, slug)
    for title, name in institutions["titles"].items():
        assert name in institutions["bare_names"], title


def test_institution_examples(institutions: dict, real_matcher) -> None:
    """Each example of data/institutions.yml, as the start of an article, links its bare names so."""
    for example in institutions["examples"]:
        analysis = real_matcher.analyse("", None, example["text"], example.get("outlet"))
        linked = {analysis.text[m.start:m.end]: m.slug for m in analysis.mentions if m.form == "bare"}
        for name, slug in example["expect"].items():
            assert linked.get(name) == slug, (example["text"], name, linked)

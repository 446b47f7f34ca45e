"""Every rule of data/feed_mirror.yml matches its example, names real outlets, and --data is honoured."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from newsarchive.html_text import parse_html
from newsarchive.outlets import DEFAULT_PATH, load_outlets
from newsarchive.parsers import feed_mirror
from newsarchive.parsers.curated import REPOSITORY_DATA, load_parser_data
from newsarchive.parsers.feed_rules import ALL, PATTERN_KINDS, SELECTOR_KINDS

RULES_PATH = REPOSITORY_DATA / "feed_mirror.yml"
RULES = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
OUTLET_SLUGS = {outlet.slug for outlet in load_outlets(DEFAULT_PATH)}
EVERY_RULE = [
    pytest.param(kind, rule, id=f"{kind}-{n}")
    for kind, rules in RULES.items()
    for n, rule in enumerate(rules)
]
# Rules whose example must match the whole text, not just a part of it.
WHOLE_MATCH_KINDS = {"junk_captions"}


@pytest.mark.parametrize(("kind", "rule"), EVERY_RULE)
def test_rule_names_curated_outlets_and_has_an_example(kind: str, rule: dict) -> None:
    assert rule["outlets"], kind
    assert set(rule["outlets"]) <= OUTLET_SLUGS | {ALL}
    assert rule.get("example"), f"{kind} rule without an example: {rule}"


@pytest.mark.parametrize(("kind", "rule"), EVERY_RULE)
def test_rule_matches_its_example(kind: str, rule: dict) -> None:
    example = rule["example"]
    if kind in ("related_galleries", "byline_elements"):
        heading = parse_html(example).body.css_first(rule["selector"])
        assert heading is not None and re.match(rule["pattern"], heading.text())
    elif kind == "wire_copies":
        assert re.search(rule["pattern"], example) and rule["agency"] in OUTLET_SLUGS
    elif kind in PATTERN_KINDS:
        pattern = re.compile(rule["pattern"], re.IGNORECASE if kind == "tail_boilerplate" else 0)
        found = pattern.fullmatch(example) if kind in WHOLE_MATCH_KINDS else pattern.search(example)
        assert found, f"{rule['pattern']!r} does not match {example!r}"
        if kind == "title_furniture":
            assert pattern.sub("", example).strip(), "a title rule must leave a title"
        if kind == "section_signatures":
            signed = re.fullmatch(rule["signature"], rule["signature_example"])
            assert signed and signed.group("names"), (rule["signature"], rule["signature_example"])
    elif kind == "noise_containers":
        root = parse_html(example).body
        marker = root.css_first(rule["marker"])
        assert marker is not None and root.css_first(rule["container"]) is not None
    elif kind in SELECTOR_KINDS:
        assert parse_html(example).body.css_first(rule["selector"]) is not None
    elif kind == "time_zones":
        local = datetime.fromisoformat(example["local"]).replace(tzinfo=ZoneInfo(rule["zone"]))
        assert local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") == example["utc"]
    elif kind == "title_repeats":
        assert len(parse_html(example).body.css("p")) >= 2, "a headline repeated after the first paragraph"
    elif kind == "reposts":
        _check_repost_rule(rule)
    else:
        pytest.fail(f"no check for rule kind {kind!r}: add one")


def _check_repost_rule(rule: dict) -> None:
    example = rule["example"]
    if "categories" in rule:
        assert set(rule["categories"].values()) <= OUTLET_SLUGS
        category = re.search(r"category-([a-z0-9-]+)", example).group(1)
        assert category in rule["categories"]
    if "not_sources" in rule:
        titles = [r for r in RULES["repost_titles"] if set(r["outlets"]) & set(rule["outlets"])]
        match = next(m for r in titles if (m := re.match(r["pattern"], example)))
        assert {match.group("source"), match.group("column")} & set(rule["not_sources"])


def test_every_time_zone_is_named_once_per_outlet() -> None:
    named = [slug for rule in RULES["time_zones"] for slug in rule["outlets"]]
    assert len(named) == len(set(named))


def test_the_data_folder_given_to_the_parser_is_the_one_used(tmp_path: Path) -> None:
    """A rule added to a copy of data/ changes what the parser keeps; the repository's data does not."""
    data_dir = tmp_path / "data"
    shutil.copytree(REPOSITORY_DATA, data_dir, ignore=shutil.ignore_patterns("sample"))
    rules = yaml.safe_load((data_dir / "feed_mirror.yml").read_text(encoding="utf-8"))
    line = "本台自有的结束语"
    rules["boilerplate"].append({"outlets": ["rfi"], "pattern": f"^{line}$", "example": line})
    (data_dir / "feed_mirror.yml").write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    text = (
        "<!--1600000000000-->\n[博物馆延长开放](https://www.rfi.fr/cn/a)\n------\n"
        "<div><p>博物馆宣布延长开放时间。</p><p>本台自有的结束语</p></div>"
    )
    assert feed_mirror.parse(text, "a.md").paragraphs[-1] == line
    with_copy = feed_mirror.parse(text, "a.md", load_parser_data(data_dir))
    assert with_copy.paragraphs == ["博物馆宣布延长开放时间。"]

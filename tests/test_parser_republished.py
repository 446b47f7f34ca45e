"""Republished (content-farm) pages: the seed against the golden file, and our own fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from golden_fields import check_article, golden_entry, golden_sources, seed_text

from newsarchive.model import ParseError
from newsarchive.parsers import digest, feed_mirror, republished

FIXTURES = Path(__file__).parent / "fixtures" / "republished"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("source", golden_sources("republished-page"))
def test_seed_matches_golden(source: str) -> None:
    text = seed_text(source)
    assert republished.detect(text)
    assert not digest.detect(text)
    assert not feed_mirror.detect(text)
    article = republished.parse(text, source)
    check_article(article, golden_entry(source))
    assert article.via_is_republisher
    assert article.published_at is None and article.published_date is None and article.date_source is None
    assert article.page_published_at is not None


def test_full_page() -> None:
    article = republished.parse(fixture("full.txt"), "full.txt")
    assert article.title == "Lanterns light up the old harbor for the spring fair"
    assert article.outlet == "Bright Harbor Digest"
    assert article.via_is_republisher
    assert article.page_published_at == "2024-03-10T08:30:00"
    assert article.published_at is None and article.published_date is None and article.date_source is None
    assert article.tags == ["Festivals", "Harbor Life"]
    assert len(article.paragraphs) == 3
    assert article.paragraphs[-1].startswith("The fair runs until Sunday evening")
    for furniture in ("gadgets", "veryGood", "singer", "sandwiches", "surf", "View", "Date:", "Current:Home"):
        assert furniture not in article.body, furniture
    assert article.language == "en"
    assert article.warnings == []


def test_page_without_date_or_tags_takes_the_title_from_the_breadcrumb() -> None:
    article = republished.parse(fixture("no_date_no_tags.txt"), "n.txt")
    assert article.title == "Town council approves new bike lanes"
    assert article.outlet == "Quiet Valley Post"
    assert article.page_published_at is None
    assert article.tags == []
    assert article.paragraphs == [
        "The town council voted on Tuesday to paint bike lanes on the main street.",
        "Work should start in the autumn.",
    ]
    assert article.warnings == ["republished page has no Date: line"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Current:Home > MyA title -Some Site\nA title\nDate:2024-01-01 00:00:00\nRelated\n- x\n",
            "no story",
        ),
        ("Current:Home > A title without a site\nA story line.\n", "names no site"),
        ("Home > A title -Site\nA story line.\n", "no 'Current:Home >' breadcrumb"),
    ],
)
def test_unusable_pages_raise_clear_errors(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        republished.parse(text, "bad.txt")


def test_detect_is_specific() -> None:
    for path in FIXTURES.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        assert republished.detect(text) and not digest.detect(text) and not feed_mirror.detect(text)
    assert not republished.detect("A plain note about Current:Home > things\n")
    assert republished.detect("\ufeff" + fixture("full.txt"))

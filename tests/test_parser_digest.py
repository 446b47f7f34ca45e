"""Digest reposts: the seeds against the golden file, and edge cases on our own fixtures."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from golden_fields import check_article, golden_entry, golden_sources, seed_text
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.model import ParseError
from newsarchive.parsers import digest, feed_mirror, generic, republished

FIXTURES = Path(__file__).parent / "fixtures" / "digest"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("source", golden_sources("digest"))
def test_seed_matches_golden(source: str) -> None:
    text = seed_text(source)
    assert digest.detect(text)
    assert not feed_mirror.detect(text)
    check_article(digest.parse(text, source), golden_entry(source))


def test_timestamp_is_converted_to_utc_and_paren_credit_becomes_an_image() -> None:
    article = digest.parse(fixture("timestamp_paren_caption.txt"), "t.txt")
    assert article.via == "每日译摘"
    assert article.outlet == "Agence France-Presse"  # the outlet's own name has a hyphen
    assert article.title == "Harbor pilots return to work after a week-long strike"
    assert article.published_at == datetime(2024, 3, 4, 1, 15, tzinfo=UTC)
    assert article.date_source == "digest-timestamp"
    assert article.published_date is None
    assert article.summary == "这篇文章讲述了港口引航员罢工一周后复工的经过。"
    assert [(i.src, i.caption, i.credit) for i in article.images] == [
        (
            None,
            "Pilots guide a container ship past the breakwater on Monday morning.",
            "Mira Holm/Harbor Photo Desk",
        )
    ]
    # Parentheses without a photo credit stay in the text.
    assert article.paragraphs[-1].endswith("(weather permitting)")
    assert len(article.paragraphs) == 3
    assert article.language == "en"
    assert article.warnings == []


def test_no_timestamp_multi_paragraph_summary_and_every_caption_style() -> None:
    article = digest.parse(fixture("no_timestamp_many_styles.txt"), "m.txt")
    assert article.outlet == "纽约时报中文网 - 英文原版-英"
    assert article.published_at is None
    assert article.published_date == "2024-06-09"
    assert article.date_source == "digest-date"
    assert article.summary.split("\n\n") == [
        "第一段摘要：两国代表在一座小城会面，气氛平静。",
        "第二段摘要：文章认为，这种平静的表面之下仍有许多分歧。",
    ]
    assert [(i.caption, i.credit) for i in article.images] == [
        (
            "Delegates walk into the town hall before the opening session.",
            "Omar Lind/Example Wire, via Sample Images",
        ),
        ("A delegate waves to reporters outside the venue, June 8, 2024.", "REUTERS/Ana Ruiz/File Photo"),
    ]
    assert article.paragraphs[0].startswith("Delegates met on Saturday in a small lakeside town")
    assert article.paragraphs[-1] == "Officials said the talks would resume after the summer break."
    assert len(article.paragraphs) == 3
    for gone in ("patience", "subscriber", "Subscribe", "Credit...", "REUTERS/"):
        assert gone not in article.body


def test_title_letters_lost_in_transit_are_restored_from_the_body() -> None:
    article = digest.parse(fixture("no_timestamp_many_styles.txt"), "m.txt")
    assert article.title == "The Naïve Hope of a Quiet Summit"


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        ("A Dtente Ends", "the détente ended", "A Détente Ends"),
        ("DTENTE", "détente", "DÉTENTE"),
        ("Chinas Talks", "China's talks", "Chinas Talks"),  # nothing non-ASCII to restore
        ("Déjà Vu Again", "deja vu", "Déjà Vu Again"),  # a title with accents lost nothing
        ("Rsum Tips", "send your résumé today", "Résumé Tips"),
    ],
)
def test_repair_title(title: str, body: str, expected: str) -> None:
    assert digest.repair_title(title, body) == expected


def test_chinese_body_is_split_from_the_summary_at_the_double_blank_line() -> None:
    article = digest.parse(fixture("chinese_body_gap.txt"), "c.txt")
    assert article.outlet == "联合早报"
    assert article.title == "河畔新桥通车"
    assert article.summary == "摘要：新桥通车后，两岸居民往来更加方便。"
    assert article.paragraphs == [
        "市政府周四宣布，横跨河面的新桥正式通车。",
        "官员说，新桥将把两岸之间的车程缩短一半。",
    ]
    assert article.language == "zh"


def test_unknown_outlet_ends_at_the_first_hyphen_with_a_warning() -> None:
    article = digest.parse(fixture("unknown_outlet.txt"), "u.txt")
    assert article.outlet == "Harbor Gazette"
    assert article.title == "Lighthouse keepers reunite for the last time"
    assert article.warnings == ["outlet 'Harbor Gazette' is not in the curated outlets list"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("频道\n\nReuters-A title\n\nMay 1, 2024   1 min   10 words\n\n只有摘要。\n", "no article text"),
        ("Reuters-A title\nMay 1, 2024   1 min   10 words\n\nBody text.\n", "a channel line"),
        ("频道\nReuters-\nMay 1, 2024   1 min   10 words\n摘要。\nBody text.\n", "has no title"),
        ("频道\nReuters-A title\nsome text\n", "no 'Month D, YYYY"),
    ],
)
def test_missing_sections_raise_clear_errors(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        digest.parse(text, "bad.txt")


def test_own_fixtures_are_digests_and_nothing_else() -> None:
    for path in FIXTURES.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        assert digest.detect(text), path.name
        assert not feed_mirror.detect(text), path.name
        assert not republished.detect(text), path.name


def test_feed_mirror_shapes_are_not_digests() -> None:
    comment_form = (
        "<!--1700000000000-->\n[A title](https://example.org/a)\n------\n\nMay 1, 2024   1 min   10 words\n"
    )
    front_matter = "---\ntitle: x\n---\nx\nMay 1, 2024   1 min   10 words\n<p>hi</p>\n"
    assert not digest.detect(comment_form)
    assert not digest.detect(front_matter)
    assert generic.detect(comment_form)


line_text = st.text(alphabet=st.sampled_from("abc XYZ.()/-新闻中美关系，。é"), min_size=1, max_size=40).map(
    str.strip
)


@settings(max_examples=200, deadline=None)
@given(
    summary=st.lists(line_text.filter(bool), max_size=3),
    stamp=st.sampled_from(["", "2024-05-01T10:00:00Z"]),
    body=st.lists(line_text.filter(bool), max_size=6),
)
def test_digest_shaped_text_never_leaks_its_header(summary: list[str], stamp: str, body: list[str]) -> None:
    text = "\n\n".join(
        ["频道", "Reuters-Some title", "May 1, 2024   1 min   10 words", *summary, stamp, *body]
    )
    try:
        article = digest.parse(text, "fuzz.txt")
    except ParseError:
        return
    kept = article.paragraphs + (article.summary or "").split("\n\n")
    assert not {"频道", "Reuters-Some title", "May 1, 2024   1 min   10 words", "2024-05-01T10:00:00Z"} & set(
        kept
    )
    assert all(paragraph in summary + body for paragraph in article.paragraphs)
    assert article.outlet == "Reuters" and article.title == "Some title"

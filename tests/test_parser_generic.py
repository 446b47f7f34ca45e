"""Generic best-effort parser: plain text, HTML, front matter, and unusable input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.model import ParseError
from newsarchive.parsers import digest, feed_mirror, generic, republished

FIXTURES = Path(__file__).parent / "fixtures" / "generic"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_plain_text_first_line_is_the_title_and_blocks_are_paragraphs() -> None:
    article = generic.parse(fixture("plain.txt"), "plain.txt")
    assert article.format == "generic"
    assert article.title == "Notes from the river market"
    assert article.paragraphs == [
        "The river market opened early on Friday, and the first boats arrived before sunrise.",
        "小镇的集市每周五开放，商贩们天不亮就到了。",
    ]
    assert article.warnings == [generic.WARNING]
    assert article.language == "en"


def test_html_is_reduced_to_text_without_scripts_or_styles() -> None:
    article = generic.parse(fixture("page.html"), "page.html")
    assert article.title == "Orchard owners expect a large apple harvest"
    assert article.paragraphs == [
        "Growers in the valley said the warm spring helped the trees.",
        "Picking starts next week, weather permitting.",
    ]
    for markup in ("<", "tracker", "color: red", "Ignored head title"):
        assert markup not in article.body


def test_front_matter_title_is_used_and_the_front_matter_is_not_text() -> None:
    article = generic.parse(fixture("front_matter.txt"), "fm.txt")
    assert article.title == "A quiet week at the observatory"
    assert article.paragraphs == [
        "Astronomers spent the week cataloguing faint stars.",
        "Clouds kept the big telescope closed on two nights.",
    ]


def test_chinese_text_is_marked_chinese() -> None:
    article = generic.parse("河边集市\n\n集市每周五开放，\n商贩们天不亮就到了。\n", "zh.txt")
    assert article.title == "河边集市"
    assert article.paragraphs == ["集市每周五开放，商贩们天不亮就到了。"]
    assert article.language == "zh"


def test_long_first_line_is_cut_for_the_title_and_kept_as_text() -> None:
    line = "word " * 100
    article = generic.parse(line + "\n\nSecond block.\n", "long.txt")
    assert len(article.title) <= generic.MAX_TITLE
    assert line.startswith(article.title)
    assert article.paragraphs == [line.strip(), "Second block."]


def test_single_line_file_keeps_its_line_as_the_body() -> None:
    article = generic.parse("Just one line of text\n", "one.txt")
    assert article.title == "Just one line of text"
    assert article.body == "Just one line of text"


@pytest.mark.parametrize("text", ["", "   \n\t\n", "\u3000\n"])
def test_empty_input_is_an_error_and_not_detected(text: str) -> None:
    assert not generic.detect(text)
    with pytest.raises(ParseError, match="empty file"):
        generic.parse(text, "empty.txt")


def test_markup_without_text_is_an_error() -> None:
    with pytest.raises(ParseError, match="no readable text"):
        generic.parse("<html><body><script>x = 1</script></body></html>", "s.html")


def test_generic_detects_any_text_but_other_parsers_leave_these_fixtures_alone() -> None:
    for path in FIXTURES.iterdir():
        text = path.read_text(encoding="utf-8")
        assert generic.detect(text)
        assert not (digest.detect(text) or republished.detect(text) or feed_mirror.detect(text)), path.name


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_an_article_or_a_parse_error(text: str) -> None:
    for parser in (generic, digest, republished):
        try:
            article = parser.parse(text, "random.txt")
        except ParseError:
            continue
        assert article.title.strip()
        assert all(paragraph.strip() for paragraph in article.paragraphs)

"""Credit patterns and their clues (data/name_rules.yml): a pattern is tried only on texts containing one
of its clues, so the clues must be strings that every match contains."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from newsarchive.entities import _credit_pattern, _credit_spans
from newsarchive.textnorm import normalize

RULES = Path(__file__).resolve().parents[1] / "data" / "name_rules.yml"

# Credits and bylines in our own words, one or more per pattern of name_rules.yml.
CREDITED = [
    "Talks ended. (Ann Lee/AP) Both sides left.",
    "Ships in the bay. REUTERS/Tom Fox",
    "A crowd gathered. Tom Fox/Xinhua",
    "Credit...Ann Lee for The Paper",
    "Photo: Ann Lee",
    "会谈结束。（新华社记者 李明 摄）",
    "会谈结束。(图源:网络)",
    "图片来源：网络\n会谈结束。",
    "會談結束。圖片：網絡",  # traditional script: clues and patterns see the normalised text
]


def _project_credits() -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    entries = yaml.safe_load(RULES.read_text(encoding="utf-8"))["credit_patterns"]
    return [_credit_pattern(entry) for entry in entries]


def test_a_pattern_without_its_clue_in_the_text_is_not_tried() -> None:
    credits = [_credit_pattern({"pattern": r"\(\w+/AP\)", "clues": ["/"]}), _credit_pattern(r"by \w+")]
    assert _credit_spans("(Lee/AP) by Fox", credits) == [(0, 8), (9, 15)]
    # the clue decides: a pattern whose clue is absent finds nothing, even where it would match
    skipped = [_credit_pattern({"pattern": r"\w+", "clues": ["#"]})]
    assert _credit_spans("no clue here", skipped) == []


def test_every_project_pattern_has_clues() -> None:
    assert all(clues for _, clues in _project_credits())


@pytest.mark.parametrize("text", CREDITED)
def test_clues_change_no_credit_span(text: str) -> None:
    credits = _project_credits()
    normalized = normalize(text)
    everywhere = [match.span() for pattern, _ in credits for match in pattern.finditer(normalized)]
    assert everywhere, "each example is a credit"
    assert _credit_spans(normalized, credits) == everywhere
    for pattern, clues in credits:
        for match in pattern.finditer(normalized):
            assert any(clue in match.group() for clue in clues), (pattern.pattern, match.group())

"""Check one parser's result against ../shared/golden/seeds.json (parser-level; no database involved)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsarchive.model import ParsedArticle
from newsarchive.outlets import Outlet, default_directory

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
GOLDEN = SHARED / "golden" / "seeds.json"
SEEDS = SHARED / "seeds"


def golden_sources(format_name: str) -> list[str]:
    """Seed file names of one format (empty when ../shared is absent, so parametrised tests skip)."""
    if not GOLDEN.exists():
        return []
    articles = json.loads(GOLDEN.read_text(encoding="utf-8"))["articles"]
    return [entry["source"] for entry in articles if entry["format"] == format_name]


def golden_entry(source: str) -> dict:
    if not GOLDEN.exists():
        pytest.skip("../shared/golden is absent")
    articles = json.loads(GOLDEN.read_text(encoding="utf-8"))["articles"]
    return next(entry for entry in articles if entry["source"] == source)


def seed_text(source: str) -> str:
    path = SEEDS / source
    if not path.exists():
        pytest.skip(f"../shared/seeds/{source} is absent")
    return path.read_text(encoding="utf-8")


def _named(outlet: Outlet | None, names: list[str]) -> bool:
    return outlet is not None and (outlet.name in names or outlet.name_zh in names)


def _date_matches(article: ParsedArticle, expected: str) -> bool:
    """A date-only expectation holds for published_date, or for the UTC date of published_at."""
    if article.published_date:
        return article.published_date == expected
    return article.published_at is not None and article.published_at.date().isoformat() == expected


def check_article(article: ParsedArticle, expected: dict) -> None:
    outlets = default_directory()
    body = article.body
    assert article.format == expected["format"]
    assert article.title == expected["title"]
    assert _named(outlets.resolve(article.outlet, article.url), expected["outlet"]), article.outlet
    if "via" in expected:
        assert article.via in expected["via"] or _named(outlets.resolve(article.via), expected["via"])
    if "outlet_kind" in expected:
        assert outlets.resolve(article.outlet, article.url).kind == expected["outlet_kind"]
    assert article.language == expected["language"]
    _check_dates(article, expected)
    if "summary_prefix" in expected:
        assert article.summary.startswith(expected["summary_prefix"])
    if "summary_suffix" in expected:
        assert article.summary.endswith(expected["summary_suffix"])
    assert body.startswith(expected["body_prefix"])
    assert body.endswith(expected["body_suffix"])
    assert len(article.paragraphs) == expected["paragraphs"]
    for excluded in expected.get("body_excludes", []):
        assert excluded not in body, excluded
    got_images = [(image.caption, image.credit) for image in article.images]
    assert got_images == [(image["caption"], image["credit"]) for image in expected.get("images", [])]
    if "tags" in expected:
        assert article.tags == expected["tags"]


def _check_dates(article: ParsedArticle, expected: dict) -> None:
    if "published_date" in expected:
        assert _date_matches(article, expected["published_date"])
    if "published_at_prefix" in expected:
        assert article.published_at is not None
        assert article.published_at.isoformat().startswith(expected["published_at_prefix"])
    if "published_at_any" in expected:
        stamp = article.published_at.isoformat() if article.published_at else None
        assert any(
            stamp is None if option is None else (stamp or "").startswith(option)
            for option in expected["published_at_any"]
        )
    if "published_date_any" in expected:
        assert any(
            article.published_date is None and article.published_at is None
            if option is None
            else _date_matches(article, option)
            for option in expected["published_date_any"]
        )

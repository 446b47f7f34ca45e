"""The curated data the parsers read, loaded from one data folder (the build's ``--data``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from newsarchive.outlets import OutletDirectory, load_outlets
from newsarchive.parsers.feed_rules import FeedMirrorRules, load_feed_mirror_rules

REPOSITORY_DATA = Path(__file__).resolve().parents[2] / "data"


@dataclass(frozen=True)
class ParserData:
    outlets: OutletDirectory  # data/outlets.yml: outlet names and hosts
    feed_mirror: FeedMirrorRules  # data/feed_mirror.yml: page furniture by outlet
    digest_boilerplate: tuple[re.Pattern[str], ...]  # data/digest_boilerplate.yml: whole lines to drop


def load_parser_data(data_dir: Path) -> ParserData:
    """Everything the parsers need from a data folder."""
    data_dir = Path(data_dir)
    boilerplate = yaml.safe_load((data_dir / "digest_boilerplate.yml").read_text(encoding="utf-8"))
    return ParserData(
        outlets=load_outlets(data_dir / "outlets.yml"),
        feed_mirror=load_feed_mirror_rules(data_dir / "feed_mirror.yml"),
        digest_boilerplate=tuple(re.compile(p, re.IGNORECASE) for p in boilerplate["drop_lines"]),
    )


@lru_cache(maxsize=1)
def default_parser_data() -> ParserData:
    """The repository's own data folder, loaded once (for callers that do not name one)."""
    return load_parser_data(REPOSITORY_DATA)

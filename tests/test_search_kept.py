"""The search page keeps what a search gives for a file served immutable: the same pages as without."""

from __future__ import annotations

import asyncio
import shutil

import pytest
from datasette.app import Datasette
from test_search_datasette import FILLERS, ROOT, make_datasette, site_metadata
from test_search_text import ARTICLES, build_fixture_db

from newsarchive import search_pages

# Page 2 before page 1 and back again: the first look, paging through, and coming back.
VISITS = [
    {"q": "tariffs", "page": "2"}, {"q": "tariffs"}, {"q": "tariffs", "page": "2"}, {"q": "tariffs"},
    {"q": "tariffs", "sort": "newest"}, {"q": "tariffs", "sort": "newest", "page": "2"},
    {"q": "tariffs", "stubs": "0", "page": "2"}, {"q": "tariffs", "language": "zh"},
    {"q": "王毅"}, {"q": "王毅", "page": "2"}, {"q": "王毅", "names": "0"},
    {"q": "关系", "person": "wang-yi"}, {"q": "tariffs", "page": "9"},
]


def page_html(ds: Datasette, params: dict) -> str:
    response = asyncio.run(ds.client.get("/search", params={"lang": "en", **params}))
    assert response.status_code == 200, response.text
    return response.text.split('<form class="site-search"', 1)[1]  # the page's body, no per-request token


@pytest.fixture(scope="module")
def sites(tmp_path_factory, real_pipeline) -> tuple[Datasette, Datasette]:
    """The fixture archive served as it may change (nothing kept) and immutable (as scripts/serve.sh)."""
    db = build_fixture_db(tmp_path_factory.mktemp("kept") / "archive.db", real_pipeline, ARTICLES + FILLERS)
    served = shutil.copy(db, tmp_path_factory.mktemp("served") / "archive.db")
    immutable = Datasette(immutables=[str(served)], plugins_dir=str(ROOT / "plugins"),
                          template_dir=str(ROOT / "templates"), metadata=site_metadata())
    return make_datasette(db), immutable


def test_kept_searches_give_the_same_pages(sites):
    changing, immutable = sites
    for params in VISITS + VISITS:  # twice: the second round from what is kept
        assert page_html(immutable, params) == page_html(changing, params), params


def test_only_an_immutable_file_keeps_searches_and_paging_keeps_their_order(sites):
    changing, immutable = sites
    page_html(changing, {"q": "diplomat", "page": "2"})
    changing_path = changing.get_database("archive").path
    assert not [key for key in search_pages._OUTCOMES.values if key[0] == changing_path]
    page_html(immutable, {"q": "diplomat"})
    page_html(immutable, {"q": "diplomat", "page": "2"})
    path = immutable.get_database("archive").path
    kept = [value for key, (value, _) in search_pages._OUTCOMES.values.items()
            if key[0] == path and key[1].q == "diplomat"]
    assert len(kept) == 1 and kept[0][1] is not None  # counts and every story in order


def test_kept_searches_are_bounded_oldest_first():
    kept = search_pages._Kept(limit=5)
    db = type("Db", (), {"is_mutable": False, "path": "x.db"})()
    for n in range(4):
        kept.put(db, (n,), f"value {n}", weight=2)
    assert [key[1] for key in kept.values] == [2, 3] and kept.weight == 4
    kept.put(db, (3,), "again", weight=1)
    assert kept.get(db, (3,)) == "again" and kept.weight == 3

"""Chinese/English search through the bigram transform, on a real SQLite file built with our schema."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive import schema
from newsarchive.search_text import (
    _best_window,
    fts_query,
    fts_row,
    index_text,
    search_snippet,
    search_snippet_text,
)

# Our own short fixture articles (slug, outlet, language, title, summary, body, tags, people).
PEOPLE = {
    "wang-yi": ("Wang Yi", "王毅"),
    "antony-blinken": ("Antony Blinken", "布林肯"),
}
OUTLETS = {"harbor-times": ("Harbor Times", None), "east-daily": ("East Daily", "东方日报")}
ARTICLES = [
    (
        "en-visit",
        "harbor-times",
        "en",
        "Foreign minister visits Washington for trade talks",
        None,
        "Wang Yi met Antony Blinken on Tuesday.\n\nThe two diplomats discussed export controls and fentanyl.",
        ["diplomacy"],
        ["wang-yi", "antony-blinken"],
    ),
    (
        "zh-meeting",
        "east-daily",
        "zh",
        "王毅会见布林肯讨论中美关系",
        "双方交换意见。",
        "外交部长王毅周二在北京会见美国国务卿布林肯。\n\n双方就中美关系交换意见。",
        ["外交"],
        ["wang-yi", "antony-blinken"],
    ),
    (
        "zh-traditional",
        "east-daily",
        "zh",
        "國務卿談兩國關係",
        None,
        "國務卿表示，兩國關係需要穩定。",
        [],
        ["antony-blinken"],
    ),
    (
        "zh-trade",
        "east-daily",
        "zh",
        "中美两国的贸易关系",
        None,
        "专家认为中美两国的贸易关系仍然复杂。这座城市的夜景很美。",
        [],
        [],
    ),
    (
        "en-sport",
        "harbor-times",
        "en",
        "Coach praises the team after a late win",
        None,
        "The coach said the players talked about trade rumours before the match.",
        ["sport"],
        [],
    ),
    (
        "en-diplomat",
        "harbor-times",
        "en",
        "A diplomat's view of export rules",
        None,
        "One diplomat said talks on trade would resume. The café was closed.",
        [],
        [],
    ),
]


def index_article(conn: sqlite3.Connection, article_id: int, title: str, summary: str | None, body: str,
                  tags: list[str], names: list[str]) -> None:
    """Add one article to articles_fts the way the builder does."""
    conn.execute(
        "INSERT INTO articles_fts(rowid, title, summary, body, tags, entities)"
        " VALUES (:rowid, :title, :summary, :body, :tags, :entities)",
        {"rowid": article_id, **fts_row(title, summary, body, tags, names)},
    )


def build_fixture_db(path: Path) -> Path:
    """A small archive with our schema: outlets, people, articles, links, and articles_fts via fts_row."""
    conn = sqlite3.connect(path)
    schema.create(conn)
    outlet_ids = {}
    for slug, (name, name_zh) in OUTLETS.items():
        cur = conn.execute(
            "INSERT INTO outlets(slug, name, name_zh, kind) VALUES (?, ?, ?, 'publisher')",
            (slug, name, name_zh),
        )
        outlet_ids[slug] = cur.lastrowid
    person_ids = {}
    for slug, (name, name_zh) in PEOPLE.items():
        cur = conn.execute("INSERT INTO people(slug, name, name_zh) VALUES (?, ?, ?)", (slug, name, name_zh))
        person_ids[slug] = cur.lastrowid
    for slug, outlet, language, title, summary, body, tags, people in ARTICLES:
        source_id = conn.execute(
            "INSERT INTO sources(input, path, sha256, bytes, status) VALUES ('fixture', ?, ?, 0, 'ok')",
            (slug + ".txt", slug),
        ).lastrowid
        article_id = conn.execute(
            "INSERT INTO articles(slug, source_id, fingerprint, format, title, language, outlet_id, tags,"
            " summary, body, word_count) VALUES (?, ?, ?, 'fixture', ?, ?, ?, ?, ?, ?, ?)",
            (
                slug,
                source_id,
                slug,
                title,
                language,
                outlet_ids[outlet],
                json.dumps(tags, ensure_ascii=False),
                summary,
                body,
                len(body.split()),
            ),
        ).lastrowid
        names = []
        for person in people:
            conn.execute(
                "INSERT INTO article_people(article_id, person_id, mentions) VALUES (?, ?, 1)",
                (article_id, person_ids[person]),
            )
            names += PEOPLE[person]
        index_article(conn, article_id, title, summary, body, tags, names)
    conn.commit()
    conn.close()
    return path


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    db = build_fixture_db(tmp_path_factory.mktemp("search") / "archive.db")
    connection = sqlite3.connect(db)
    yield connection
    connection.close()


def found(conn: sqlite3.Connection, q: str) -> set[str]:
    rows = conn.execute(
        "SELECT a.slug FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
        " WHERE articles_fts MATCH ?",
        (fts_query(q),),
    )
    return {slug for (slug,) in rows}


def test_index_text_spells_cjk_runs_as_bigrams_plus_final_character():
    assert index_text("中美关系").split() == ["中美", "美关", "关系", "系"]
    assert index_text("Wang Yi王毅said").split() == ["Wang", "Yi", "王毅", "毅", "said"]
    assert index_text("美").split() == ["美"]


def test_index_text_normalises_traditional_and_full_width():
    assert index_text("關係ＡＢＣ").split() == ["关系", "系", "ABC"]


def test_fts_query_shapes():
    assert fts_query("王毅") == '"王毅"'
    assert fts_query("中美关系") == '"中美 美关 关系"'
    assert fts_query("美") == '"美" *'
    assert fts_query("關係") == '"关系"'
    assert fts_query('"Wang Yi" talks') == '"Wang Yi" AND "talks"'
    assert fts_query("Wang OR 王毅 talks") == '("Wang" OR "王毅") AND "talks"'
    assert fts_query("") == fts_query("  -:* ") == '""'


def test_two_character_chinese_inside_a_sentence(conn):
    assert found(conn, "王毅") == {"en-visit", "zh-meeting"}  # en-visit only through its entities


def test_one_character_chinese_mid_run_and_run_final(conn):
    # 美 starts a bigram in 美国/中美..., and ends the run in 很美。 (zh-trade), found through the unigram
    assert found(conn, "美") == {"zh-meeting", "zh-trade"}
    assert found(conn, "卿") == {"zh-meeting", "zh-traditional"}  # mid-run 国务卿布 and title-final 國務卿


def test_three_plus_characters_are_a_contiguous_phrase(conn):
    assert found(conn, "中美关系") == {"zh-meeting"}  # zh-trade has 中美 and 关系 but not together
    assert found(conn, "外交部长王毅") == {"zh-meeting"}


def test_traditional_query_finds_simplified_text_and_back(conn):
    assert found(conn, "國務卿") == {"zh-meeting", "zh-traditional"}
    assert found(conn, "关系") == {"zh-meeting", "zh-traditional", "zh-trade"}


def test_english_stemming(conn):
    assert found(conn, "diplomats") == {"en-visit", "en-diplomat"}
    assert found(conn, "talked") >= {"en-visit", "en-sport", "en-diplomat"}  # talk/talks/talked


def test_phrases(conn):
    assert found(conn, '"trade talks"') == {"en-visit"}
    assert found(conn, "trade talks") == {"en-visit", "en-sport", "en-diplomat"}
    assert found(conn, '"talks on trade"') == {"en-diplomat"}


def test_mixed_and_cross_language(conn):
    assert found(conn, "王毅 fentanyl") == {"en-visit"}
    assert found(conn, "Blinken") == {"en-visit", "zh-meeting", "zh-traditional"}
    assert found(conn, "布林肯 export") == {"en-visit"}
    assert found(conn, '"Antony Blinken" 北京') == {"zh-meeting"}


def test_or_and_prefix(conn):
    assert found(conn, "fentanyl OR 稳定") == {"en-visit", "zh-traditional"}
    assert found(conn, "dipl*") == {"en-visit", "en-diplomat"}


def test_diacritics_and_operator_words_are_plain_words(conn):
    assert found(conn, "cafe") == {"en-diplomat"}
    assert found(conn, "NEAR NOT") == set()


# Fragments chosen to break naive escaping: quotes, FTS5 operators, column filters, prefixes, brackets.
NASTY = st.sampled_from(
    [
        '"',
        "'",
        "*",
        ":",
        "-",
        "+",
        "^",
        "(",
        ")",
        "{",
        "}",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "NEAR(",
        "title:",
        "王",
        "中美关系",
        "關係",
        "diplomats",
        "_",
        "\\",
        "\x00",
        "ﬁ",
        "·",
        " ",
        "\t",
        "\n",
    ]
)
QUERIES = st.lists(st.one_of(NASTY, st.text(max_size=8)), max_size=8).map("".join)


@settings(max_examples=600, deadline=None)
@given(QUERIES)
def test_every_generated_query_is_valid_fts5(conn, q):
    expression = fts_query(q)
    conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (expression,)).fetchone()


CJK_TEXT = st.text(alphabet=st.sampled_from("中美关系王毅北京國務卿的一是"), min_size=1, max_size=6)
ANY_TEXT = st.text(alphabet=st.sampled_from("中美关系王的 ,。abc1"), max_size=10)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT, CJK_TEXT, ANY_TEXT)
def test_any_chinese_substring_finds_its_document(before, needle, after):
    fts = sqlite3.connect(":memory:")
    fts.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'porter unicode61 remove_diacritics 2')")
    fts.execute("INSERT INTO t(body) VALUES (?)", (index_text(before + needle + after),))
    assert fts.execute("SELECT count(*) FROM t WHERE t MATCH ?", (fts_query(needle),)).fetchone() == (1,)


def test_snippet_highlights_original_text_and_escapes_html():
    text = "Chinese diplomats said <b>中美關係</b> matter; Diplomatic talks went on."
    assert search_snippet(text, "diplomat 关系", None) == (
        "Chinese <mark>diplomats</mark> said &lt;b&gt;中美<mark>關係</mark>&lt;/b&gt; matter;"
        " <mark>Diplomatic</mark> talks went on."
    )


def test_snippet_windows_long_text_around_the_terms():
    text = "filler words here. " * 40 + "Then Wang Yi spoke about fentanyl. " + "more filler text. " * 40
    snippet = search_snippet(text, "fentanyl 王毅", 120)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>fentanyl</mark>" in snippet
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) <= 122


def test_snippet_without_match_shows_the_start():
    assert search_snippet("abc def", "zzz") == "abc def"
    assert search_snippet(None, "x") is None


def test_python_snippet_in_docs_works(conn, tmp_path):
    """The copy-paste snippet in docs/searching.md runs as documented against a real file."""
    docs = Path(__file__).resolve().parents[1] / "docs" / "searching.md"
    code = docs.read_text(encoding="utf-8").split("```python\n", 1)[1].split("```", 1)[0]
    db = build_fixture_db(tmp_path / "archive.db")
    namespace: dict = {}
    exec(compile(code, str(docs), "exec"), namespace)  # defines to_match() and search()
    assert [title for _, _, title in namespace["search"](db, "中美关系")] == ["王毅会见布林肯讨论中美关系"]
    assert {title for _, _, title in namespace["search"](db, "王毅 fentanyl")} == {ARTICLES[0][3]}
    assert "newsarchive" not in code  # researchers do not have the project
    for q in ["關係 diplomats 美", '"Wang Yi" 中美关系', "國務卿 5G网络", '"关系 talks"', "-:*"]:
        assert namespace["to_match"](q) == fts_query(q)


def brute_force_window(spans, width, lead):
    """Reference for _best_window: try every candidate window, keep the earliest with most distinct terms."""
    best, best_count = 0, -1
    for anchor, _, _ in spans:
        start = max(0, anchor - lead)
        count = len({term for s, e, term in spans if s >= start and e <= start + width})
        if count > best_count:
            best, best_count = start, count
    return best


SPANS = st.lists(st.tuples(st.integers(0, 40), st.integers(1, 5), st.sampled_from("abcd")), min_size=1).map(
    lambda gaps: [
        (sum(g + n for g, n, _ in gaps[:i]) + gap, sum(g + n for g, n, _ in gaps[:i]) + gap + size, term)
        for i, (gap, size, term) in enumerate(gaps)
    ]
)


@settings(max_examples=500, deadline=None)
@given(SPANS, st.integers(5, 80), st.integers(0, 30))
def test_snippet_window_is_the_earliest_with_most_terms(spans, width, lead):
    assert _best_window(spans, width, lead) == brute_force_window(spans, width, lead)


def test_sql_examples_in_docs_run(conn):
    docs = Path(__file__).resolve().parents[1] / "docs" / "searching.md"
    sql = docs.read_text(encoding="utf-8").split("```sql\n", 1)[1].split("```", 1)[0]
    statements = [s for s in sql.split(";") if s.strip()]
    results = [conn.execute(statement).fetchall() for statement in statements]
    assert len(results) == 3
    assert [title for _, _, title in results[0]] == ["王毅会见布林肯讨论中美关系"]


def test_plain_text_snippet_brackets_terms_and_leaves_text_alone():
    assert (
        search_snippet_text("A <b>diplomat</b> in 北京", "diplomats 北京") == "A <b>[diplomat]</b> in [北京]"
    )


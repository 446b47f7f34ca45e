"""Chinese/English search through the bigram transform, on a real SQLite file built with our schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive import schema
from newsarchive.build import DEFAULT_DATA_DIR
from newsarchive.entities import write_gazetteer
from newsarchive.ingest import Pipeline, Processed
from newsarchive.model import ParsedArticle
from newsarchive.outlets import load_outlets
from newsarchive.query_rewrite import Converter, Search
from newsarchive.search_text import (
    _best_window,
    fts_query,
    index_text,
    search_snippet,
    search_snippet_text,
)
from newsarchive.store import ArchiveWriter
from newsarchive.textnorm import conversion_pairs, normalize

# Our own short fixture articles (slug, outlet, language, title, summary, body, tags).
ARTICLES = [
    (
        "en-visit",
        "Harbor Times",
        "en",
        "Foreign minister visits Washington for trade talks",
        None,
        "Wang Yi met Antony Blinken on Tuesday.\n\nThe two diplomats discussed export controls and fentanyl.",
        ["diplomacy"],
    ),
    (
        "zh-meeting",
        "East Daily",
        "zh",
        "王毅会见布林肯讨论中美关系",
        "双方交换意见。",
        "外交部长王毅周二在北京会见美国国务卿布林肯。\n\n双方就中美关系交换意见。",
        ["外交"],
    ),
    (
        "zh-traditional",
        "East Daily",
        "zh",
        "國務卿談兩國關係",
        None,
        "國務卿布林肯表示，兩國關係需要穩定，雙方的計畫隨著形勢調整。",
        [],
    ),
    (
        "zh-trade",
        "East Daily",
        "zh",
        "中美两国的贸易关系",
        None,
        "专家认为中美两国的贸易关系仍然复杂，合作计划随着形势调整。这座城市的夜景很美。",
        [],
    ),
    (
        "zh-tariffs",
        "East Daily",
        "zh",
        "特朗普宣布新的关税措施",
        None,
        "特朗普周五表示将对进口钢材加征关税（tariffs），北京回应称将采取对等措施。",
        [],
    ),
    (
        "en-sport",
        "Harbor Times",
        "en",
        "Coach praises the team after a late win",
        None,
        "The coach said the players talked about trade rumours before the match.",
        ["sport"],
    ),
    (
        "en-diplomat",
        "Harbor Times",
        "en",
        "A diplomat's view of export rules",
        None,
        "One diplomat said talks on trade would resume. The café was closed.",
        [],
    ),
]


STDLIB_CONVERTER = Converter(conversion_pairs())


def build_fixture_db(path: Path, pipeline: Pipeline, articles: list[tuple] = ARTICLES) -> Path:
    """The fixture articles stored the way the builder stores parsed files (real pipeline and writer)."""
    gazetteer = pipeline.gazetteer
    conn = sqlite3.connect(path, isolation_level=None)
    schema.create(conn)
    conn.execute("BEGIN")  # as the builder does: one transaction, not one per row
    outlets = load_outlets(DEFAULT_DATA_DIR / "outlets.yml")
    writer = ArchiveWriter(conn, outlets, write_gazetteer(conn, gazetteer))
    for slug, outlet, language, title, summary, body, tags, *day in articles:
        parsed = ParsedArticle(format="fixture", title=title, paragraphs=body.split("\n\n"),
                               language=language, outlet=outlet, summary=summary, tags=tags,
                               url=f"https://example.org/{slug}", published_date=day[0] if day else None)
        result = Processed("fixture", f"{slug}.txt", slug, 0, "ok")
        pipeline.describe(result, parsed)
        writer.write(result)
    writer.finish()
    conn.execute("UPDATE articles SET slug = substr((SELECT path FROM sources WHERE id = source_id), 1,"
                 " length((SELECT path FROM sources WHERE id = source_id)) - 4)")
    conn.execute("COMMIT")
    conn.close()
    return path


@pytest.fixture(scope="module")
def conn(tmp_path_factory, real_pipeline):
    db = build_fixture_db(tmp_path_factory.mktemp("search") / "archive.db", real_pipeline)
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
    assert found(conn, "王毅") == {"zh-meeting"}  # literal: en-visit names him only in English


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


def test_traditional_words_are_converted_as_words(conn):
    # 計畫 is 计划 and 隨著 is 随着: character by character they would be 计画 and 随著
    assert found(conn, "计划") == found(conn, "計畫") == {"zh-traditional", "zh-trade"}
    assert found(conn, "随着") == found(conn, "隨著") == {"zh-traditional", "zh-trade"}


def test_english_stemming(conn):
    assert found(conn, "diplomats") == {"en-visit", "en-diplomat"}
    assert found(conn, "talked") >= {"en-visit", "en-sport", "en-diplomat"}  # talk/talks/talked


def test_phrases(conn):
    assert found(conn, '"trade talks"') == {"en-visit"}
    assert found(conn, "trade talks") == {"en-visit", "en-sport", "en-diplomat"}
    assert found(conn, '"talks on trade"') == {"en-diplomat"}


def test_words_match_only_the_articles_own_text(conn):
    # Entity names are not indexed: other-language names are added on purpose by the search page.
    assert found(conn, "Blinken") == {"en-visit"}
    assert found(conn, "布林肯") == {"zh-meeting", "zh-traditional"}
    assert found(conn, "布林肯 export") == set()
    assert found(conn, "diplomacy") == {"en-visit"}  # tags are the article's own words


def test_unusual_input_means_what_the_reader_meant(conn):
    assert fts_query("COVID-19") == '"COVID 19"'
    assert fts_query("U.S.") == '"U S"'
    assert found(conn, "U.S. export") == set()


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


def docs_blocks(language: str) -> list[str]:
    docs = Path(__file__).resolve().parents[1] / "docs" / "searching.md"
    blocks = docs.read_text(encoding="utf-8").split(f"```{language}\n")[1:]
    return [block.split("```", 1)[0] for block in blocks]


def test_docs_show_the_query_module_verbatim():
    module = Path(__file__).resolve().parents[1] / "newsarchive" / "query_rewrite.py"
    assert module.read_text(encoding="utf-8") in [block for block in docs_blocks("python")]


def test_docs_python_example_runs_as_documented(conn):
    example = docs_blocks("python")[0].replace("from query_rewrite import Search\n", "")
    namespace: dict = {"Search": Search, "sqlite3": sqlite3}
    database = conn.execute("PRAGMA database_list").fetchone()[2]
    exec(compile(example.replace('"archive.db"', repr(database)), "searching.md", "exec"), namespace)
    titles = {title: how for _, how, title in namespace["hits"]}
    assert titles == {"王毅会见布林肯讨论中美关系": "text", ARTICLES[0][3]: "name"}
    assert [how for _, how, _ in namespace["words_only"]] == ["text"]


def test_stdlib_conversion_is_the_builders(conn):
    converter = Converter.from_database(conn)
    for text in ["計畫與瞭解隨著國務卿‧布林肯", "打坏了沈阳", "ＡＢＣ，ﬁ①", "一目瞭然的計畫書", "乾隆"]:
        assert converter.normalize(text) == normalize(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("計畫瞭解隨著覆回答反憑藉沈坏打一目然國務卿中美关系ＡＢ·‧ "),
               max_size=12))
def test_stdlib_conversion_agrees_on_any_text(text):
    assert STDLIB_CONVERTER.normalize(text) == normalize(text)


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


def test_sql_examples_in_docs_give_what_they_say(conn):
    statements = [s for s in docs_blocks("sql")[0].split(";") if s.strip()]
    relations, trump_tariffs, wang_yi_months = [conn.execute(sql).fetchall() for sql in statements]
    assert [title for _, _, title in relations] == ["王毅会见布林肯讨论中美关系"]
    assert trump_tariffs == [("East Daily", 1)]
    assert sum(count for _, count in wang_yi_months) == 2  # the Chinese and the English article
    raw = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH '特朗普'"
    assert conn.execute(raw).fetchone() == (0,)  # the documented silent zero


def test_plain_text_snippet_brackets_terms_and_leaves_text_alone():
    assert (
        search_snippet_text("A <b>diplomat</b> in 北京", "diplomats 北京") == "A <b>[diplomat]</b> in [北京]"
    )


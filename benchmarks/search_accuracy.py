"""Recall and literal precision of the site's search against a brute-force scan of the text.

    python benchmarks/search_accuracy.py corpus.db

For each of 64 terms (Chinese words of two and more characters, traditional-script words, English
words and names, phrases, entity names in the other language) it compares the articles the site
finds (the search page's own SQL, through newsarchive.query_rewrite) with a scan of every article's
raw title, summary, body, captions and tags that knows nothing of the index:
- a Chinese term is present where the raw text contains one of its written forms (listed by hand
  below: simplified, traditional and variant spellings of the same word);
- an English term is present where consecutive words have the same porter stems as the term's
  words (stems from SQLite's own porter tokenizer, words split as FTS5's unicode61 splits them).

Recall = found and present / present. Literal precision = present / found through the text.
Targets: recall ≥ 99% for every term, precision ≥ 97% for every term that is not an entity's name;
for entity names the articles found only through the entity link are counted apart.

Then, for 20 common queries, the first ten results of the search page (its ranking SQL, shipped in
the file): none may be a headline-only stub, and no two may be captures of one URL or copies of one
text (superseded versions are merged into their article by the builder, so none can appear).
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsarchive.query_rewrite import CJK, Search  # noqa: E402
from newsarchive.search_pages import HITS_SQL  # noqa: E402

# term -> every written form that counts as the term being present (Chinese); None for English.
TERMS: dict[str, list[str] | None] = {
    # Chinese, two characters
    "王毅": ["王毅"], "台湾": ["台湾", "台灣", "臺灣", "臺湾"], "香港": ["香港"], "疫苗": ["疫苗"],
    "关税": ["关税", "關稅"], "制裁": ["制裁"], "外交": ["外交"], "大陆": ["大陆", "大陸"],
    "人民": ["人民"], "中华": ["中华", "中華"], "北京": ["北京"], "华为": ["华为", "華為"],
    "南海": ["南海"], "新疆": ["新疆"], "西藏": ["西藏"],
    # Chinese, three characters and more
    "中美关系": ["中美关系", "中美關係"], "国家安全法": ["国家安全法", "國家安全法"],
    "特朗普": ["特朗普"], "拜登": ["拜登"], "习近平": ["习近平", "習近平"], "蓬佩奥": ["蓬佩奥", "蓬佩奧"],
    "贸易战": ["贸易战", "貿易戰"], "一带一路": ["一带一路", "一帶一路"], "新冠病毒": ["新冠病毒"],
    "外交部": ["外交部"], "国务院": ["国务院", "國務院"], "联合国": ["联合国", "聯合國"],
    "世界卫生组织": ["世界卫生组织", "世界衛生組織"], "台湾海峡": ["台湾海峡", "台灣海峽", "臺灣海峽"],
    "维吾尔": ["维吾尔", "維吾爾"],
    # Traditional-script words whose simplified spelling differs word by word
    "計畫": ["計畫", "計劃", "计划"], "回覆": ["回覆", "回復", "回复"], "答覆": ["答覆", "答復", "答复"],
    "反覆": ["反覆", "反復", "反复"], "憑藉": ["憑藉", "憑借", "凭借"], "瞭解": ["瞭解", "了解"],
    "隨著": ["隨著", "随着", "隨着", "随著"], "國務卿": ["國務卿", "国务卿"],
    "臺灣": ["臺灣", "台灣", "台湾", "臺湾"], "總統": ["總統", "总统"],
    # English words (stemmed as the index stems them)
    "president": None, "Uyghur": None, "republic": None, "state": None, "Chinese": None,
    "mainland": None, "tariffs": None, "sanctions": None, "diplomats": None, "vaccine": None,
    "Huawei": None, "Taiwan": None,
    # Entity names, usually written in the other language
    "Wang Yi": None, "Pompeo": None, "Xi Jinping": None, "Tsai Ing-wen": None, "Hong Kong": None,
    "Beijing": None, "Carrie Lam": None, "Blinken": None,
    # Phrases and punctuation
    '"trade war"': None, '"South China Sea"': None, "COVID-19": None, "U.S.": None,
}
WORD = re.compile(f"[^\\W_{CJK}]+")  # a run of letters and digits that are not Chinese
TEXT_SQL = """
select a.id, a.title || char(10) || coalesce(a.summary, '') || char(10) || a.body || char(10) || a.tags
  || char(10) || coalesce((select group_concat(caption, char(10)) from images where article_id = a.id), '')
from articles a"""


class Stemmer:
    """Porter stems from SQLite's own tokenizer (the one the index uses), one word at a time."""

    def __init__(self) -> None:
        self.conn = sqlite3.connect(":memory:")
        self.conn.execute(
            "CREATE VIRTUAL TABLE t USING fts5(w, tokenize = 'porter unicode61 remove_diacritics 2')")
        self.conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        self.cache: dict[str, str] = {}

    def stem(self, word: str) -> str:
        if word not in self.cache:
            self.conn.execute("DELETE FROM t")
            self.conn.execute("INSERT INTO t (rowid, w) VALUES (1, ?)", (word,))
            row = self.conn.execute("SELECT term FROM v").fetchone()
            self.cache[word] = row[0] if row else ""
        return self.cache[word]


def fold(text: str) -> str:
    """Lower case without diacritics, as unicode61 remove_diacritics folds words."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def present(term: str, forms: list[str] | None, texts: dict[int, str], stemmer: Stemmer) -> set[int]:
    """Articles whose raw text holds the term, by the rules in the module docstring."""
    if forms is not None:
        return {article_id for article_id, text in texts.items() if any(form in text for form in forms)}
    words = [fold(word) for word in WORD.findall(term)]
    stems = [stemmer.stem(word) for word in words]
    first = re.compile(re.escape(words[0][:4]), re.I)
    found = set()
    for article_id, text in texts.items():
        if not first.search(text):
            continue
        tokens = [stemmer.stem(fold(word)) for word in WORD.findall(text)]
        if any(tokens[i:i + len(stems)] == stems for i in range(len(tokens) - len(stems) + 1)):
            found.add(article_id)
    return found


def wilson_low(k: int, n: int) -> float:
    if n == 0:
        return 1.0
    z, p = 1.96, k / n
    return (p + z * z / (2 * n) - z * ((p * (1 - p) + z * z / (4 * n)) / n) ** 0.5) / (1 + z * z / n)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    args = parser.parse_args()
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    search = Search(conn)
    sql = HITS_SQL + "\nselect id, literal from hits"
    filters = {"language": "", "date_from": "", "date_to": "", "outlet": "", "person": "", "stubs": 1}
    texts = dict(conn.execute(TEXT_SQL))
    stemmer = Stemmer()
    print(f"{'term':<22}{'present':>9}{'found':>8}{'by link':>9}{'recall':>9}{'precision':>11}  entity")
    failures = []
    for term, forms in TERMS.items():
        rows = conn.execute(sql, {"q": term, "names": 1, **filters}).fetchall()
        literal = {article_id for article_id, is_literal in rows if is_literal}
        linked = {article_id for article_id, is_literal in rows if not is_literal}
        truth = present(term, forms, texts, stemmer)
        recall = len(truth & literal) / len(truth) if truth else 1.0
        precision = len(literal & truth) / len(literal) if literal else 1.0
        entity = conn.execute(
            "SELECT kind FROM search_names WHERE key = search_name_key(?)", (term,)).fetchone()
        name = entity[0] if entity else ""
        counts = f"{len(truth):>9}{len(literal):>8}{len(linked):>9}"
        print(f"{term:<22}{counts}{recall:>9.2%}{precision:>11.2%}  {name}")
        if recall < 0.99 or (precision < 0.97 and not name):
            failures.append(term)
            for article_id in sorted(truth - literal)[:3]:
                print(f"    missed {article_id}")
            for article_id in sorted(literal - truth)[:3]:
                print(f"    not present {article_id}")
    print(f"\n{len(TERMS)} terms; below target: {', '.join(failures) or 'none'}\n")
    failures += top_ten(conn, search)
    return 1 if failures else 0


COMMON_QUERIES = ["中美关系", "特朗普", "拜登", "习近平", "台湾", "香港", "新冠", "疫苗", "贸易", "华为",
                  "新疆", "南海", "外交部", "美国大选", "国家安全法", "China", "Trump", "Biden",
                  "Hong Kong", "trade"]


def top_ten(conn: sqlite3.Connection, search: Search) -> list[str]:
    """Queries whose first ten results hold a stub, two captures of one URL or two copies of one text."""
    print(f"{'query':<14}{'hits':>8}  stubs in top 10  same URL/text twice")
    bad = []
    for q in COMMON_QUERIES:
        ranked = search.ranked(conn, q)
        top = [article_id for article_id, _, _ in ranked[:10]]
        marks = ", ".join("?" * len(top))
        stubs, repeated = conn.execute(
            "SELECT sum(is_stub), count(url_key) - count(DISTINCT url_key) + count(*)"
            f" - count(DISTINCT body_key) FROM articles WHERE id IN ({marks})", top).fetchone()
        print(f"{q:<14}{len(ranked):>8}  {stubs:>15}  {repeated:>19}")
        if stubs or repeated:
            bad.append(q)
    print(f"\n{len(COMMON_QUERIES)} queries; a stub or a repeat in the top ten: {', '.join(bad) or 'none'}")
    return bad


if __name__ == "__main__":
    sys.exit(main())

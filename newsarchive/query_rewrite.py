"""Search the archive's SQLite file exactly as the site does, with Python's standard library alone.

This module imports nothing outside the standard library so that researchers can copy it whole
(docs/searching.md shows it; a test checks the copy there is this file). The site uses it too, so
a query means the same thing everywhere:

    import sqlite3
    conn = sqlite3.connect("archive.db")
    search = Search(conn)
    for article_id, found_by, title in search.ranked(conn, "王毅"):
        ...

What the database must hold (the builder writes it): ``search_conversion`` (the traditional→
simplified phrase and character rules applied before indexing), ``search_names`` (names standing
for one entity) and ``meta.search_sql`` (the ranking query of the site's search page).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata

# A Chinese character (CJK unified ideographs, extension A, compatibility, planes B–F).
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
CJK_RUN = re.compile(f"[{CJK}]+")
# What FTS5's unicode61 tokenizer keeps as tokens: CJK runs, or runs of other letters and digits.
PIECE = re.compile(f"[{CJK}]+|[^\\W_{CJK}]+")
# A query unit: a "quoted phrase" (an unclosed quote runs to the end) or a bare word.
UNIT = re.compile(r'"([^"]*)"?|([^\s"]+)')
OPERATORS = {"OR", "AND"}
NOTHING = '""'  # a valid MATCH expression that matches nothing
NAME_NOISE = re.compile(r"[\s\"'“”‘’「」『』《》()（）]+")
# The site caps a query's length; a longer one is cut (the cut query is what is searched).
MAX_QUERY_CHARS = 500


class Converter:
    """The matching form of a text: NFKC, then the longest conversion rule at each position
    (a phrase such as 計畫→计划, else a character such as 國→国), else the character itself."""

    def __init__(self, pairs: dict[str, str]) -> None:
        self.pairs = pairs
        self.longest = max((len(source) for source in pairs), default=1)

    @classmethod
    def from_database(cls, conn: sqlite3.Connection) -> Converter:
        """The rules the archive was indexed with (its ``search_conversion`` table)."""
        return cls(dict(conn.execute("SELECT source, target FROM search_conversion")))

    def normalize(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text)
        out, i = [], 0
        while i < len(text):
            for size in range(min(self.longest, len(text) - i), 0, -1):
                target = self.pairs.get(text[i:i + size])
                if target is not None:
                    out.append(target)
                    i += size
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)


def run_tokens(run: str, closed: bool) -> list[str]:
    """Bigrams of a CJK run, plus its last character when the run is known to end there."""
    tokens = [run[i:i + 2] for i in range(len(run) - 1)]
    if closed or len(run) == 1:
        tokens.append(run[-1])
    return tokens


def _phrase(text: str, bare: bool, normalize) -> str | None:
    """One query unit as an FTS5 phrase, or None when it has no searchable characters."""
    pieces = PIECE.findall(normalize(text))
    if not pieces:
        return None
    tokens: list[str] = []
    for i, piece in enumerate(pieces):
        # A run followed by more of the phrase ends there, as in the indexed text.
        closed = i < len(pieces) - 1
        tokens += run_tokens(piece, closed) if CJK_RUN.match(piece) else [piece]
    last = pieces[-1]
    prefix = len(last) == 1 if CJK_RUN.match(last) else bare and text.endswith("*")
    # Tokens hold only letters and digits, so they never need quote escaping.
    return '"' + " ".join(tokens) + '"' + (" *" if prefix else "")


def fts_query(q: str, normalize) -> str:
    """A query as typed (words, "phrases", OR, word*) as a valid FTS5 MATCH expression for
    articles_fts, never a syntax error: every piece is quoted; words are ANDed, OR joins neighbours;
    Chinese is spelled as pairs (中美关系 → "中美 美关 关系"); one Chinese character is a prefix."""
    groups: list[list[str]] = []
    join_next = False
    for match in UNIT.finditer((q or "")[:MAX_QUERY_CHARS]):
        text, bare = (match.group(2), True) if match.group(1) is None else (match.group(1), False)
        if bare and text in OPERATORS:
            join_next = text == "OR" and bool(groups)
            continue
        phrase = _phrase(text, bare, normalize)
        if phrase is None:
            continue
        if join_next:
            groups[-1].append(phrase)
        else:
            groups.append([phrase])
        join_next = False
    if not groups:
        return NOTHING
    return " AND ".join(g[0] if len(g) == 1 else "(" + " OR ".join(g) + ")" for g in groups)


def name_key(q: str, normalize) -> str:
    """A query as compared with ``search_names.key``: matching form, case-folded, no spaces or quotes."""
    return NAME_NOISE.sub("", normalize((q or "")[:MAX_QUERY_CHARS]).casefold())


class Search:
    """The site's search on a connection: ``escape_fts`` and ``search_name_key`` registered as SQL
    functions, and the site's ranking query read from the file itself."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        converter = Converter.from_database(conn)
        self.normalize = converter.normalize
        conn.create_function("escape_fts", 1, lambda q: fts_query(q, self.normalize), deterministic=True)
        conn.create_function("search_name_key", 1, lambda q: name_key(q, self.normalize), deterministic=True)
        self.sql = conn.execute("SELECT value FROM meta WHERE key = 'search_sql'").fetchone()[0]

    def ranked(self, conn: sqlite3.Connection, q: str, names: bool = True) -> list[tuple[int, str, str]]:
        """(article id, found by 'text' or 'name', title) for every hit, best first; reposts of one
        text once; with names=False only the articles whose own words match."""
        rows = conn.execute(self.sql, {"q": q, "names": int(names)}).fetchall()
        return [(article_id, "text" if literal else "name", title) for article_id, literal, title in rows]

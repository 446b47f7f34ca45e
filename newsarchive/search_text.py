"""Search text for SQLite's stock FTS5 tokenizer: Chinese runs become overlapping bigrams.

unicode61 treats a run of Chinese characters as one token, so 王毅 inside a sentence would never match.
We index every CJK run as its overlapping bigrams plus the run's last character alone, and rewrite
queries the same way; any stock SQLite can then search the file with no custom tokenizer:

    中美关系 -> 中美 美关 关系 系      (index)
    中美关系 -> "中美 美关 关系"        (query: a phrase of bigrams)
    美      -> "美" *                 (query: prefix; covers every bigram starting with 美 and the final 美)

Latin text passes through unchanged and the table's porter stemmer handles it.
"""

from __future__ import annotations

import html
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from newsarchive import query_rewrite
from newsarchive.query_rewrite import CJK_RUN as _CJK_RUN
from newsarchive.query_rewrite import OPERATORS as _OPERATORS
from newsarchive.query_rewrite import PIECE as _PIECE
from newsarchive.query_rewrite import UNIT as _UNIT
from newsarchive.textnorm import nfkc, normalize, to_simplified

# Splitting on CJK runs (kept at odd positions) and rewriting them in one comprehension costs less than
# a re.sub callback per run.
_CJK_RUN_SPLIT = re.compile(f"({_CJK_RUN.pattern})")


def index_form(normalized: str) -> str:
    """Already-normalised text as stored in articles_fts: CJK runs spelled out as bigrams + final unigram."""
    parts = _CJK_RUN_SPLIT.split(normalized)
    # The tokens of query_rewrite.run_tokens(run, closed=True), pairs made in C (no loop per character).
    add = operator.add
    parts[1::2] = [f" {' '.join(map(add, run, run[1:]))} {run[-1]} " if len(run) > 1 else f" {run} "
                   for run in parts[1::2]]
    return "".join(parts)


def index_text(text: str) -> str:
    """The text as stored in articles_fts: normalised, CJK runs spelled out as bigrams + final unigram."""
    return index_form(normalize(text))


FTS_COLUMNS = ("title", "summary", "body", "captions", "tags")
# bm25 weight of each column: a word in the headline counts ten times one in the body.
RANK_WEIGHTS = (10.0, 3.0, 1.0, 1.0, 5.0)


def fts_row(title: str, summary: str | None, body: str, captions: Iterable[str], tags: Iterable[str],
            normalized: Callable[[str], str] = normalize) -> dict[str, str]:
    """The articles_fts column values for one article: its own words only, no entity aliases.

    ``normalized`` may be given to reuse texts the caller has already normalised."""
    texts = (title, summary or "", body, "\n".join(captions), "\n".join(tags))
    return {column: index_form(normalized(text)) for column, text in zip(FTS_COLUMNS, texts, strict=True)}


@lru_cache(maxsize=1024)
def fts_query(q: str) -> str:
    """A user's query as a valid FTS5 MATCH expression for articles_fts (never a syntax error)."""
    return query_rewrite.fts_query(q, normalize)


def name_key(text: str) -> str:
    """How a query is compared with entity names (search_names.key)."""
    return query_rewrite.name_key(text, normalize)


# --- highlighting: snippets drawn from the original text, not the bigram text ---

_LATIN_BEFORE = r"(?<![0-9a-z\u00c0-\u024f])"
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "es", "ed", "ly", "s")
MIN_STEM = 3


def _stem_prefix(word: str) -> str:
    """A crude English stem, used as a prefix: diplomats -> diplomat, meeting -> meet."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def _needle_pattern(piece: str) -> str:
    if _CJK_RUN.match(piece):
        return re.escape(piece)
    word = piece.lower()
    if len(word) < MIN_STEM:  # short words (U.S., Xi) only as whole words
        return _LATIN_BEFORE + re.escape(word) + r"(?![0-9a-z])"
    return _LATIN_BEFORE + re.escape(_stem_prefix(word)) + r"[0-9a-z\u00c0-\u024f]*"


@lru_cache(maxsize=256)
def _query_regex(q: str) -> re.Pattern[str] | None:
    """Matches any query term in folded (normalised, lower-cased) text; longest terms first."""
    pieces = {
        piece
        for match in _UNIT.finditer(q or "")
        if match.group(2) not in _OPERATORS
        for piece in _PIECE.findall(normalize(match.group(1) or match.group(2) or ""))
    }
    if not pieces:
        return None
    ordered = sorted(pieces, key=len, reverse=True)
    return re.compile("|".join(_needle_pattern(p) for p in ordered))


@lru_cache(maxsize=65536)
def _fold_char(char: str) -> str:
    return nfkc(char).lower()


def _match_spans(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int, str]]:
    """(start, end, folded term) of every match, in positions of the original text."""
    # Line by line: no term and no folding step (NFKC, lower-casing, phrase conversion) crosses a line
    # break, and most lines of a long text need only the cheap checks, not the whole text's folding.
    spans, offset = [], 0
    for line in text.split("\n"):
        spans += [(offset + start, offset + end, term) for start, end, term in _line_spans(line, pattern)]
        offset += len(line) + 1
    return spans


def _line_spans(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int, str]]:
    # The word-level conversion keeps lengths; when NFKC and lower-casing do too (almost always), the
    # folded text's positions are the original's. Otherwise fold character by character to map them.
    folded = to_simplified(nfkc(text).lower())
    if len(folded) == len(text):
        return [(m.start(), m.end(), m.group()) for m in pattern.finditer(folded) if m.end() > m.start()]
    parts = [_fold_char(c) for c in text]
    folded = to_simplified("".join(parts))
    spans = [(m.start(), m.end(), m.group()) for m in pattern.finditer(folded) if m.end() > m.start()]
    origin = [i for i, part in enumerate(parts) for _ in part]
    return [(origin[s], origin[e - 1] + 1, term) for s, e, term in spans]


def _best_window(spans: list[tuple[int, int, str]], width: int, lead: int) -> int:
    """Start of the width-long window showing the most distinct terms (earliest on ties).

    Candidate windows start lead characters before each match. Spans are sorted and disjoint, so the
    spans inside a window form a range [left, right) that only moves forward: linear time.
    """
    every_term = len({term for _, _, term in spans})
    in_window: Counter[str] = Counter()
    best_start, best_count, left, right = 0, -1, 0, 0
    for start, _, _ in spans:
        window_start = max(0, start - lead)
        while spans[left][0] < window_start:
            if left < right:
                in_window[spans[left][2]] -= 1
                if not in_window[spans[left][2]]:
                    del in_window[spans[left][2]]
            left += 1
        right = max(right, left)
        while right < len(spans) and spans[right][1] <= window_start + width:
            in_window[spans[right][2]] += 1
            right += 1
        if len(in_window) > best_count:
            best_start, best_count = window_start, len(in_window)
            if best_count == every_term:  # cannot do better; keep the earliest
                break
    return best_start


def _word_start(text: str, start: int, limit: int = 20) -> int:
    """Move a window start forward to the next word boundary so Latin words are not cut."""
    if start == 0 or text[start - 1].isspace():
        return start
    for i in range(start, min(len(text), start + limit)):
        if text[i].isspace():
            return i + 1
    return start


@dataclass(frozen=True)
class _Marks:
    """How a snippet marks matched terms and escapes the rest."""

    before: str
    after: str
    escape: Callable[[str], str]


HTML_MARKS = _Marks("<mark>", "</mark>", html.escape)
TEXT_MARKS = _Marks("[", "]", str)


def _render(text: str, spans: list[tuple[int, int, str]], start: int, end: int, marks: _Marks) -> str:
    out, pos = [], start
    for s, e, _ in spans:
        if s < pos or e > end:
            continue
        out += [marks.escape(text[pos:s]), marks.before, marks.escape(text[s:e]), marks.after]
        pos = e
    out.append(marks.escape(text[pos:end]))
    return "".join(out)


def _snippet(text: str | None, q: str | None, width: int | None, marks: _Marks) -> str | None:
    if text is None:
        return None
    pattern = _query_regex(q or "")
    spans = _match_spans(text, pattern) if pattern else []
    if width is None or len(text) <= width:
        return _render(text, spans, 0, len(text), marks)
    start = _word_start(text, _best_window(spans, width, width // 4)) if spans else 0
    end = min(len(text), start + width)
    ellipsis_before, ellipsis_after = "…" if start else "", "…" if end < len(text) else ""
    return ellipsis_before + _render(text, spans, start, end, marks).strip() + ellipsis_after


def search_snippet(text: str | None, q: str | None, width: int | None = 200) -> str | None:
    """HTML: a width-character window of text around the query terms, terms in <mark>, rest escaped.

    width=None highlights the whole text. With no match, the start of the text is shown.
    """
    return _snippet(text, q, width, HTML_MARKS)


def search_snippet_text(text: str | None, q: str | None, width: int | None = 200) -> str | None:
    """Plain-text search_snippet, terms in [brackets]: for canned queries, CSV and JSON."""
    return _snippet(text, q, width, TEXT_MARKS)

"""One input file to everything the database needs from it. Pure work, run in worker processes."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC

from newsarchive import entities, search_text
from newsarchive.decoding import DecodeError, decode
from newsarchive.inputs import InputFile
from newsarchive.model import ParsedArticle, ParseError
from newsarchive.parsers import detect_format
from newsarchive.parsers.textutil import guess_language
from newsarchive.textnorm import count_cjk, normalize

LATIN_WORD = re.compile(r"[A-Za-z0-9À-ɏ]+(?:['’.-][A-Za-z0-9À-ɏ]+)*")


@dataclass
class Processed:
    """What the writer stores for one input file."""

    input: str
    path: str
    sha256: str
    bytes: int
    status: str  # ok / warning / error
    message: str | None = None
    format: str | None = None
    encoding: str | None = None
    raw: str | bytes | None = None  # kept for warning and error files so nothing is lost
    article: ParsedArticle | None = None
    fingerprint: str | None = None
    language: str | None = None
    word_count: int = 0
    mentions: dict[str, Counter[str]] = field(default_factory=dict)
    candidates: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    fts: dict[str, str] = field(default_factory=dict)


class Pipeline:
    """Holds what every file needs (the entity matcher), built once per process."""

    def __init__(self, gazetteer: entities.Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.matcher = entities.Matcher(gazetteer)

    def process(self, item: InputFile) -> Processed:
        data = item.data or b""
        digest = hashlib.sha256(data).hexdigest()
        result = Processed(item.input, item.path, digest, item.size or len(data), "ok")
        if item.data is None:
            return _fail(result, item.error or "unreadable", None)
        try:
            text, result.encoding, warnings = decode(data)
        except DecodeError as error:
            return _fail(result, str(error), data)
        try:
            parser = detect_format(text)
            result.format = parser.FORMAT
            article = parser.parse(text, item.path)
            warnings += article.warnings
            self._describe(result, article)
        except ParseError as error:
            return _fail(result, str(error), text)
        except Exception as error:  # a bug must not take the build down; the file is recorded instead
            return _fail(result, f"processing crashed: {type(error).__name__}: {error}", text)
        if warnings:
            result.status, result.message, result.raw = "warning", "; ".join(warnings), text
        return result

    def _describe(self, result: Processed, article: ParsedArticle) -> None:
        body = article.body
        result.article = article
        result.language = article.language or guess_language(article.title + " " + body[:3000])
        result.word_count = word_count(body)
        result.fingerprint = fingerprint(article.title, body)
        analysis = self.matcher.analyse_article(article)
        result.mentions = analysis.counts()
        result.candidates = Counter(analysis.candidates)
        names = [
            name
            for kind in entities.KINDS
            for slug in result.mentions[kind]
            for name in self.gazetteer.names(kind, slug)
        ]
        result.fts = search_text.fts_row(article.title, article.summary or "", body, article.tags, names)


def _fail(result: Processed, message: str, raw: str | bytes | None) -> Processed:
    result.status, result.message, result.raw, result.article = "error", message, raw, None
    return result


def word_count(text: str) -> int:
    """Latin words plus Chinese characters (the usual way to count Chinese text)."""
    return len(LATIN_WORD.findall(text)) + count_cjk(text)


def fingerprint(title: str, body: str) -> str:
    """Same title and body (after normalisation and whitespace folding) means the same article."""
    content = normalize(title).strip() + "\n" + " ".join(normalize(body).split())
    return hashlib.sha256(content.encode("utf-8", errors="surrogatepass")).hexdigest()[:32]


def utc_iso(article: ParsedArticle) -> tuple[str | None, str | None]:
    """(published_at as ISO 8601 UTC, published_date YYYY-MM-DD)."""
    if article.published_at is None:
        return None, article.published_date
    moment = article.published_at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ"), moment.strftime("%Y-%m-%d")

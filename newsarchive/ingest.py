"""One input file to everything the database needs from it. Pure work, run in worker processes."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from newsarchive import entities, search_text
from newsarchive.decoding import DecodeError, decode
from newsarchive.inputs import InputFile
from newsarchive.model import ParsedArticle, ParseError
from newsarchive.parsers import detect_format
from newsarchive.parsers.curated import ParserData, default_parser_data
from newsarchive.parsers.textutil import guess_language
from newsarchive.textnorm import count_cjk, normalize

LATIN_WORD = re.compile(r"[A-Za-z0-9À-ɏ]+(?:['’.-][A-Za-z0-9À-ɏ]+)*")
# Letters and digits, the part of a text that survives any change of punctuation or spacing.
WORD_CHARS = re.compile(r"[^\W_]+")
# A body that adds fewer letters than this beyond its headline is a stub (a headline-only feed item).
STUB_MAX_LETTERS = 20
# Bodies shorter than this are compared together with their title (short stock texts repeat).
BODY_KEY_MIN_LETTERS = 200
# Shares of text and headline two captures of one URL must have in common to be one story (same_story).
SAME_STORY_TEXT = 0.1
SAME_STORY_TITLE = 0.3
# Query parameters that only track the reader; the same page with or without them is one URL.
TRACKING_PARAMS = re.compile(r"^(?:utm_\w+|fbclid|gclid|ref|cmpid|at_\w+|spm|from)$", re.I)


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
    body_key: int | None = None
    url_key: str | None = None
    is_stub: bool = False
    language: str | None = None
    word_count: int = 0
    mentions: dict[str, Counter[str]] = field(default_factory=dict)
    candidates: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    fts: dict[str, str] = field(default_factory=dict)


class Pipeline:
    """Holds what every file needs (the entity matcher, the parsers' curated data), built once per process."""

    def __init__(self, gazetteer: entities.Gazetteer, parser_data: ParserData | None = None) -> None:
        self.gazetteer = gazetteer
        self.matcher = entities.Matcher(gazetteer)
        self.parser_data = parser_data or default_parser_data()

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
            article = parser.parse(text, item.path, self.parser_data)
            warnings += article.warnings
            self.describe(result, article)
        except ParseError as error:
            return _fail(result, str(error), text)
        except Exception as error:  # a bug must not take the build down; the file is recorded instead
            return _fail(result, f"processing crashed: {type(error).__name__}: {error}", text)
        if warnings:
            result.status, result.message, result.raw = "warning", "; ".join(warnings), text
        return result

    def describe(self, result: Processed, article: ParsedArticle) -> None:
        """Fill in everything the database needs from a parsed article: language, counts, keys,
        entity mentions and candidates, and the search index values."""
        body = article.body
        result.article = article
        result.language = article.language or guess_language(article.title + " " + body[:3000])
        result.word_count = word_count(body)
        title, normal_title, normal_body = article.title, normalize(article.title), normalize(body)
        title_letters, body_letters = letters(normal_title), letters(normal_body)
        result.fingerprint = _digest(title_letters + "\n" + body_letters)
        result.body_key = body_key(title_letters, body_letters)
        captions = [image.caption for image in article.images if image.caption]
        # A picture post (no text) whose captions carry the story (a gallery) says more than its headline.
        said = body_letters or letters(normalize(" ".join(captions)))
        result.is_stub = is_stub(title_letters, said)
        result.url_key = url_key(article.url)
        done = {title: normal_title, body: normal_body}

        def normalized(text: str) -> str:  # the summary and captions are analysed and indexed: once
            if text not in done:
                done[text] = normalize(text)
            return done[text]

        # normalize() keeps line breaks and converts nothing across them, so the parts normalised apart
        # joined are the whole normalised: the matcher need not normalise the body again.
        analysis = self.matcher.analyse_article(article, normalized)
        result.mentions, result.candidates = analysis.counts(), Counter(analysis.candidates)
        result.fts = search_text.fts_row(title, article.summary, body, captions, article.tags, normalized)


def _fail(result: Processed, message: str, raw: str | bytes | None) -> Processed:
    result.status, result.message, result.raw, result.article = "error", message, raw, None
    return result


def word_count(text: str) -> int:
    """Latin words plus Chinese characters (the usual way to count Chinese text)."""
    return len(LATIN_WORD.findall(text)) + count_cjk(text)


def letters(normalized: str) -> str:
    """The letters and digits of a normalised text, lower-cased: what two copies of a text share."""
    return "".join(WORD_CHARS.findall(normalized)).lower()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:32]


def body_key(title_letters: str, body_letters: str) -> int:
    """Same for reposts of one text under another headline or URL (search shows them as one result);
    short bodies count their title too, so two stock one-liners are not taken for one story. An
    integer (64 bits of a hash): the search groups by it on every query."""
    text = title_letters + "\n" + body_letters if len(body_letters) < BODY_KEY_MIN_LETTERS else body_letters
    digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def is_stub(title_letters: str, body_letters: str) -> bool:
    """The body says nothing beyond its headline (feed items whose only text is the title)."""
    rest = body_letters.replace(title_letters, "", 1) if title_letters else body_letters
    return len(rest) < STUB_MAX_LETTERS


def _grams(text: str, size: int) -> set[str]:
    return {text[i:i + size] for i in range(len(text) - size + 1)}


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


def same_story(title: str, body: str, other_title: str, other_body: str) -> bool:
    """Whether two captures of one URL tell one story: a fair share of their text in common (a tenth of
    its four-letter runs) or much of their headline (three-letter runs). A few sites reuse an address
    for unrelated items; revised stories pass easily (all but 4 of 1,285 corpus captures)."""
    title, other_title = letters(normalize(title)), letters(normalize(other_title))
    text, other_text = title + letters(normalize(body)), other_title + letters(normalize(other_body))
    return (_overlap(_grams(text, 4), _grams(other_text, 4)) >= SAME_STORY_TEXT
            or _overlap(_grams(title, 3), _grams(other_title, 3)) >= SAME_STORY_TITLE)


def url_key(url: str | None) -> str | None:
    """The article's URL as one page: no scheme, www., fragment, trailing slash, tracking parameters or
    percent-encoding differences. None for URLs that name no page (a site's front page)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:
        return None
    path = unquote(parts.path).rstrip("/")
    if not host or not path:
        return None
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query) if not TRACKING_PARAMS.match(k)))
    return host + path + ("?" + query if query else "")


def utc_iso(article: ParsedArticle) -> tuple[str | None, str | None]:
    """(published_at as ISO 8601 UTC, published_date YYYY-MM-DD). The date is the page's: the one it
    prints, else the local date of ``published_at`` in the zone the parser gave it (not the UTC date)."""
    if article.published_at is None:
        return None, article.published_date
    moment = article.published_at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local_date = article.published_date or moment.strftime("%Y-%m-%d")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), local_date

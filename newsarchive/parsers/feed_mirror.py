"""Feed-mirror files: an RSS mirror's markdown wrapper around one outlet's article HTML.

Shape: optional YAML-like front matter (title, date, author = usually the outlet, from = URL, tags),
an ``<!--epoch-ms-->`` line, a markdown link ``[title](url)``, a ``------`` rule, then the HTML.
The HTML layout depends on the outlet and the year; each layout family is handled by a small
function or a row in one of the tables below, and everything else falls back to generic rules.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from selectolax.lexbor import LexborNode

from newsarchive.html_text import (
    NOISE_TAGS,
    Block,
    clean_text,
    drop_nodes,
    http_url,
    parse_html,
    tame_nesting,
    text_blocks,
    unwrap_image_proxy,
    url_host,
)
from newsarchive.model import Image, Link, ParsedArticle, ParseError
from newsarchive.outlets import default_directory
from newsarchive.parsers.textutil import guess_language
from newsarchive.textnorm import CJK_CLASS

FORMAT = "feed-mirror"

BEIJING = ZoneInfo("Asia/Shanghai")
PARIS = ZoneInfo("Europe/Paris")


class LinePatterns:
    """Many regexes tested against one line: anchored ones (``^...``) in one ``match``, the rest in one
    ``search``, so a long alternation is not retried at every position of every paragraph."""

    def __init__(self, patterns: list[str], flags: int = 0) -> None:
        starts = [p[1:] for p in patterns if p.startswith("^")]
        anywhere = [p for p in patterns if not p.startswith("^")]
        self._start = re.compile("|".join(f"(?:{p})" for p in starts), flags) if starts else None
        self._anywhere = re.compile("|".join(f"(?:{p})" for p in anywhere), flags) if anywhere else None

    def search(self, text: str) -> bool:
        return bool(
            (self._start is not None and self._start.match(text))
            or (self._anywhere is not None and self._anywhere.search(text))
        )


# ---------------------------------------------------------------------------------------------
# Tables: what differs between outlets.

# Timezone of byline times written without an offset, by URL host (default UTC).
BYLINE_TZ = {"cn.nytimes.com": BEIJING, "www.rfi.fr": PARIS}

# Elements that are never article text, whatever the outlet (ads, promos, related-article boxes).
COMMON_NOISE = (
    "hr, h1, aside, time, [class*='adslot'], [class*='dfp-'], [id*='dfp-ad'], [class*='o-ads'], "
    "[class*='o-self-promo'], [class*='m-interstitial'], [data-e2e='advertisement'], "
    "section[role='region'], [class*='code-block'], [class*='sharedaddy'], [class*='jp-relatedposts'], "
    "[class*='related'], [class*='share-'], [class*='social'], [data-test-id='Footnote']"
)

# Extra per-host noise: related-article lists and widgets inside the article HTML.
HOST_NOISE = {
    "www.cna.com.tw": ".media, .moreArticle, .bottomArticleBanner, [class*='Subscri'], .dictionary-box",
    "www.bbc.com": "section, [data-e2e*='youtube']",
    "www.bbc.co.uk": "section, [data-e2e*='youtube']",
    "zh.bitterwinter.org": "picture, [class*='wp-block-buttons']",
    "nei.st": "header, section, .dndo, .bqdn, [class*='Barrier'], [class*='paywall'], [class*='MetaLockup']",
}

# Per-host (marker selector, tag of the marker's container to remove): lists of related articles and
# feed-plugin footers that are recognisable only by what they contain.
HOST_NOISE_CONTAINERS = {
    "www.rfa.org": [("a.external-link", "ul")],
    "chinadigitaltimes.net": [("p > small", "p")],
}

# A block that starts the related-articles tail: it and everything after it leave the body.
TAIL_START = re.compile(
    r"^(?:相关内容|相关阅读[:：]?|相關閱讀[:：]?|延伸閱讀|更多相关内容|Related|Related articles)$"
)

# Whole blocks that are site furniture, wherever they appear.
BOILERPLATE = LinePatterns(
    [
        r"^获取更多RSS",
        r"^https?://feedx\.\w+/?$",
        r"点击查看本文英文版",
        r"^(?:翻译|翻譯|译者|譯者)\s*[:：/]",
        r"对本文有[^。]{0,12}(?:贡献|协助)",
        r"欢迎在Twitter(?:和\w+)?上关注",
        r"感谢阅读今天的简报",
        r"^我们的标准[:：]",
        r"^\s*©",
        r"(?:appeared first|first appeared) on ",
        r"^(?:责任编辑|責任編輯)[:：;；]",
        r"^延伸閱讀$",
        r"^感謝您的訂閱",
        r"^继续浏览后续$",
        r"^\d+\s*(?:分钟|小時|小时|天)前$",
        r"^编译\s*\S+\s*[;；]\s*审校",
        r"YouTube播放列表",
        r"嘉宾和观众听众发表的都是个人观点",
        r"^德国之声致力于为您提供客观中立",
        r"^摘(?:编|译)自其[它他]媒体",
        r"^This article appeared in the .* edition",
        r"上午9點同步發送電子報|歡迎訂閱中央社|想獲得更多最新資訊快來和中央社做朋友",
        r"^\.{3}more$",
        r"责编",
        r"^Feed enhanced by",
        r"^（欢迎点击此处订阅",
        r"^使用浏览器播视频",
        r"^Listen on: ",
        r"^(?:For full access to print|Please subscribe to The Economist|Editor’s note: Some of our)",
        r"^Dig deeper:?$",
        r"^https?://donate\.",
        r"^【支持】为真相护航",
        r"^大纪元(?:新闻网|脸书直播|YouTube直播)[:：]",
        r"^新唐人大纪元《直播节目》制作组$",
        r"^网络收看方式[:：]$",
        r"^[（(]完[)）]$",
        r"^\d{1,2}$",
        r"^Embed from Getty Images$",
        r"^Array$",
        r"^(?:跳过|结尾) Twitter 帖子",
        r"^图片版权",
        r"^(?:之前)?相关报道 ",
        r"^https?://\S+$",
        r"^[^。：:]{1,12}[:：]\s*https?://\S+$",
        r"^here$",
        r"^(?:Subscribe to The Economist|The Economist Group values diversity)",
        r"^点击查看本文中文版",
        r"^\[?摘(?:编|译)自其[它他]媒体",
        r"审校|网编|策划[:：]|^主播[:：]|^文字整理[:：]",
        r"制作组$",
        r"^新闻大家谈[:：]",
        r"^(?:时事大家谈|焦点对话)(?:节目)?每星期",
        r"^YouTube视频[:：]$",
        r"^参看详情，请点选",
        r"^看更多$|^關閉$",
        r"若無法顯示請點這裡",
        r"^(?:Read the best of our|Read our latest coverage|For more coverage of|For the latest on the)",
        r"^(?:A SELECTION of three essential articles|Sign up and listen to|Sign up to our)",
    ]
)

MAX_BOILERPLATE_CHARS = 400

# Trailing credit lines and author bios: dropped only at the end of the article, where they live.
TAIL_BOILERPLATE = LinePatterns(
    [
        r"^本文最初发表于",
        r"^本文根据《纽约时报》英文报道编译",
        r"^（本文稍后将有更新",
        r"^.{0,60}?(?:是|为|自\d{4}年)[^。]{0,40}?(?:《纽约时报》|时报|《时代》)",
        r"加入时报",
        r"^[^，。]{2,40}?在《纽约时报》担任",
        r"^[\w·]{1,8}(?:\s*/\s*[\w·]{1,8})*\s*[（(][^）)]*(?:社|dpa|afp|ap|reuters)[^）)]*[)）]$",
        r"^=+$",
        r"^（记者是《联合早报》",
        r"^[^，。]{2,40}?(?:是|为)(?:一名|一位|《纽约时报》|时报|中国|资深)[^。]{0,30}?(?:记者|专栏作家|专栏作者|社长|撰稿人|媒体人)",
        r"^[\w·]{1,8}(?:\s*/\s*[\w·]{1,8})*\s*[（(](?:综合报道|综合报导|摘译|编译)[)）]$",
    ],
    re.IGNORECASE,
)

# Bylines written into the text: (pattern with the names in group 1, drop the block?).
TEXT_BYLINES = [
    (re.compile(r"^作者[:：]\s*(.{2,40})$"), True),
    (re.compile(r"^寒冬記者\s*([\w·]{2,5})$"), True),
    (re.compile(rf"记者[:：\s]\s*([{CJK_CLASS}·]{{2,4}})(?=[\s；;，,）)]|$)"), False),
    (re.compile(r"^【大纪元[^】]*】（大纪元记者(.+?)(?:综合)?报导）"), False),
]

# A standfirst that summarises the article (nei.st's WordPress description, FT Chinese's lead).
SUMMARY_SELECTOR = "p.blog-post__description, .story-lead"

# Footer links to the original (usually English) article.
ORIGINAL_LINK_TEXT = re.compile(
    r"点击查看本文英文版|英文原文|英文版|Read (?:this|the) (?:article|story) in English"
)

SKIP_IMAGE = re.compile(r"img\.solidot\.org//0/|/wp-content/themes/|feedburner|/pixel|\.gif$", re.I)
TWITTER_PROFILE = re.compile(r"^https?://(?:www\.|mobile\.)?twitter\.com/[^/?#]+/?$", re.I)
TAG_LINK = re.compile(r"/tag/|/tags/", re.I)
CREDIT_WORDS = (
    r"社|图片|圖片|照片|截图|截圖|提供|攝|摄|资料|資料|档案|檔案|示意图|示意圖|互联网|网络|"
    r"Getty|Reuters|REUTERS|[Pp]hoto|Images?|(?<![A-Za-z])(?:AP|AFP|EPA)(?![A-Za-z])"
)
CREDIT_IN_CAPTION = re.compile(
    rf"^(?P<caption>.*?)\s*[（(](?P<credit>[^（）()]{{0,40}}?(?:{CREDIT_WORDS})[^（）()]{{0,20}})[)）]\s*$"
    r"|^(?P<caption2>.*?)\s*(?P<credit2>中央社(?:記者)?\S{0,12}攝)(?:\s*\d{2,3}年\d{1,2}月\d{1,2}日)?\s*$"
)
CREDIT_SELECTOR = "cite, .aesop-cap-cred, [class*='credit'], [class*='copyright']"
CAPTION_SELECTOR = "figcaption, .picinfo, .wp-caption-text, [class*='caption']"
AUTHOR_SPLIT = re.compile(r"\s*(?:[,，、;；/&]|\band\b|\s和\s)\s*")
AUTHOR_ROLE = re.compile(
    r"[（(][^）)]*[)）]|^(?:null|None)\s+|^(?:记者|記者|撰文|作者)[:：/]?\s*|^文[:：/]\s*"
    r"|\s*(?:综合报导|综合报道|综合|采访|编译|整理|报导|报道|摘译|摘编)$"
)
# Datelines glue the city to the reporter's name ("大纪元记者X台北报导"); the usual cities are cut off.
DATELINE_CITY = re.compile(
    rf"(?<=[{CJK_CLASS}]{{2}})(?:台北|台湾|香港|纽约|华盛顿|东京|多伦多|温哥华|悉尼|墨尔本|洛杉矶|旧金山|伦敦|巴黎|柏林|首尔)$"
)

FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
EPOCH_LINE = re.compile(r"\A\s*<!--\s*(\d{9,14})\s*-->[ \t]*\r?\n?")
LINK_LINE = re.compile(r"\A\s*\[(.*)\]\(\s*(\S*?)\s*\)[ \t]*(?:\r?\n|\Z)")
RULE_LINE = re.compile(r"\A\s*-{3,}[ \t]*(?:\r?\n|\Z)")
RFI_BYLINE = re.compile(r"^(\d{2})/(\d{2})/(\d{4}) - (\d{2}):(\d{2})$")
ELLIPSIS = re.compile(r"\s*(?:\.{3,}|…+)\s*$")
WORD = re.compile(r"\w")


# ---------------------------------------------------------------------------------------------
# The markdown envelope.


@dataclass
class Envelope:
    front: dict[str, str] = field(default_factory=dict)
    epoch_ms: int | None = None
    link_title: str | None = None
    link_url: str | None = None
    html: str = ""


def split_envelope(text: str) -> Envelope:
    """Front matter, epoch comment, title link and rule, then the HTML; each part optional."""
    env = Envelope()
    rest = text
    if m := FRONT_MATTER.match(rest):
        env.front = parse_front_matter(m.group(1))
        rest = rest[m.end() :]
    if m := EPOCH_LINE.match(rest):
        env.epoch_ms = int(m.group(1))
        rest = rest[m.end() :]
    if m := LINK_LINE.match(rest):
        env.link_title, env.link_url = m.group(1).strip(), m.group(2)
        rest = rest[m.end() :]
        if m := RULE_LINE.match(rest):
            rest = rest[m.end() :]
    env.html = rest
    return env


def parse_front_matter(block: str) -> dict[str, str]:
    """``key: value`` lines; quoted values unescaped, ``[ a, b ]`` lists kept as their text."""
    front: dict[str, str] = {}
    for line in block.splitlines():
        key, sep, value = line.partition(":")
        if not sep or not key.strip().isidentifier():
            continue
        front[key.strip()] = _unquote(value.strip())
    return front


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            return str(json.loads(value))
        except ValueError:
            return value[1:-1]
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def detect(text: str) -> bool:
    env = split_envelope(text[:5000])
    has_link = env.link_url is not None and env.link_url.startswith("http")
    has_from = env.front.get("from", "").startswith("http")
    return (has_link or has_from) and env.html.lstrip().startswith("<")


# ---------------------------------------------------------------------------------------------
# Parsing.


@dataclass
class Byline:
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    source: str | None = None


def parse(text: str, path: str) -> ParsedArticle:
    try:
        return _parse(text, path)
    except ParseError:
        raise
    except Exception as exc:  # anything unexpected in odd HTML must not stop a build
        raise ParseError(f"feed-mirror parser failed: {type(exc).__name__}: {exc}") from exc


@dataclass
class Page:
    """What the layout pass takes out of the outlet's HTML, before the body text is judged."""

    heading: str | None
    summary: str | None
    byline: Byline
    original_url: str | None
    images: list[Image]
    blocks: list[Block]


def _parse(text: str, path: str) -> ParsedArticle:
    env = split_envelope(_without_surrogates(text))
    warnings: list[str] = []
    url = env.link_url if (env.link_url or "").startswith("http") else None
    url = url or (env.front.get("from") or None)
    outlet, poster = _front_author(env.front.get("author"), url)
    page = _read_page(env.html, url_host(url) if url else "", warnings)
    blocks, text_authors = _body_blocks(page.blocks)
    if not blocks and page.summary:  # a teaser whose only text is its standfirst
        blocks = [Block(page.summary)]
    if not blocks:
        raise ParseError(_empty_body_message(env.html, page.images, page.blocks))
    title = _choose_title(env.front.get("title"), env.link_title, page.heading)
    if not title:
        warnings.append("no title in front matter or link")
        title = blocks[0].text[:80]
    if url is None:
        warnings.append("no article URL (link or from:)")
    elif not url_host(url):
        warnings.append(f"article URL has no usable host: {url[:200]}")
    if _looks_truncated(env.html):
        warnings.append("HTML looks truncated (no closing tag at the end)")
    published_at, date_source = _choose_date(page.byline, env, warnings)
    paragraphs = [b.text for b in blocks]
    return ParsedArticle(
        format=FORMAT,
        title=title,
        paragraphs=paragraphs,
        language=_language(title, paragraphs),
        outlet=outlet,
        url=url,
        original_url=page.original_url,
        published_at=published_at,
        date_source=date_source,
        authors=_clean_authors(page.byline.authors or text_authors or poster, outlet),
        summary=page.summary,
        tags=_tags(env.front.get("tags", ""), env.front.get("author")),
        images=page.images,
        links=_body_links(blocks, url),
        warnings=warnings,
    )


def _front_author(author: str | None, url: str | None) -> tuple[str | None, list[str]]:
    """(outlet, post authors) from front-matter ``author``: usually the outlet's name, but on blog-style
    sites (CDT, Bitter Winter) the WordPress post author, a person or pen name. A name that is no known
    outlet, on a URL whose host is one, is taken as the post's author and the outlet is left to the URL."""
    author = clean_text(author or "")
    if not author or author.casefold() in ("unknown", "null", "none"):
        return None, []
    outlets = default_directory()
    if outlets.resolve(author) is None and url and outlets.by_url(url) is not None:
        return None, [author]
    return author, []


def _read_page(html: str, host: str, warnings: list[str]) -> Page:
    """Take byline, footer link and images out of the HTML, drop furniture, and read the text blocks."""
    html, nesting_warning = tame_nesting(html)
    if nesting_warning:
        warnings.append(nesting_warning)
    root = parse_html(html).body
    if root is None:
        raise ParseError("no HTML body after the feed-mirror header")
    drop_nodes(root, NOISE_TAGS)
    heading = _first_text(root, "h1")
    summary = _first_text(root, SUMMARY_SELECTOR)
    drop_nodes(root, SUMMARY_SELECTOR)
    byline = _take_byline(root, host)
    original_url = _take_original_link(root)
    drop_nodes(root, "footer")
    images = _take_images(root)
    drop_nodes(root, COMMON_NOISE)
    if host in HOST_NOISE:
        drop_nodes(root, HOST_NOISE[host])
    for marker, container in HOST_NOISE_CONTAINERS.get(host, ()):
        _drop_containers(root, marker, container)
    _drop_more_links(root)
    return Page(heading, summary or None, byline, original_url, images, text_blocks(root))


def _without_surrogates(text: str) -> str:
    """Lone surrogates (from lenient decoding) cannot be stored as UTF-8; they become U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return text


# --- byline and dates ---------------------------------------------------------------------------


def _take_byline(root: LexborNode, host: str) -> Byline:
    """Author and time from the first byline-shaped element found; the element leaves the body."""
    for take in (_byline_address_time, _byline_feed_italic, _byline_rfi, _byline_person_list):
        byline = take(root, host)
        if byline is not None:
            return byline
    return Byline()


def _byline_address_time(root: LexborNode, host: str) -> Byline | None:
    """2023+ cn.nytimes: ``<address>AUTHOR</address><time pudate="Beijing time">``."""
    address = root.css_first("address")
    pudate = root.css_first("time[pudate]")
    if address is None and pudate is None:
        return None
    byline = Byline()
    if address is not None:
        byline.authors = _split_authors(address.text())
        address.decompose()
    if pudate is not None:
        byline.published_at = _parse_datetime(pudate.attributes.get("pudate") or "", BEIJING)
        byline.source = "time-element" if byline.published_at else None
        pudate.decompose()
    return byline


def _byline_feed_italic(root: LexborNode, host: str) -> Byline | None:
    """The mirror's 2020 byline: ``<div><i>AUTHORS<br>DATE</i></div>`` as the first element."""
    first = _leading_block(root)
    if first is None or first.tag != "div" or len(first.text()) > 300:
        return None
    italic = _first_child(first)
    if italic is None or italic.tag != "i" or not _blank_text(first):
        return None
    lines = [block.text for block in text_blocks(italic)]
    byline = Byline()
    tz = BYLINE_TZ.get(host, UTC)
    for line in lines:
        when = _parse_datetime(line, tz) if line else None
        if when is not None:
            byline.published_at, byline.source = when, "byline"
        elif line and not re.search(r"\d{4}\s*年", line):
            byline.authors = _split_authors(line)
    first.decompose()
    return byline


def _byline_rfi(root: LexborNode, host: str) -> Byline | None:
    """RFI: ``<div>dd/mm/yyyy - HH:MM</div>`` in Paris time as the first element."""
    first = _leading_block(root)
    if first is None or first.tag != "div":
        return None
    m = RFI_BYLINE.match(first.text(strip=True))
    if not m:
        return None
    day, month, year, hour, minute = map(int, m.groups())
    first.decompose()
    try:
        when = datetime(year, month, day, hour, minute, tzinfo=BYLINE_TZ.get(host, PARIS))
    except ValueError:
        return Byline()
    return Byline(published_at=when, source="byline")


def _byline_person_list(root: LexborNode, host: str) -> Byline | None:
    """BBC: ``<ul class="…Person…"><li class="…Name…">NAME</li><li class="…Title…">ROLE</li></ul>``."""
    people = root.css_first("ul[class*='Person']")
    if people is None:
        return None
    names = [clean_text(li.text()) for li in people.css("li[class*='Name']")]
    people.decompose()
    return Byline(authors=[n for n in names if n])


def _parse_datetime(value: str, tz: tzinfo) -> datetime | None:
    """ISO 8601 (with or without offset) or RFC 2822; naive times are in ``tz``. None if no time."""
    value = value.strip()
    if not re.search(r"\d{1,2}:\d{2}", value):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    return when


def _choose_date(byline: Byline, env: Envelope, warnings: list[str]) -> tuple[datetime | None, str | None]:
    """The most precise of: the byline's own time, the epoch comment, the front-matter date."""
    if byline.published_at is not None and _plausible(byline.published_at):
        return byline.published_at.astimezone(UTC), byline.source
    if env.epoch_ms is not None:
        when = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=env.epoch_ms)
        if _plausible(when):
            return when, "epoch"
        warnings.append(f"implausible epoch comment {env.epoch_ms}")
    front_date = env.front.get("date")
    if front_date:
        when = _parse_front_date(front_date)
        if when is not None and _plausible(when):
            return when.astimezone(UTC), "front-matter"
        warnings.append(f"unreadable front-matter date {front_date!r}")
    warnings.append("no publication date")
    return None, None


def _parse_front_date(value: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _plausible(when: datetime) -> bool:
    return 1990 <= when.year <= 2100


# --- footer, images, links ----------------------------------------------------------------------


def _take_original_link(root: LexborNode) -> str | None:
    """The footer link to the original-language article; the link leaves the body."""
    for anchor in root.css("a[href]"):
        if ORIGINAL_LINK_TEXT.search(anchor.text()):
            href = http_url(anchor.attributes.get("href"))
            anchor.decompose()
            if href:
                return href
    return None


def _take_images(root: LexborNode) -> list[Image]:
    """Every article image with its caption and credit; caption elements leave the body."""
    images: list[Image] = []
    seen: set[str] = set()
    for img in root.css("img"):
        attrs = img.attributes
        src = unwrap_image_proxy(attrs.get("data-src") or attrs.get("src"))
        if src is None or src in seen or SKIP_IMAGE.search(src):
            continue
        seen.add(src)
        caption_node = _caption_node(img)
        caption, credit = _caption_and_credit(caption_node) if caption_node is not None else (None, None)
        if caption_node is not None:
            caption_node.decompose()
        if not caption and not credit:
            caption, credit = _split_credit(clean_text(attrs.get("alt") or attrs.get("title") or ""))
        images.append(
            Image(
                src=src,
                caption=caption,
                credit=credit,
                width=_int(attrs.get("width")),
                height=_int(attrs.get("height")),
            )
        )
    return images


def _caption_node(img: LexborNode) -> LexborNode | None:
    """The element captioning an image: a caption inside the image's own small container, or the
    element right after the image (or after its container), e.g. the mirror's ``<div><small>``."""
    node = img
    for _ in range(4):
        sibling = _next_element(node)
        if sibling is not None and _is_caption(sibling):
            return sibling
        parent = node.parent
        if parent is None or parent.tag in ("body", "html") or len(parent.css("img")) > 1:
            return None
        found = parent.css_first(CAPTION_SELECTOR)
        if found is not None:
            return found
        node = parent
    return None


def _is_caption(node: LexborNode) -> bool:
    if node.css_matches(CAPTION_SELECTOR):
        return True
    small = node.css_first("small")
    return node.tag == "div" and small is not None and _same(_first_child(node), small)


def _caption_and_credit(node: LexborNode) -> tuple[str | None, str | None]:
    credits = [clean_text(c.text()) for c in node.css(CREDIT_SELECTOR)]
    for c in node.css(CREDIT_SELECTOR):
        c.decompose()
    caption = clean_text(node.text(separator=" "))
    credit = " ".join(c for c in credits if c) or None
    if credit is None:
        return _split_credit(caption)
    return caption or None, credit


def _split_credit(caption: str) -> tuple[str | None, str | None]:
    """Caption text and a trailing credit like ``（路透社）`` or ``中央社記者X攝 109年1月1日``."""
    if not caption.strip():
        return None, None
    m = CREDIT_IN_CAPTION.match(caption)
    if not m:
        return caption, None
    if m.group("credit"):
        return m.group("caption") or None, m.group("credit").strip()
    return m.group("caption2") or None, m.group("credit2")


def _drop_containers(root: LexborNode, marker: str, container: str) -> None:
    """Remove the nearest ``container`` ancestor of every element matching ``marker``."""
    doomed: dict[int, LexborNode] = {}
    for node in root.css(marker):
        parent = node.parent
        while parent is not None and parent.tag != container:
            parent = parent.parent
        if parent is not None:
            doomed[parent.mem_id] = parent
    for node in doomed.values():
        node.decompose()


def _drop_more_links(root: LexborNode) -> None:
    """'...more' links that point a teaser back at its own page."""
    for anchor in root.css("a"):
        if re.fullmatch(r"\s*(?:\.{3}|…)?\s*(?:more|閱讀全文|阅读全文|全文)\s*", anchor.text()):
            anchor.decompose()


def _body_links(blocks: list[Block], url: str | None) -> list[Link]:
    links: list[Link] = []
    seen = {url} if url else set()
    for block in blocks:
        for link in block.links:
            if link.url in seen or TWITTER_PROFILE.match(link.url) or TAG_LINK.search(link.url):
                continue
            seen.add(link.url)
            links.append(link)
    return links


# --- body text --------------------------------------------------------------------------------


def _body_blocks(blocks: list[Block]) -> tuple[list[Block], list[str]]:
    """Blocks minus furniture, trailing credits and in-text bylines; plus authors named in the text."""
    authors: list[str] = []
    kept: list[Block] = []
    for index, block in enumerate(blocks):
        if TAIL_START.match(block.text) and index > 0:
            break
        names, drop = _text_byline(block.text, index, len(blocks))
        authors.extend(names)
        if not (drop or not WORD.search(block.text) or _is_boilerplate(block.text)):
            kept.append(block)
    while (
        len(kept) > 1
        and len(kept[-1].text) <= MAX_BOILERPLATE_CHARS
        and TAIL_BOILERPLATE.search(kept[-1].text)
    ):
        kept.pop()
    return kept, authors


def _is_boilerplate(text: str) -> bool:
    # Site furniture is short; skipping long paragraphs keeps the many patterns cheap.
    return len(text) <= MAX_BOILERPLATE_CHARS and BOILERPLATE.search(text)


def _empty_body_message(html: str, images: list[Image], blocks: list[Block]) -> str:
    """Why there is no article text: a video or photo post, a link-only post, or nothing at all."""
    if "<iframe" in html or "<video" in html:
        return "no article text: a video post"
    if images:
        return f"no article text: the post holds only {len(images)} image(s)"
    if any("appeared first on" in b.text or "first appeared on" in b.text for b in blocks):
        return "no article text: a link-only post pointing to another site"
    return "no article text after removing layout and boilerplate"


def _text_byline(text: str, index: int, count: int) -> tuple[list[str], bool]:
    """Authors named in the first or last lines (作者：X, 记者：X, 大纪元记者X报导)."""
    if 2 < index < count - 3:
        return [], False
    for pattern, drop in TEXT_BYLINES:
        m = pattern.search(text)
        if m:
            return _split_authors(m.group(1)), drop
    return [], False


def _split_authors(text: str) -> list[str]:
    return [p for p in AUTHOR_SPLIT.split(clean_text(text)) if p]


def _clean_authors(names: list[str], outlet: str | None) -> list[str]:
    """Roles stripped, ALL-CAPS names title-cased, duplicates and the outlet itself removed."""
    result: list[str] = []
    outlets = default_directory()
    for name in names:
        name = DATELINE_CITY.sub("", clean_text(AUTHOR_ROLE.sub("", name)))
        if not name or len(name) > 40 or any(c.isdigit() or c in "《》" for c in name):
            continue
        if name.isupper():
            name = name.title()
        if (outlet and outlet.casefold() in name.casefold()) or outlets.resolve(name) is not None:
            continue
        if name not in result:
            result.append(name)
    return result


def _choose_title(front: str | None, link: str | None, heading: str | None) -> str:
    """The fullest title: front matter and link text, whichever is not cut with '...'; a longer
    version that extends it (the other one, or the page's own heading) wins."""
    candidates = [t for t in (clean_text(front or ""), clean_text(link or "")) if t]
    whole = [t for t in candidates if not ELLIPSIS.search(t)]
    title = (whole or candidates or [clean_text(heading or "")])[0]
    for longer in (*whole, clean_text(heading or "")):
        stem = ELLIPSIS.sub("", title)
        if stem and len(longer) > len(stem) and longer.startswith(stem):
            title = longer
    return title


def _language(title: str, paragraphs: list[str]) -> str:
    return guess_language(title + " " + " ".join(paragraphs)[:600])


def _tags(value: str, author: str | None) -> list[str]:
    """Front-matter tags, without the mirror's copy of the author field."""
    tags = [clean_text(t) for t in value.strip().strip("[]").split(",")]
    return [t for t in tags if t and t != clean_text(author or "")]


def _looks_truncated(html: str) -> bool:
    tail = html.rstrip()
    return bool(tail) and not tail.endswith(">")


# --- small node helpers -------------------------------------------------------------------------


def _elements(node: LexborNode) -> list[LexborNode]:
    """Element children (text and comments skipped)."""
    result = []
    child = node.child
    while child is not None:
        if child.tag not in ("-text", "-comment"):
            result.append(child)
        child = child.next
    return result


def _leading_block(root: LexborNode) -> LexborNode | None:
    """The first block of the page: down the chain of first children while they are wrapper <div>s
    (the mirror wraps the page in one; broken pages close it early, so siblings do not matter)."""
    node = _first_element_of(root)
    while node is not None and node.tag == "div":
        inner = _first_child(node)
        if inner is None or inner.tag != "div":
            break
        node = inner
    return node


def _first_child(node: LexborNode) -> LexborNode | None:
    """First child that is an element or non-blank text."""
    child = node.child
    while child is not None and (
        child.tag == "-comment" or (child.tag == "-text" and not (child.text_content or "").strip())
    ):
        child = child.next
    return child


def _first_element_of(node: LexborNode) -> LexborNode | None:
    elements = _elements(node)
    return elements[0] if elements else None


def _same(a: LexborNode | None, b: LexborNode | None) -> bool:
    return a is not None and b is not None and a.mem_id == b.mem_id


def _blank_text(node: LexborNode) -> bool:
    """No non-blank text directly inside node."""
    child = node.child
    while child is not None:
        if child.tag == "-text" and (child.text_content or "").strip():
            return False
        child = child.next
    return True


def _next_element(node: LexborNode) -> LexborNode | None:
    sibling = node.next
    while sibling is not None and sibling.tag in ("-text", "-comment"):
        if sibling.tag == "-text" and (sibling.text_content or "").strip():
            return None  # text between the image and the next element: not a caption pair
        sibling = sibling.next
    return sibling


def _first_text(root: LexborNode, selector: str) -> str | None:
    node = root.css_first(selector)
    return clean_text(node.text()) if node is not None else None


def _int(value: str | None) -> int | None:
    if value and value.strip().isdigit():
        return int(value.strip())
    return None

"""Count, over a whole built archive, each extraction defect class of issue 9 (a benchmark, not a test).

    python benchmarks/quality_report.py corpus.db                # the table
    python benchmarks/quality_report.py corpus.db --examples 3   # plus a few article ids per class
    python benchmarks/quality_report.py corpus.db --corpus ../shared/corpus/feedmirror-2020.tar.xz
                                                                 # plus the classes only the raw page shows

Each row is one defect class: how many articles (or images, or URLs) show it. A class is counted from
what the database stores, the way a reader of the site would notice it; the patterns say what is
looked for. Some defects leave no trace in what is stored (a credit line dropped with the names in it, a
gallery of another story kept as the article's pictures): with ``--corpus`` (a tarball or a folder of the
built input) each article's raw file is read again and those classes are counted too. The patterns here
are written independently of the parser's rules, so that a rule that misses is seen. Counts that cannot
reach zero are explained in the issue note, case by case.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import tarfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsarchive.dates import parse_iso
from newsarchive.html_text import html_paragraphs
from newsarchive.outlets import DEFAULT_PATH, load_outlets
from newsarchive.parsers.feed_mirror.envelope import split_envelope
from newsarchive.textnorm import normalize

OUTLETS = load_outlets(DEFAULT_PATH)
RULES = yaml.safe_load((DEFAULT_PATH.parent / "feed_mirror.yml").read_text(encoding="utf-8"))
# CDT's own labels before a title ("综合 | …" a roundup) name no source.
NOT_SOURCES = {name for rule in RULES["reposts"] for name in rule.get("not_sources") or ()}
NEIST_OUTLETS = {slug for rule in RULES["reposts"] for slug in (rule.get("categories") or {}).values()}
# Dateline places (台北, 倫敦, 华盛顿…): a byline's place is no author.
PLACES = {place for rule in RULES["text_bylines"] for place in rule.get("places") or ()}

# A title ending in " - Site", " | Site" or "｜Site" where Site is a curated outlet's name or alias.
TITLE_TAIL = re.compile(r"(?:\s[-–—|]\s*|\s*[｜]\s*)([^-–—|｜]{1,30})$")
TITLE_SECTION_TAG = re.compile(r"^\s*\[[^\]]{1,6}\]|\[[^\]]{1,6}\]\s*$")
TITLE_TRAILING_COMMA = re.compile(r"[,，、]\s*$")
ESCAPED_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#[xX][0-9a-fA-F]{2,5});")
# A repost's source written before its title: "德国之声｜…", "澎湃新闻 | …", "【404文库】维舟｜…".
REPOST_PREFIX = re.compile(r"^(?:【([^】]{1,12})】)?\s*([^｜|【】]{1,20}?)\s*(?:｜|\s\|\s)")
UPDATE_NOTE = re.compile(r"^[（(](?:新增|更新|補充|补充|增加|加入|修正|更正)[^）)]{0,60}[)）]$")
RELATED_LINE = re.compile(
    r"^(?:相关报道|相關報導|相关阅读|相關閱讀|延伸閱讀|延伸阅读|更多相关)\s*(?:[:：/]|$)|^(?:其它|其他)\s*/"
    r"|^(?:Related|Read more|More on this)\b"
)
JUNK_CAPTION = re.compile(
    r"^(?:img|image|图片|圖片|图|圖|图说|圖說|photo|line|分隔线|分隔線|file|截图|配图|bbc|\d{1,3}"
    r"|[\W_]{1,4}|\[[^\]]{1,6}\]|\S+\.(?:jpe?g|png|gif|webp|svg))$",
    re.IGNORECASE,
)
LOGO_SRC = re.compile(r"RFI_FB\.png|/error\.svg|grey_line|_line-nc\.png|/logo[^/]*\.(?:png|svg|jpe?g)$"
                      r"|[-_]logo\.(?:png|svg)$", re.I)
CNA_REPORTER = re.compile(r"中央社(?:記者|记者)[^（）()，,]{2,20}?\d{1,2}日(?:專|专)?(?:電|电)")
EPOCH_DATE = re.compile(r"^【大纪元(\d{4})年(\d{1,2})月(\d{1,2})日讯】")
CNA_RELEASE = re.compile(r"(?<!\d)(1\d\d)([01]\d)([0-3]\d)\s*$")
REUTERS_DATELINE = re.compile(r"^路透[^\d\s]{1,20}?(\d{1,2})月(\d{1,2})日\s*-")
STUB_CHARS = 60
# Credits at the end of the text: an editor or translator in brackets, a release code after it.
END_CREDIT = re.compile(
    r"[（(](?:編輯|编辑|譯者|译者|核稿|實習編譯|实习编译|編譯|编译)\s*[:：][^（）()]*[)）]\s*\d{0,7}\s*$"
    r"|[。」！？”）)]\s*1\d\d[01]\d[0-3]\d\s*$"
)
LINK_LABEL = re.compile(r"[（(]看完整報導[)）]\s*$")
DW_CMS_LINK = re.compile(r"\(ZH\):")
VIDEO_LABEL = re.compile(r"^(?:视频|視頻)\s*(?:【|[:：])")
SPACE_BEFORE_WIDE_MARK = re.compile(r"\S[ \u00a0\u3000]+[。，、；：！？）」』】》]")
INVISIBLE = re.compile(r"[\u00ad\u180e\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# An agency's dateline opening the text: the text is the agency's dispatch.
AGENCY_DATELINE = re.compile(
    r"^[^（(]{0,40}[（(]\s*(法新社|路透社?|美联社|美聯社|中央社?)[^（）()\d]{0,30}\d{1,2}日(?:专|專)?(?:电|電)\s*[)）]"
)
AGENCY_SLUGS = {"法新": "afp", "路透": "reuters", "美联": "associated-press", "美聯": "associated-press",
                "中央": "central-news-agency"}
# Names that are no person: broadcasters, units, role words left in front of a name.
NOT_PERSON = re.compile(
    r"(?i:ARD|ZDF|dpa|Tagesschau)|.{1,20}(?:研究所|研究组|研究中心|制作组|编辑部|新闻中心|新聞中心)"
    r"|(?:采访|特约|实习)?(?:记者|記者).*"
)
# Captions whose credit is still in the text: CNA's "（X提供）", "攝", "圖取自…", "傳真"; Epoch Times'
# closing "（明慧网）" (a position "（左）" or a date is no credit).
CNA_CREDIT_WORDS = re.compile(r"提供|攝|圖取自|傳真|取自")
# Found by the third blind audit: RTI's item code after a title, its reporter inside the teaser; Reuters'
# graphics links; Markdown bold markers; the page's text repeated (three paragraphs or more in a row).
RTI_ITEM_CODE = re.compile(r"\s-\s\d{6}-\d{1,2}\s*$")
RTI_INLINE_BYLINE = re.compile(r"#[^#]{0,6}記者[^#]{2,12}報導#")
GRAPHICS_LINK = re.compile(r"^(?:https?://)?tmsnrt\.rs/\S+$")
MARKDOWN_BOLD = re.compile(r"^\*\*[^*]+\*\*$")
EPOCH_CLOSING_CREDIT = re.compile(
    r"[（(](?![左右中前后上下][一二三四五六起]?[)）])(?!\d{4}年)[^（）()]{1,60}[)）]\s*$")
# Found by the fifth round's reading: CNA's foreign-wire stories credited only to a translator; CNA's
# column box byline; NYT bios naming a co-writer; a photo's date as VOA's credit; RFA's bracketed
# sources; CDT's "来源：" lines; the Economist's aside byline and picture credits; CCTV digest titles.
CNA_WIRE_DATELINE = re.compile(r"^[^（(]{0,30}[（(]中央社[^（）()]{0,30}綜合外電")
CNA_TRANSLATOR_CREDIT = re.compile(
    r"[（(](?:譯者|译者|實習編譯|实习编译|編譯|编译)\s*[:：]?\s*[\u4e00-\u9fff]{2}")
CNA_COLUMN_BYLINE = re.compile(r"class=\"author\"[^>]*>\s*中央社[^<]{0,12}(?:特派員|記者)")
NYT_BIO = re.compile(
    r"^(?P<who>[^，。()（）《》]{2,60}?)\s*(?:[(（](?P<aka>[^()（）]{2,40})[)）])?\s*(?:是|为)《纽约时报》")
VOA_DATED_CREDIT = re.compile(r"\d{4}\s*年")
RFA_BRACKET_CREDIT = re.compile(
    r"[（(][^（）()]{0,30}(?:摄|攝|图/|圖/|网|網|社|Public Domain|截图|提供)[^（）()]{0,30}[)）]\s*$")
ZAOBAO_BRACKET_CREDIT = re.compile(r"[。！？”」]\s*[（(](?![左右中][)）])[^（）()]{2,30}[)）]\s*$")
SOURCE_LINE = re.compile(r"^(?:来源|來源)\s*[:：]\s*([^\s，,；;（(“”]+)")
REPOSTED_FROM = re.compile(r"^[（(](?:转自|轉自)[:：]?\s*([^，,；;（()）\s]+)")
ECONOMIST_BYLINE = re.compile(r"itemProp=\"byline\"[^>]*>\s*[Bb]y\s+[A-Z]")
ECONOMIST_PICTURE_CREDIT = re.compile(r"^(?:images?|illustrations?|photographs?|photos?)\s*:", re.I)
SCREEN_READER_LABEL = re.compile(r"^(?:Image caption|图片版权|圖片版權|Image copyright|媒体播放器不支持)")
DIGEST_RUN_ON_TITLE = re.compile(r"新闻联播 文字版\S")
# Found by the fifth round's blind audit: an author line left in the text; a link label without its link.
AUTHOR_LINE = re.compile(r"^作者(?:[:：]\s*|\s+)[\u4e00-\u9fff·]{2,4}(?:\s|$)")
LINK_LEFT = re.compile(r"请点击这里。$|^详情请阅全文。$")
# Found by the ninth round's blind audit: Reuters' credit lines (who filed, wrote, translated, edited),
# Reuters' story codes, BBC's signed "分析" sections, NYT brief items and link labels, RFI player titles,
# Economist podcast/print notes, CNA captions of embeds (▲), 维权网 signatures, CDT writers before a colon.
REUTERS_CREDIT_LINE = re.compile(
    r"^[（(]?(?:发稿|编译|记者|整理|采写|撰写|撰稿|审校)\s*[/／]?\s*[\u4e00-\u9fff]")
REUTERS_WRITER_CREDIT = re.compile(
    r"(?:^|[；;\s(（])(?:发稿|记者|撰写|撰稿|整理)\s*[/／]?\s*[\u4e00-\u9fff]{2}")
REUTERS_TRANSLATOR_CREDIT = re.compile(r"(?:^|[；;\s(（])编译\s+[\u4e00-\u9fff]{2}")
HERE_POINTER = re.compile(r"(?:点击|点选|浏览|请见|[:：。])[^。]{0,30}?\s*here\s*$", re.I)
STORY_CODE = re.compile(r"\[n[A-Z0-9]{8,12}\]")
ANALYSIS_HEADING = re.compile(r"^分析(?:[:：\s]|$)")
CORRESPONDENT_ROLE = re.compile(r"(?:记者|编辑|主编|通讯员|专家)")
OTHER_LANGUAGE_LABEL = re.compile(r"[（(]\s*(?:阅读本文中文版|閱讀本文中文版|Read in English)\s*[)）]")
ECONOMIST_NOTE = re.compile(
    r"^(?:You can subscribe and listen|For access to The Economist’s print)"
    r"|^Editor[’']s note:.{0,120}print edition")
WQW_SIGNATURE = re.compile(
    r"^(?:代理人|辩护人|申请人|控告人|举报人)\s*[:：]\s*[\u4e00-\u9fff·]{2,4}(?:\s+\d{4}\s*年.*)?$")
CDT_WRITERS = {name for rule in RULES["reposts"] for name in rule.get("writers") or ()}
COLON_PREFIX = re.compile(r"^(?:【[^】]{1,12}】\s*)?([\u4e00-\u9fff·]{2,5})\s*[:：]")
# Tenth round (seeds 9301/9302 and the ninth audit's residue), written apart from the parser's rules.
VOA_VIDEO_TITLE = re.compile(r"^\s*video\s*[:：]", re.I)
VOA_FULL_PROGRAMME = re.compile(r"完整版\s*[:：]?|全部内容请看")
BBC_EMBED_FURNITURE = re.compile(r"^(?:跳过|结尾)\s.{1,20}\s帖子|^无内容$|^继续浏览\s|对外部网站内容不负责")
EDITORS_HEADLINE_NOTE = re.compile(r"^Full headline\s*[:：]", re.I)
VOA_BRACKET_CREDIT = re.compile(r"[（(]\s*(?:美国之音|美國之音)[^（）()\d]{0,14}[)）][。.]?\s*$"
                                r"|[（(][^（）()]{1,30}(?:网站|網站|截屏|截圖|截图)[)）][。.]?\s*$")
SUBSCRIPTION_LINE = re.compile(
    r"^(?:Feed-URL|iTunes)\s*:?$|^CDS档案\s*[|｜]|^请点击购买|请点选\s*[:：]?\s*[(（]here[)）]$"
    r"|^你的器材不支持播放|^欢迎订阅\S{0,12}YouTube|^\S{2,10}[:：]\s*https?[:：]//www\.youtube\.com/\S*$")
MEDIUM_DATE = re.compile(r"^(?:[A-Z][a-z]{2} \d{1,2}|\d{4})$")
MEDIA_CAPTION = re.compile(r"</(?:video|audio)>\s*<div>\s*<small[^>]*>(.*?)</small>", re.S)
EMBEDDED_POST_CARD = re.compile(
    r"<blockquote class=\"wp-embedded-content\"[^>]*>\s*<p>\s*<a\b[^>]*>(.*?)</a>", re.S)
CHART_LABEL = re.compile(r"class=\"chart__[a-z]+[^\"]*\"[^>]*>(.*?)</", re.S)
CLOSING_CREDIT_CODE = re.compile(r"[（(](?:編輯|编辑|譯者|译者|核稿)[:：][^（）()]{1,40}[)）]\s*1\d{6}$")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--examples", type=int, default=0, help="print this many article ids per class")
    parser.add_argument("--corpus", type=Path,
                        help="the built input (tarball or folder): count the raw-page classes too")
    args = parser.parse_args()
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    counts, examples = report(conn, args.corpus)
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    print(f"{args.db}: {total} articles")
    print(f"{'defect class':<72}{'count':>8}")
    for name, count in counts.items():
        print(f"{name:<72}{count:>8}")
        if args.examples and examples[name]:
            print(f"{'':<6}e.g. {', '.join(map(str, examples[name][: args.examples]))}")
    print("shared image URLs by outlet (stock photos reused by one outlet are legitimate):")
    for outlet, urls in _shared_by_outlet(conn, set(examples[IMAGE_CLASSES[0]])).most_common():
        print(f"    {outlet or '-':<40}{urls:>8}")


def report(conn: sqlite3.Connection, corpus: Path | None = None) -> tuple[dict[str, int], dict[str, list]]:
    """Every defect class with its count, and example ids (articles, or image URLs); the raw-page
    classes only when the corpus is given."""
    found: dict[str, list] = defaultdict(list)
    images = _images_by_article(conn)
    wanted: dict[str, dict] = {}  # raw path -> what the raw checks compare with
    paths = _shown_paths(conn) if corpus else {}
    for row in _articles(conn):
        row["images"] = images.get(row["id"], [])
        for name, check in ARTICLE_CHECKS.items():
            if check(row):
                found[name].append(row["id"])
        for name, image_check in IMAGE_CHECKS.items():
            found[name].extend(row["id"] for image in row["images"] if image_check(row, image))
        if row["id"] in paths and any(row["outlet"] in outlets for outlets, _ in RAW_CHECKS.values()):
            wanted[paths[row["id"]]] = row
    if corpus:
        for path, raw in _raw_pages(corpus, set(wanted)):
            row = wanted[path]
            for name, (outlets, raw_check) in RAW_CHECKS.items():
                if row["outlet"] in outlets and raw_check(row, raw):
                    found[name].append(row["id"])
    _image_checks(conn, found)
    _group_checks(conn, found)
    errors = conn.execute("SELECT path, message FROM sources WHERE status = 'error'")
    found[PICTURE_POSTS_REJECTED] = [path for path, message in errors
                                     if PICTURE_ONLY_ERROR.search(message or "")]
    names = [*ARTICLE_CHECKS, *IMAGE_CHECKS, *IMAGE_CLASSES, *GROUP_CLASSES, PICTURE_POSTS_REJECTED,
             *(RAW_CHECKS if corpus else ())]
    return {name: len(found[name]) for name in names}, found


def _articles(conn: sqlite3.Connection) -> Iterator[dict]:
    columns = {row[1] for row in conn.execute("PRAGMA table_info(articles)")}
    stub = "a.is_stub" if "is_stub" in columns else "NULL"
    translators = "a.translators" if "translators" in columns else "'[]'"
    excerpt = "a.is_excerpt" if "is_excerpt" in columns else "0"
    query = (
        f"SELECT a.id, a.title, a.body, a.authors, {translators} AS translators, a.url, a.published_date,"
        f" a.published_at, {stub} AS is_stub, {excerpt} AS is_excerpt,"
        " o.slug AS outlet, o.kind AS outlet_kind, v.slug AS via FROM articles a"
        " LEFT JOIN outlets o ON o.id = a.outlet_id LEFT JOIN outlets v ON v.id = a.via_id"
    )
    for row in conn.execute(query):
        item = dict(row)
        item["authors"] = json.loads(item["authors"] or "[]")
        item["translators"] = json.loads(item["translators"] or "[]")
        yield item


def _images_by_article(conn: sqlite3.Connection) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = defaultdict(list)
    for article_id, src, caption, credit in conn.execute(
            "SELECT article_id, src, caption, credit FROM images ORDER BY article_id, position"):
        found[article_id].append({"src": src, "caption": caption, "credit": credit})
    return found


def _shown_paths(conn: sqlite3.Connection) -> dict[int, str]:
    """The raw file each article shows: its current capture, else its first source."""
    paths: dict[int, str] = {}
    for article_id, path in conn.execute("SELECT article_id, path FROM sources WHERE article_id IS NOT NULL"
                                         " ORDER BY id DESC"):
        paths[article_id] = path  # ordered by id descending: the first source wins
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'article_versions'").fetchone():
        for article_id, path in conn.execute(
                "SELECT v.article_id, s.path FROM article_versions v JOIN sources s ON s.id = v.source_id"
                " WHERE v.is_current = 1"):
            paths[article_id] = path
    return {article_id: path.removeprefix("./") for article_id, path in paths.items()}


def _raw_pages(corpus: Path, wanted: set[str]) -> Iterator[tuple[str, str]]:
    """(path, text) of the wanted files of a folder or a tarball, read in place."""
    if corpus.is_dir():
        for path in sorted(wanted):
            if (corpus / path).is_file():
                yield path, (corpus / path).read_text(encoding="utf-8", errors="replace")
        return
    with tarfile.open(corpus) as tar:
        for member in tar:
            name = member.name.removeprefix("./")
            if name in wanted and member.isfile() and (handle := tar.extractfile(member)) is not None:
                yield name, handle.read().decode("utf-8", errors="replace")


# --- classes seen in what is stored ------------------------------------------------------------------


def _site_name_in_title(row: dict) -> bool:
    match = TITLE_TAIL.search(row["title"])
    return bool(match) and OUTLETS.resolve(match.group(1).strip()) is not None


def _body_starts_with_title(row: dict) -> bool:
    """The headline repeated as the first paragraph (a body that is only the headline is a stub instead;
    a first sentence that opens with the headline's words is writing, not a repeat)."""
    title = _fold(row["title"])
    first, _, rest = row["body"].partition("\n\n")
    return len(title) >= 6 and _fold(first) == title and bool(rest.strip())


def _fold(text: str) -> str:
    return re.sub(r"\W+", "", normalize(text).casefold())


def _cna_reporter_without_author(row: dict) -> bool:
    return (
        row["outlet"] == "central-news-agency"
        and row["authors"] == []
        and CNA_REPORTER.search(row["body"][:200]) is not None
    )


def _printed_date_differs(row: dict) -> bool:
    """The page prints its own date in the text (Epoch Times' 【大纪元…讯】, Reuters' dateline) and the
    stored date is another day. (CNA's closing release code leaves the text with the editor's credit:
    it is compared with the raw page below.)"""
    stored = row["published_date"]
    head = row["body"][:120]
    printed = None
    if m := EPOCH_DATE.match(head):
        printed = (int(m[1]), int(m[2]), int(m[3]))
    elif m := REUTERS_DATELINE.match(head):
        printed = (int(stored[:4]) if stored else 0, int(m[1]), int(m[2]))
    if printed is None:
        return False
    return stored is None or tuple(map(int, stored.split("-"))) != printed


def _repost_without_original(row: dict) -> bool:
    """A republisher named as the outlet, or a title that still opens with its source's name."""
    if row["outlet_kind"] == "republisher" and row["via"] is None and "nei.st/medium/" in (row["url"] or ""):
        return True  # nei.st's /medium/ section reposts publications; its other sections are its own
    match = REPOST_PREFIX.match(row["title"])
    return (row["outlet"] == "china-digital-times" and row["via"] is None and match is not None
            and not {match.group(1), match.group(2)} & NOT_SOURCES)


def _wire_copy_credited_to_carrier(row: dict) -> bool:
    """An agency's dispatch (its dateline opens the text) stored with the outlet that carried it."""
    match = AGENCY_DATELINE.match(row["body"][:80])
    return match is not None and AGENCY_SLUGS[match.group(1)[:2]] != row["outlet"]


def _cna_wire_story_uncredited(row: dict) -> bool:
    """A CNA foreign-wire story (綜合外電) that names neither an author nor a translator."""
    return (row["outlet"] == "central-news-agency" and not row["authors"] and not row["translators"]
            and CNA_WIRE_DATELINE.match(row["body"][:60]) is not None)


def _source_line_outlet_uncredited(row: dict) -> bool:
    """A CDT repost whose opening "来源：X" line names a curated outlet that is not credited."""
    if row["outlet"] not in ("china-digital-times", None) or row["via"] is not None:
        return False
    for paragraph in _paragraphs(row)[:2]:
        if (m := SOURCE_LINE.match(paragraph)) and OUTLETS.resolve(m.group(1)) is not None:
            return True
    return False


def _epoch_repost_uncredited(row: dict) -> bool:
    """An Epoch Times page closing with "（转自X）" where X is a curated outlet, credited to Epoch Times."""
    if row["outlet"] != "the-epoch-times" or row["via"] is not None:
        return False
    m = REPOSTED_FROM.match(_paragraphs(row)[-1])
    return m is not None and OUTLETS.resolve(m.group(1)) is not None


def _paragraphs(row: dict) -> list[str]:
    return row["body"].split("\n\n")


def _author_not_a_person(row: dict) -> bool:
    return any(NOT_PERSON.fullmatch(name) or name in PLACES or _glued_place(name) for name in row["authors"])


def _glued_place(name: str) -> bool:
    """A dateline's place left after a Chinese name ("戴雅真布魯塞爾")."""
    return any(name.endswith(place) and len(name) - len(place) >= 2 for place in PLACES)


def _analysis_signature_left(row: dict) -> bool:
    """A short line with a correspondent's role right after BBC's "分析" heading (the signature)."""
    if row["outlet"] != "bbc":
        return False
    paragraphs = _paragraphs(row)
    return any(ANALYSIS_HEADING.match(p) and any(len(q) <= 40 and CORRESPONDENT_ROLE.search(q)
                                                  for q in paragraphs[i + 1: i + 3])
               for i, p in enumerate(paragraphs))


def _colon_writer_lost(row: dict) -> bool:
    m = COLON_PREFIX.match(row["title"]) if row["outlet"] == "china-digital-times" or row["via"] else None
    return m is not None and m.group(1) in CDT_WRITERS and m.group(1) not in row["authors"]


def _repeated_run(row: dict) -> bool:
    seen: set[str] = set()
    run = 0
    for paragraph in _paragraphs(row):
        run = run + 1 if paragraph in seen else 0
        seen.add(paragraph)
        if run >= 3:
            return True
    return False


ARTICLE_CHECKS: dict[str, Callable[[dict], bool]] = {
    "title: site name after the title": _site_name_in_title,
    "title: section tag ([國際], [影])": lambda r: bool(TITLE_SECTION_TAG.search(r["title"])),
    "title: trailing comma": lambda r: bool(TITLE_TRAILING_COMMA.search(r["title"])),
    "title: escaped HTML entity": lambda r: bool(ESCAPED_ENTITY.search(r["title"])),
    "title: invisible characters (zero-width, direction marks)": lambda r: bool(INVISIBLE.search(r["title"])),
    "body: escaped HTML entity": lambda r: bool(ESCAPED_ENTITY.search(r["body"])),
    "body: invisible characters (zero-width, direction marks)": lambda r: bool(INVISIBLE.search(r["body"])),
    "body: starts with the title": _body_starts_with_title,
    "body: wire update note first": lambda r: bool(UPDATE_NOTE.match(r["body"].partition("\n\n")[0])),
    "body: related-article line": lambda r: any(RELATED_LINE.match(p) for p in _paragraphs(r)),
    "body: closing credit left (編輯/譯者/核稿, release code)": lambda r: bool(
        END_CREDIT.search(r["body"][-80:])),
    "body: link label （看完整報導） ending a paragraph": lambda r: any(
        LINK_LABEL.search(p) for p in _paragraphs(r)),
    "body: DW internal link text (ZH):": lambda r: bool(DW_CMS_LINK.search(r["body"])),
    "body: video label without its video (视频【…】, 视频：…)": lambda r: any(
        VIDEO_LABEL.match(p) and len(p) < 150 for p in _paragraphs(r)),
    "body: space before full-width punctuation": lambda r: bool(SPACE_BEFORE_WIDE_MARK.search(r["body"])),
    "authors: CNA reporter named, no author": _cna_reporter_without_author,
    "authors: not a person (broadcaster, unit, place, role word)": _author_not_a_person,
    "authors: invisible characters": lambda r: any(INVISIBLE.search(name) for name in r["authors"]),
    "date: stored date differs from the date the page prints": _printed_date_differs,
    "date: none at all": lambda r: r["published_date"] is None,
    "repost: outlet is the reposter (no original outlet)": _repost_without_original,
    "repost: agency dispatch credited to its carrier (（法新社…电）)": _wire_copy_credited_to_carrier,
    "title: RTI item code ( - 200730-9)": lambda r: bool(RTI_ITEM_CODE.search(r["title"])),
    "body: RTI reporter line inside the text (#記者X報導#)": lambda r: bool(
        RTI_INLINE_BYLINE.search(r["body"])),
    "body: Reuters graphics link as a paragraph (tmsnrt.rs)": lambda r: any(
        GRAPHICS_LINK.match(p) for p in _paragraphs(r)),
    "body: Markdown bold markers around a paragraph (**…**)": lambda r: any(
        MARKDOWN_BOLD.match(p) for p in _paragraphs(r)),
    "body: three or more paragraphs repeated in a row": _repeated_run,
    "authors: CNA foreign-wire story (綜合外電), neither author nor translator": _cna_wire_story_uncredited,
    "repost: CDT source line (来源：X) names a curated outlet, not credited": _source_line_outlet_uncredited,
    "repost: Epoch Times story reposted from an outlet (（转自X）), not credited": _epoch_repost_uncredited,
    "authors: author line (作者 X) left in the text, no author": lambda r: not r["authors"] and any(
        AUTHOR_LINE.match(p) for p in _paragraphs(r)[:3]),
    "body: closing credit and release code left in a paragraph before the last": lambda r: any(
        CLOSING_CREDIT_CODE.search(p) for p in _paragraphs(r)[:-1]),
    "body: link label whose link left (请点击这里。, 详情请阅全文。)": lambda r: any(
        LINK_LEFT.search(p) for p in _paragraphs(r)),
    "title: CCTV 新闻联播 digest title with its headlines run on (cut off)": lambda r: bool(
        DIGEST_RUN_ON_TITLE.search(r["title"])),
    "body: Economist picture credit line as the last paragraph (Images: …)": lambda r: (
        r["outlet"] == "the-economist" and bool(ECONOMIST_PICTURE_CREDIT.match(_paragraphs(r)[-1]))),
    "body: Reuters credit line left (发稿/编译/撰写/审校 X)": lambda r: r["outlet"] == "reuters" and any(
        len(p) <= 60 and "。" not in p and REUTERS_CREDIT_LINE.match(p) for p in _paragraphs(r)),
    "body: Reuters story code ([nL4S2EA1AE])": lambda r: bool(STORY_CODE.search(r["body"])),
    "body: pointer to a link labelled 'here' (请点击：here)": lambda r: r["outlet"] == "reuters" and any(
        HERE_POINTER.search(p) for p in _paragraphs(r)),
    "body: BBC 分析 section's signature (role and name) left after its heading": _analysis_signature_left,
    "body: NYT link label to the other language's version (（阅读本文中文版）)": lambda r: bool(
        OTHER_LANGUAGE_LABEL.search(r["body"])),
    "body: RFI paragraph after the first repeating the headline (a player's title)": lambda r: (
        r["outlet"] == "rfi" and len(_fold(r["title"])) >= 4
        and any(_fold(p) == _fold(r["title"]) for p in _paragraphs(r)[1:])),
    "body: Economist podcast subscription or print-edition note": lambda r: r["outlet"] == "the-economist"
    and any(ECONOMIST_NOTE.match(p) for p in _paragraphs(r)),
    "body: CNA caption of an embedded video or picture (▲…)": lambda r: r["outlet"] == "central-news-agency"
    and any(p.startswith("▲") and len(p) <= 150 for p in _paragraphs(r)),
    "body: 维权网 signature line closing a paper (代理人：X), no author": lambda r: (
        r["outlet"] == "weiquanwang" and not r["authors"] and bool(WQW_SIGNATURE.match(_paragraphs(r)[-1]))),
    "authors: CDT title opens with a curated writer and a colon, writer not the author": _colon_writer_lost,
    "body: nei.st's bar under a copied post (PUBLICATION / / Inside Premium Subscriptions)": lambda r: (
        "Inside Premium Subscriptions" in r["body"]),
    "title: VOA video label before the title (video:)": lambda r: (
        r["outlet"] == "voice-of-america" and bool(VOA_VIDEO_TITLE.match(r["title"]))),
    "body: VOA programme's pointer to its full video (本期时事大家谈完整版：…)": lambda r: (
        r["outlet"] == "voice-of-america" and any(
            len(p) <= 80 and VOA_FULL_PROGRAMME.search(p) and "。" not in p for p in _paragraphs(r)[-2:])),
    "body: BBC embedded-post furniture (跳过/结尾 X 帖子, 无内容, disclaimer)": lambda r: (
        r["outlet"] == "bbc" and any(BBC_EMBED_FURNITURE.search(p) for p in _paragraphs(r))),
    "body: editor's note 'Full headline:' as a paragraph": lambda r: any(
        EDITORS_HEADLINE_NOTE.match(p) for p in _paragraphs(r)[:3]),
    "body: subscription/pointer line (Feed-URL:, CDS档案｜, 请点击购买, (here), YouTube channel)": lambda r: (
        any(SUBSCRIPTION_LINE.search(p) for p in _paragraphs(r))),
    "body: nei.st Medium bar as paragraphs (PUBLICATION / Mon DD / YYYY)": lambda r: "nei-st" in (
        r["outlet"], r["via"]) and any(MEDIUM_DATE.match(p) for p in _paragraphs(r)[:4]),
    f"stub: body under {STUB_CHARS} characters": lambda r: len(r["body"]) < STUB_CHARS,
    "stub: flagged is_stub": lambda r: bool(r["is_stub"]),
}


def _credit_in_caption(row: dict, image: dict) -> bool:
    caption = image["caption"] or ""
    if image["credit"] or not caption:
        return False
    if row["outlet"] == "central-news-agency":
        return CNA_CREDIT_WORDS.search(caption) is not None
    return row["outlet"] == "the-epoch-times" and EPOCH_CLOSING_CREDIT.search(caption) is not None


IMAGE_CHECKS: dict[str, Callable[[dict, dict], bool]] = {
    "images: credit left in the caption (CNA 提供/攝/圖取自/傳真, Epoch （明慧网）)": _credit_in_caption,
    "images: BBC caption all ASCII (alt text; an upper bound)": lambda r, i: (
        r["outlet"] == "bbc" and bool(i["caption"]) and i["caption"].isascii()),
    "images: invisible characters in the caption": lambda r, i: bool(INVISIBLE.search(i["caption"] or "")),
    "images: BBC screen-reader label in a caption or credit (Image caption, 图片版权)": lambda r, i: (
        bool(SCREEN_READER_LABEL.match(i["caption"] or "") or SCREEN_READER_LABEL.match(i["credit"] or ""))),
    "images: VOA credit holding the photo's date (路透社2020年5月1日资料照)": lambda r, i: (
        r["outlet"] == "voice-of-america" and bool(VOA_DATED_CREDIT.search(i["credit"] or ""))),
    "images: Zaobao source in brackets after the caption's last sentence (。（X）)": lambda r, i: (
        r["outlet"] == "lianhe-zaobao" and bool(ZAOBAO_BRACKET_CREDIT.search(i["caption"] or ""))),
    "images: VOA source in brackets left at the caption's end ((美国之音X), (X网站))": lambda r, i: (
        r["outlet"] == "voice-of-america" and bool(VOA_BRACKET_CREDIT.search(i["caption"] or ""))),
    "images: RFA source in brackets left at the caption's end (（记者X摄）)": lambda r, i: (
        r["outlet"] == "radio-free-asia" and bool(RFA_BRACKET_CREDIT.search(i["caption"] or ""))),
}

IMAGE_CLASSES = [
    "images: URL shared by 3+ article URLs (distinct URLs)",
    "images: rows with a URL shared by 3+ articles",
    "images: known logo / divider / error icon",
    "images: URL cut off at a trailing '.'",
    "images: junk caption",
]
GROUP_CLASSES = ["versions: URLs with 2+ articles", "versions: articles in those groups"]
# A post whose content is only pictures (a photo of the day, a cartoon) rejected instead of kept as a stub.
PICTURE_POSTS_REJECTED = "sources: picture-only post rejected as an error (only N image(s))"
PICTURE_ONLY_ERROR = re.compile(r"only \d+ image")


def _image_checks(conn: sqlite3.Connection, found: dict[str, list]) -> None:
    # Captures of one URL share their images; count distinct article URLs, not article rows.
    users: dict[str, set[str]] = defaultdict(set)
    rows = conn.execute(
        "SELECT i.article_id, i.src, i.caption, coalesce(a.url, a.id) FROM images i"
        " JOIN articles a ON a.id = i.article_id").fetchall()
    for _, src, _, page in rows:
        if src:
            users[src].add(str(page))
    shared = {src for src, ids in users.items() if len(ids) >= 3}
    found[IMAGE_CLASSES[0]] = sorted(shared)
    for article_id, src, caption, _ in rows:
        if src in shared:
            found[IMAGE_CLASSES[1]].append(article_id)
        if src and LOGO_SRC.search(src):
            found[IMAGE_CLASSES[2]].append(article_id)
        if src and src.endswith("."):
            found[IMAGE_CLASSES[3]].append(article_id)
        if caption and JUNK_CAPTION.match(caption.strip()):
            found[IMAGE_CLASSES[4]].append(article_id)


def _shared_by_outlet(conn: sqlite3.Connection, shared: set[str]) -> Counter[str]:
    pairs = conn.execute(
        "SELECT DISTINCT i.src, o.slug FROM images i JOIN articles a ON a.id = i.article_id"
        " LEFT JOIN outlets o ON o.id = a.outlet_id")
    return Counter(slug for src, slug in pairs if src in shared)


def _group_checks(conn: sqlite3.Connection, found: dict[str, list]) -> None:
    groups = Counter(url for (url,) in conn.execute("SELECT url FROM articles WHERE url IS NOT NULL"))
    repeated = [url for url, n in groups.items() if n > 1]
    found[GROUP_CLASSES[0]] = repeated
    found[GROUP_CLASSES[1]] = [url for url in repeated for _ in range(groups[url])]


# --- classes only the raw page shows (--corpus) --------------------------------------------------------

# DW's closing credit: editors' names, then the sources in brackets ("李四/王五（法新社、路透社）").
DW_CREDIT_LINE = re.compile(
    r"^(?:[^\s。，,：:（）()/／\\、]{2,6}|[A-Z][A-Za-z.' -]{1,30}?)"
    r"(?:\s*[/／\\、]+\s*(?:[^\s。，,：:（）()/／\\、]{2,6}|[A-Z][A-Za-z.' -]{1,30}?))*"
    r"\s*(?:综合报[道导])?\s*[/／]?\s*[（(][^（）()]{2,80}[)）](?:\s*©.*)?$")
# RFA's sign-off: the reporter, then the editors ("自由亚洲电台记者X 台北报道 责编：Y 网编：Z").
RFA_SIGN_OFF = re.compile(r"^[（(]?(?:自由亚洲电台)?(?:特约|实习)?(?:记者|記者)\s*[:：]?\s*[\u4e00-\u9fff]{2}"
                          r".{0,30}?(?:责编|責編|编辑|網編|网编|报道|报导)")
EPOCH_LEAD_BYLINE = re.compile(r"^(?:【[^】]*】)?\s*[（(][^（）()]{0,8}大纪元(?:资深|特约)?(?:记者|专栏作家)")
EPOCH_TEXT_CREDIT = re.compile(r"^(?:文字整理|撰文)\s*[:：]\s*[\u4e00-\u9fff]{2}")
EMPTY_CAPTION_IMG = re.compile(
    r"<img\b[^>]*?\balt=\"([^\"]+)\"[^>]*>\s*(?:<br\s*/?>\s*)?<figcaption>\s*</figcaption>")
DW_GALLERY = re.compile(r"<h3>\s*相关图集.*?</h3>(.*?)(?=<p>|<h\d|$)", re.S)


def _raw_paragraphs(raw: str) -> list[str]:
    return html_paragraphs(split_envelope(raw).html)


def _dw_credit_lost(row: dict, raw: str) -> bool:
    return not row["authors"] and any(DW_CREDIT_LINE.match(p) for p in _raw_paragraphs(raw)[-8:])


def _rfa_sign_off_lost(row: dict, raw: str) -> bool:
    return not row["authors"] and any(RFA_SIGN_OFF.match(p) for p in _raw_paragraphs(raw)[-6:])


def _epoch_byline_lost(row: dict, raw: str) -> bool:
    if row["authors"]:
        return False
    paragraphs = _raw_paragraphs(raw)
    return (any(EPOCH_LEAD_BYLINE.match(p) for p in paragraphs[:3])
            or any(EPOCH_TEXT_CREDIT.match(p) for p in paragraphs[-6:]))


def _alt_text_as_caption(row: dict, raw: str) -> bool:
    """A stored caption that is the hidden alt text of a picture whose caption element is empty."""
    hidden = {alt.strip() for alt in EMPTY_CAPTION_IMG.findall(raw)}
    return any(image["caption"] in hidden for image in row["images"] if image["caption"])


def _cna_translator_lost(row: dict, raw: str) -> bool:
    """CNA's closing credit names a translator ("（譯者：X/核稿：Y）"); none is stored."""
    return not row["translators"] and any(
        CNA_TRANSLATOR_CREDIT.search(p[-70:]) for p in _raw_paragraphs(raw)[-8:])


def _cna_column_byline_lost(row: dict, raw: str) -> bool:
    return not row["authors"] and CNA_COLUMN_BYLINE.search(raw) is not None


def _nyt_bio_writer_missing(row: dict, raw: str) -> bool:
    """A writer's bio closing the article ("X(Y)是《纽约时报》记者") names someone the authors lack."""
    known = {name.casefold() for name in row["authors"]}
    for paragraph in _raw_paragraphs(raw)[-6:]:
        m = NYT_BIO.match(paragraph)
        if m is None:
            continue
        names = [n.strip() for n in re.split(r"和|、|,|，", m.group("who")) if n.strip()]
        if not any(n.casefold() in known for n in names) and (m.group("aka") or "").casefold() not in known:
            return True
    return False


def _economist_byline_lost(row: dict, raw: str) -> bool:
    return not row["authors"] and ECONOMIST_BYLINE.search(raw) is not None


def _related_gallery_kept(row: dict, raw: str) -> bool:
    """A picture of DW's "相关图集" (a gallery of another story) stored as the article's (a picture the
    article shows before the gallery is its own, even when the gallery repeats it)."""
    gallery = "".join(DW_GALLERY.findall(raw))
    before = raw[: raw.find("相关图集")]
    return any(image["src"] and (tail := image["src"].split("//", 1)[-1]) in gallery and tail not in before
               for image in row["images"])


def _cna_release_date_differs(row: dict, raw: str) -> bool:
    """CNA's release code after the last paragraph ("（編輯：X）1091217") names another day."""
    paragraphs = _raw_paragraphs(raw)
    match = CNA_RELEASE.search(paragraphs[-1]) if paragraphs else None
    if match is None:
        return False
    printed = f"{int(match[1]) + 1911:04d}-{match[2]}-{match[3]}"
    return row["published_date"] != printed


def _published_after_capture(row: dict, raw: str) -> bool:
    """The stored time is more than ten minutes after the mirror captured the page (front matter date)."""
    front_date = split_envelope(raw).front.get("date")
    captured = parse_iso(front_date) if front_date else None
    published = parse_iso(row["published_at"]) if row["published_at"] else None
    return captured is not None and published is not None and published > captured + timedelta(minutes=10)


def _reuters_writer_lost(row: dict, raw: str) -> bool:
    """Reuters' closing credit names a writer (发稿 X, 记者 X, 撰写 X, 整理 X; not a filer after a
    translator) and no author is stored."""
    lines = [p for p in _raw_paragraphs(raw)[-4:]
             if "审校" in p or p.startswith(("发稿", "记者", "撰写", "整理"))]
    credits = [p.rsplit("。", 1)[-1] for p in lines]  # a credit closing a paragraph follows its last sentence
    return not row["authors"] and any(
        REUTERS_WRITER_CREDIT.search(c) and not c.lstrip(" (（").startswith("编译") for c in credits)


def _reuters_translator_lost(row: dict, raw: str) -> bool:
    return not row["translators"] and any(
        REUTERS_TRANSLATOR_CREDIT.search(p[-60:]) for p in _raw_paragraphs(raw)[-4:])


def _credit_word_paragraph_lost(row: dict, raw: str) -> bool:
    """A sentence holding a credit word ("该网编辑", "…（完） (发稿 X；审校 Y)") lost with the credit."""
    body = _fold(row["body"])
    return any(len(p) > 40 and "。" in p and ("审校" in p or "网编" in p) and _fold(p)[:30] not in body
               for p in _raw_paragraphs(raw))


NYT_BRIEF_ITEM = re.compile(r"^•\s*\S")


def _brief_item_lost(row: dict, raw: str) -> bool:
    """A brief's item ("• …") of the raw page missing from the stored text."""
    body = _fold(row["body"])
    return any(_fold(p)[:20] not in body for p in _raw_paragraphs(raw) if NYT_BRIEF_ITEM.match(p))


NEIST_SOURCE_LINK = re.compile(r"href=\"https?://nei\.st[^\"]*?[?&]source=(https?://[^\"&]+)")


def _neist_source_uncredited(row: dict, raw: str) -> bool:
    """A nei.st post credited to nei.st although a ?source= link names a curated outlet's page."""
    if row["via"] is not None or row["outlet"] != "nei-st":
        return False
    linked = [OUTLETS.by_url(url) for url in NEIST_SOURCE_LINK.findall(raw)]
    return any(outlet is not None and outlet.slug != "nei-st" for outlet in linked)


EMPTY_NUMBERED_HEADING_END = re.compile(r"<h[2-4][^>]*>\s*\d{1,3}\s*</h[2-4]>\s*</div>\s*</article>")
DW_GALLERY_CAPTION = re.compile(r"<img[^>]*>\s*<br>\s*<b>([^<]{2,40})</b>\s*[:：]")


def _dw_gallery_caption_as_text(row: dict, raw: str) -> bool:
    """A DW gallery caption ("<img><br><b>Title</b>：text") stored as a paragraph, not the picture's."""
    titles = [title.strip() for title in DW_GALLERY_CAPTION.findall(raw)]
    return any(p.startswith(title) for title in titles for p in _paragraphs(row))


def _raw_labels_as_text(pattern: re.Pattern[str]) -> Callable[[dict, str], bool]:
    """A check: a label the pattern finds in the raw page (group 1, tags removed) stored as a paragraph."""
    def check(row: dict, raw: str) -> bool:
        labels = {re.sub(r"<[^>]+>|\s+", " ", label).strip() for label in pattern.findall(raw)}
        return bool(labels & {" ".join(p.split()) for p in _paragraphs(row)})
    return check


RAW_CHECKS: dict[str, tuple[set[str], Callable[[dict, str], bool]]] = {
    "raw: Reuters credit names a writer (发稿/记者/撰写/整理), no author stored": ({"reuters"},
                                                                           _reuters_writer_lost),
    "raw: Reuters credit names a translator (编译 X), none stored": ({"reuters"}, _reuters_translator_lost),
    "raw: a sentence holding a credit word (网编/审校) missing from the text": (
        {outlet.slug for outlet in OUTLETS}, _credit_word_paragraph_lost),
    "raw: NYT brief item (• …) missing from the text": ({"the-new-york-times-chinese"}, _brief_item_lost),
    "raw: nei.st ?source= link names a curated outlet, not credited": ({"nei-st"}, _neist_source_uncredited),
    "raw: nei.st page ends at an empty numbered heading, not flagged is_excerpt": (
        {"nei-st"}, lambda row, raw: bool(EMPTY_NUMBERED_HEADING_END.search(raw)) and not row["is_excerpt"]),
    "raw: DW gallery caption (<img><br><b>…</b>：…) stored as a paragraph": ({"deutsche-welle"},
                                                                          _dw_gallery_caption_as_text),
    "raw: DW credit line names authors, none stored": ({"deutsche-welle"}, _dw_credit_lost),
    "raw: RFA sign-off names a reporter, none stored": ({"radio-free-asia"}, _rfa_sign_off_lost),
    "raw: Epoch Times byline (大纪元记者, 文字整理, 撰文), none stored": ({"the-epoch-times"},
                                                                   _epoch_byline_lost),
    "raw: caption is the hidden alt text of an empty caption": ({"bbc"}, _alt_text_as_caption),
    "raw: DW related gallery (相关图集) kept as the article's images": ({"deutsche-welle"},
                                                                     _related_gallery_kept),
    "raw: CNA release code names another day than the stored date": ({"central-news-agency"},
                                                                     _cna_release_date_differs),
    "raw: CNA translator credit (譯者/編譯), no translator stored": ({"central-news-agency"},
                                                                 _cna_translator_lost),
    "raw: CNA column box byline (中央社駐X特派員Y／date), no author": ({"central-news-agency"},
                                                                  _cna_column_byline_lost),
    "raw: NYT closing bio names a writer the authors lack": ({"the-new-york-times-chinese"},
                                                             _nyt_bio_writer_missing),
    "raw: Economist aside byline (by X), no author stored": ({"the-economist"}, _economist_byline_lost),
    "raw: page ends at a paywall (You've hit the wall), not flagged is_excerpt": (
        NEIST_OUTLETS, lambda row, raw: "hit the wall" in raw and not row["is_excerpt"]),
    "raw: VOA caption under a video or audio player stored as a paragraph": (
        {"voice-of-america"}, _raw_labels_as_text(MEDIA_CAPTION)),
    "raw: nei.st copy of a chart's title/subtitle/source (chart__…) stored as a paragraph": (
        NEIST_OUTLETS | {"nei-st"}, _raw_labels_as_text(CHART_LABEL)),
    "raw: WordPress card of another post (CDT导览 | …) stored as a paragraph": (
        {outlet.slug for outlet in OUTLETS}, _raw_labels_as_text(EMBEDDED_POST_CARD)),
    "raw: published after the mirror captured the page (a local clock read as UTC)": (
        {"lianhe-zaobao", "rti"}, _published_after_capture),
}


if __name__ == "__main__":
    main()

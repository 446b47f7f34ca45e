"""Audits of entity linking by reading, and mining of names worth curating, over a built archive.

Every command re-runs the project's Matcher over the articles of DB (title, summary, body and captions,
with each article's outlet), so the numbers are those of the current code and data, whatever built DB.
Samples are drawn with random.Random(SEED) from sorted lists, before anything is read (../shared/AUDIT.md).

    python benchmarks/entity_audit.py DB top [--n 30]
        the organizations and people with the most articles, and how many of those articles link them
        only through a short or bare form (a surname, 拜登, 外交部 settled by context)
    python benchmarks/entity_audit.py DB bare --seed 11 [--per 10] [--entities 30]
        for each of the top organizations and people, `per` articles drawn among those that link it only
        through short or bare forms, each with the context of every such mention, to grade by reading
    python benchmarks/entity_audit.py DB links --seed 12 [--people 60 --organizations 50 --places 40]
        random links (article, entity) per kind, each with its first mention in context
    python benchmarks/entity_audit.py DB articles --seed 13 [--n 30] [--paths FILE]
        whole articles with every linked span marked 【name|kind:slug】, for recall by reading
    python benchmarks/entity_audit.py DB mine [--top 200]
        names not in the gazetteer: transliterations with 「·」, Chinese names with their English in
        brackets, names after titles and before 说/表示, organization names by their suffixes
    python benchmarks/entity_audit.py DB links --seed N --since OLD_DB
        the same, drawn only among the links that OLD_DB (an earlier build) does not have: what a change added

    python benchmarks/entity_audit.py DB wilson K N
        the Wilson 95% interval of K right out of N

--exclude FILE leaves out the articles whose source path is listed (one per line; a held-out sample).
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sqlite3
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsarchive.entities import Analysis, Matcher, load_gazetteer  # noqa: E402
from newsarchive.textnorm import CJK_CLASS  # noqa: E402

SHORT_FORMS = ("short", "surname", "bare")
CONTEXT = 40


def wilson(right: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a proportion (95% by default)."""
    if not total:
        return 0.0, 1.0
    share = right / total
    middle = (share + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, middle - half), min(1.0, middle + half)


def articles(db: Path, exclude: set[str]) -> Iterator[tuple[int, str, str | None, str, str | None, str]]:
    """(id, title, summary, body with captions, outlet slug, source path) of every article, by id."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    captions: dict[int, list[str]] = defaultdict(list)
    for article_id, caption in conn.execute(
            "SELECT article_id, caption FROM images WHERE caption <> '' ORDER BY article_id, position"):
        captions[article_id].append(caption)
    rows = conn.execute(
        "SELECT a.id, a.title, a.summary, a.body, o.slug, s.path FROM articles a "
        "LEFT JOIN outlets o ON o.id = a.outlet_id JOIN sources s ON s.id = a.source_id ORDER BY a.id")
    for article_id, title, summary, body, outlet, path in rows:
        if path.removeprefix("./") in exclude:
            continue
        yield article_id, title, summary, "\n\n".join([body, *captions.get(article_id, [])]), outlet, path


def analysed(db: Path, exclude: set[str]) -> Iterator[tuple[int, str, str | None, Analysis]]:
    """(article id, source path, outlet, analysis) for every article, with progress on stderr."""
    matcher = Matcher(load_gazetteer(ROOT / "data"))
    started = time.monotonic()
    for count, (article_id, title, summary, body, outlet, path) in enumerate(articles(db, exclude), 1):
        yield article_id, path, outlet, matcher.analyse(title, summary, body, outlet)
        if count % 5000 == 0:
            print(f"  {count} articles, {time.monotonic() - started:.0f} s", file=sys.stderr)


def context(text: str, start: int, end: int, width: int = CONTEXT) -> str:
    """The mention marked 【】 with `width` characters each side, on one line."""
    return (text[max(0, start - width):start] + "【" + text[start:end] + "】" + text[end:end + width]
            ).replace("\n", " / ")


# --- commands -------------------------------------------------------------------------------------------


def _index(db: Path, exclude: set[str], kinds: tuple[str, ...]) -> dict:
    """kind -> slug -> {"all": article ids, "short": ids linked only by short or bare forms}, plus the
    analyses of the short-only articles kept for printing."""
    index: dict = {kind: defaultdict(lambda: {"all": [], "short": []}) for kind in kinds}
    for article_id, _path, _outlet, analysis in analysed(db, exclude):
        forms: dict[tuple[str, str], set[str]] = defaultdict(set)
        for mention in analysis.mentions:
            if mention.kind in kinds:
                forms[mention.kind, mention.slug].add(mention.form)
        for (kind, slug), used in forms.items():
            index[kind][slug]["all"].append(article_id)
            if used <= set(SHORT_FORMS):
                index[kind][slug]["short"].append(article_id)
    return index


def top(args: argparse.Namespace) -> None:
    index = _index(args.db, args.exclude, ("organizations", "people"))
    for kind in ("organizations", "people"):
        ranked = sorted(index[kind].items(), key=lambda item: (-len(item[1]["all"]), item[0]))[:args.n]
        print(f"\n{kind}: articles, of which linked only by a short or bare form")
        for slug, ids in ranked:
            print(f"  {slug:<55} {len(ids['all']):6} {len(ids['short']):6}")


def bare(args: argparse.Namespace) -> None:
    index = _index(args.db, args.exclude, ("organizations", "people"))
    rng = random.Random(args.seed)
    drawn: dict[int, list[tuple[str, str]]] = defaultdict(list)
    order: list[tuple[str, str, list[int]]] = []
    for kind in ("organizations", "people"):
        ranked = sorted(index[kind].items(), key=lambda item: (-len(item[1]["all"]), item[0]))[:args.entities]
        for slug, ids in ranked:
            sample = sorted(rng.sample(sorted(ids["short"]), min(args.per, len(ids["short"]))))
            order.append((kind, slug, sample))
            for article_id in sample:
                drawn[article_id].append((kind, slug))
    draws = sum(map(len, drawn.values()))
    print(f"# bare/short-form audit, seed {args.seed}: {len(order)} entities, {draws} article draws")
    texts = _reanalyse(args.db, args.exclude, set(drawn))
    for kind, slug, sample in order:
        print(f"\n## {kind} {slug}: {len(index[kind][slug]['short'])} of {len(index[kind][slug]['all'])} "
              f"articles only short or bare; drawn {len(sample)}")
        for article_id in sample:
            path, outlet, analysis = texts[article_id]
            print(f"- [{article_id}] {outlet} {Path(path).name[:60]}")
            for mention in analysis.mentions:
                if (mention.kind, mention.slug) == (kind, slug):
                    rule = f" ({mention.rule})" if mention.rule else ""
                    print(f"    {mention.form}{rule}: {context(analysis.text, mention.start, mention.end)}")


def _reanalyse(db: Path, exclude: set[str], wanted: set[int]) -> dict[int, tuple[str, str | None, Analysis]]:
    matcher = Matcher(load_gazetteer(ROOT / "data"))
    return {article_id: (path, outlet, matcher.analyse(title, summary, body, outlet))
            for article_id, title, summary, body, outlet, path in articles(db, exclude)
            if article_id in wanted}


def links(args: argparse.Namespace) -> None:
    """Random (article, entity) links per kind; the first mention of each in context."""
    wanted = {"people": args.people, "organizations": args.organizations, "places": args.places}
    every: dict[str, list[tuple[int, str]]] = {kind: [] for kind in wanted}
    old = _stored_links(args.since) if args.since else set()
    for article_id, path, _outlet, analysis in analysed(args.db, args.exclude):
        for kind, counts in analysis.counts().items():
            if kind in every:
                every[kind] += [(article_id, slug) for slug in counts
                                if (path.removeprefix("./"), kind, slug) not in old]
    rng = random.Random(args.seed)
    sample = {kind: sorted(rng.sample(sorted(pairs), min(wanted[kind], len(pairs))))
              for kind, pairs in every.items()}
    ids = {article_id for pairs in sample.values() for article_id, _ in pairs}
    texts = _reanalyse(args.db, args.exclude, ids)
    sizes = ", ".join(f"{kind} {len(pairs)} of {len(every[kind])}" for kind, pairs in sample.items())
    since = f", only links {args.since.name} lacks" if args.since else ""
    print(f"# link precision audit, seed {args.seed}{since}: {sizes}")
    for kind, pairs in sample.items():
        print(f"\n## {kind}")
        for number, (article_id, slug) in enumerate(pairs, 1):
            _path, outlet, analysis = texts[article_id]
            first = next(m for m in analysis.mentions if (m.kind, m.slug) == (kind, slug))
            rule = f" {first.rule}" if first.rule else ""
            print(f"{number:3}. [{article_id}] {slug} ({first.form}{rule}, {outlet}): "
                  f"{context(analysis.text, first.start, first.end)}")


def _stored_links(db: Path) -> set[tuple[str, str, str]]:
    """(source path, kind, slug) of every link an earlier build stored; articles are matched by source path,
    since ids may differ between builds."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    stored: set[tuple[str, str, str]] = set()
    for kind, table, column in (("people", "article_people", "person_id"),
                                ("organizations", "article_organizations", "organization_id"),
                                ("places", "article_places", "place_id")):
        stored.update((path.removeprefix("./"), kind, slug) for path, slug in conn.execute(
            f"SELECT s.path, e.slug FROM {table} l JOIN {kind} e ON e.id = l.{column} "
            "JOIN articles a ON a.id = l.article_id JOIN sources s ON s.id = a.source_id"))
    return stored


def whole_articles(args: argparse.Namespace) -> None:
    """Whole articles with their linked spans marked, for recall by reading."""
    every = [(article_id, path) for article_id, _t, _s, _b, _o, path in articles(args.db, args.exclude)]
    if args.paths:
        listed = _paths(args.paths)
        chosen = {article_id for article_id, path in every if path.removeprefix("./") in listed}
    else:
        chosen = {article_id for article_id, _ in random.Random(args.seed).sample(sorted(every), args.n)}
    texts = _reanalyse(args.db, args.exclude, chosen)
    print(f"# recall audit: {len(texts)} articles (seed {args.seed}, paths {args.paths})")
    for article_id in sorted(texts):
        path, outlet, analysis = texts[article_id]
        marked, position = [], 0
        for mention in analysis.mentions:
            marked += [analysis.text[position:mention.start], "【", analysis.text[mention.start:mention.end],
                       f"|{mention.kind[:3]}:{mention.slug}】"]
            position = mention.end
        marked.append(analysis.text[position:])
        print(f"\n## [{article_id}] {outlet} {path}\n{''.join(marked)[:args.chars]}")
        counts = analysis.counts()
        print("LINKED " + "; ".join(f"{kind}: {', '.join(sorted(counts[kind]))}"
                                    for kind in counts if counts[kind]))


MINED = {
    "dotted": re.compile(rf"[{CJK_CLASS}]{{1,8}}(?:·[{CJK_CLASS}]{{1,10}})+"),
    "bracketed": re.compile(rf"([{CJK_CLASS}·]{{2,14}})[（(]"
                            rf"([A-Z][\w.'’-]*(?: [A-Za-z][\w.'’-]*){{0,5}})[)）]"),
    "speaker": re.compile(rf"(?<![{CJK_CLASS}])([{CJK_CLASS}]{{2,4}})(?:表示|说|指出|强调|认为|透露)"),
    "organization": re.compile(rf"[{CJK_CLASS}]{{2,12}}?(?:部|委员会|局|署|党|集团|公司|银行|大学|组织|"
                               rf"协会|基金会|研究所|研究院|中心|法院|办公室|联盟|理事会|议会|通讯社|新闻社|"
                               rf"日报|电视台)"),
}


def mine(args: argparse.Namespace) -> None:
    """Frequent names the gazetteer does not know, by how many articles use them."""
    matcher = Matcher(load_gazetteer(ROOT / "data"))
    known = matcher.knows
    found: dict[str, Counter[str]] = {name: Counter() for name in [*MINED, "after title"]}
    for _article_id, _path, _outlet, analysis in analysed(args.db, args.exclude):
        seen: set[tuple[str, str]] = set()
        for _kind, name, _language in analysis.candidates:
            seen.add(("after title", name))
        for label, pattern in MINED.items():
            for match in pattern.finditer(analysis.text):
                name = match.group(0) if label != "bracketed" else f"{match.group(1)} = {match.group(2)}"
                if label in ("speaker",):
                    name = match.group(1)
                if not known(name.split(" = ")[0]):
                    seen.add((label, name))
        for label, name in seen:
            found[label][name] += 1
    for label, counts in found.items():
        print(f"\n## {label}: {len(counts)} distinct, top {args.top} by articles")
        print("; ".join(f"{name} {count}" for name, count in counts.most_common(args.top)))


def _paths(listing: Path) -> set[str]:
    """Source paths listed one per line (comments with #), without a leading ./."""
    lines = listing.read_text(encoding="utf-8").splitlines()
    return {line.strip().removeprefix("./") for line in lines if line.strip() and not line.startswith("#")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--exclude", type=Path, help="source paths to leave out, one per line")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("top")
    command.add_argument("--n", type=int, default=30)
    command = commands.add_parser("bare")
    command.add_argument("--seed", type=int, required=True)
    command.add_argument("--per", type=int, default=10)
    command.add_argument("--entities", type=int, default=30)
    command = commands.add_parser("links")
    command.add_argument("--seed", type=int, required=True)
    command.add_argument("--people", type=int, default=60)
    command.add_argument("--organizations", type=int, default=50)
    command.add_argument("--places", type=int, default=40)
    command.add_argument("--since", type=Path, help="draw only among links this earlier build lacks")
    command = commands.add_parser("articles")
    command.add_argument("--seed", type=int, default=0)
    command.add_argument("--n", type=int, default=30)
    command.add_argument("--paths", type=Path, help="read these source paths instead of drawing")
    command.add_argument("--chars", type=int, default=6000, help="print at most this much of each article")
    command = commands.add_parser("mine")
    command.add_argument("--top", type=int, default=200)
    command = commands.add_parser("wilson")
    command.add_argument("k", type=int)
    command.add_argument("n", type=int)
    args = parser.parse_args()
    if args.command == "wilson":
        low, high = wilson(args.k, args.n)
        print(f"{args.k}/{args.n} = {args.k / args.n:.1%}, Wilson 95% [{low:.1%}, {high:.1%}]")
        return
    args.exclude = _paths(args.exclude) if args.exclude else set()
    {"top": top, "bare": bare, "links": links, "articles": whole_articles, "mine": mine}[args.command](args)


if __name__ == "__main__":
    main()

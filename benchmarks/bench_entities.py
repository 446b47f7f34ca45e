"""Entity matching speed and yield on corpus articles, next to the parse time it adds to.

    python benchmarks/bench_entities.py                   # 3000 articles from /tmp/corpus
    python benchmarks/bench_entities.py /tmp/corpus -n 0  # every article
    python benchmarks/bench_entities.py --top 15          # also the most linked entities and candidates

Prints gazetteer load and Matcher build times, then CPU ms/article (process time, which stays steady on
a busy machine) for parsing with the project's parsers and for Matcher.analyse_article(), and the
matching cost as a share of the parse cost.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsarchive.entities import MENTION_KINDS, Matcher, load_gazetteer  # noqa: E402
from newsarchive.gazetteer import KINDS  # noqa: E402
from newsarchive.model import ParsedArticle, ParseError  # noqa: E402
from newsarchive.parsers import parse  # noqa: E402


def main() -> None:
    args = _arguments()
    started = time.process_time()
    gazetteer = load_gazetteer(ROOT / "data")
    loaded = time.process_time()
    matcher = Matcher(gazetteer)
    built = time.process_time()
    print(f"gazetteer load {1000 * (loaded - started):.0f} ms, "
          f"Matcher build {1000 * (built - loaded):.0f} ms")
    print("entities: " + ", ".join(f"{kind} {len(gazetteer.entities[kind])}" for kind in KINDS)
          + f", outlets {len(gazetteer.outlets)}, bare names {len(gazetteer.institutions.bare_names)}")

    articles, parse_ms = _parsed_articles(args.corpus, args.n, args.seed)
    mentions: dict[str, Counter[str]] = {kind: Counter() for kind in MENTION_KINDS}
    candidates: Counter[tuple[str, str, str]] = Counter()
    started = time.process_time()
    for article in articles:
        analysis = matcher.analyse_article(article)
        candidates.update(analysis.candidates)
        for kind, counts in analysis.counts().items():
            mentions[kind].update(counts.keys())
    match_ms = 1000 * (time.process_time() - started) / max(1, len(articles))
    print(f"{len(articles)} articles: parse {parse_ms:.2f} ms/article, analyse "
          f"{match_ms:.2f} ms/article ({100 * match_ms / parse_ms:.0f}% of parse)")
    for kind in MENTION_KINDS:
        print(f"{kind}: {sum(mentions[kind].values())} article links, "
              f"{len(mentions[kind])} distinct entities")
    print(f"candidates: {sum(candidates.values())} mentions, {len(candidates)} distinct names")
    if args.top:
        for kind in MENTION_KINDS:
            top = mentions[kind].most_common(args.top)
            print(f"top {kind}: " + ", ".join(f"{slug} {count}" for slug, count in top))
        print("top candidates: " + ", ".join(f"{name} {count}" for (_, name, _), count in
                                             candidates.most_common(args.top)))


def _parsed_articles(corpus: Path, limit: int, seed: int) -> tuple[list[ParsedArticle], float]:
    """A random sample of the corpus, parsed, and the parse time in ms per file."""
    paths = sorted(path for path in corpus.rglob("*") if path.is_file())
    if limit:
        paths = random.Random(seed).sample(paths, min(limit, len(paths)))
    texts = [(path.read_text(encoding="utf-8", errors="replace"), str(path)) for path in paths]
    articles = []
    started = time.process_time()
    for text, path in texts:
        try:
            articles.append(parse(text, path))
        except ParseError:
            continue
    return articles, 1000 * (time.process_time() - started) / max(1, len(texts))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", type=Path, default=Path("/tmp/corpus"))
    parser.add_argument("-n", type=int, default=3000, help="articles to sample (0: all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=0, help="show the most linked entities and candidates")
    return parser.parse_args()


if __name__ == "__main__":
    main()

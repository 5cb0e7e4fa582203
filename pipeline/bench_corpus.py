"""A synthetic corpus for benchmarks and scale tests: the real articles, recombined, shuffled and renumbered.

Deterministic for a given seed, so two benchmark runs read the same bytes; every document is a
plausible article (a real title, real paragraphs from several articles, different figures).
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import IngestConfig
from pipeline.ingest import ingest
from pipeline.ingest.sources import discover

GENERATOR_VERSION = 1
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Article:
    title: str
    paragraphs: tuple[str, ...]


def load_articles(corpus_dir: Path) -> list[Article]:
    """Every readable article of corpus_dir as a title and its non-empty paragraphs (lines)."""
    sources, _ = discover([corpus_dir], IngestConfig().extensions)
    articles = []
    for source in sources:
        lines = [line.strip() for line in ingest(source).raw_text.splitlines() if line.strip()]
        if len(lines) > 1:
            articles.append(Article(lines[0], tuple(lines[1:])))
    if not articles:
        raise ValueError(f"no articles to build a corpus from under {corpus_dir}")
    return articles


def _renumber(text: str, rng: random.Random) -> str:
    """Change about half of the numbers, keeping their digit count (so a year stays four digits)."""

    def swap(match: re.Match[str]) -> str:
        digits = match.group()
        if rng.random() < 0.5:
            return digits
        first = str(rng.randint(1, 9)) if len(digits) > 1 else str(rng.randint(0, 9))
        return first + "".join(str(rng.randint(0, 9)) for _ in digits[1:])

    return _NUMBER.sub(swap, text)


def make_article(articles: list[Article], rng: random.Random, target_chars: int) -> str:
    """A title from one article, then its shuffled paragraphs, topped up from others, to ~target_chars."""
    main = rng.choice(articles)
    pool = list(main.paragraphs)
    rng.shuffle(pool)
    goal = rng.randint(target_chars // 2, target_chars * 3 // 2)
    paragraphs: list[str] = []
    size = 0
    while size < goal:
        paragraph = pool.pop() if pool else rng.choice(rng.choice(articles).paragraphs)
        paragraphs.insert(rng.randint(0, len(paragraphs)), paragraph)
        size += len(paragraph)
    body = "\n\n".join(_renumber(p, rng) for p in paragraphs)
    return f"{main.title}\n\n{body}\n"


def generate_corpus(
    out_dir: Path, n_docs: int, corpus_dir: Path, seed: int = 0, target_chars: int = 4200
) -> list[Path]:
    """Write n_docs articles (UTF-8, every seventh GB18030) into out_dir; reuse them if already there.

    ~4,200 characters is ~10 KB of UTF-8 Chinese, so 1,000 documents are ~10 MB.
    """
    spec = {"generator": GENERATOR_VERSION, "n_docs": n_docs, "seed": seed, "target_chars": target_chars}
    meta = out_dir / ".corpus.json"  # hidden: discover() does not list it
    paths = [out_dir / f"doc_{i:06d}.txt" for i in range(n_docs)]
    if meta.is_file() and json.loads(meta.read_text(encoding="utf-8")) == spec and all(p.is_file() for p in paths):
        return paths
    out_dir.mkdir(parents=True, exist_ok=True)
    articles = load_articles(corpus_dir)
    for i, path in enumerate(paths):
        text = make_article(articles, random.Random(seed * 1_000_003 + i), target_chars)
        path.write_bytes(text.encode("gb18030" if i % 7 == 6 else "utf-8"))
    meta.write_text(json.dumps(spec) + "\n", encoding="utf-8")
    return paths

"""Checks on the long-form claims dev set (training/claims_dev/): schema and labels, every claim span is one
whole sentence of its article, no 12-character run shared with a corpus article or a training sentence, and
training never reads it (it selects the policy; docs/claims.md, round 4)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from leakcheck import article_windows, forms, leaks, windows

from pipeline.models import claims as model

REPO = Path(__file__).resolve().parents[2]
DEV = REPO / "pipeline" / "resources" / "training" / "claims_dev"
CORPUS = REPO / "corpus"
ARTICLES = sorted(p for p in CORPUS.iterdir() if p.suffix in {".txt", ".html", ".htm", ".md"})
GOLD_FILES = sorted(DEV.glob("*.claims.json"))
TERMINATORS = "。？！?!"
CLAIM_KEYS = {"start", "end", "topic", "stance", "subject", "text"}
MIN_ARTICLE_CHARS = 3800
MIN_CLAIMS, MAX_CLAIMS = 15, 30


@cache
def gold(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def article(path: Path) -> str:
    return path.with_name(path.name.removesuffix(".claims.json") + ".txt").read_text(encoding="utf-8")


def test_every_article_has_its_claims_file() -> None:
    assert len(GOLD_FILES) >= 4
    assert sorted(p.stem for p in DEV.glob("*.txt")) == [p.name.removesuffix(".claims.json") for p in GOLD_FILES]


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.name)
def test_claims_are_whole_sentences_with_valid_labels(path: Path) -> None:
    data, text = gold(path), article(path)
    assert data["doc_id"] == path.name.removesuffix(".claims.json")
    assert len(text) >= MIN_ARTICLE_CHARS
    assert MIN_CLAIMS <= len(data["claims"]) <= MAX_CLAIMS
    previous_end = 0
    for claim in data["claims"]:
        assert set(claim) == CLAIM_KEYS
        assert claim["topic"] in model.TOPICS and claim["stance"] in model.STANCES
        start, end = claim["start"], claim["end"]
        assert previous_end <= start < end and text[start:end] == claim["text"]
        assert text[end - 1] in TERMINATORS
        assert start == 0 or text[start - 1] in TERMINATORS + "\n"
        assert not any(c in TERMINATORS + "\n" for c in claim["text"][:-1])
        previous_end = end


@pytest.mark.parametrize("corpus_article", ARTICLES, ids=lambda p: p.name)
def test_no_leak_from_corpus_articles(corpus_article: Path) -> None:
    protected = article_windows(corpus_article)
    assert {p.name: leaks(article(p), protected)[:3] for p in GOLD_FILES if leaks(article(p), protected)} == {}


def test_no_overlap_with_training_sentences() -> None:
    """The dev set measures the policy on unseen text: it repeats no training sentence, and training reads it
    from no file."""
    files = (*model.training_paths(), DEV.parent / "claims_extra.jsonl")  # claims_extra: not yet trained on
    training = frozenset(w for e in model.load_training(files) for form in forms(e.text) for w in windows(form))
    assert {p.name: leaks(article(p), training)[:3] for p in GOLD_FILES if leaks(article(p), training)} == {}
    assert not any(DEV in path.parents for path in model.training_paths())

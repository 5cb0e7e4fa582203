"""Checks on the claims-only training file claims_extra.jsonl: schema, labels, balance, the genre (long-form,
both scripts, converter damage, hard negatives) and that no sentence leaks text from a corpus article. The file
is one of model.TRAINING_FILES since round 4 (docs/claims.md); it must not repeat a sentence of the others."""

from __future__ import annotations

import collections
import json
import re
from functools import cache
from pathlib import Path

import pytest
from leakcheck import LEAK_WINDOW, article_windows, clean, leaks, t2s

from pipeline.ingest.decode import decode_bytes
from pipeline.models import claims as model

REPO = Path(__file__).resolve().parents[2]
EXTRA = REPO / "pipeline" / "resources" / "training" / "claims_extra.jsonl"
OTHER_FILES = [REPO / "pipeline" / "resources" / "training" / name
               for name in model.TRAINING_FILES if name != EXTRA.name]
CORPUS = REPO / "corpus"
ARTICLES = sorted(p for p in CORPUS.iterdir() if p.suffix in {".txt", ".html", ".htm", ".md"})

KEYS = {"id", "text", "script", "entities", "claim", "source"}
SCRIPTS = {"simplified", "traditional", "mixed"}
ID_RE = re.compile(r"c\d{4}")
SENTENCE_FINAL = "。！？!?"
NOT_HEDGES = {"我们认为", "我們認為"}
MIN_ROWS = 300
MIN_NON_CLAIMS = 100
MIN_PER_TOPIC = 10
MIN_PER_STANCE = 40


@cache
def rows_of(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def rows() -> list[dict]:
    return rows_of(EXTRA)


def test_file_is_read_by_the_claim_classifier() -> None:
    assert EXTRA.name in model.TRAINING_FILES
    ids = {e.id for e in model.load_training((EXTRA,))}
    assert ids == {r["id"] for r in rows()}


@pytest.mark.parametrize("row", rows(), ids=lambda r: r["id"])
def test_row_schema(row: dict) -> None:
    assert set(row) == KEYS
    assert ID_RE.fullmatch(row["id"])
    assert row["text"].strip() == row["text"] and row["text"]
    assert row["script"] in SCRIPTS
    assert row["source"] == "authored"
    assert row["entities"] == []  # the NER does not read this file
    claim = row["claim"]
    if claim is not None:
        assert set(claim) == {"topic", "stance", "hedge"}
        assert claim["topic"] in model.TOPICS and claim["stance"] in model.STANCES
        assert row["text"][-1] in SENTENCE_FINAL
        assert claim["hedge"] not in NOT_HEDGES
        assert not claim["hedge"] or claim["hedge"] in clean(row["text"])


def test_ids_and_texts_unique_across_the_training_files() -> None:
    ids = [r["id"] for r in rows()]
    assert len(ids) == len(set(ids))
    others = {clean(r["text"]).strip() for path in OTHER_FILES for r in rows_of(path)}
    texts = [clean(r["text"]).strip() for r in rows()]
    assert [t for t, n in collections.Counter(texts).items() if n > 1] == []
    assert [t for t in texts if t in others] == []


def test_labels_and_genre() -> None:
    data = rows()
    claims = [r["claim"] for r in data if r["claim"]]
    topics = collections.Counter(c["topic"] for c in claims)
    stances = collections.Counter(c["stance"] for c in claims)
    assert len(data) >= MIN_ROWS
    assert len(data) - len(claims) >= MIN_NON_CLAIMS
    assert {t: topics[t] for t in model.TOPICS if topics[t] < MIN_PER_TOPIC} == {}
    assert {s: stances[s] for s in model.STANCES if stances[s] < MIN_PER_STANCE} == {}
    assert any(c["hedge"] for c in claims)
    scripts = collections.Counter(r["script"] for r in data)
    assert scripts["simplified"] > scripts["traditional"] > scripts["mixed"] > 0
    assert all(clean(r["text"]) != r["text"] for r in data if r["script"] == "mixed")  # damage is there


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.name)
def test_no_leak_from_corpus_articles(article: Path) -> None:
    protected = article_windows(article)
    found = {r["id"]: leaks(r["text"], protected)[:3] for r in rows()}
    assert {row_id: hits for row_id, hits in found.items() if hits} == {}


def test_leak_guard_catches_a_copied_run() -> None:
    article = next(p for p in ARTICLES if p.suffix == ".txt")
    text = clean(decode_bytes(article.read_bytes()).text)
    body = next(line for line in text.splitlines() if len(line) > 40)
    copied = "前言" + body[10:10 + LEAK_WINDOW] + "。"
    assert leaks(copied, article_windows(article))
    assert leaks(t2s().convert(copied), article_windows(article))

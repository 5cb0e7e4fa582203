"""Checks on the authored NER / claim training sentences (sentences.jsonl, shared with the NER, the claims-only
claims_longform.jsonl and the NER-only ner_extra.jsonl): schema, spans, label vocabularies, balance, and that no
sentence leaks text from the held-out corpus articles (the seed above all)."""

from __future__ import annotations

import collections
import itertools
import json
import re
from functools import cache
from pathlib import Path

import pytest
from leakcheck import LEAK_WINDOW, article_windows, clean, leaks, t2s

from pipeline.ingest.decode import decode_bytes

REPO = Path(__file__).resolve().parents[2]
TRAINING = REPO / "pipeline" / "resources" / "training"
DATA = TRAINING / "sentences.jsonl"
LONGFORM = TRAINING / "claims_longform.jsonl"
NER_EXTRA = TRAINING / "ner_extra.jsonl"
CORPUS = REPO / "corpus"
SEED = CORPUS / "coreweave_part1.txt"

KEYS = {"id", "text", "script", "entities", "claim", "source"}
CLAIM_KEYS = {"topic", "stance", "hedge"}
SCRIPTS = {"simplified", "traditional", "mixed"}
ENTITY_TYPES = {"ORG", "PRODUCT", "PERSON"}
TOPICS = {"customer_concentration", "supplier_concentration", "margin", "moat", "risk", "growth",
          "valuation", "business_model", "other"}
STANCES = {"positive", "negative", "neutral"}
NOT_HEDGES = {"我们认为", "我們認為"}
SLUG_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
ID_RE = re.compile(r"t\d{4}")
NER_ID_RE = re.compile(r"n\d{4}")
SENTENCE_FINAL = "。！？!?"

MIN_SENTENCES = 600
MIN_PER_TOPIC = 25
MIN_PER_STANCE = 60
MIN_LONGFORM = 400
MIN_LONGFORM_MEAN_CHARS = 40  # long-form research prose, not one-clause judgments
MIN_NER_EXTRA = 250
MIN_NER_EXTRA_ORGS = 100  # distinct organisations, so the model learns name positions rather than names


@cache
def rows_of(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@cache
def rows() -> list[dict]:
    """Every training row of the two claim files."""
    return rows_of(DATA) + rows_of(LONGFORM)


@cache
def all_rows() -> list[dict]:
    """Every training row of every file."""
    return rows() + rows_of(NER_EXTRA)


def test_file_is_nonempty_jsonl() -> None:
    assert DATA.is_file()
    assert len(rows_of(DATA)) >= MIN_SENTENCES


def test_longform_file_is_long_claims_only_prose() -> None:
    longform = rows_of(LONGFORM)
    assert len(longform) >= MIN_LONGFORM
    assert sum(len(r["text"]) for r in longform) / len(longform) >= MIN_LONGFORM_MEAN_CHARS
    assert all(r["entities"] == [] for r in longform)  # the NER does not read this file
    assert {r["claim"]["stance"] for r in longform if r["claim"]} == STANCES
    assert any(r["claim"] is None for r in longform)


def test_ner_extra_file_is_entity_only_and_name_rich() -> None:
    extra = rows_of(NER_EXTRA)
    assert len(extra) >= MIN_NER_EXTRA
    assert all(r["claim"] is None and NER_ID_RE.fullmatch(r["id"]) for r in extra)  # the claim classifier skips it
    orgs = {slug for r in extra for _, _, label, slug in r["entities"] if label == "ORG"}
    assert len(orgs) >= MIN_NER_EXTRA_ORGS
    assert collections.Counter(r["script"] for r in extra).keys() == SCRIPTS


@pytest.mark.parametrize("row", all_rows(), ids=lambda r: r["id"])
def test_row_schema(row: dict) -> None:
    assert set(row) == KEYS
    assert ID_RE.fullmatch(row["id"]) or NER_ID_RE.fullmatch(row["id"])
    assert isinstance(row["text"], str) and row["text"].strip()
    assert row["script"] in SCRIPTS
    assert row["source"] == "authored"
    assert isinstance(row["entities"], list)
    for ent in row["entities"]:
        assert isinstance(ent, list) and len(ent) == 4
        start, end, label, slug = ent
        assert isinstance(start, int) and isinstance(end, int)
        assert label in ENTITY_TYPES
        assert SLUG_RE.fullmatch(slug), slug
    claim = row["claim"]
    if claim is not None:
        assert set(claim) == CLAIM_KEYS
        assert claim["topic"] in TOPICS
        assert claim["stance"] in STANCES
        assert isinstance(claim["hedge"], str)


@pytest.mark.parametrize("row", all_rows(), ids=lambda r: r["id"])
def test_spans_valid_and_disjoint(row: dict) -> None:
    text = row["text"]
    spans = sorted((s, e) for s, e, _, _ in row["entities"])
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        surface = text[start:end]
        assert surface == surface.strip(), f"span {surface!r} has edge whitespace"
    for (_, prev_end), (next_start, _) in itertools.pairwise(spans):
        assert prev_end <= next_start, f"overlapping spans in {row['id']}"


@pytest.mark.parametrize("row", [r for r in rows() if r["claim"]], ids=lambda r: r["id"])
def test_claims_are_sentences_with_real_hedges(row: dict) -> None:
    assert row["text"].strip()[-1] in SENTENCE_FINAL
    hedge = row["claim"]["hedge"]
    assert hedge not in NOT_HEDGES
    if hedge:
        assert hedge in clean(row["text"])


def test_ids_unique() -> None:
    ids = [r["id"] for r in all_rows()]
    assert len(ids) == len(set(ids))


def test_texts_unique() -> None:
    texts = [clean(r["text"]).strip() for r in all_rows()]
    duplicates = [t for t, n in collections.Counter(texts).items() if n > 1]
    assert not duplicates


def test_each_entity_id_has_one_type() -> None:
    types: dict[str, set[str]] = collections.defaultdict(set)
    for row in all_rows():
        for _, _, label, slug in row["entities"]:
            types[slug].add(label)
    assert {slug: t for slug, t in types.items() if len(t) > 1} == {}


def test_label_balance() -> None:
    claims = [r["claim"] for r in rows() if r["claim"]]
    topics = collections.Counter(c["topic"] for c in claims)
    stances = collections.Counter(c["stance"] for c in claims)
    assert {t: topics[t] for t in TOPICS if topics[t] < MIN_PER_TOPIC} == {}
    assert {s: stances[s] for s in STANCES if stances[s] < MIN_PER_STANCE} == {}
    share = len(claims) / len(rows())
    assert 0.45 <= share <= 0.65, f"claim share {share:.2f}"
    assert any(c["hedge"] for c in claims)


def test_scripts_and_entity_types_present() -> None:
    scripts = collections.Counter(r["script"] for r in rows())
    assert scripts["simplified"] > scripts["traditional"] > scripts["mixed"] > 0
    labels = {e[2] for r in rows() for e in r["entities"]}
    assert labels == ENTITY_TYPES


def leaked_rows(article: Path) -> dict[str, list[str]]:
    protected = article_windows(article)
    found = {r["id"]: leaks(r["text"], protected)[:3] for r in all_rows()}
    return {row_id: hits for row_id, hits in found.items() if hits}


def test_no_leak_from_seed_article() -> None:
    assert leaked_rows(SEED) == {}


@pytest.mark.parametrize("article", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.stem)
def test_no_leak_from_corpus_articles(article: Path) -> None:
    assert leaked_rows(article) == {}


def test_leak_guard_catches_a_copied_seed_run() -> None:
    seed_text = clean(decode_bytes(SEED.read_bytes()).text)
    body = next(line for line in seed_text.splitlines() if len(line) > 40)
    copied = {"text": "前言" + body[10:10 + LEAK_WINDOW] + "。"}
    assert leaks(copied["text"], article_windows(SEED))
    converted = {"text": t2s().convert(copied["text"])}
    assert leaks(converted["text"], article_windows(SEED))

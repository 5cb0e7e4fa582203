"""The claim classifier: two spaCy pipelines, each one exclusive bag-of-n-grams `textcat`: `topic` (with a
`none` class for non-claims) and `stance` (likewise), trained from training/sentences.jsonl (short, one
judgment each; shared with the NER) and training/claims_longform.jsonl (long-form research prose, claims only).

Two pipelines rather than two components of one: an exclusive textcat validates every category of the
Doc, so two exclusive heads cannot share `doc.cats`.

Training text goes through the same `normalize` as articles (artefacts stripped, Traditional folded to
Simplified), so the model sees what it will see at extraction time. The seed article is never used.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from pipeline.models import model_dir
from pipeline.normalize import normalize
from pipeline.records import Stance, Topic

NAME = "claims"
NONE = "none"
TOPICS: tuple[str, ...] = Topic.__args__  # type: ignore[attr-defined]
STANCES: tuple[str, ...] = Stance.__args__  # type: ignore[attr-defined]
HEADS = {"topic": (*TOPICS, NONE), "stance": (*STANCES, NONE)}
EPOCHS = 10
DROPOUT = 0.2
BATCH = 16
FOLDS = 5
MODEL = {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": 2,
         "no_output_layer": False, "length": 32768}


@dataclass(frozen=True)
class ClaimExample:
    id: str
    text: str  # normalized (Simplified, artefact-free)
    topic: str  # a Topic, or NONE for a non-claim
    stance: str  # a Stance, or NONE
    hedge: str


@dataclass(frozen=True)
class Prediction:
    p_claim: float
    topic: str  # the best real topic (never NONE)
    topic_p: float  # P(topic | claim)
    stance: str  # the best real stance (never NONE)
    stance_p: float  # P(stance | claim)
    topics: tuple[float, ...] = ()  # P(topic | claim) for each of TOPICS, in order


TRAINING_FILES = ("sentences.jsonl", "claims_longform.jsonl", "claims_extra.jsonl")


def training_paths() -> tuple[Path, ...]:
    root = Path(str(resources.files("pipeline.resources"))) / "training"
    return tuple(root / name for name in TRAINING_FILES)


def to_example(row: dict) -> ClaimExample:
    claim = row.get("claim")
    text = normalize(row["text"]).text.strip()
    if not claim:
        return ClaimExample(row["id"], text, NONE, NONE, "")
    return ClaimExample(row["id"], text, claim["topic"], claim["stance"], claim.get("hedge", ""))


def load_training(paths: tuple[Path, ...] | None = None) -> list[ClaimExample]:
    """Every example of the training files, in file order."""
    examples: list[ClaimExample] = []
    for path in paths or training_paths():
        with open(path, encoding="utf-8") as fh:
            examples += [to_example(json.loads(line)) for line in fh if line.strip()]
    return examples


def tokens(text: str) -> list[str]:
    """The characters of text without whitespace (it varies with web damage) and without digits: with
    ngram_size 2 the model sees characters and character bigrams, which cross-validated better on topic
    than jieba words. Digits are left to the rules: in the training sentences numbers mark the factual
    ones, and a model that learns that rejects every judgment that quotes a figure."""
    return [c for c in text if not c.isspace() and not c.isdigit()] or [" "]


def make_doc(nlp: Language, text: str) -> Doc:
    words = tokens(text)
    return Doc(nlp.vocab, words=words, spaces=[False] * len(words))


@dataclass(frozen=True)
class ClaimModel:
    topic: Language
    stance: Language

    def to_disk(self, out_dir: Path) -> None:
        for head in HEADS:
            getattr(self, head).to_disk(out_dir / head)


def blank_head(labels: tuple[str, ...]) -> Language:
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    textcat = nlp.add_pipe("textcat", config={"model": MODEL})
    for label in labels:
        textcat.add_label(label)
    return nlp


def train_head(head: str, examples: list[ClaimExample], seed: int, epochs: int) -> Language:
    """One seeded head: the same examples and seed give the same weights."""
    fix_random_seed(seed)
    labels = HEADS[head]
    nlp = blank_head(labels)
    data = [Example.from_dict(make_doc(nlp, e.text), {"cats": {label: float(label == getattr(e, head))
                                                               for label in labels}}) for e in examples]
    optimizer = nlp.initialize(lambda: data)
    order = random.Random(seed)
    for _ in range(epochs):
        order.shuffle(data)
        for batch in minibatch(data, size=BATCH):
            nlp.update(batch, drop=DROPOUT, sgd=optimizer)
    return nlp


def train_model(examples: list[ClaimExample], seed: int, epochs: int | None = None) -> ClaimModel:
    epochs = epochs or EPOCHS
    return ClaimModel(train_head("topic", examples, seed, epochs), train_head("stance", examples, seed, epochs))


def given_claim(cats: dict[str, float], labels: tuple[str, ...]) -> tuple[float, ...]:
    """The probabilities of the real labels renormalized over the real labels (given a claim)."""
    total = max(sum(cats[name] for name in labels), 1e-9)
    return tuple(cats[name] / total for name in labels)


def _best(cats: dict[str, float], labels: tuple[str, ...]) -> tuple[str, float]:
    """The best real label and its probability given a claim."""
    probs = given_claim(cats, labels)
    best = max(range(len(labels)), key=probs.__getitem__)
    return labels[best], probs[best]


def _cats(nlp: Language, docs: list[Doc]) -> list[dict[str, float]]:
    textcat = nlp.get_pipe("textcat")
    scores = textcat.predict(docs)
    return [dict(zip(textcat.labels, map(float, row), strict=True)) for row in scores]


def classify(model: ClaimModel, texts: list[str]) -> list[Prediction]:
    """The claim probability and the best real topic and stance of each (normalized) sentence."""
    if not texts:
        return []
    # One Doc per sentence serves both heads: a bag-of-n-grams model reads only the tokens' hashes, which do
    # not depend on the vocabulary; the heads' scores are what their pipelines would put in doc.cats.
    docs = [make_doc(model.topic, t) for t in texts]
    topics, stances = (_cats(getattr(model, head), docs) for head in HEADS)
    out = []
    for topic_cats, stance_cats in zip(topics, stances, strict=True):
        topic, topic_p = _best(topic_cats, TOPICS)
        stance, stance_p = _best(stance_cats, STANCES)
        out.append(Prediction(round(1.0 - topic_cats[NONE], 6), topic, topic_p, stance, stance_p,
                              given_claim(topic_cats, TOPICS)))
    return out


def folds(examples: list[ClaimExample], k: int = FOLDS) -> list[tuple[list[ClaimExample], list[ClaimExample]]]:
    """k (train, held-out) splits by position: example i is held out in fold i % k."""
    return [([e for i, e in enumerate(examples) if i % k != f], [e for i, e in enumerate(examples) if i % k == f])
            for f in range(k)]


def cross_predict(examples: list[ClaimExample], seed: int, k: int = FOLDS) -> list[Prediction]:
    """Out-of-fold predictions for every example, in input order."""
    by_id: dict[str, Prediction] = {}
    for train_set, held_out in folds(examples, k):
        model = train_model(train_set, seed)
        by_id.update(zip((e.id for e in held_out), classify(model, [e.text for e in held_out]), strict=True))
    return [by_id[e.id] for e in examples]


def metrics(examples: list[ClaimExample], predictions: list[Prediction], threshold: float = 0.5) -> dict:
    """Claim detection P/R/F1 and topic/stance accuracy on the true claims."""
    gold = [e.topic != NONE for e in examples]
    pred = [p.p_claim >= threshold for p in predictions]
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    precision = tp / sum(pred) if any(pred) else 0.0
    recall = tp / sum(gold) if any(gold) else 0.0
    claims = [(e, p) for e, p in zip(examples, predictions, strict=True) if e.topic != NONE]
    return {
        "claim_precision": round(precision, 4), "claim_recall": round(recall, 4),
        "claim_f1": round(2 * precision * recall / (precision + recall) if precision + recall else 0.0, 4),
        "topic_accuracy": round(sum(e.topic == p.topic for e, p in claims) / max(len(claims), 1), 4),
        "stance_accuracy": round(sum(e.stance == p.stance for e, p in claims) / max(len(claims), 1), 4),
    }


def train(out_dir: Path, seed: int) -> dict:
    """Report 5-fold cross-validated scores, then train on every sentence and save."""
    examples = load_training()
    cv = metrics(examples, cross_predict(examples, seed))
    model = train_model(examples, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.to_disk(out_dir)
    return {"sentences": len(examples), "claims": sum(e.topic != NONE for e in examples), "seed": seed,
            "epochs": EPOCHS, "cv": cv}


@lru_cache(maxsize=1)
def load_model(path: str | None = None) -> ClaimModel | None:
    """The shipped model, or None when it has not been trained."""
    where = Path(path) if path else model_dir(NAME)
    if not all((where / head / "config.cfg").exists() for head in HEADS):
        return None
    return ClaimModel(*(spacy.load(where / head) for head in HEADS))

"""The NER model: a spaCy `ner` over jieba tokens (labels ORG/PRODUCT/PERSON), trained from training/sentences.jsonl.

Training text goes through the same `normalize` as articles (pinyin artefacts stripped, Traditional
converted to Simplified) so the model sees what it will see at extraction time; spans are mapped with
the alignment and jieba tokens are split at span boundaries so every span is a whole-token span.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import compounding, fix_random_seed, minibatch

from pipeline.models import model_dir
from pipeline.normalize import normalize
from pipeline.segment.tokens import jieba_words

NAME = "ner"
LABELS = ("ORG", "PRODUCT", "PERSON")
EPOCHS = 30
DROPOUT = 0.2
DEV_EVERY = 10  # every 10th sentence is held out to report a dev score


@dataclass(frozen=True)
class TrainingSentence:
    id: str
    text: str  # normalized (Simplified, artefact-free)
    spans: tuple[tuple[int, int, str], ...]  # normalized offsets


def training_path() -> Path:
    return Path(str(resources.files("pipeline.resources"))) / "training" / "sentences.jsonl"


def normalized_sentence(row: dict) -> TrainingSentence:
    """One training row in normalized text, its entity spans mapped through the alignment."""
    norm = normalize(row["text"])
    spans = []
    for start, end, label, _slug in row["entities"]:
        norm_start, norm_end = norm.alignment.to_norm(start, end)
        if norm_start < norm_end and norm.text[norm_start:norm_end].strip():
            spans.append((norm_start, norm_end, label))
    return TrainingSentence(row["id"], norm.text, tuple(spans))


def load_training(path: Path | None = None) -> list[TrainingSentence]:
    with open(path or training_path(), encoding="utf-8") as fh:
        return [normalized_sentence(json.loads(line)) for line in fh if line.strip()]


def split_words(text: str, cuts: set[int], tokenizer=None) -> list[str]:
    """jieba words of text, further split at every offset in cuts (entity boundaries)."""
    words = []
    for word, start in jieba_words(text, tokenizer):
        inner = sorted(c - start for c in cuts if start < c < start + len(word))
        pieces = [0, *inner, len(word)]
        words.extend(word[a:b] for a, b in pairwise(pieces))
    return words


def make_doc(nlp: Language, words: list[str]) -> Doc:
    return Doc(nlp.vocab, words=words, spaces=[False] * len(words))


def to_example(nlp: Language, sentence: TrainingSentence, tokenizer=None) -> Example:
    cuts = {offset for start, end, _ in sentence.spans for offset in (start, end)}
    predicted = make_doc(nlp, split_words(sentence.text, cuts, tokenizer))
    reference = make_doc(nlp, [t.text for t in predicted])
    ents = [reference.char_span(start, end, label=label) for start, end, label in sentence.spans]
    reference.ents = [e for e in ents if e is not None]
    return Example(predicted, reference)


def blank_ner() -> Language:
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    ner = nlp.add_pipe("ner")
    for label in LABELS:
        ner.add_label(label)
    return nlp


def train_model(sentences: list[TrainingSentence], seed: int, epochs: int = EPOCHS, tokenizer=None) -> Language:
    """A seeded NER trained on sentences: the same inputs and seed give the same weights. `tokenizer`: a
    jieba Tokenizer other than the packaged one (an experiment with its own user dictionary)."""
    fix_random_seed(seed)
    nlp = blank_ner()
    examples = [to_example(nlp, s, tokenizer) for s in sentences]
    optimizer = nlp.initialize(lambda: examples)
    order = random.Random(seed)
    for _ in range(epochs):
        order.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=compounding(4.0, 32.0, 1.001)):
            nlp.update(batch, drop=DROPOUT, sgd=optimizer, losses=losses)
    return nlp


def predict_spans(nlp: Language, words: list[str]) -> list[tuple[int, int, str]]:
    """(char start, char end, label) of the entities the model finds in a sentence given as words."""
    return predict_spans_batch(nlp, [words])[0]


def predict_spans_batch(nlp: Language, sentences: list[list[str]]) -> list[list[tuple[int, int, str]]]:
    """predict_spans for many sentences at once: nlp.pipe batches the network's matrix products."""
    docs = nlp.pipe((make_doc(nlp, words) for words in sentences), batch_size=256)
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in docs]


def score(nlp: Language, sentences: list[TrainingSentence]) -> dict[str, float]:
    tp = n_pred = n_gold = 0
    for sentence in sentences:
        gold = set(sentence.spans)
        pred = set(predict_spans(nlp, [w for w, _ in jieba_words(sentence.text)]))
        tp, n_pred, n_gold = tp + len(gold & pred), n_pred + len(pred), n_gold + len(gold)
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def train(out_dir: Path, seed: int) -> dict:
    """Train on the training sentences (every DEV_EVERY-th held out for the reported score) and save."""
    sentences = load_training()
    train_set = [s for i, s in enumerate(sentences) if i % DEV_EVERY]
    dev_set = [s for i, s in enumerate(sentences) if not i % DEV_EVERY]
    nlp = train_model(train_set, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    return {"train": len(train_set), "dev": len(dev_set), "seed": seed, "epochs": EPOCHS, "dev_exact": score(nlp, dev_set)}


@lru_cache(maxsize=1)
def load_model(path: str | None = None) -> Language | None:
    """The shipped model, or None when it has not been trained."""
    where = Path(path) if path else model_dir(NAME)
    if not (where / "config.cfg").exists():
        return None
    return spacy.load(where)

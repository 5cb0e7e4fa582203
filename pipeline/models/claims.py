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
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import chain
from operator import itemgetter
from pathlib import Path
from weakref import WeakKeyDictionary

import numpy as np
import spacy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.ml.extract_ngrams import forward as extract_ngrams_forward
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch
from thinc.api import Model, NumpyOps
from thinc.layers.chain import forward as chain_forward
from thinc.layers.resizable import forward as resizable_forward
from thinc.layers.sparselinear import forward as sparse_linear_forward
from thinc.layers.with_cpu import forward as with_cpu_forward

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


def _renormalized(values: list[float] | tuple[float, ...]) -> tuple[float, ...]:
    """Probabilities of the real labels renormalized over them (given a claim)."""
    total = max(sum(values), 1e-9)
    return tuple([value / total for value in values])


def given_claim(cats: dict[str, float], labels: tuple[str, ...]) -> tuple[float, ...]:
    """The probabilities of the real labels renormalized over the real labels (given a claim)."""
    return _renormalized([cats[name] for name in labels])


def _prediction(none: float, topics: tuple[float, ...], stances: tuple[float, ...]) -> Prediction:
    """A sentence's Prediction from its NONE score and its real topics' and stances' probabilities given a
    claim: the best of each (the first on a tie)."""
    topic = max(range(len(TOPICS)), key=topics.__getitem__)
    stance = max(range(len(STANCES)), key=stances.__getitem__)
    return Prediction(round(1.0 - none, 6), TOPICS[topic], topics[topic], STANCES[stance], stances[stance], topics)


def _cats(nlp: Language, docs: list[Doc]) -> list[dict[str, float]]:
    textcat = nlp.get_pipe("textcat")
    scores = textcat.predict(docs)
    return [dict(zip(textcat.labels, map(float, row), strict=True)) for row in scores]


class _OrthKeys(dict):
    """Token text -> its ORTH key, as `Doc(vocab, words=...)` sets it: Vocab.get takes `vocab.strings[word]`,
    the reserved symbol's id for a symbol's name ("X", "_"), 0 for "", else the string's hash; that is
    spacy.strings.get_string_id, which reads neither the vocabulary nor the string store."""

    def __missing__(self, word: str) -> int:
        if len(self) >= 1 << 20:
            self.clear()
        key = self[word] = get_string_id(word)
        return key


_ORTH_KEYS = _OrthKeys()


def _flat_layers(model: Model) -> list[Model] | None:
    """The layers `model` runs in order, through chains and CPU-only with_cpu wrappers; None when a with_cpu
    wrapper would move the data to another device."""
    if model._func is chain_forward:
        out: list[Model] = []
        for layer in model.layers:
            flat = _flat_layers(layer)
            if flat is None:
                return None
            out += flat
        return out
    if model._func is with_cpu_forward:
        return _flat_layers(model.layers[0]) if isinstance(model.ops, NumpyOps) else None
    return [model]


def _find_bow_layers(model: Model) -> tuple[Model, list[Model]] | None:
    """A spacy.TextCatBOW textcat model's extract_ngrams layer (ORTH n-grams, on CPU) and the layers that run
    after it (resizable sparse_linear, then the output activation); None for any other architecture."""
    flat = _flat_layers(model)
    if not flat or len(flat) < 2:
        return None
    extract, linear, *_ = flat
    if (extract._func is not extract_ngrams_forward or extract.attrs.get("attr") != ORTH
            or not isinstance(extract.ops, NumpyOps) or not isinstance(extract.attrs.get("ngram_size"), int)):
        return None
    if linear._func is not resizable_forward or len(linear.layers) != 1:
        return None
    sparse = linear.layers[0]
    if sparse._func is not sparse_linear_forward or (model.has_ref("output_layer")
                                                     and model.get_ref("output_layer") is not sparse):
        return None
    return extract, flat[1:]


_BOW_LAYERS: WeakKeyDictionary[Language, tuple[Model, tuple[Model, list[Model]] | None]] = WeakKeyDictionary()


def _bow_layers(nlp: Language) -> tuple[Model, list[Model]] | None:
    """_find_bow_layers of the head's textcat model (found once per model; thinc models take no weak
    references, so the cache is keyed by the pipeline and checks that its textcat still has that model)."""
    try:
        model = nlp.get_pipe("textcat").model  # (nlp.pipe_names costs more than the rest of this function)
    except KeyError:
        return None
    cached = _BOW_LAYERS.get(nlp)
    if cached is None or cached[0] is not model:
        cached = _BOW_LAYERS[nlp] = (model, _find_bow_layers(model))
    return cached[1]


def _ngram_batch(ops: NumpyOps, ngram_size: int, words: list[list[str]]) -> tuple[np.ndarray, ...]:
    """What spaCy's extract_ngrams(ngram_size, attr=ORTH) gives for one Doc per (non-empty) token list,
    computed over the whole batch at once: each sentence's unigram keys and its n-gram hashes (ops.ngrams
    over the batch's concatenated keys, keeping the windows inside one sentence: the hash reads only the
    window's keys), then per sentence the keys ascending with their counts (numpy.unique's order and counts),
    as uint64 keys, float32 counts and int32 lengths, contiguous (sparse_linear reads their raw buffers)."""
    lens = np.fromiter(map(len, words), dtype=np.intp, count=len(words))
    total = int(lens.sum())
    unigrams = np.fromiter(map(_ORTH_KEYS.__getitem__, chain.from_iterable(words)), dtype=np.uint64, count=total)
    # Sentence numbers in the smallest type: lexsort's stable pass over 16-bit integers is a radix sort.
    sentence = np.repeat(np.arange(len(words), dtype=np.int16 if len(words) <= 1 << 15 else np.intp), lens)
    keys, owners = [unigrams], [sentence]
    for n in range(2, min(ngram_size, total) + 1):
        inside = sentence[: total - n + 1] == sentence[n - 1 :]
        keys.append(ops.ngrams(n, unigrams)[inside])
        owners.append(sentence[: total - n + 1][inside])
    all_keys, all_owners = np.concatenate(keys), np.concatenate(owners)
    order = np.lexsort((all_keys, all_owners))  # by sentence, then by key
    all_keys, all_owners = all_keys[order], all_owners[order]
    size = len(all_keys)
    starts = np.empty(size + 1, dtype=bool)  # a new (sentence, key) run starts here; and the end
    starts[0] = starts[size] = True
    np.not_equal(all_keys[1:], all_keys[:-1], out=starts[1:size])
    starts[1:size] |= all_owners[1:] != all_owners[:-1]
    bounds = np.flatnonzero(starts)
    firsts = bounds[:-1]
    return (all_keys[firsts], (bounds[1:] - firsts).astype(np.float32),
            np.bincount(all_owners[firsts], minlength=len(words)).astype(np.int32))


def _fast_scores(model: ClaimModel, texts: list[str]) -> list[tuple[tuple[str, ...], list[list[float]]]] | None:
    """Each head's labels and score rows (what textcat.predict gives for make_doc's Docs), without Docs: the
    n-gram batch is built once for both heads and fed to each head's layers after extract_ngrams, as the
    model's chain would; None when a head is not the bag-of-n-grams architecture."""
    layers = [_bow_layers(getattr(model, head)) for head in HEADS]
    if any(found is None for found in layers):
        return None
    heads = [(getattr(model, head).get_pipe("textcat"), found) for head, found in zip(HEADS, layers, strict=True)]
    words = [tokens(t) for t in texts]
    if not any(words):  # textcat.predict scores a batch without tokens as zeros (tokens() never gives one)
        return None
    batches: dict[int, tuple[np.ndarray, ...]] = {}
    out = []
    for textcat, (extract, after) in heads:
        size = extract.attrs["ngram_size"]
        if size not in batches:
            batches[size] = _ngram_batch(extract.ops, size, words)
        scores = batches[size]
        for layer in after:
            scores = layer.predict(scores)
        out.append((tuple(textcat.labels), textcat.model.ops.asarray(scores).tolist()))
    return out


def _picker(columns: list[int]) -> Callable[[list[float]], tuple[float, ...]]:
    """The row's values at columns, as a tuple."""
    if len(columns) == 1:
        return lambda row: (row[columns[0]],)
    return itemgetter(*columns)


def _predictions(scores: list[tuple[tuple[str, ...], list[list[float]]]]) -> list[Prediction]:
    """The Predictions from each head's labels and score rows: what _classify_spacy computes from the same
    scores through _cats and given_claim, reading the rows by column instead of through a dict per row."""
    (topic_labels, topic_rows), (stance_labels, stance_rows) = scores
    topic_at = {label: i for i, label in enumerate(topic_labels)}
    stance_at = {label: i for i, label in enumerate(stance_labels)}
    pick_topics = _picker([topic_at[name] for name in TOPICS])
    pick_stances = _picker([stance_at[name] for name in STANCES])
    none = topic_at[NONE]
    return [_prediction(topic_row[none], _renormalized(pick_topics(topic_row)), _renormalized(pick_stances(stance_row)))
            for topic_row, stance_row in zip(topic_rows, stance_rows, strict=True)]


def _classify_spacy(model: ClaimModel, texts: list[str]) -> list[Prediction]:
    """classify through spaCy: one Doc per sentence and each head's textcat.predict (the path classify takes
    when a head is not the bag-of-n-grams architecture, and the reference its fast path is tested against)."""
    if not texts:
        return []
    # One Doc per sentence serves both heads: a bag-of-n-grams model reads only the tokens' hashes, which do
    # not depend on the vocabulary; the heads' scores are what their pipelines would put in doc.cats.
    docs = [make_doc(model.topic, t) for t in texts]
    topics, stances = (_cats(getattr(model, head), docs) for head in HEADS)
    return [_prediction(topic_cats[NONE], given_claim(topic_cats, TOPICS), given_claim(stance_cats, STANCES))
            for topic_cats, stance_cats in zip(topics, stances, strict=True)]


def classify(model: ClaimModel, texts: list[str]) -> list[Prediction]:
    """The claim probability and the best real topic and stance of each (normalized) sentence: the scores of
    the heads' spaCy textcats (bit for bit), computed without Docs when both heads are bag-of-n-grams models."""
    if not texts:
        return []
    scores = _fast_scores(model, texts)
    return _classify_spacy(model, texts) if scores is None else _predictions(scores)


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

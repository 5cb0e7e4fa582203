"""The NER model: a spaCy `ner` over jieba tokens (labels ORG/PRODUCT/PERSON), trained from training/sentences.jsonl
and training/ner_extra.jsonl (unlisted organisations).

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

import numpy
import spacy
from spacy.attrs import IS_SPACE, SENT_START
from spacy.language import Language
from spacy.pipeline._parser_internals.ner import BiluoPushDown
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import compounding, fix_random_seed, minibatch

from pipeline.models import model_dir
from pipeline.models.ops import with_matmul_ops
from pipeline.normalize import normalize
from pipeline.segment.tokens import jieba_words

try:  # spaCy's greedy NER loop compiled without its GIL round trips (pipeline/models/_ner_decode.pyx)
    from pipeline.models import _ner_decode
except ImportError:  # pragma: no cover - a build without a C compiler: nlp.pipe decodes
    _ner_decode = None

NAME = "ner"
LABELS = ("ORG", "PRODUCT", "PERSON")
EPOCHS = 20
SWAPPED_COPIES = 1  # name-swapped copies of each sentence with an organisation: contexts, not names, make an ORG
INVENTED_SHARE = 0.3  # of the swapped names, invented ones (never seen, like most real unlisted names)
DROPOUT = 0.2
PIPE_BATCH = 256  # docs per nlp.pipe batch (Parser.pipe sorts each by length, decodes it in quarters)
DEV_EVERY = 10  # every 10th sentence is held out to report a dev score
TRAINING_FILES = ("sentences.jsonl", "ner_extra.jsonl")
# The network is the pipeline's most expensive step: a narrow, shallow tok2vec (the spaCy default is 96
# wide, 4 deep) costs a third of the time and, with the unlisted-organisation sentences, loses no recall.
TOK2VEC = {"@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None, "width": 64, "depth": 2,
           "embed_size": 2000, "window_size": 1, "maxout_pieces": 3, "subword_features": True}
PARSER = {"@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner", "extra_state_tokens": False,
          "hidden_width": 64, "maxout_pieces": 2, "use_upper": True, "nO": None, "tok2vec": TOK2VEC}


@dataclass(frozen=True)
class TrainingSentence:
    id: str
    text: str  # normalized (Simplified, artefact-free)
    spans: tuple[tuple[int, int, str], ...]  # normalized offsets


def training_paths() -> tuple[Path, ...]:
    root = Path(str(resources.files("pipeline.resources"))) / "training"
    return tuple(root / name for name in TRAINING_FILES)


def normalized_sentence(row: dict) -> TrainingSentence:
    """One training row in normalized text, its entity spans mapped through the alignment."""
    norm = normalize(row["text"])
    spans = []
    for start, end, label, _slug in row["entities"]:
        norm_start, norm_end = norm.alignment.to_norm(start, end)
        if norm_start < norm_end and norm.text[norm_start:norm_end].strip():
            spans.append((norm_start, norm_end, label))
    return TrainingSentence(row["id"], norm.text, tuple(spans))


def load_training(paths: tuple[Path, ...] | None = None) -> list[TrainingSentence]:
    """Every sentence of the training files, in file order."""
    out = []
    for path in paths or training_paths():
        with open(path, encoding="utf-8") as fh:
            out += [normalized_sentence(json.loads(line)) for line in fh if line.strip()]
    return out


def split_words(text: str, cuts: set[int], tokenizer=None) -> list[str]:
    """jieba words of text, further split at every offset in cuts (entity boundaries)."""
    words = []
    for word, start in jieba_words(text, tokenizer):
        inner = sorted(c - start for c in cuts if start < c < start + len(word))
        pieces = [0, *inner, len(word)]
        words.extend(word[a:b] for a, b in pairwise(pieces))
    return words


def org_names(sentences: list[TrainingSentence]) -> tuple[list[str], list[str]]:
    """The distinct (Latin, Chinese) organisation names of the training sentences, in first-seen order."""
    names = dict.fromkeys(s.text[a:b] for s in sentences for a, b, label in s.spans if label == "ORG")
    return [n for n in names if n.isascii()], [n for n in names if not n.isascii()]


def invented_name(name: str, hanzi: str, rng: random.Random) -> str:
    """A name no sentence holds, shaped like `name`: 2-3 random characters of `hanzi` before the last two
    characters of a longer Chinese name (its 科技, 集团 ...), a random capitalised word for a Latin one."""
    if name.isascii():
        word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 8)))
        return word.capitalize() + name[len(name.split()[0]):]
    stem = "".join(rng.choice(hanzi) for _ in range(rng.randint(2, 3)))
    return stem + (name[-2:] if len(name) >= 4 else "")


def swap_names(sentence: TrainingSentence, replacement) -> TrainingSentence:
    """The sentence with each distinct organisation name replaced by `replacement(name)` (called at every
    occurrence, the first answer kept), spans recomputed."""
    chosen: dict[str, str] = {}
    text, spans, pos = "", [], 0
    for start, end, label in sorted(sentence.spans):
        name = sentence.text[start:end]
        if label == "ORG":
            name = chosen.setdefault(name, replacement(name))
        text += sentence.text[pos:start]
        spans.append((len(text), len(text) + len(name), label))
        text += name
        pos = end
    return TrainingSentence(f"{sentence.id}~", text + sentence.text[pos:], tuple(spans))


def with_swapped_names(sentences: list[TrainingSentence], seed: int) -> list[TrainingSentence]:
    """The sentences plus SWAPPED_COPIES copies of those that name an organisation, each name replaced by
    another organisation name of the training set or, half the time, by an invented one (seeded)."""
    latin, chinese = org_names(sentences)
    hanzi = "".join(sorted({c for name in chinese for c in name if "\u4e00" <= c <= "\u9fff"}))  # name characters
    rng = random.Random(seed)

    def replacement(name: str) -> str:
        pool = latin if name.isascii() else chinese
        return invented_name(name, hanzi, rng) if rng.random() < INVENTED_SHARE or not pool else rng.choice(pool)

    swapped = [swap_names(s, replacement) for _ in range(SWAPPED_COPIES) for s in sentences
               if any(label == "ORG" for *_, label in s.spans)]
    return sentences + swapped


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
    ner = nlp.add_pipe("ner", config={"model": PARSER})
    for label in LABELS:
        ner.add_label(label)
    return nlp


def train_model(sentences: list[TrainingSentence], seed: int, epochs: int = EPOCHS, tokenizer=None) -> Language:
    """A seeded NER trained on sentences and their name-swapped copies: the same inputs and seed give the same
    weights. `tokenizer`: a jieba Tokenizer other than the packaged one (an experiment with its own user
    dictionary)."""
    fix_random_seed(seed)
    nlp = blank_ner()
    examples = [to_example(nlp, s, tokenizer) for s in with_swapped_names(sentences, seed)]
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


def greedy_decoder(nlp: Language):
    """(ner pipe, class kinds, class label ids, label names) for the compiled decoder, or None where it does not
    apply: not built, or a pipeline other than one greedy BILUO `ner` with an upper layer and three features."""
    if _ner_decode is None or nlp.pipe_names != ["ner"]:
        return None
    ner = nlp.get_pipe("ner")
    model = ner.model
    if (not isinstance(ner.moves, BiluoPushDown) or ner.cfg.get("beam_width") != 1 or ner.postprocesses
            or not model.attrs.get("has_upper") or model.get_ref("lower").get_dim("nF") != 3
            or model.get_ref("upper").get_dim("nO") != ner.moves.n_moves):
        return None
    names = [""]
    kinds, labels = [], []
    for i in range(ner.moves.n_moves):
        kind, _, label = ner.moves.get_class_name(i).partition("-")
        kinds.append(_ner_decode.MOVE_KINDS[kind])
        if label not in names:
            names.append(label)
        labels.append(names.index(label))
    return ner, numpy.array(kinds, dtype="i"), numpy.array(labels, dtype="i"), names


def decode_sub_batch(decoder, docs: list[Doc]) -> list[list[tuple[int, int, str]]]:
    """(token start, token end, label) of each doc of one of `Parser.pipe`'s sub-batches: spaCy's own network
    calls on the same docs (so the same numbers), then the compiled greedy decoder instead of `_parseC`."""
    if not any(len(doc) for doc in docs):  # Parser.predict runs nothing
        return [[] for _ in docs]
    ner, kinds, labels, names = decoder
    model = ner.model
    lower, upper = model.get_ref("lower"), model.get_ref("upper")
    cached = lower.predict(model.get_ref("tok2vec").predict(docs))  # what ParserStepModel precomputes
    mask = numpy.ones((upper.get_dim("nO"),), dtype="f")
    mask[sorted(model.attrs["unseen_classes"])] = 0.0
    flags = numpy.concatenate([doc.to_array([SENT_START, IS_SPACE]).reshape((-1, 2)) for doc in docs])
    found = _ner_decode.decode(
        numpy.ascontiguousarray(cached, dtype="f").reshape((cached.shape[0], -1)),
        numpy.ascontiguousarray(lower.get_param("b"), dtype="f").ravel(), lower.get_dim("nF"),
        lower.get_dim("nO"), lower.get_dim("nP"), numpy.ascontiguousarray(upper.get_param("W"), dtype="f"),
        numpy.ascontiguousarray(upper.get_param("b"), dtype="f"), mask, kinds, labels,
        numpy.array([len(doc) for doc in docs], dtype="i"), flags[:, 0].astype(numpy.int8),
        flags[:, 1].astype(numpy.uint8))
    return [[(start, end, names[label]) for start, end, label in ents] for ents in found]


def predict_spans_batch(nlp: Language, sentences: list[list[str]]) -> list[list[tuple[int, int, str]]]:
    """predict_spans for many sentences at once: nlp.pipe batches the network's matrix products.

    With the compiled decoder (pipeline/models/_ner_decode.pyx) the docs go through the batches and length-
    sorted sub-batches `Parser.pipe` would make, each through spaCy's network, then the decoder: the same
    spans as `nlp.pipe` (tests/models/test_ner_decode.py), without spaCy's per-move GIL round trips."""
    decoder = greedy_decoder(nlp)
    if decoder is None:
        docs = nlp.pipe((make_doc(nlp, words) for words in sentences), batch_size=PIPE_BATCH)
        return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in docs]
    docs = [make_doc(nlp, words) for words in sentences]
    out: list[list[tuple[int, int, str]]] = [[] for _ in docs]
    for first in range(0, len(docs), PIPE_BATCH):
        by_length = sorted(range(first, min(first + PIPE_BATCH, len(docs))), key=lambda i: len(docs[i]))
        step = max(PIPE_BATCH // 4, 2)
        for sub in (by_length[j:j + step] for j in range(0, len(by_length), step)):
            for i, ents in zip(sub, decode_sub_batch(decoder, [docs[i] for i in sub]), strict=True):
                doc = docs[i]  # Span.start_char and end_char
                out[i] = [(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), label) for start, end, label in ents]
    return out


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
    return with_matmul_ops(spacy.load(where))

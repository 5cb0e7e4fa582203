"""The compiled greedy NER decoder (pipeline/models/_ner_decode.pyx) finds exactly the spans spaCy's own loop
finds (`nlp.pipe`), on the corpus, the training sentences and generated word lists."""

from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

import numpy
import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.models.ner as ner_module
from pipeline.ingest import ingest
from pipeline.ingest.sources import Source
from pipeline.models import model_dir
from pipeline.models.ner import (
    PIPE_BATCH,
    decode_sub_batch,
    greedy_decoder,
    load_model,
    load_training,
    make_doc,
    predict_spans_batch,
)
from pipeline.models.ops import with_matmul_ops
from pipeline.normalize import normalize
from pipeline.segment import segment
from pipeline.segment.tokens import jieba_words

_ner_decode = ner_module._ner_decode
needs_compiled = pytest.mark.skipif(_ner_decode is None, reason="the compiled decoder is missing (see the test below)")

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
ARTICLES = sorted(p for p in CORPUS.iterdir() if p.suffix in {".txt", ".html"})
SPACES = [" ", "  ", "\n", "\t", "\u3000", "\r\n"]


def spacy_spans(nlp, sentences: list[list[str]]) -> list[list[tuple[int, int, str]]]:
    """predict_spans_batch before the decoder: spaCy's greedy loop through nlp.pipe."""
    docs = nlp.pipe((make_doc(nlp, words) for words in sentences), batch_size=PIPE_BATCH)
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in docs]


@lru_cache(maxsize=1)
def corpus_documents() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Each corpus article's sentences as words (empty ones kept), segmented as the pipeline segments."""
    out = []
    for path in ARTICLES:
        norm = normalize(ingest(Source(path, path.stem)).raw_text)
        out.append(tuple(tuple(words) for words in segment(path.stem, norm).words))
    return tuple(out)


@lru_cache(maxsize=1)
def training_sentences() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(w for w, _ in jieba_words(s.text)) for s in load_training())


class Multiply:
    """_ner_decode with the upper layer's products made one chosen way."""

    def __init__(self, how: str) -> None:
        self.how = how
        self.MOVE_KINDS = _ner_decode.MOVE_KINDS

    def decode(self, *args):
        return _ner_decode.decode(*args, multiply=self.how)


def multiply_modes() -> list[str]:
    """blis (what spaCy calls) and auto always; the loop on its own where it gives blis's bits here."""
    modes = ["auto", "blis"]
    model = load_model().get_pipe("ner").model
    if _ner_decode.loop_matches_blis(model.get_ref("upper").get_dim("nO"), model.get_ref("lower").get_dim("nO")):
        modes.append("loop")
    return modes


def test_the_compiled_decoder_is_built_and_used() -> None:
    """`pip install -e .` compiles pipeline/models/_ner_decode.pyx: a silent fallback to spaCy's loop would find
    the same spans in nearly twice the NER time."""
    assert _ner_decode is not None, "the compiled NER decoder is missing: reinstall with a C compiler"
    assert _ner_decode.HAS_BLIS
    decoder = greedy_decoder(load_model())
    assert decoder is not None
    ner, kinds, labels, names = decoder
    letter = {kind: name for name, kind in _ner_decode.MOVE_KINDS.items()}
    rebuilt = [letter[kind] if letter[kind] == "O" else f"{letter[kind]}-{names[label]}"
               for kind, label in zip(kinds, labels, strict=True)]
    assert rebuilt == [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]


@needs_compiled
@pytest.mark.parametrize("how", ["auto", "blis", "loop"])
def test_same_spans_as_spacy_on_the_corpus_and_training_sentences(how: str, monkeypatch) -> None:
    if how not in multiply_modes():
        pytest.skip("the loop does not give blis's bits on this machine")
    nlp = load_model()
    documents = [list(map(list, doc)) for doc in corpus_documents()]
    training = [list(words) for words in training_sentences()]
    rows = [training[i:i + 40] for i in range(0, len(training), 40)]  # document-sized calls
    expected = [spacy_spans(nlp, doc) for doc in documents + rows]
    expected_all = spacy_spans(nlp, [words for doc in documents for words in doc] + training)
    assert sum(len(spans) for doc in expected for spans in doc) > 1000  # the model finds names: a real test
    monkeypatch.setattr(ner_module, "_ner_decode", Multiply(how))
    assert [predict_spans_batch(nlp, doc) for doc in documents + rows] == expected
    assert predict_spans_batch(nlp, [words for doc in documents for words in doc] + training) == expected_all


@needs_compiled
def test_an_unseen_class_scores_the_step_minimum_as_in_spacy(monkeypatch) -> None:
    """spaCy gives an unseen class the minimum score of the whole step: the decoder's lockstep does too."""
    nlp = load_model()
    ner = nlp.get_pipe("ner")
    unseen = [i for i in range(ner.moves.n_moves) if ner.moves.get_class_name(i) in {"U-PERSON", "B-ORG"}]
    monkeypatch.setitem(ner.model.attrs, "unseen_classes", set(unseen))
    sentences = [list(words) for words in training_sentences()[:600]]
    expected = spacy_spans(nlp, sentences)
    assert predict_spans_batch(nlp, sentences) == expected
    monkeypatch.setattr(ner_module, "_ner_decode", Multiply("blis"))
    assert predict_spans_batch(nlp, sentences) == expected


@needs_compiled
def test_without_the_compiled_module_spacy_decodes(monkeypatch) -> None:
    nlp = load_model()
    sentences = [list(words) for words in training_sentences()[:50]]
    expected = predict_spans_batch(nlp, sentences)
    monkeypatch.setattr(ner_module, "_ner_decode", None)
    assert greedy_decoder(nlp) is None
    assert predict_spans_batch(nlp, sentences) == expected


@needs_compiled
def test_a_pipeline_other_than_one_ner_is_left_to_spacy() -> None:
    nlp = load_model()
    other = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    other.add_pipe("sentencizer")
    assert greedy_decoder(other) is None
    assert greedy_decoder(nlp) is not None


@lru_cache(maxsize=1)
def word_pool() -> tuple[str, ...]:
    return tuple(sorted({w for words in training_sentences() for w in words}))


@st.composite
def sentence(draw) -> list[str]:
    """Words of a training sentence or several (long ones past 100 tokens), cut, with random words and
    whitespace tokens inserted; or a few random words; or nothing."""
    kind = draw(st.sampled_from(["real", "long", "random", "empty", "single"]))
    sentences, pool = training_sentences(), word_pool()
    if kind == "empty":
        return []
    if kind == "single":
        return [draw(st.sampled_from(pool + tuple(SPACES)))]
    if kind == "random":
        return draw(st.lists(st.sampled_from(pool + tuple(SPACES)), min_size=1, max_size=30))
    n = 1 if kind == "real" else draw(st.integers(4, 8))
    words = [w for _ in range(n) for w in sentences[draw(st.integers(0, len(sentences) - 1))]]
    rng = random.Random(draw(st.integers(0, 2**32)))
    if rng.random() < 0.3:
        words = words[rng.randrange(len(words)):]
    for _ in range(draw(st.integers(0, 6))):
        words.insert(rng.randrange(len(words) + 1), rng.choice(SPACES + list(pool)))
    return words


@needs_compiled
@settings(max_examples=60, deadline=None)
@given(st.lists(sentence(), max_size=12))
def test_same_spans_as_spacy_on_generated_sentences(sentences: list[list[str]]) -> None:
    nlp = load_model()
    assert predict_spans_batch(nlp, sentences) == spacy_spans(nlp, sentences)


def with_sentence_starts(nlp, rows) -> list:
    """Docs of the words with some later tokens marked as sentence starts (or as not starting one)."""
    out = []
    for words, seed in rows:
        doc = make_doc(nlp, words)
        rng = random.Random(seed)
        for token in doc[1:]:
            if rng.random() < 0.15:
                token.is_sent_start = rng.random() < 0.8
        out.append(doc)
    return out


def spacy_sub_batch(nlp, docs) -> list[list[tuple[int, int, str]]]:
    ner = nlp.get_pipe("ner")
    ner.set_annotations(docs, ner.predict(docs))
    return [[(e.start, e.end, e.label_) for e in doc.ents] for doc in docs]


@needs_compiled
@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(sentence(), st.integers(0, 2**32)), max_size=10))
def test_sentence_starts_and_spaces_block_entities_as_in_spacy(rows) -> None:
    """Docs with sentence starts inside (which predict_spans_batch never builds): the decoder's validity rules
    agree with spaCy's on one sub-batch, token offsets compared."""
    nlp = load_model()
    expected = spacy_sub_batch(nlp, with_sentence_starts(nlp, rows))
    assert decode_sub_batch(greedy_decoder(nlp), with_sentence_starts(nlp, rows)) == expected


@lru_cache(maxsize=1)
def model_copy():
    """A second copy of the shipped model, whose upper layer the next test rewrites."""
    return with_matmul_ops(spacy.load(model_dir("ner")))


def rewrite_upper(nlp, setting: int) -> None:
    """Upper-layer weights that make the model open entities far more often than the shipped ones (so whitespace
    tokens, sentence starts and sentence ends decide), or that tie every score (the first valid move wins)."""
    upper = nlp.get_pipe("ner").model.get_ref("upper")
    shipped = load_model().get_pipe("ner").model.get_ref("upper")
    W, b = shipped.get_param("W").copy(), shipped.get_param("b").copy()
    names = [nlp.get_pipe("ner").moves.get_class_name(i) for i in range(len(b))]
    rng = numpy.random.default_rng(setting)
    if setting == 0:  # every score equal
        W[:], b[:] = 0.0, 0.0
    elif setting == 1:  # scores tie in groups, hidden units ignored
        W[:] = 0.0
        b[:] = rng.integers(0, 3, size=b.shape).astype("f")
    else:  # entity moves pushed up, each setting its own way
        b += numpy.array([rng.normal(4.0, 3.0) if name[0] in "BU" and len(name) > 2 else rng.normal(0.0, 2.0)
                          for name in names], dtype="f")
    upper.set_param("W", numpy.ascontiguousarray(W))
    upper.set_param("b", numpy.ascontiguousarray(b))


@needs_compiled
@pytest.mark.parametrize("setting", range(8))
def test_same_spans_as_spacy_with_rewritten_upper_weights(setting: int) -> None:
    nlp = model_copy()
    rewrite_upper(nlp, setting)
    rng = random.Random(setting)
    pool = list(training_sentences())
    sentences = []
    for _ in range(300):
        words = list(rng.choice(pool))
        for _ in range(rng.randrange(6)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(SPACES))
        sentences.append(words if rng.random() > 0.02 else [])
    found = predict_spans_batch(nlp, sentences)
    assert found == spacy_spans(nlp, sentences)
    assert sum(map(len, found)) > 100
    rows = [(words, rng.randrange(2**32)) for words in sentences[:60]]
    assert decode_sub_batch(greedy_decoder(nlp), with_sentence_starts(nlp, rows)) == spacy_sub_batch(
        nlp, with_sentence_starts(nlp, rows))

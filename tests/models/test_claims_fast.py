"""classify's fast path (the n-gram batch built without spaCy Docs, shared by both heads) gives bit for bit what
the spaCy path gives (_classify_spacy: make_doc, each head's textcat.predict, _cats, given_claim, _prediction): on
every training and dev sentence, every corpus sentence, batched like the pipeline and in one batch, and on
generated texts; and its n-gram batch is extract_ngrams's, array for array."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.attrs import ORTH
from spacy.training import Example

from pipeline.config import IngestConfig
from pipeline.ingest import ingest
from pipeline.ingest.sources import discover
from pipeline.models import claims as model
from pipeline.normalize import normalize
from pipeline.segment import segment

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
DEV = ROOT / "pipeline" / "resources" / "training" / "claims_dev"


def sentences_of(root: Path) -> list[str]:
    """Every sentence of the documents under root, as the pipeline normalizes and segments them."""
    sources, _ = discover([root], IngestConfig().extensions)
    out: list[str] = []
    for source in sources:
        raw = ingest(source)
        out += [s.text for s in segment(raw.doc_id, normalize(raw.raw_text)).sentences]
    return out


@pytest.fixture(scope="module")
def corpus_sentences() -> list[str]:
    texts = sentences_of(CORPUS)
    assert len(texts) > 100
    return texts


def bits(predictions: list[model.Prediction]) -> list[tuple]:
    """Every field of every Prediction, floats by their exact bits (float.hex tells -0.0 from 0.0)."""
    def exact(value):
        if isinstance(value, float):
            return value.hex()
        if isinstance(value, tuple):
            return tuple(exact(v) for v in value)
        return value
    return [tuple(exact(getattr(p, name)) for name in model.Prediction.__dataclass_fields__) for p in predictions]


def assert_same(claim_model: model.ClaimModel, texts: list[str], batch: int) -> None:
    fast, reference = [], []
    for i in range(0, len(texts), batch):
        fast += model.classify(claim_model, texts[i : i + batch])
        reference += model._classify_spacy(claim_model, texts[i : i + batch])
    assert len(fast) == len(texts)
    assert bits(fast) == bits(reference)


def test_the_shipped_heads_take_the_fast_path(shipped: model.ClaimModel) -> None:
    for head in model.HEADS:
        found = model._bow_layers(getattr(shipped, head))
        assert found is not None
        extract, after = found
        assert extract.name == "extract_ngrams" and extract.attrs["ngram_size"] == 2
        assert [layer.name for layer in after] == ["resizable(sparse_linear)", "softmax_activation"]
    assert model._fast_scores(shipped, ["我们认为风险可控。"]) is not None


@pytest.mark.parametrize("batch", [10, 1, 100_000])
def test_training_sentences(shipped: model.ClaimModel, batch: int) -> None:
    texts = [e.text for e in model.load_training()]
    assert len(texts) > 1000
    assert_same(shipped, texts, batch)


@pytest.mark.parametrize("batch", [10, 100_000])
def test_dev_and_corpus_sentences(shipped: model.ClaimModel, corpus_sentences: list[str], batch: int) -> None:
    assert_same(shipped, sentences_of(DEV), batch)
    assert_same(shipped, corpus_sentences, batch)


def test_pipeline_batches(shipped: model.ClaimModel, corpus_sentences: list[str]) -> None:
    """Batches of every size around the pipeline's ~10 sentences, over one another's boundaries."""
    for batch in (2, 3, 7, 9, 11, 13):
        assert_same(shipped, corpus_sentences[batch:], batch)


def test_the_ngram_batch_is_extract_ngrams(shipped: model.ClaimModel, corpus_sentences: list[str]) -> None:
    texts = corpus_sentences[:40] + ["", "X_X_", "好好好好", "1 2 3", "a"]
    extract, _ = model._bow_layers(shipped.topic)  # type: ignore[misc]
    docs = [model.make_doc(shipped.topic, t) for t in texts]
    for size in (1, 2, 3, 4):
        extract.attrs["ngram_size"] = size
        try:
            expected = extract.predict(docs)
        finally:
            extract.attrs["ngram_size"] = 2
        got = model._ngram_batch(extract.ops, size, [model.tokens(t) for t in texts])
        for want, have in zip(expected, got, strict=True):
            assert have.dtype == want.dtype and have.flags.c_contiguous
            assert np.array_equal(have, want)


def test_orth_keys_are_the_docs() -> None:
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    words = ["X", "_", " ", "a", "公", "司", "𠀀", "é", "\u3000", "ORTH", "NOUN"]
    doc = model.Doc(nlp.vocab, words=words, spaces=[False] * len(words))
    assert doc.to_array([ORTH]).tolist() == [model._ORTH_KEYS[w] for w in words]
    assert model._ORTH_KEYS["X"] < 1000 and model._ORTH_KEYS["_"] < 1000  # reserved symbols, not hashes


TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
CJK = st.text(st.sampled_from("公司认为风险我们增长下降X_ 1２\t好"), max_size=300)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(TEXT, CJK, st.just(""), st.just("好" * 200)), min_size=1, max_size=25))
def test_generated_texts(shipped: model.ClaimModel, texts: list[str]) -> None:
    assert bits(model.classify(shipped, texts)) == bits(model._classify_spacy(shipped, texts))


def test_edge_texts(shipped: model.ClaimModel) -> None:
    texts = ["", " ", "1", "好", "好好", "好" * 500, "ab" * 300, "X", "_", "X_", "\n\t ", "１２３", "😀😀"]
    for batch in (1, 2, len(texts)):
        assert_same(shipped, texts, batch)
    assert model.classify(shipped, []) == [] == model._classify_spacy(shipped, [])


def small_head(head: str, architecture: dict) -> spacy.Language:
    """A head trained for a few steps on a few sentences, with another architecture."""
    labels = model.HEADS[head]
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    textcat = nlp.add_pipe("textcat_multilabel" if architecture.get("exclusive_classes") is False else "textcat",
                           name="textcat", config={"model": architecture})
    for label in labels:
        textcat.add_label(label)
    examples = model.load_training()[::40]
    data = [Example.from_dict(model.make_doc(nlp, e.text),
                              {"cats": {label: float(label == getattr(e, head)) for label in labels}})
            for e in examples]
    optimizer = nlp.initialize(lambda: data)
    for _ in range(2):
        nlp.update(data, sgd=optimizer)
    return nlp


def test_other_bow_heads_and_the_fallback() -> None:
    """A logistic-output, 3-gram BOW head takes the fast path with its own n-gram batch; a head of another
    architecture sends classify down the spaCy path. Both give the spaCy path's results."""
    texts = [e.text for e in model.load_training()[5::37]] + ["", "好"]
    bow3 = {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": 3,
            "no_output_layer": False, "length": 4096}
    mixed = model.ClaimModel(small_head("topic", dict(model.MODEL)), small_head("stance", bow3))
    assert model._fast_scores(mixed, texts) is not None
    assert_same(mixed, texts, 10)
    reduce = {"@architectures": "spacy.TextCatReduce.v1", "exclusive_classes": True, "use_reduce_first": False,
              "use_reduce_last": False, "use_reduce_max": False, "use_reduce_mean": True,
              "tok2vec": {"@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None, "width": 16,
                          "depth": 1, "embed_size": 500, "window_size": 1, "maxout_pieces": 2,
                          "subword_features": True}}
    other = model.ClaimModel(mixed.topic, small_head("stance", reduce))
    assert model._bow_layers(other.stance) is None
    assert model._fast_scores(other, texts) is None
    assert_same(other, texts, 10)

"""The shipped NER model loads and finds unknown organisations; training is reproducible for a seed."""

from __future__ import annotations

from pipeline.models.ner import load_model, load_training, predict_spans, split_words, train_model
from pipeline.segment.tokens import jieba_words


def words(text: str) -> list[str]:
    return [w for w, _ in jieba_words(text)]


def test_shipped_model_finds_an_unknown_organisation() -> None:
    nlp = load_model()
    assert nlp is not None
    text = "我们认为，澜岳科技的订单能见度已延伸至明年，毛利率有望继续改善。"
    spans = [(text[s:e], label) for s, e, label in predict_spans(nlp, words(text))]
    assert ("澜岳科技", "ORG") in spans


def test_split_words_cuts_at_span_boundaries() -> None:
    text = "澜岳科技公司发布新品"
    pieces = split_words(text, {2, 4})
    ends = {sum(len(p) for p in pieces[: i + 1]) for i in range(len(pieces))}
    assert "".join(pieces) == text and {2, 4} <= ends


def test_same_seed_same_predictions() -> None:
    sentences = load_training()[:40]
    probe = [words(s.text) for s in load_training()[100:110]]
    first, second = (train_model(sentences, seed=7, epochs=3) for _ in range(2))
    assert [predict_spans(first, w) for w in probe] == [predict_spans(second, w) for w in probe]

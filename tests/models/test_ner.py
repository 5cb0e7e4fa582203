"""The shipped NER model loads and finds unknown organisations; training is reproducible for a seed; the
name-swapped copies keep the spans on the new names."""

from __future__ import annotations

import random

from pipeline.models.ner import (
    TrainingSentence,
    invented_name,
    load_model,
    load_training,
    predict_spans,
    split_words,
    swap_names,
    train_model,
    with_swapped_names,
)
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


def test_swapped_names_keep_their_spans() -> None:
    sentence = TrainingSentence("x", "澜岳科技向英伟达采购GPU，澜岳科技的毛利率改善。",
                                ((0, 4, "ORG"), (5, 8, "ORG"), (10, 13, "PRODUCT"), (14, 18, "ORG")))
    calls = iter(["蓝鲸", "NimbusEdge", "灯塔"])
    swapped = swap_names(sentence, lambda name: next(calls))
    assert swapped.text == "蓝鲸向NimbusEdge采购GPU，蓝鲸的毛利率改善。"  # one replacement per distinct name
    assert [(swapped.text[a:b], label) for a, b, label in swapped.spans] == [
        ("蓝鲸", "ORG"), ("NimbusEdge", "ORG"), ("GPU", "PRODUCT"), ("蓝鲸", "ORG")]


def test_invented_names_keep_the_shape() -> None:
    rng = random.Random(0)
    chinese, latin = invented_name("澜岳科技", "甲乙丙", rng), invented_name("Kestrel Compute", "", rng)
    assert chinese.endswith("科技") and set(chinese[:-2]) <= set("甲乙丙") and 2 <= len(chinese[:-2]) <= 3
    assert latin.endswith(" Compute") and latin[0].isupper() and latin.split()[0].isalpha()


def test_swapped_copies_only_for_sentences_with_an_organisation() -> None:
    sentences = load_training()[:60]
    with_org = sum(any(label == "ORG" for *_, label in s.spans) for s in sentences)
    augmented = with_swapped_names(sentences, seed=3)
    assert augmented[:60] == sentences and len(augmented) == 60 + with_org
    assert augmented == with_swapped_names(sentences, seed=3)

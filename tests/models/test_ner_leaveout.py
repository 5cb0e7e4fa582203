"""Plumbing of the NER leave-out experiment (benchmarks/ner_leaveout.py): reduced gazetteer and
dictionary, the training-sentence filter, the pipeline filters on model spans, and the recall count."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from pipeline.extract.gazetteer import load_gazetteer
from pipeline.models.ner import TrainingSentence
from pipeline.normalize import normalize
from pipeline.segment.tokens import jieba_tokenizer

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "ner_leaveout.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("ner_leaveout", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module while the file executes
    spec.loader.exec_module(module)
    return module


leaveout = _load_script()


@pytest.fixture(scope="module")
def reduced():
    return leaveout.reduced_gazetteer(load_gazetteer(), leaveout.HELD_OUT)


@pytest.fixture(scope="module")
def tokenizer(reduced):
    return leaveout.reduced_tokenizer(reduced)


def test_twenty_distinct_organisations_of_the_gazetteer() -> None:
    entries = load_gazetteer().entries
    assert len(set(leaveout.HELD_OUT)) == 20
    assert all(entries[i].type == "ORG" for i in leaveout.HELD_OUT)


def test_reduced_gazetteer_lacks_the_ids_and_keeps_the_rest(reduced) -> None:
    full = load_gazetteer()
    assert not set(leaveout.HELD_OUT) & reduced.entries.keys()
    assert len(reduced.entries) == len(full.entries) - 20
    assert reduced.lookup("CoreWeave") is None and reduced.lookup("騰訊") is None
    assert reduced.lookup("英伟达").id == "nvidia"
    assert reduced.entries["tencent-cloud"].parent is None  # its parent is held out
    assert full.entries["tencent-cloud"].parent == "tencent"  # the packaged gazetteer is untouched


def test_reduced_dictionary_lacks_the_names(reduced, tokenizer) -> None:
    forms = leaveout.held_out_forms(load_gazetteer(), leaveout.HELD_OUT)
    words = {line.split()[0] for line in reduced.jieba_user_dict_lines()}
    assert {"CoreWeave", "中际旭创", "联发科", "腾讯"} <= forms
    assert not forms & words
    assert not tokenizer.FREQ.get("CoreWeave") and not tokenizer.FREQ.get("中际旭创")
    assert tokenizer.FREQ.get("英伟达")
    assert jieba_tokenizer().FREQ.get("CoreWeave")  # the packaged, cached tokenizer still knows it


def test_recall_counts_exact_and_overlap() -> None:
    gold = [(0, 4), (10, 13), (20, 25), (30, 32)]
    predicted = [(0, 4), (9, 12), (26, 28), (30, 32), (40, 44)]
    assert leaveout.recall_counts(gold, predicted) == (2, 3)
    assert leaveout.recall_counts([], predicted) == (0, 0)


def test_training_filter_by_slug_or_gazetteer_match() -> None:
    full, held_out = load_gazetteer(), set(leaveout.HELD_OUT)

    def row(text: str, slugs: frozenset[str]):
        return leaveout.TrainingRow(TrainingSentence("t", text, ()), slugs)

    assert leaveout.mentions_held_out(row("澜岳科技订单增长", frozenset({"xiaomi"})), full, held_out)
    assert leaveout.mentions_held_out(row("台积电扩产", frozenset()), full, held_out)
    assert not leaveout.mentions_held_out(row("英伟达扩产", frozenset({"nvidia"})), full, held_out)


def test_filters_and_propagation_on_a_constructed_article(reduced, tokenizer) -> None:
    text = "腾讯与中际旭创合作，英伟达供货。中际旭创扩产。"
    norm = normalize(text)
    article = leaveout.Article("x", norm, [(0, norm.text[:16])], {}, set())
    occupied = {i for m in leaveout.gazetteer_matches(norm.text, reduced) for i in range(m.start, m.end)}
    spans = [[(0, 2, "ORG"), (3, 7, "ORG"), (7, 9, "ORG"), (10, 13, "ORG")]]
    prediction = leaveout.filter_spans(article, spans, reduced, tokenizer, occupied)
    assert prediction.kept == [(0, 2, "腾讯"), (3, 7, "中际旭创")]  # the dictionary word 腾讯 is listed with a name
    assert {(name, why) for *_, name, why in prediction.dropped} == {("合作", "jieba word"), ("英伟达", "gazetteer")}
    assert leaveout.propagated(article, ["中际旭创"], occupied) == [(3, 7), (16, 20)]


def test_summary_gives_micro_and_macro_recall() -> None:
    per_id = {"a": {"gold": 8, "model": 8, "exact": 4, "overlap": 6, "propagated": 8},
              "b": {"gold": 2, "model": 0, "exact": 0, "overlap": 0, "propagated": 2}}
    result = leaveout.summary(per_id)
    assert result["gold"] == 10 and result["exact"] == 0.4 and result["exact_macro"] == 0.25
    assert result["overlap"] == 0.6 and result["propagated"] == 1.0 and result["model_macro"] == 0.5

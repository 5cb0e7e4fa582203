"""Gazetteer mentions: scripts and converter artefacts, Latin boundaries, misspellings; seed threshold."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from pipeline.config import ExtractConfig, RunConfig
from pipeline.extract.gazetteer import load_gazetteer
from pipeline.extract.mentions import (
    EXACT_CONFIDENCE,
    MISSPELLING_CONFIDENCE,
    extract_entities,
    extract_mentions,
    gazetteer_matches,
    plausible_name,
    slug,
)
from pipeline.extract.registry import ExtractionContext, available
from pipeline.normalize import normalize
from pipeline.segment import segment

SEED = Path(__file__).resolve().parents[2] / "corpus" / "coreweave_part1.txt"


def mentions_of(raw: str):
    norm = normalize(raw)
    ctx = ExtractionContext("t", norm, segment("t", norm), ExtractConfig(), {})
    return extract_mentions(ctx, available()["mentions"]), ctx


def test_traditional_and_artefacts_map_back_to_raw() -> None:
    raw = "英偉達(dá)和微軟是CoreWeave的客戶,來(lái)自O(shè)penAI的收入增長。"
    mentions, _ = mentions_of(raw)
    by_id = {m.entity_id: m for m in mentions}
    assert by_id["nvidia"].surface == "英偉達(dá)" and by_id["nvidia"].name == "英伟达"
    assert by_id["microsoft"].surface == "微軟"
    assert by_id["openai"].surface == "O(shè)penAI"
    for m in mentions:
        assert raw[m.start : m.end] == m.surface


def test_meta_not_inside_bare_metal() -> None:
    text = "CoreWeave的Bare Metal服务被Meta采用。"
    matches = gazetteer_matches(text, load_gazetteer())
    found = [(text[m.start : m.end], m.entity_id) for m in matches]
    assert ("Meta", "meta") in found
    assert ("Bare Metal", "bare-metal") in found
    assert sum(1 for _, e in found if e == "meta") == 1


def test_misspelling_has_lower_confidence() -> None:
    text = "公司与Databrick和Databricks都有合作。"
    matches = gazetteer_matches(text, load_gazetteer())
    confidences = {text[m.start : m.end]: m.confidence for m in matches if m.entity_id == "databricks"}
    assert confidences == {"Databrick": MISSPELLING_CONFIDENCE, "Databricks": EXACT_CONFIDENCE}


def test_context_restricted_name_needs_its_context() -> None:
    gazetteer = load_gazetteer()
    assert not [m for m in gazetteer_matches("我们住在Slum附近。", gazetteer) if m.entity_id == "slurm"]
    assert [m for m in gazetteer_matches("集群调度使用Slum。", gazetteer) if m.entity_id == "slurm"]


def test_longest_match_wins_without_overlaps() -> None:
    text = "Core Scientific与CoreWeave"
    matches = gazetteer_matches(text, load_gazetteer())
    assert next((text[m.start : m.end], m.entity_id) for m in matches) == ("Core Scientific", "core-scientific")
    assert all(a.end <= b.start for a, b in itertools.pairwise(matches))


def test_unknown_slug_and_name_filter() -> None:
    assert slug("Poolside AI", "ORG") == "poolside-ai"
    assert slug("星衡智算", "ORG").startswith("org-") and slug("星衡智算", "ORG") == slug("星衡智算", "ORG")
    assert not plausible_name("GPU") and not plausible_name("子公司") and plausible_name("星衡智算")


def test_entities_rows_one_per_entity() -> None:
    mentions, ctx = mentions_of("微軟和微软都是同一家公司,英伟达也是。")
    ctx.results["mentions"] = mentions
    rows = extract_entities(ctx, available()["entities"])
    assert sorted(r.entity_id for r in rows) == ["microsoft", "nvidia"]
    microsoft = next(r for r in rows if r.entity_id == "microsoft")
    assert {"微軟", "微软"} <= set(microsoft.names) and microsoft.known


@pytest.fixture(scope="module")
def seed_result():
    from pipeline.ingest.sources import Source
    from pipeline.process import process_source

    config = RunConfig(extract=ExtractConfig(extractors=("mentions", "entities", "figures", "relations")))
    return process_source(Source(SEED, "coreweave_part1"), config)


def test_seed_mention_threshold(seed_result) -> None:
    import json

    from pipeline.eval.gold import load_gold
    from pipeline.eval.score import Report, score_mentions

    report = Report()
    rows = [json.loads(m.model_dump_json()) for m in seed_result.tables["mentions"]]
    score_mentions(load_gold(SEED.with_suffix(".gold.json")), rows, report)
    assert report.metrics["mentions"].f1 >= 0.97
    assert report.metrics["entities"].recall >= 0.97
    for m in seed_result.tables["mentions"]:
        assert seed_result.tables["documents"][0].raw_text[m.start : m.end] == m.surface


@pytest.mark.parametrize("label", ["FY24", "FY2025", "3Q25", "Q3", "H1'25", "25Q3", "1H25"])
def test_fiscal_period_labels_are_not_names(label: str) -> None:
    from pipeline.extract.mentions import plausible_name

    assert not plausible_name(label)


@pytest.mark.parametrize("name", ["H100", "H20", "B200", "Lumora"])
def test_product_codes_stay_names(name: str) -> None:
    from pipeline.extract.mentions import plausible_name

    assert plausible_name(name)


@pytest.mark.parametrize(("text", "name"), [
    ("主要客户包括小米与英伟达。", "小米"),
    ("腾讯(0700.HK)发布三季报。", "腾讯"),
    ("小米2025年上半年营收增长。", "小米"),
    ("小米旗下的汽车业务亏损收窄。", "小米"),
    ("英伟达、小米均上调指引。", "小米"),
])
def test_dictionary_word_in_a_name_position(text: str, name: str) -> None:
    from pipeline.extract.mentions import name_position

    start = text.index(name)
    names = [(text.index("英伟达"), text.index("英伟达") + 3)] if "英伟达" in text else []
    assert name_position(text, start, start + len(name), names)
    assert not plausible_name(name) and plausible_name(name, in_name_position=True)


@pytest.mark.parametrize(("text", "name"), [
    ("小米和玉米的价格今年都上涨了。", "小米"),
    ("一只蓝鲸的体长可达30米。", "蓝鲸"),
    ("电动汽车：规模效应开始显现。", "电动汽车"),
])
def test_dictionary_word_elsewhere_is_no_name(text: str, name: str) -> None:
    from pipeline.extract.mentions import name_position

    start = text.index(name)
    assert not name_position(text, start, start + len(name), [])


def test_name_position_never_rescues_generic_terms() -> None:
    assert not plausible_name("GPU", in_name_position=True) and not plausible_name("FY25", in_name_position=True)


def test_filter_keeps_a_dictionary_word_only_in_a_name_position() -> None:
    from pipeline.extract.mentions import filter_model_spans

    gazetteer = load_gazetteer()
    sentences = [(0, "客户包括蓝鲸。"), (7, "苹果的产量下降。"), (15, "海豚很大。"), (21, "能源紧张。")]
    spans = [[(4, 6, "ORG")], [(0, 2, "ORG")], [(0, 2, "ORG")], [(0, 2, "PERSON")]]
    kept, dropped = filter_model_spans(sentences, spans, gazetteer, set())
    assert [k.name for k in kept] == ["蓝鲸"]  # 苹果 is a gazetteer name
    assert {(d.name, why) for d, why in dropped} == {("苹果", "gazetteer"), ("海豚", "jieba word"),
                                                     ("能源", "jieba word")}
    sentences = [(0, "石榴发布新品。"), (7, "石榴扩产，石榴旗下的工厂满产。")]
    kept, _ = filter_model_spans(sentences, [[(0, 2, "ORG")], [(0, 2, "ORG"), (5, 7, "ORG")]], gazetteer, set())
    assert [k.start for k in kept] == [12]  # tagged three times, in a name position once


def test_a_phrase_of_common_words_counts_as_a_dictionary_word() -> None:
    from pipeline.extract.mentions import dictionary_word

    assert dictionary_word("芯片依赖") and dictionary_word("小米")
    assert not dictionary_word("澜岳科技") and not dictionary_word("蓝鲸科技")  # a rare part, a company ending


@pytest.mark.parametrize(("text", "expected"), [
    ("公司的收入增长较快。", False),  # 公司 opens the sentence: no name can end in it
    ("两家公司的收入增长较快。", True),  # a word before 公司 may be a name's stem
    ("蓝鲸科技的收入增长较快。", True),
    ("该业务由Lambda负责。", True),  # a capitalised Latin word
    ("收入增长较快，利润率提升。", False),
    ("主要客户包括石榴。", True),  # a link cue before a name position
    ("客户集中度较高。", False),  # a link sentence with nothing name-like
])
def test_ner_gate(text: str, expected: bool) -> None:
    from pipeline.extract.mentions import may_name_unknown
    from pipeline.segment.tokens import sentence_words

    norm = normalize(text)
    sentence = segment("t", norm).sentences[0]
    occupied = {i for m in gazetteer_matches(norm.text, load_gazetteer()) for i in range(m.start, m.end)}
    assert may_name_unknown(sentence_words(sentence.text), occupied, sentence) is expected


def test_ner_gate_loses_no_model_name_on_the_corpus() -> None:
    """Every name the model keeps when it reads every body sentence is still found behind the gate."""
    from pipeline.extract.mentions import filter_model_spans, may_name_unknown
    from pipeline.ingest.decode import decode_bytes
    from pipeline.models.ner import load_model, predict_spans_batch

    nlp, gazetteer = load_model(), load_gazetteer()
    for path in sorted(SEED.parent.glob("*.txt")):
        norm = normalize(decode_bytes(path.read_bytes()).text)
        seg = segment("t", norm)
        occupied = {i for m in gazetteer_matches(norm.text, gazetteer, seg.sentences) for i in range(m.start, m.end)}
        body = [(s, w) for s, w in zip(seg.sentences, seg.words, strict=True) if s.in_body]
        spans = predict_spans_batch(nlp, [w for _, w in body])
        kept, _ = filter_model_spans([(s.norm_start, s.text) for s, _ in body], spans, gazetteer, occupied)
        gated = {s.id for s, w in body if may_name_unknown(w, occupied, s)}
        by_start = {s.norm_start: s.id for s, _ in body}
        for span in kept:
            owner = max(start for start in by_start if start <= span.start)
            assert by_start[owner] in gated, (path.name, span.name)


def test_ner_gate_shortcut_answers_as_the_word_loop(monkeypatch) -> None:
    """The gate's early no (no link cue, no ASCII capital, no company ending in the text) is what the loop over
    the words says too, on every sentence of the corpus."""
    import re

    from pipeline.extract import mentions
    from pipeline.ingest.decode import decode_bytes

    gazetteer = load_gazetteer()
    cases = []
    for path in sorted(SEED.parent.glob("*.txt")):
        norm = normalize(decode_bytes(path.read_bytes()).text)
        seg = segment("t", norm)
        occupied = {i for m in gazetteer_matches(norm.text, gazetteer, seg.sentences) for i in range(m.start, m.end)}
        cases += [(w, occupied, s) for s, w in zip(seg.sentences, seg.words, strict=True)]
    with_shortcut = [mentions.may_name_unknown(*case) for case in cases]
    monkeypatch.setattr(mentions, "_NAME_HINT", re.compile(""))  # always a hint: the loop always runs
    assert [mentions.may_name_unknown(*case) for case in cases] == with_shortcut
    assert len(cases) > 300 and not all(with_shortcut) and any(with_shortcut)

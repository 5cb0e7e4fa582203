"""Relations on constructed sentences (enumeration, supplier, acquisition with figure, converses); seed threshold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import ExtractConfig, RunConfig
from pipeline.eval.score import canonical_triple
from pipeline.extract.relations import Local, sentence_links

SEED = Path(__file__).resolve().parents[2] / "corpus" / "coreweave_part1.txt"


def local(text: str, *names: tuple[str, str]) -> list[Local]:
    out = []
    for surface, entity_id in names:
        start = text.find(surface)
        assert start >= 0
        out.append(Local(start, start + len(surface), entity_id, "ORG"))
    return sorted(out, key=lambda m: m.start)


def triples(text: str, *names: tuple[str, str], main: str = "coreweave") -> set[tuple[str, str, str]]:
    return {(x.head, x.relation, x.tail) for x in sentence_links(text, local(text, *names), main, set(), "")}


def test_customer_enumeration_gives_one_relation_per_tail() -> None:
    text = "CoreWeave的主要客户是微软、OpenAI、Meta和Google等科技公司。"
    found = triples(text, ("CoreWeave", "coreweave"), ("微软", "microsoft"), ("OpenAI", "openai"),
                    ("Meta", "meta"), ("Google", "google"))
    assert found == {("coreweave", "customer", t) for t in ("microsoft", "openai", "meta", "google")}


def test_supplier_through_anaphora_and_purchase() -> None:
    text = "公司主要向Dell和Super Micro采购整机服务器。"
    found = triples(text, ("Dell", "dell"), ("Super Micro", "supermicro"))
    assert found == {("coreweave", "supplier", "dell"), ("coreweave", "supplier", "supermicro")}


def test_explicit_investor_direction() -> None:
    text = "英伟达宣布将向OpenAI投资最高1000亿美元。"
    assert triples(text, ("英伟达", "nvidia"), ("OpenAI", "openai"), main="nvidia") == {
        ("openai", "investor", "nvidia")}


def test_subsidiary_of_another_owner_is_vetoed() -> None:
    text = "腾讯云主要与阿里巴巴旗下的阿里云及华为云竞争。"
    mentions = local(text, ("腾讯云", "tencent-cloud"), ("阿里巴巴", "alibaba"), ("阿里云", "alibaba-cloud"),
                     ("华为云", "huawei-cloud"))
    links = sentence_links(text, mentions, "tencent", set(), "", parents={"huawei-cloud": "huawei"})
    found = {(x.head, x.relation, x.tail) for x in links}
    assert ("alibaba", "subsidiary", "alibaba-cloud") in found
    assert ("alibaba", "subsidiary", "huawei-cloud") not in found
    assert ("tencent-cloud", "competitor", "huawei-cloud") in found


@pytest.fixture(scope="module")
def constructed_run(tmp_path_factory):
    from pipeline.ingest.sources import Source
    from pipeline.process import process_source

    path = tmp_path_factory.mktemp("rel") / "acme.txt"
    path.write_text(
        "星辰科技深度研究\n\n"
        "CoreWeave的主要客户是微软和OpenAI。\n"
        "CoreWeave在2025年以90亿美元全资收购Core Scientific。\n"
        "CoreWeave也是Dell的重要客户之一,CoreWeave向Dell采购服务器。\n",
        encoding="utf-8",
    )
    config = RunConfig(extract=ExtractConfig(extractors=("mentions", "figures", "relations")))
    return process_source(Source(path, "acme"), config)


def test_acquisition_carries_its_figure(constructed_run) -> None:
    figures = {f.id: f.surface for f in constructed_run.tables["figures"]}
    acquired = [r for r in constructed_run.tables["relations"] if r.relation == "acquired"]
    assert [(r.head, r.tail) for r in acquired] == [("coreweave", "core-scientific")]
    assert figures[acquired[0].figure_id] == "90亿美元"


def test_no_converse_duplicates(constructed_run) -> None:
    relations = constructed_run.tables["relations"]
    keys = [canonical_triple(r.head, r.relation, r.tail) for r in relations]
    assert len(keys) == len(set(keys))
    assert ("dell", "customer", "coreweave") in keys
    raw = constructed_run.tables["documents"][0].raw_text
    for r in relations:
        assert r.start < r.end and raw[r.start : r.end].strip()


def test_seed_relation_threshold() -> None:
    from pipeline.eval.gold import load_gold
    from pipeline.eval.score import Report, score_relations
    from pipeline.ingest.sources import Source
    from pipeline.process import process_source

    config = RunConfig(extract=ExtractConfig(extractors=("mentions", "figures", "relations")))
    result = process_source(Source(SEED, "coreweave_part1"), config)
    report = Report()
    rows = [json.loads(r.model_dump_json()) for r in result.tables["relations"]]
    score_relations(load_gold(SEED.with_suffix(".gold.json")), rows, report)
    assert report.metrics["relations"].f1 >= 0.9


def test_the_author_is_never_the_head() -> None:
    text = "按青桐研究测算,前3家客户Meta和OpenAI可能贡献订单的8~9成。"
    mentions = local(text, ("青桐研究", "qingtong-research"), ("Meta", "meta"), ("OpenAI", "openai"))
    links = {(x.head, x.relation, x.tail)
             for x in sentence_links(text, mentions, "oracle", {"qingtong-research"}, "")}
    assert links and all(head == "oracle" for head, _, _ in links)


def _cue_chars() -> str:
    from pipeline.extract.relations import lexicon

    return "".join(sorted({c for words in lexicon()["cues"].values() for w in words for c in w})) + "x，"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_cue_chars(), max_size=20))
def test_cue_gate_only_skips_sentences_without_a_cue_word(text: str) -> None:
    from pipeline.extract.relations import _cue_words, cue_positions

    assert bool(cue_positions(text)) == any(word in text for word, _ in _cue_words())


# One template per relation pattern of cues.yaml, in its order (explicit, then tail-only).
PATTERN_SHAPES = [
    "〔0〕旗下的〔1〕", "〔0〕子公司〔1〕", "〔1〕是〔0〕的客户", "〔1〕为〔0〕的供应商", "〔1〕向〔0〕投资", "〔1〕持有〔0〕",
    "〔0〕收购〔1〕", "〔1〕被〔0〕收购", "〔0〕最终需求是〔1〕", "〔0〕满足〔1〕的需求",
    "由〔0〕供应", "采购自〔0〕", "向〔0〕租用", "订单转向〔0〕", "以〔0〕为主", "〔0〕订购", "向〔0〕出货", "收入来自〔0〕",
    "全资子公司〔0〕", "与〔0〕竞争", "〔0〕将其收购",
]


def test_every_pattern_has_a_shape_and_its_gate_finds_it() -> None:
    from pipeline.extract.relations import _any_pattern, compiled_patterns

    explicit, tail_only = compiled_patterns()
    for (_, pattern), shape in zip(explicit + tail_only, PATTERN_SHAPES, strict=True):
        assert pattern.search(shape), (pattern.pattern, shape)
    for gate, patterns in zip(_any_pattern(), compiled_patterns(), strict=True):
        for shape in PATTERN_SHAPES:
            assert bool(gate.search(shape)) == any(p.search(shape) for _, p in patterns), shape


def _pattern_pieces() -> list[str]:
    """The words the relation patterns are made of, placeholders and separators."""
    import re

    from pipeline.extract.relations import lexicon

    patterns = [p["pattern"] for p in lexicon()["explicit"] + lexicon()["tail_only"]]
    words = {w for p in patterns for w in re.findall(r"[\u4e00-\u9fff]+", p)}
    return sorted(words) + ["〔0〕", "〔1〕", "〔2〕", "，", "。", "x", "的"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_pattern_pieces()), max_size=8))
def test_pattern_gate_matches_exactly_when_a_pattern_does(pieces: list[str]) -> None:
    from pipeline.extract.relations import _any_pattern, compiled_patterns

    shape = "".join(pieces)
    for gate, patterns in zip(_any_pattern(), compiled_patterns(), strict=True):
        assert bool(gate.search(shape)) == any(p.search(shape) for _, p in patterns)


def test_given_cues_are_used_instead_of_a_new_lookup() -> None:
    text = "微软是其客户。"
    mentions = local(text, ("微软", "microsoft"))
    assert {x.relation for x in sentence_links(text, mentions, "coreweave", set(), "")} == {"customer"}
    assert sentence_links(text, mentions, "coreweave", set(), "", cues=[]) == []
    assert sentence_links("公司的客户很多。", [], "coreweave", set(), "") == []

"""Segment on the seed: the foundation's done-when checks through ingest → normalize → segment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.config import RunConfig
from pipeline.ingest.sources import Source
from pipeline.process import process_source

PINYIN = re.compile(r"\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zü]+\)")


@pytest.fixture(scope="module")
def seed_tables(seed_path: Path) -> dict:
    config = RunConfig().model_copy(update={"extract": RunConfig().extract.model_copy(update={"extractors": ()})})
    result = process_source(Source(seed_path, "coreweave_part1"), config)
    assert result.error is None, result.error
    return result.tables


def test_title_and_body(seed_tables: dict) -> None:
    document = seed_tables["documents"][0]
    assert document.title == "CoreWeave:英伟达“干儿子”真能子凭父贵?"
    assert document.script == "traditional"
    body_text = "".join(document.raw_text[s:e] for s, e in document.body)
    for furniture in ("訂閱", "發表評論", "發表評(píng)論", "免責聲明", "免責(zé)聲明", "原文標題", "原文標(biāo)題"):
        assert furniture not in body_text


def test_body_sentences_are_clean(seed_tables: dict) -> None:
    body = [s for s in seed_tables["sentences"] if s.in_body]
    assert len(body) > 100
    for sentence in body:
        assert not PINYIN.search(sentence.text), sentence.text
        assert "ldquo;" not in sentence.text and "/strong>" not in sentence.text


def test_every_sentence_slice_contains_its_source(seed_tables: dict) -> None:
    document = seed_tables["documents"][0]
    for sentence in seed_tables["sentences"]:
        raw = document.raw_text[sentence.start : sentence.end]
        assert raw and raw == raw.strip()
        assert document.text[sentence.norm_start : sentence.norm_end] == sentence.text
        # the raw slice, cleaned of converter pinyin, has the same length class as the normalized text
        assert len(PINYIN.sub("", raw)) >= len(sentence.text) - sentence.text.count("\ufffd") - 2


def test_sections_of_the_seed(seed_tables: dict) -> None:
    sections = seed_tables["sections"]
    top = [s.heading for s in sections if s.level == 1]
    assert top[0] == "看待云计算商业模式的一种视角"
    markers = [s.marker for s in sections]
    assert {"一、", "1.1、", "1.2、", "1)", "a."} <= set(markers)
    document = seed_tables["documents"][0]
    for section in sections:
        assert document.raw_text[section.start : section.end].strip()

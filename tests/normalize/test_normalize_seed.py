"""normalize() on the seed article and the corpus: artefacts gone, title, body, gold spans round-trip."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from pipeline.ingest.decode import decode_bytes
from pipeline.normalize import NormalizedText, normalize
from pipeline.normalize.script import converter

SEED = Path(__file__).resolve().parents[2] / "corpus" / "coreweave_part1.txt"
CORPUS = Path(__file__).resolve().parents[2] / "corpus"
TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
PINYIN_RE = re.compile(rf"\((?=[a-zü]*[{TONE}])[a-zü{TONE}]+\)")  # as in shared/corpus/validate_gold.py


@cache
def seed() -> NormalizedText:
    return normalize(SEED.read_text(encoding="utf-8"))


def body_text(result: NormalizedText) -> str:
    pieces = []
    for start, end in result.body:
        norm_start, norm_end = result.alignment.to_norm(start, end)
        pieces.append(result.text[norm_start:norm_end])
    return "\n".join(pieces)


def test_seed_has_no_artefacts_left_in_the_body() -> None:
    body = body_text(seed())
    assert not PINYIN_RE.search(body)
    for artefact in ("ldquo;", "/strong>", "<strong>", "\xa0", "斫庖幌翧", "倷C"):
        assert artefact not in body
    assert "来尝试\ufffd解一下AI时代" in body and "分\ufffd机房" in body


def test_seed_title_and_body_bounds() -> None:
    result = seed()
    assert result.title == "CoreWeave:英伟达“干儿子”真能子凭父贵?"
    assert result.title_span == (18, 47)
    assert result.raw_text[slice(*result.title_span)] == "CoreWeave:英偉達(dá)“干兒子”真能子憑父貴?"
    assert result.body == ((18, 11369),)
    assert result.raw_text[11369:].startswith("<正文結(jié)束>")
    body = body_text(result)
    for furniture in ("订阅", "纠错", "加入自媒体", "发表评论", "免责声明", "原文标题", "END", "转载"):
        assert furniture not in body


def test_seed_script_corrupt_spans_and_counts() -> None:
    result = seed()
    assert result.script == "traditional"
    assert result.corrupt and all(
        "\ufffd" in result.text[s:e] or "е潞" in result.text[s:e] for s, e in result.corrupt
    )
    assert result.quality["pinyin_annotations_removed"] > 900
    assert result.quality["mojibake_runs_repaired"] == 4
    assert result.quality["furniture_chars"] == len(result.raw_text) - (11369 - 18)


def gold_cases() -> list[tuple[str, Path]]:
    cases = [("seed", SEED)]
    cases += [(path.stem, path) for path in sorted(CORPUS.glob("*.txt"))]
    return cases


@pytest.mark.parametrize(("name", "path"), gold_cases(), ids=[name for name, _ in gold_cases()])
def test_gold_spans_round_trip(name: str, path: Path) -> None:
    raw = decode_bytes(path.read_bytes()).text
    gold = json.loads(path.with_name(path.stem + ".gold.json").read_text(encoding="utf-8"))
    result = seed() if name == "seed" else normalize(raw)
    assert result.raw_text == raw
    assert result.script == gold["script"]
    spans = [(f["start"], f["end"]) for f in gold["figures"]]
    spans += [tuple(m) for entity in gold["entities"] for m in entity["mentions"]]
    t2s = converter("t2s")
    for start, end in spans:
        norm_start, norm_end = result.alignment.to_norm(start, end)
        assert result.alignment.to_raw(norm_start, norm_end) == (start, end)
        assert result.text[norm_start:norm_end] == t2s.convert(PINYIN_RE.sub("", raw[start:end]))
    for figure in gold["figures"]:
        assert any(s <= figure["start"] and figure["end"] <= e for s, e in result.body), figure["surface"]

"""Script detection and OpenCC conversion with alignment (including tw2sp phrase rewrites)."""

from __future__ import annotations

import pytest

from pipeline.normalize.script import convert_to_simplified, converter, detect_script


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("這是繁體中文的句子,英偉達的客戶集中度很高。", "traditional"),
        ("这是简体中文的句子,英伟达的客户集中度很高。", "simplified"),
        ("這是繁體中文的句子,英偉達的客戶。这是简体中文的句子,英伟达的客户。", "mixed"),
        ("CoreWeave 2024 revenue", "simplified"),
        # a char-level s2t conversion leaves one-to-many characters simplified: still traditional
        ("隨著AI中GPU含量的加大,美國早已寡頭的云服務行業,開始冒出一堆新興云公司。", "traditional"),
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script


def test_t2s_is_length_preserving_and_identity_aligned() -> None:
    text, alignment, counts = convert_to_simplified("英偉達“干兒子”真能子憑父貴?\n雲服務", "t2s")
    assert text == "英伟达“干儿子”真能子凭父贵?\n云服务"
    assert alignment.is_identity()
    assert counts["script_chars_converted"] == 7


def test_simplified_text_is_unchanged() -> None:
    raw = "英伟达的客户集中度很高。"
    text, alignment, counts = convert_to_simplified(raw, "t2s")
    assert text == raw and alignment.is_identity() and counts["script_chars_converted"] == 0


def test_tw2sp_phrase_rewrites_keep_an_alignment() -> None:
    raw = "我們用乙太網路連線\n英偉達"
    text, alignment, _ = convert_to_simplified(raw, "tw2sp")
    assert text == "我们用以太网连接\n英伟达"
    assert len(alignment) == len(text) and alignment.raw_len == len(raw)
    assert raw[slice(*alignment.to_raw(0, 3))] == "我們用"
    assert raw[slice(*alignment.to_raw(text.index("英"), len(text)))] == "英偉達"
    assert alignment.to_raw(3, 6) == (3, 6)  # 以太网 <- 乙太網; the dropped 路 joins spans that cross it
    assert alignment.to_raw(3, 8) == (3, 9)


def test_converters_are_cached() -> None:
    assert converter("hk2s") is converter("hk2s")

"""GBK mojibake repair: shifted runs are re-decoded when plausible, marked corrupt otherwise, clean text untouched."""

from __future__ import annotations

import pytest

from pipeline.normalize.mojibake import repair_gbk_mojibake, shifted_decode
from pipeline.normalize.pinyin import LOST_CHAR

L = LOST_CHAR


def garble(text: str, lost: str = "理") -> str:
    """What a slip does to ``text`` when the character before it lost its lead byte."""
    return (lost.encode("gbk")[1:] + text.encode("gbk")).decode("gbk", errors="replace")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (f"來嘗試{L}斫庖幌翧I時代", f"來嘗試{L}解一下AI時代"),
        (f"分{L}倷C房建設", f"分{L}機房建設"),
        (f"傳輸{L}热允谴嬖谝欢ㄐ袠I,", f"傳輸{L}仍是存在一定行業,"),
        (f"相當{L}募\ue20b?。在", f"相當{L}集{L}。在"),
        ("來嘗試?斫庖幌翧I時代", f"來嘗試{L}解一下AI時代"),
    ],
)
def test_shifted_runs_are_repaired(raw: str, expected: str) -> None:
    text, alignment, counts, corrupt = repair_gbk_mojibake(raw)
    assert text == expected
    assert counts["mojibake_runs_repaired"] == 1
    assert [text[s:e] for s, e in corrupt] == [L] * expected.count(L)
    assert alignment.to_raw(0, len(text)) == (0, len(raw))


def test_repaired_run_maps_to_the_garbled_raw_run() -> None:
    raw = f"試{L}斫庖幌翧I時"
    text, alignment, _, _ = repair_gbk_mojibake(raw)
    start = text.index("解")
    assert raw[slice(*alignment.to_raw(start, start + 4))] == "斫庖幌翧"


@pytest.mark.parametrize(
    ("original", "lost", "seen"),
    [
        ("解一下AI", "理", "斫庖幌翧I"),
        ("機房", "攤", "倷C房"),
        ("仍是存在一定行業", "等", "热允谴嬖谝欢ㄐ袠I"),
    ],
)
def test_slip_model_matches_the_seed_and_round_trips(original: str, lost: str, seen: str) -> None:
    assert garble(original, lost) == seen
    end, repaired = shifted_decode("?" + seen, 1)
    assert repaired + seen[end - 1 :] == original


def test_unrepairable_run_after_a_lost_character_is_corrupt() -> None:
    raw = f"權區或{L}е潞k嘌芯考埃\ue1f0蚱涓綄俟\ue088净蚵{L}屬公司須遵守該司法"
    text, _, counts, corrupt = repair_gbk_mojibake(raw)
    assert text == raw
    assert counts == {"mojibake_runs_repaired": 0, "mojibake_runs_corrupt": 1}
    assert [text[s:e] for s, e in corrupt] == [f"{L}е潞k嘌芯考埃\ue1f0蚱涓綄俟\ue088净蚵{L}"]


@pytest.mark.parametrize(
    "raw",
    [
        "CoreWeave:英偉達“干兒子”真能子憑父貴?\n\n隨著AI中GPU含量的加大,25年美國早已寡頭的云服務行業",
        "從議價能力上又是否出色?簡單來說,并不好。首先三家最大的運營商占比就有8~9成",
        "海豚君以新云之一CoreWeave來作為研究對象,來嘗試理解一下AI時代,基礎云服務的生意模式",
        "这是为什么?我们认为公司的护城河并不深,估值已经反映了大部分增长预期。",
        "營收增長了多少?答案是62%,主要來自微軟?OpenAI?還是Meta?",
        "問題?“看得見摸得著”的部分",
        "嗎?",
        "?",
    ],
)
def test_clean_text_is_never_changed(raw: str) -> None:
    text, alignment, counts, corrupt = repair_gbk_mojibake(raw)
    assert text == raw and alignment.is_identity() and corrupt == []
    assert counts == {"mojibake_runs_repaired": 0, "mojibake_runs_corrupt": 0}


def test_lost_character_before_plain_text_is_a_one_character_corrupt_span() -> None:
    _, _, counts, corrupt = repair_gbk_mojibake(f"落地{L}{L}據中心的工程能力")
    assert corrupt == [(2, 4)] and counts["mojibake_runs_corrupt"] == 1

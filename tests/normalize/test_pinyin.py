"""strip_pinyin_annotations: converter annotations go, real parentheses stay."""

from __future__ import annotations

import pytest

from pipeline.normalize.pinyin import LOST_CHAR, strip_pinyin_annotations


@pytest.mark.parametrize(
    ("raw", "expected", "annotations"),
    [
        ("錯(cuò)", "錯", 1),
        ("來(lái)自O(shè)penAI", "來自OpenAI", 2),
        ("英偉達(dá)的", "英偉達的", 1),
        ("萬(wàn)張GPU", "萬張GPU", 1),
        ("開(kāi)頭(tóu)(tou)", "開頭(tou)", 2),
    ],
)
def test_annotations_are_removed(raw: str, expected: str, annotations: int) -> None:
    text, alignment, counts = strip_pinyin_annotations(raw)
    assert text == expected
    assert counts["pinyin_annotations_removed"] == annotations
    assert alignment.to_raw(0, len(text)) == (0, len(raw))


def test_annotated_character_keeps_its_annotation_in_its_raw_image() -> None:
    raw = "英偉達(dá)說"
    _, alignment, _ = strip_pinyin_annotations(raw)
    assert raw[slice(*alignment.to_raw(0, 3))] == "英偉達(dá)"
    assert alignment.to_norm(0, 2) == (0, 2)
    assert alignment.to_norm(7, 8) == (3, 4)


@pytest.mark.parametrize("raw", ["嘗試?yán)斫庖幌", "落地?cái)?shù)據(jù)", "傳輸?(shù)熱"])
def test_question_mark_with_annotation_is_a_lost_character(raw: str) -> None:
    text, _, counts = strip_pinyin_annotations(raw)
    assert "?" not in text and LOST_CHAR in text
    assert counts["lost_chars_marked"] == text.count(LOST_CHAR)


@pytest.mark.parametrize(
    "raw",
    [
        "均不得(i)以任何方式製作,及/或(ii)直接",
        "(微軟CEO Nadella…)",
        "(GPU/CPU)",
        "(abc)",
        "(Yán)",
        "真能子憑父貴?\n",
        "pinyin yán) alone",
        "",
    ],
)
def test_never_touches_real_parentheses(raw: str) -> None:
    text, alignment, counts = strip_pinyin_annotations(raw)
    assert text == raw
    assert alignment.is_identity()
    assert counts == {"pinyin_annotations_removed": 0, "lost_chars_marked": 0}

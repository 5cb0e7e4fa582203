"""fold_fullwidth: digits, letters and number punctuation fold; sentence punctuation stays."""

from __future__ import annotations

from pipeline.normalize.fullwidth import fold_fullwidth


def test_digits_letters_and_number_punctuation_fold() -> None:
    text, alignment, counts = fold_fullwidth("ＡＩ收入１２．５億，增長３～５％")
    assert text == "AI收入12.5億，增長3~5%"
    assert counts["fullwidth_folded"] == 10
    assert alignment.is_identity()


def test_comma_and_colon_fold_only_between_digits() -> None:
    assert fold_fullwidth("１，０００元，１０：３０開會：")[0] == "1,000元，10:30開會："


def test_sentence_punctuation_stays() -> None:
    raw = "真的嗎？是的！（注）一，二；三。"
    text, _, counts = fold_fullwidth(raw)
    assert text == raw and counts["fullwidth_folded"] == 0


def test_ideographic_space_becomes_space() -> None:
    assert fold_fullwidth("標題\u3000正文")[0] == "標題 正文"

"""Numeral grammar: spans and exact values (pipeline/extract/numbers.py)."""

from decimal import Decimal

import pytest

from pipeline.extract.numbers import find_numerals, fold_text, resolve_numeral


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一百二十三", "123"),
        ("两千五百万", "25000000"),
        ("三十万多亿", "30000000000000"),
        ("3千万", "30000000"),
        ("1.2万亿", "1200000000000"),
        ("1,100.9亿", "110090000000"),
        ("壹贰叁", "123"),
        ("壹佰贰拾叁", "123"),
        ("肆仟零伍", "4005"),
        ("两千零三十", "2030"),
        ("二〇二五", "2025"),
        ("一万三", "13000"),
        ("百三", "130"),
        ("五亿零六", "500000006"),
        ("十一点五亿", "1150000000"),
        ("四千五百六十九万八千三百一十一亿四千八百七十二万五千三百八十二", "4569831148725382"),
        ("9999999999999999999亿", "999999999999999999900000000"),
        ("1.10261万", "11026.1"),
    ],
)
def test_resolve_is_exact(text: str, value: str) -> None:
    resolved = resolve_numeral(text)
    assert resolved is not None
    assert resolved[0] == Decimal(value)


def test_more_marker_is_reported() -> None:
    value, more, _, _ = resolve_numeral("十多亿") or (None, None, None, None)
    assert value == Decimal(1000000000) and more


@pytest.mark.parametrize("text", ["万万", "十百", "一二三百", ""])
def test_ill_formed_numerals_do_not_resolve(text: str) -> None:
    assert resolve_numeral(text) is None


def test_fold_keeps_length_and_folds_traditional_and_full_width() -> None:
    raw = "２０２５年營收１２．５億美元，兩家"
    folded = fold_text(raw)
    assert len(folded) == len(raw)
    assert folded.startswith("2025年") and "12.5亿美元,两家" in folded


def test_two_point_two_is_two_numerals() -> None:
    spans = [(n.start, n.end, n.value) for n in find_numerals("两百点两")]
    assert spans == [(0, 2, Decimal(200)), (3, 4, Decimal(2))]


def test_approximate_pair_gives_a_range() -> None:
    numeral = find_numerals("三四万")[0]
    assert (numeral.value, numeral.high) == (Decimal(30000), Decimal(40000))


def test_stray_commas_and_dots_split_numbers() -> None:
    assert [n.value for n in find_numerals("2023,2024")] == [Decimal(2023), Decimal(2024)]
    assert [n.value for n in find_numerals("1.2.3")] == [Decimal(1), Decimal(2), Decimal(3)]

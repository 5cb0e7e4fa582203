"""The cheap gates and caches of the quantity, numeral and period finders give the same answers as the full scans."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.numbers import find_numerals, load_resource
from pipeline.extract.periods import _grammar, find_periods
from pipeline.extract.quantities import _first_chars, _gated, _units, find_quantities

STOPWORDS = load_resource("stopwords")["not_quantities"]
STOPWORD_CHARS = "".join(sorted({c for w in STOPWORDS for c in w if ord(c) > 0x2E7F})) + "0123456789x，"
PERIOD_CHARS = "0123456789年度季第一二三四上下半前财会计政QHFY '~-和至初底"


@pytest.mark.parametrize(
    ("pattern", "first"),
    [
        ("一些", "一"),
        ("[一二三四]季度", "一二三四"),
        ("十分(?!钟|秒)", "十"),
        ("一+", "一"),
        ("一些|某些", None),  # two starts
        ("一?些", None),  # the first character is optional
        ("一*些", None),
        ("一{0,1}些", None),
        ("(?:一|二)些", None),
        ("[^一]些", None),
        ("[一-九]些", None),
        ("\\d个", None),
        (".个", None),
        ("", None),
    ],
)
def test_first_chars_only_when_evident(pattern: str, first: str | None) -> None:
    assert _first_chars(pattern) == first


def test_gate_falls_back_to_the_plain_alternation_when_a_start_is_unknown() -> None:
    assert _gated(["一些", "(?:某)些"]).pattern == "(?:一些)|(?:(?:某)些)"
    assert _gated(["一些", "[二三]成"]).pattern.startswith("(?=[")


def test_stopword_pattern_is_gated() -> None:
    """The shipped stopword list opens every entry with evident characters; if not, the gate is lost silently."""
    assert _units().stopword_re.pattern.startswith("(?=[")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=STOPWORD_CHARS, max_size=30))
def test_gated_stopwords_match_like_the_plain_alternation(text: str) -> None:
    plain = re.compile("|".join(f"(?:{w})" for w in STOPWORDS))
    assert [m.span() for m in _units().stopword_re.finditer(text)] == [m.span() for m in plain.finditer(text)]


def _periods_without_gates(text: str) -> list[tuple[int, int, str]]:
    from pipeline.extract.numbers import fold_text

    folded = fold_text(text)
    found = []
    for pattern, _needs, build in _grammar().patterns:
        for match in pattern.finditer(folded):
            value = build(match)
            if value is not None:
                found.append((match.start(), match.end(), value))
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    kept: list[tuple[int, int, str]] = []
    for item in found:
        if not kept or item[0] >= kept[-1][1]:
            kept.append(item)
    return kept


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=PERIOD_CHARS, max_size=24))
def test_period_patterns_skipped_by_literal_find_what_every_pattern_finds(text: str) -> None:
    assert [(p.start, p.end, p.value) for p in find_periods(text)] == _periods_without_gates(text)


def test_cached_run_keeps_each_occurrence_offsets_and_letter_scale() -> None:
    text = "10bn和10,另10"
    second, third = text.index("10", 2), text.rindex("10")
    numerals = find_numerals(text)
    assert [(n.start, n.end, n.value) for n in numerals] == [
        (0, len("10bn"), Decimal("1e10")), (second, second + 2, 10), (third, third + 2, 10)
    ]
    assert [(n.start, n.end, n.value) for n in find_numerals("x10")] == [(1, 3, 10)]


def test_sentence_without_candidates_skips_the_filters() -> None:
    assert find_quantities("没有任何数字的句子，见 https://example.com") == []
    url = find_quantities("报告见 https://example.com/2025 营收10亿元")
    assert [q.surface for q in url] == ["10亿元"]


def _wordset_alphabet() -> str:
    units = _units()
    words = list(units.suffix_table) + list(units.currency_prefixes) + list(units.prefix_hedges)
    return "".join(sorted({c for w in words for c in w})) + "1x"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_wordset_alphabet(), max_size=12), st.integers(-2, 14), st.integers(-1, 6))
def test_word_lookup_gates_agree_with_the_regexes(text: str, pos: int, floor: int) -> None:
    from copy import copy

    units = _units()
    for words in (units.suffix_words, units.currency_prefix_words, units.prefix_hedge_words):
        ungated = copy(words)
        ungated._firsts = ungated._lasts = None
        assert words.starting_at(text, pos) == ungated.starting_at(text, pos)
        assert words.ending_at(text, pos, floor) == ungated.ending_at(text, pos, floor)


def _fold_alphabet() -> str:
    from pipeline.extract.numbers import _fold_table

    keys = sorted(_fold_table())
    return "".join(chr(cp) for cp in keys[:: max(1, len(keys) // 40)]) + "营收1,，。 a"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_fold_alphabet(), max_size=20))
def test_fold_skips_translate_only_when_nothing_folds(text: str) -> None:
    from pipeline.extract.numbers import _fold_table, fold_text

    assert fold_text(text) == text.translate(_fold_table())

"""Period parser (pipeline/extract/periods.py)."""

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.periods import find_periods


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [
        ("2024财年CoreWeave", "2024财年", "FY2024"),
        ("2024財年營收", "2024財年", "FY2024"),
        ("FY24收入", "FY24", "FY2024"),
        ("FY2024", "FY2024", "FY2024"),
        ("在3Q25披露", "3Q25", "2025Q3"),
        ("25Q3业绩", "25Q3", "2025Q3"),
        ("2025年第三季度", "2025年第三季度", "2025Q3"),
        ("Q3 2025 results", "Q3 2025", "2025Q3"),
        ("2025年上半年", "2025年上半年", "2025H1"),
        ("H1 2025", "H1 2025", "2025H1"),
        ("1H25净利", "1H25", "2025H1"),
        ("在23和24年,僅3家", "23和24年", "2023-2024"),
        ("23~24年占据", "23~24年", "2023-2024"),
        ("2022~24年初", "2022~24年初", "2022-2024"),
        ("截至24年", "24年", "2024"),
        ("2025年收购", "2025年", "2025"),
        ("25年美國", "25年", "2025"),
        ("２０２５年", "２０２５年", "2025"),
        ("2025年前三季度", "2025年前三季度", "2025Q1-2025Q3"),
    ],
)
def test_period_values(text: str, surface: str, value: str) -> None:
    periods = find_periods(text)
    assert [(p.surface, p.value) for p in periods] == [(surface, value)]
    assert text[periods[0].start : periods[0].end] == surface


@pytest.mark.parametrize("text", ["3~5年后", "过去10年", "10~20年", "1~3年不等", "未来25年内", "H100", "A2025年"])
def test_durations_and_codes_are_not_periods(text: str) -> None:
    assert find_periods(text) == []


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="0123456789年财FYQH上下半第三季度~和 至-", max_size=40))
def test_periods_are_grounded_sorted_and_disjoint(text: str) -> None:
    periods = find_periods(text)
    for period in periods:
        assert text[period.start : period.end] == period.surface
    for first, second in pairwise(periods):
        assert first.end <= second.start

"""Period parser: fiscal years, quarters, halves, years and year ranges, normalised like GOLD_FORMAT.

Values: FY2024, 2025Q3, 2025H1, 2025, 2023-2024, 2025Q1-2025Q3. Lexicon: resources/quantities/periods.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from pipeline.extract.numbers import fold_text, load_resource


@dataclass(frozen=True)
class Period:
    start: int
    end: int
    surface: str
    value: str


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _year(text: str) -> int:
    """Four-digit years as written; two-digit years 00-69 are 20xx, 70-99 are 19xx."""
    if len(text) == 4:
        return int(text)
    value = int(text)
    return 2000 + value if value < 70 else 1900 + value


_TWO_DIGITS = re.compile(r"\d\d")
_Y = r"(?<![\dA-Za-z.])(?P<y>(?:19|20)\d\d|\d\d)(?!\d)"
_Y_AFTER = r"(?P<y>(?:19|20)\d\d|\d\d)(?!\d)"


class _Grammar:
    """Period patterns in priority order; each comes with the function that builds its value."""

    def __init__(self) -> None:
        data = load_resource("periods")
        self.data = data
        fiscal = _alternation(data["fiscal_year_words"])
        quarters = _alternation(list(data["quarters"]))
        halves = _alternation(list(data["halves"]))
        connectors = _alternation(data["year_range_connectors"])
        edges = _alternation(data["year_edge_words"])
        fiscal_needs = "年" if all("年" in w for w in data["fiscal_year_words"]) else ""
        # (pattern, literal every match contains, value builder): a pattern whose literal is absent is skipped
        self.patterns: list[tuple[re.Pattern[str], str, Callable[[re.Match[str]], str | None]]] = [
            (re.compile(rf"(?<![A-Za-z])FY ?'?{_Y_AFTER}"), "FY", lambda m: f"FY{_year(m['y'])}"),
            (re.compile(rf"{_Y} ?(?:年度?)?(?:{fiscal})"), fiscal_needs, lambda m: f"FY{_year(m['y'])}"),
            (re.compile(rf"(?<![\dA-Za-z])(?P<q>[1-4])Q{_Y_AFTER}"), "Q", lambda m: f"{_year(m['y'])}Q{m['q']}"),
            (re.compile(rf"{_Y}Q(?P<q>[1-4])(?!\d)"), "Q", lambda m: f"{_year(m['y'])}Q{m['q']}"),
            (re.compile(rf"(?<![A-Za-z])Q(?P<q>[1-4])(?: ?'| ){_Y_AFTER}"), "Q",
             lambda m: f"{_year(m['y'])}Q{m['q']}"),
            (re.compile(rf"{_Y} ?年 ?Q(?P<q>[1-4])(?!\d)"), "Q", lambda m: f"{_year(m['y'])}Q{m['q']}"),
            (re.compile(rf"{_Y} ?年(?:的)?(?P<qw>{quarters})"), "年", self._quarter_words),
            (re.compile(rf"(?<![\dA-Za-z])(?P<h>[12])H{_Y_AFTER}"), "H", lambda m: f"{_year(m['y'])}H{m['h']}"),
            (re.compile(rf"(?<![A-Za-z])H(?P<h>[12])(?: ?'| ){_Y_AFTER}"), "H",
             lambda m: f"{_year(m['y'])}H{m['h']}"),
            (re.compile(rf"{_Y}H(?P<h>[12])(?!\d)"), "H", lambda m: f"{_year(m['y'])}H{m['h']}"),
            (re.compile(rf"{_Y} ?年(?P<hw>{halves})"), "年", lambda m: f"{_year(m['y'])}{data['halves'][m['hw']]}"),
            (
                re.compile(
                    rf"(?<![\dA-Za-z.])(?P<a>(?:19|20)\d\d|\d\d)(?!\d)年?(?:{connectors})"
                    rf"(?P<b>(?:19|20)\d\d|\d\d)(?!\d)年(?:{edges})?"
                ),
                "年",
                self._year_range,
            ),
            (re.compile(r"(?<![\dA-Za-z.])(?P<cy>[〇零一二三四五六七八九]{4})年"), "年", self._chinese_year),
            (re.compile(rf"(?<![\dA-Za-z.])(?P<y>(?:19|20)\d\d)(?!\d) ?年(?:{edges})?"), "年",
             lambda m: str(int(m["y"]))),
            (re.compile(rf"(?<![\dA-Za-z.])(?P<y>\d\d)(?!\d)年(?P<edge>{edges})?"), "年", self._two_digit_year),
        ]
        self.before = sorted(data["duration_markers_before"], key=len, reverse=True)
        self.after = sorted(data["duration_markers_after"], key=len, reverse=True)
        self.low, self.high = data["two_digit_year_range"]
        self.range_tail = re.compile(rf"\d ?(?:{connectors})$")

    def _quarter_words(self, match: re.Match[str]) -> str:
        year = _year(match["y"])
        quarter = self.data["quarters"][match["qw"]]
        if "-" in quarter:
            first, last = quarter.split("-")
            return f"{year}{first}-{year}{last}"
        return f"{year}{quarter}"

    def _year_range(self, match: re.Match[str]) -> str | None:
        a, b = match["a"], match["b"]
        if len(a) == 2 and len(b) == 2:
            if not (self.low <= int(a) <= self.high and 0 < int(b) - int(a) <= self.data["max_two_digit_year_gap"]):
                return None
        elif len(b) == 2 and len(a) == 4:
            if not 0 < _year(b) - int(a) <= self.data["max_two_digit_year_gap"]:
                return None
        elif len(a) == 4 and len(b) == 4:
            if not (a[:2] in ("19", "20") and 0 < int(b) - int(a) <= self.data["max_four_digit_year_gap"]):
                return None
        else:
            return None
        return f"{_year(a)}-{_year(b)}"

    def _chinese_year(self, match: re.Match[str]) -> str | None:
        digits = load_resource("numerals")["digits"]
        year = "".join(str(digits[ch]) for ch in match["cy"])
        return year if year[:2] in ("19", "20") else None

    def _two_digit_year(self, match: re.Match[str]) -> str | None:
        value = int(match["y"])
        if not self.low <= value <= self.high:
            return None
        text = match.string
        head = text[max(0, match.start() - 4) : match.start()]
        tail = text[match.end() : match.end() + 4]
        if self.range_tail.search(head):
            return None  # the upper end of a range that is not a year range (10~20年)
        if any(head.endswith(w) for w in self.before) or (match["edge"] is None and any(tail.startswith(w) for w in self.after)):
            return None
        return str(_year(match["y"]))


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    return _Grammar()


def find_periods(text: str) -> list[Period]:
    """Every period expression in `text` (raw or normalised), sorted and non-overlapping; longer wins."""
    folded = fold_text(text)
    if "年" not in folded and not _TWO_DIGITS.search(folded):
        return []  # every pattern needs two digits in a row, except a Chinese-numeral year, which needs 年
    found: list[tuple[int, int, str]] = []
    for pattern, needs, build in _grammar().patterns:
        if needs not in folded:
            continue
        for match in pattern.finditer(folded):
            value = build(match)
            if value is not None:
                found.append((match.start(), match.end(), value))
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    periods: list[Period] = []
    for start, end, value in found:
        if periods and start < periods[-1].end:
            continue
        periods.append(Period(start, end, text[start:end], value))
    return periods

"""Quantity finder: money, percentages, shares, counts, durations and multiples with exact values.

Numerals come from the numeral grammar (numbers.py); this module extends each one with the prefixes and
suffixes of resources/quantities/units.yaml, joins ranges, reads hedges (hedges.yaml) into a qualifier and
drops what is not a quantity (years, ordinals, list markers, words such as 一些). Values stay exact Decimals.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from decimal import Decimal, localcontext
from functools import lru_cache

from pipeline.extract.numbers import Numeral, find_numerals, fold_text, load_resource
from pipeline.extract.periods import find_periods

_FRACTION_PRECISION = 28
_CLAUSE_END = "，,。；;！!？?\n"


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    surface: str
    kind: str
    low: Decimal
    high: Decimal
    unit: str
    qualifier: str
    hedge_span: tuple[int, int] | None
    change: str


@dataclass(frozen=True)
class _Candidate:
    """A quantity in compressed-text coordinates, before hedges and filters."""

    start: int
    end: int
    low: Decimal
    high: Decimal
    kind: str = "number"
    unit: str = ""
    factor: Decimal = Decimal(1)
    scale: Decimal = Decimal(1)
    more: bool = False
    ordinal: bool = False
    word_like: bool = False
    explicit_unit: bool = False


def _is_cjk(ch: str) -> bool:
    return ord(ch) > 0x2E7F


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _longest(words: list[str]) -> list[str]:
    return sorted(words, key=len, reverse=True)


class _Units:
    """Compiled view of units.yaml, hedges.yaml and stopwords.yaml."""

    def __init__(self) -> None:
        units = load_resource("units")
        hedges = load_resource("hedges")
        self.currency_prefixes: dict[str, str] = units["currency_prefixes"]
        self.currency_prefix_words = _longest(list(self.currency_prefixes))
        self.currency_suffixes: dict[str, str] = units["currency_suffixes"]
        self.suffixes: list[tuple[str, str, str, Decimal]] = []
        for entry in units["suffix_units"]:
            for text in entry["text"]:
                factor = Decimal(str(entry.get("factor", 1)))
                self.suffixes.append((text, entry["kind"], entry["unit"], factor))
        for text, code in self.currency_suffixes.items():
            self.suffixes.append((text, "money", code, Decimal(1)))
        self.suffixes.sort(key=lambda item: len(item[0]), reverse=True)
        self.discount = units["discount"]
        self.classifiers = set(units["classifiers"])
        self.counted_nouns: dict[str, str] = units["counted_nouns"]
        self.counted_noun_words = _longest(list(self.counted_nouns))
        self.group_classifier: str = units["group_classifier"]
        self.company_nouns: list[str] = units["company_nouns"]
        self.percent_prefixes = {k: Decimal(str(v)) for k, v in units["percent_prefixes"].items()}
        self.fraction_marker: str = units["fraction_marker"]
        self.mixed_marker: str = units["mixed_fraction_marker"]
        self.connectors = _longest(units["range_connectors"])
        self.ordinal_prefix: str = units["ordinal_prefix"]
        self.bare_scales = set(units["bare_scales"])
        self.vague = set(units["vague_modifiers"])
        self.date_suffixes = set(units["date_suffixes"])
        self.prefix_hedges: dict[str, str] = hedges["prefix_hedges"]
        self.prefix_hedge_words = _longest(list(self.prefix_hedges))
        self.hedge_connectors = set(hedges["hedge_connectors"])
        self.not_jin = set(hedges["not_hedge_before_jin"])
        self.suffix_hedges: dict[str, str] = hedges["suffix_hedges"]
        self.suffix_hedge_words = _longest(list(self.suffix_hedges))
        self.inner_more: str = hedges["inner_more_qualifier"]
        self.changes = _longest(hedges["increase"] + hedges["decrease"])
        self.increase = set(hedges["increase"])
        self.more_markers = set(load_resource("numerals")["more_markers"])
        self.stopword_re = re.compile("|".join(f"(?:{w})" for w in load_resource("stopwords")["not_quantities"]))
        self.url_re = re.compile(r"(?:https?://|www\.)[!-~]+")


@lru_cache(maxsize=1)
def _units() -> _Units:
    return _Units()


# --- space compression -------------------------------------------------------------------------------

def _compress(folded: str) -> tuple[str, list[int], list[int]]:
    """Remove space runs that touch a CJK character (营收 100 亿元, 七 万 五): numerals read across them.

    Returns the text and the (compressed index, removed so far) steps to map offsets back.
    """
    pieces: list[str] = []
    cut_at: list[int] = [0]
    removed: list[int] = [0]
    last = 0
    for match in re.finditer(r"[ \u00a0\t]+", folded):
        start, end = match.span()
        left = folded[start - 1] if start else ""
        right = folded[end] if end < len(folded) else ""
        if not left or not right or not (_is_cjk(left) or _is_cjk(right)):
            continue
        if _is_latin(left) or _is_latin(right):
            continue
        pieces.append(folded[last:start])
        last = end
        cut_at.append(start - removed[-1])  # compressed index of the character after the run
        removed.append(removed[-1] + end - start)
    pieces.append(folded[last:])
    return "".join(pieces), cut_at, removed


def _to_original(pos: int, cut_at: list[int], removed: list[int]) -> int:
    return pos + removed[bisect.bisect_right(cut_at, pos) - 1]


# --- candidate construction --------------------------------------------------------------------------

def _suffix_at(text: str, pos: int, numeral: Numeral) -> tuple[int, str, str, Decimal] | None:
    """Longest unit/currency suffix at `pos`: (end, kind, unit, factor)."""
    units = _units()
    for word, kind, unit, factor in units.suffixes:
        if not text.startswith(word, pos):
            continue
        end = pos + len(word)
        if word.isascii() and word.isalpha() and end < len(text) and (_is_latin(text[end]) or text[end].isdigit()):
            continue
        if word == "成" and end < len(text) and text[end] == "半":
            return end + 1, kind, unit, factor  # 三成半 is handled by the caller's half
        return end, kind, unit, factor
    discount = units.discount
    if not text.startswith(discount["text"], pos):
        return None
    if pos + 1 < len(text) and text[pos + 1] in discount["not_before"]:
        return None
    # 九折 = 90 percent, 七五折/75折 = 75 percent; 十折 is not a discount
    if numeral.value < 10 or (numeral.digit_sequence and 10 <= numeral.value < 100):
        factor = Decimal(10) if numeral.value < 10 else Decimal(1)
        return pos + 1, discount["kind"], discount["unit"], factor
    return None


def _classifier_noun_at(text: str, pos: int) -> tuple[int, str] | None:
    """Classifier + counted noun at `pos` (张GPU, 台服务器): (end, unit)."""
    units = _units()
    if pos >= len(text) or text[pos] not in units.classifiers:
        return None
    latin = re.compile(r"[A-Za-z][A-Za-z0-9\-]*").match(text, pos + 1)
    if latin:
        return latin.end(), units.counted_nouns.get(latin.group(), latin.group())
    for noun in units.counted_noun_words:
        if text.startswith(noun, pos + 1):
            return pos + 1 + len(noun), units.counted_nouns[noun]
    return None


def _group_count(text: str, pos: int) -> bool:
    """N大 followed in the same clause by a company noun (另两大占…的供应商)."""
    units = _units()
    if not text.startswith(units.group_classifier, pos):
        return False
    clause_end = pos + 1
    while clause_end < len(text) and clause_end - pos < 40 and text[clause_end] not in _CLAUSE_END:
        clause_end += 1
    # converter artefacts such as 供應(yīng)商 must not hide the noun
    clause = re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", text[pos + 1 : clause_end])
    return any(noun in clause for noun in units.company_nouns)


def _prefixes(text: str, numeral: Numeral, value: Decimal) -> tuple[int, Decimal, str | None, Decimal, bool]:
    """Sign, currency and percent words before a numeral: (start, value, currency, percent factor, ordinal)."""
    units = _units()
    start = numeral.start
    percent: Decimal | None = None
    for word, factor in units.percent_prefixes.items():
        if text.startswith(word, start - len(word)):
            percent, start = factor, start - len(word)
            break
    ordinal = text.startswith(units.ordinal_prefix, start - 1)
    if start and text[start - 1] in "-负":
        before = text[start - 2] if start >= 2 else ""
        if text[start - 1] == "负" or not (before.isalnum() or before in "-.~"):
            value, start = -value, start - 1
    currency = None
    for word in units.currency_prefix_words:
        if text.startswith(word, start - len(word)):
            head = text[start - len(word) - 1] if start - len(word) >= 1 else ""
            if word[0].isascii() and word[0].isalpha() and _is_latin(head):
                continue
            currency, start = units.currency_prefixes[word], start - len(word)
            break
    return start, value, currency, percent if percent is not None else Decimal(0), ordinal


def _build(text: str, numeral: Numeral, default_dollar: str) -> _Candidate | None:
    units = _units()
    start, value, currency, percent_factor, ordinal = _prefixes(text, numeral, numeral.value)
    end = numeral.end
    more = numeral.more
    if currency is None and percent_factor == 0 and start == numeral.start and start:
        before = text[start - 1]
        if _is_latin(before) or (before == "-" and start >= 2 and _is_latin(text[start - 2])):
            return None  # H100, GPT-4, A2021…: part of a name or code
    if currency is not None:
        unit = default_dollar if currency == "DEFAULT_DOLLAR" else currency
        suffix = _suffix_at(text, end, numeral)
        if suffix and suffix[1] == "money":
            end = suffix[0]
        return _Candidate(start, end, value, value, "money", unit, scale=numeral.scale, more=more,
                          ordinal=ordinal, explicit_unit=True)
    if percent_factor:
        with localcontext() as ctx:
            ctx.prec = len(str(value)) + 10
            scaled = value * percent_factor
        return _Candidate(start, end, scaled, scaled, "percent", "percent", ordinal=ordinal, explicit_unit=True)
    pos = end
    if pos < len(text) and text[pos] in units.more_markers:
        probe = _suffix_at(text, pos + 1, numeral) or _classifier_noun_at(text, pos + 1)
        if probe:
            more, pos = True, pos + 1
    suffix = _suffix_at(text, pos, numeral)
    if suffix:
        suffix_end, kind, unit, factor = suffix
        if text[pos:suffix_end] == "成半":
            value += Decimal("0.5")
        if kind == "duration" and unit == "year" and numeral.word_like:
            return None
        scaled = value * factor
        return _Candidate(start, suffix_end, scaled, scaled, kind, unit, factor, numeral.scale, more, ordinal,
                          numeral.word_like and kind != "count", True)
    noun = _classifier_noun_at(text, pos)
    if noun:
        if numeral.word_like:
            head = text[start - 1] if start else ""
            if numeral.value not in (10**4, 10**3, 100, 10**8) or head in units.vague:
                return None
        return _Candidate(start, noun[0], value, value, "count", noun[1], scale=numeral.scale, more=more,
                          ordinal=ordinal, explicit_unit=True)
    if numeral.word_like:
        return None
    if pos < len(text) and text[pos] in units.date_suffixes:
        return None
    if pos < len(text) and (_is_latin(text[pos]) or text[pos] == "_"):
        return None  # 5G, 4090Ti
    if _group_count(text, pos):
        return _Candidate(start, end, value, value, "count", "company", ordinal=ordinal, explicit_unit=True)
    return _Candidate(start, end, value, value, scale=numeral.scale, more=more, ordinal=ordinal)


def _fraction(text: str, numerals: list[Numeral], index: int) -> tuple[_Candidate, int] | None:
    """X分之Y at numerals[index]: a fraction of kind `fraction` (ratio value); returns it and the next index."""
    units = _units()
    denominator = numerals[index]
    marker_end = denominator.end + len(units.fraction_marker)
    if index + 1 >= len(numerals) or not text.startswith(units.fraction_marker, denominator.end):
        return None
    numerator = numerals[index + 1]
    if numerator.start != marker_end or denominator.value == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = _FRACTION_PRECISION
        value = (numerator.value / denominator.value).normalize()
    start = denominator.start
    if start and text[start - 1] == "负":
        start, value = start - 1, -value
    return _Candidate(start, numerator.end, value, value, "fraction", "", explicit_unit=True), index + 2


def _candidates(text: str, default_dollar: str) -> list[_Candidate]:
    numerals = find_numerals(text)
    units = _units()
    candidates: list[_Candidate] = []
    index = 0
    while index < len(numerals):
        fraction = _fraction(text, numerals, index)
        if fraction:
            candidate, index = fraction
            last = candidates[-1] if candidates else None
            if last and last.kind == "number" and text[last.end : candidate.start] == units.mixed_marker:
                candidates[-1] = replace(last, end=candidate.end, low=last.low + candidate.low,
                                         high=last.high + candidate.low, kind="number")
            else:
                candidates.append(candidate)
            continue
        built = _build(text, numerals[index], default_dollar)
        if built and (not candidates or built.start >= candidates[-1].end):
            candidates.append(built)
        index += 1
    return _join_ranges(text, candidates)


def _join_ranges(text: str, candidates: list[_Candidate]) -> list[_Candidate]:
    """5%~10%, 8~9成, 1.5-2亿美元, 3~5个月: one candidate with low/high and the shared unit and scale."""
    units = _units()
    joined: list[_Candidate] = []
    for candidate in candidates:
        last = joined[-1] if joined else None
        if last is not None and not last.ordinal and not candidate.ordinal and last.low == last.high:
            gap = text[last.end : candidate.start]
            merged = _merge(last, candidate) if gap in units.connectors else None
            if merged is not None:
                joined[-1] = merged
                continue
        joined.append(candidate)
    return joined


def _merge(first: _Candidate, second: _Candidate) -> _Candidate | None:
    low = first.low
    if first.kind == "number" and not first.explicit_unit:
        if second.kind in ("fraction",):
            return None
        if first.scale == 1 and second.scale > 1:
            low = low * second.scale
        low = low * second.factor
    elif (first.kind, first.unit) != (second.kind, second.unit):
        return None
    if low > second.high:
        return None
    return replace(second, start=first.start, low=low, more=first.more or second.more)


# --- qualifiers, change, filters ---------------------------------------------------------------------

def _prefix_hedge(text: str, start: int) -> tuple[int, int, str] | None:
    units = _units()
    for gap in (0, 1):
        end = start - gap
        if gap and (end <= 0 or text[end] not in units.hedge_connectors):
            continue
        for word in units.prefix_hedge_words:
            if text.startswith(word, end - len(word)):
                if word == "近" and end - 2 >= 0 and text[end - 2] in units.not_jin:
                    continue
                return end - len(word), end, units.prefix_hedges[word]
    return None


def _suffix_hedge(text: str, end: int) -> tuple[int, int, str] | None:
    units = _units()
    for word in units.suffix_hedge_words:
        if text.startswith(word, end):
            return end, end + len(word), units.suffix_hedges[word]
    return None


def _change(text: str, pos: int) -> str:
    units = _units()
    for word in units.changes:
        if text.startswith(word, pos - len(word)):
            return "increase" if word in units.increase else "decrease"
    return ""


def _qualify(text: str, candidate: _Candidate) -> tuple[str, tuple[int, int] | None, str]:
    units = _units()
    prefix = _prefix_hedge(text, candidate.start)
    suffix = _suffix_hedge(text, candidate.end)
    change = _change(text, prefix[0] if prefix else candidate.start)
    if prefix and prefix[2] != "exact":
        return prefix[2], (prefix[0], prefix[1]), change
    if suffix:
        return suffix[2], (suffix[0], suffix[1]), change
    if candidate.more:
        return units.inner_more, None, change
    if prefix:
        return prefix[2], (prefix[0], prefix[1]), change
    return "exact", None, change


def _intervals(pattern: re.Pattern[str], text: str) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for match in pattern.finditer(text):
        starts.append(match.start())
        ends.append(match.end())
    return starts, ends


def _inside(starts: list[int], ends: list[int], start: int, end: int) -> bool:
    index = bisect.bisect_right(starts, start) - 1
    return index >= 0 and ends[index] >= end


def _overlaps(starts: list[int], ends: list[int], start: int, end: int) -> bool:
    index = bisect.bisect_left(ends, start + 1)
    return index < len(starts) and starts[index] < end


def _list_marker(text: str, start: int, end: int) -> bool:
    """1.1、 / 一、 / 1) / (2) at the start of a line."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip(" \t\u3000*#>(（[") != "":
        return False
    after = text[end : end + 2]
    return after[:1] in ("、", ")", "）", "]") or (after[:1] in (".", "．") and not after[1:2].isdigit())


def find_quantities(text: str, *, default_dollar: str = "USD") -> list[Quantity]:
    """Every quantity in `text` (raw or normalised), sorted and non-overlapping; no figure filtering."""
    units = _units()
    compressed, cut_at, removed = _compress(fold_text(text))
    stop_starts, stop_ends = _intervals(units.stopword_re, compressed)
    url_starts, url_ends = _intervals(units.url_re, compressed)
    periods = find_periods(text)
    period_starts = [p.start for p in periods]
    period_ends = [p.end for p in periods]

    def original(pos: int) -> int:
        return _to_original(pos, cut_at, removed)

    quantities: list[Quantity] = []
    for candidate in _candidates(compressed, default_dollar):
        if candidate.ordinal or candidate.word_like:
            continue
        if _inside(stop_starts, stop_ends, candidate.start, candidate.end):
            continue
        if _overlaps(url_starts, url_ends, candidate.start, candidate.end):
            continue
        start, end = original(candidate.start), original(candidate.end - 1) + 1
        if _overlaps(period_starts, period_ends, start, end):
            continue
        if candidate.kind == "number" and _list_marker(text, start, end):
            continue
        qualifier, hedge, change = _qualify(compressed, candidate)
        hedge_span = (original(hedge[0]), original(hedge[1] - 1) + 1) if hedge else None
        quantities.append(
            Quantity(start, end, text[start:end], candidate.kind, candidate.low, candidate.high, candidate.unit,
                     qualifier, hedge_span, change)
        )
    return quantities

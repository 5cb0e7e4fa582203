"""Quantity finder: money, percentages, shares, counts, durations and multiples with exact values.

Numerals come from the numeral grammar (numbers.py); this module extends each one with the prefixes and
suffixes of resources/quantities/units.yaml, joins ranges, reads hedges (hedges.yaml) into a qualifier and
drops what is not a quantity (years, ordinals, list markers, words such as 一些). Values stay exact Decimals.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal, localcontext
from functools import lru_cache
from typing import NamedTuple

from pipeline.extract.numbers import Numeral, find_numerals, fold_text, load_resource
from pipeline.extract.periods import Period, find_periods

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


class _Candidate(NamedTuple):
    """A quantity in compressed-text coordinates, before hedges and filters (a tuple: one per numeral)."""

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
    vague: bool = False  # an approximate pair such as 两三家


def _is_cjk(ch: str) -> bool:
    return ord(ch) > 0x2E7F


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _ends_at(text: str, word: str, pos: int) -> bool:
    """`word` occupies text[pos - len(word):pos] (never wraps around to the end of the text)."""
    return pos >= len(word) and text.startswith(word, pos - len(word))


class _WordSet:
    """Longest-match lookup of lexicon words that start at, or end at, a position (compiled once)."""

    def __init__(self, words: list[str]) -> None:
        alternation = "|".join(re.escape(w) for w in _longest(words)) or "(?!)"
        self.longest = max((len(w) for w in words), default=0)
        self._starts = re.compile(alternation)
        self._ends = re.compile(f"(?:{alternation})\\Z")
        # a word starts (ends) with one of these characters: most positions are rejected without the regex
        self._firsts = {w[0] for w in words} if all(words) else None
        self._lasts = {w[-1] for w in words} if all(words) else None

    def starting_at(self, text: str, pos: int) -> str | None:
        if self._firsts is not None and pos >= 0 and (pos >= len(text) or text[pos] not in self._firsts):
            return None
        match = self._starts.match(text, pos)
        return match.group() if match else None

    def ending_at(self, text: str, pos: int, floor: int = 0) -> str | None:
        if self._lasts is not None and pos <= len(text) and (pos <= max(floor, 0) or text[pos - 1] not in self._lasts):
            return None
        match = self._ends.search(text, max(floor, pos - self.longest), pos)
        return match.group() if match else None


def _longest(words: list[str]) -> list[str]:
    return sorted(words, key=len, reverse=True)


class _Units:
    """Compiled view of units.yaml, hedges.yaml and stopwords.yaml."""

    def __init__(self) -> None:
        units = load_resource("units")
        hedges = load_resource("hedges")
        self.currency_prefixes: dict[str, str] = units["currency_prefixes"]
        self.currency_prefix_words = _WordSet(list(self.currency_prefixes))
        self.currency_suffixes: dict[str, str] = units["currency_suffixes"]
        self.suffixes: list[tuple[str, str, str, Decimal]] = []
        self.suffix_not_before: dict[str, set[str]] = {}
        for entry in units["suffix_units"]:
            for text in entry["text"]:
                factor = Decimal(str(entry.get("factor", 1)))
                self.suffixes.append((text, entry["kind"], entry["unit"], factor))
                if entry.get("not_before"):
                    self.suffix_not_before[text] = set(entry["not_before"])
        for text, code in self.currency_suffixes.items():
            self.suffixes.append((text, "money", code, Decimal(1)))
        self.suffix_table = {word: (kind, unit, factor) for word, kind, unit, factor in reversed(self.suffixes)}
        self.suffix_words = _WordSet(list(self.suffix_table))
        self.discount = units["discount"]
        self.classifiers = set(units["classifiers"])
        self.counted_nouns: dict[str, str] = units["counted_nouns"]
        self.counted_noun_words = _longest(list(self.counted_nouns))
        self.group_classifier: str = units["group_classifier"]
        self.company_nouns: list[str] = units["company_nouns"]
        self.percent_prefixes = {k: Decimal(str(v)) for k, v in units["percent_prefixes"].items()}
        self.percent_prefix_words = _WordSet(list(self.percent_prefixes))
        self.word_quantities = [
            (w["text"], re.compile((f"(?<={re.escape(w['after'])})" if w.get("after") else "") + re.escape(w["text"])),
             w["kind"], w["unit"], Decimal(str(w["value"])))
            for w in units["word_quantities"]
        ]
        self.minor_units: dict[str, dict[str, Decimal]] = {
            code: {word: Decimal(str(f)) for word, f in table.items()} for code, table in units["minor_units"].items()
        }
        self.minor_unit_words = _WordSet([w for table in self.minor_units.values() for w in table])
        self.fraction_marker: str = units["fraction_marker"]
        self.mixed_marker: str = units["mixed_fraction_marker"]
        self.connectors = _longest(units["range_connectors"])
        self.ordinal_prefix: str = units["ordinal_prefix"]
        self.bare_scales = set(units["bare_scales"])
        self.vague = set(units["vague_modifiers"])
        self.date_suffixes = set(units["date_suffixes"])
        self.prefix_hedges: dict[str, str] = hedges["prefix_hedges"]
        self.prefix_hedge_words = _WordSet(list(self.prefix_hedges))
        self.hedge_connectors = set(hedges["hedge_connectors"])
        self.not_jin = set(hedges["not_hedge_before_jin"])
        self.suffix_hedges: dict[str, str] = hedges["suffix_hedges"]
        self.suffix_hedge_words = _WordSet(list(self.suffix_hedges))
        self.inner_more: str = hedges["inner_more_qualifier"]
        self.changes = _WordSet(hedges["increase"] + hedges["decrease"])
        self.increase = set(hedges["increase"])
        self.more_markers = set(load_resource("numerals")["more_markers"])
        self.stopword_re = _gated(load_resource("stopwords")["not_quantities"])
        self.url_re = re.compile(r"(?:https?://|www\.)[!-~]+")


_REGEX_SYNTAX = set(".^$*+?{}[]\\|()")


def _first_chars(pattern: str) -> str | None:
    """The characters a match of `pattern` can start with, when it opens with a plain character or a
    plain character class ([一二三四]季度); None when that is not evident."""
    if pattern[:1] == "[":
        close = pattern.find("]")
        chars = pattern[1:close]
        if close < 2 or chars[0] == "^" or any(c in "\\-[" for c in chars):
            return None
        rest = pattern[close + 1 :]
    elif pattern and pattern[0] not in _REGEX_SYNTAX:
        chars, rest = pattern[0], pattern[1:]
    else:
        return None
    if rest[:1] in ("?", "*", "{") or _top_level_bar(pattern):
        return None
    return chars


def _top_level_bar(pattern: str) -> bool:
    """Does `pattern` hold an alternation outside any group (一些|某些), so that it has several starts?"""
    depth, pos = 0, 0
    while pos < len(pattern):
        char = pattern[pos]
        if char == "\\":
            pos += 1
        elif char == "[":
            # a class never closes on its first character ([]…] and [^]…] hold a literal ])
            pos = pattern.find("]", pos + (3 if pattern[pos + 1 : pos + 2] == "^" else 2))
            if pos < 0:
                return True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
        pos += 1
    return False


def _gated(patterns: list[str]) -> re.Pattern[str]:
    """One alternation of `patterns`, led by a lookahead on the characters they can start with when every
    one declares them: the same matches, but most positions are rejected by one class test."""
    alternation = "|".join(f"(?:{p})" for p in patterns)
    firsts = [_first_chars(p) for p in patterns]
    if not patterns or any(f is None for f in firsts):
        return re.compile(alternation)
    chars = "".join(sorted({c for f in firsts if f for c in f}))
    return re.compile(f"(?=[{re.escape(chars)}])(?:{alternation})")


@lru_cache(maxsize=1)
def _units() -> _Units:
    return _Units()


_LETTER_SCALE_AFTER_SPACE = re.compile(r"(?:bn|mn|[BMKk])(?![A-Za-z])")


# --- space compression -------------------------------------------------------------------------------

def _compress(folded: str) -> tuple[str, list[int], list[int]]:
    """Remove space runs that touch a CJK character (营收 100 亿元, 七 万 五): numerals read across them.

    Returns the text and the (compressed index, removed so far) steps to map offsets back.
    """
    if " " not in folded and "\u00a0" not in folded and "\t" not in folded:
        return folded, [0], [0]  # nothing to remove (most Chinese sentences)
    pieces: list[str] = []
    cut_at: list[int] = [0]
    removed: list[int] = [0]
    last = 0
    for match in re.finditer(r"[ \u00a0\t]+", folded):
        start, end = match.span()
        left = folded[start - 1] if start else ""
        right = folded[end] if end < len(folded) else ""
        if not left or not right:
            continue
        if _is_latin(left) or _is_latin(right):
            if not (left.isdigit() and _LETTER_SCALE_AFTER_SPACE.match(folded, end)):
                continue
        elif not (_is_cjk(left) or _is_cjk(right)):
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
    word = units.suffix_words.starting_at(text, pos)
    if word:
        kind, unit, factor = units.suffix_table[word]
        end = pos + len(word)
        after = text[end : end + 1]
        if word.isascii() and word.isalpha() and (_is_latin(after) or after.isdigit()):
            return None
        if after and after in units.suffix_not_before.get(word, ()):
            return None
        if word == "成" and after == "半":
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


def _tenth_digit(text: str, pos: int) -> Decimal | None:
    """A lone Chinese digit right after 成 (七成六), not starting a longer numeral."""
    digits = load_resource("numerals")["digits"]
    if pos >= len(text) or text[pos] not in digits or digits[text[pos]] == 0:
        return None
    after = text[pos + 1 : pos + 2]
    numeral_chars = set(digits) | set(load_resource("numerals")["units"]) | set(load_resource("numerals")["scales"])
    if after and (after in numeral_chars or after.isdigit() or after in _units().classifiers or after == "家"):
        return None
    return Decimal(digits[text[pos]])


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


def _prefixes(
    text: str, numeral: Numeral, value: Decimal, min_start: int
) -> tuple[int, Decimal, str | None, Decimal, bool]:
    """Sign, currency and percent words before a numeral: (start, value, currency, percent factor, ordinal)."""
    units = _units()
    start = numeral.start
    percent: Decimal | None = None
    percent_word = units.percent_prefix_words.ending_at(text, start)
    if percent_word:
        percent, start = units.percent_prefixes[percent_word], start - len(percent_word)
    ordinal = _ends_at(text, units.ordinal_prefix, start)
    if start > min_start and text[start - 1] in "-负":
        before = text[start - 2] if start >= 2 else ""
        if text[start - 1] == "负" or not (before and (before.isalnum() or before in "-.~")):
            value, start = -value, start - 1
    currency = None
    word = units.currency_prefix_words.ending_at(text, start, min_start)
    gap = 0
    if not word and start - 1 > min_start and text[start - 1] == " ":
        spaced = units.currency_prefix_words.ending_at(text, start - 1, min_start)
        if spaced and spaced.isascii():  # "RMB 334亿", "US$ 19bn": a code, one space, the amount
            word, gap = spaced, 1
    if word:
        head = text[start - gap - len(word) - 1] if start - gap - len(word) >= 1 else ""
        if not (word[0].isascii() and word[0].isalpha() and _is_latin(head)):
            currency, start = units.currency_prefixes[word], start - gap - len(word)
    return start, value, currency, percent if percent is not None else Decimal(0), ordinal


def _build(text: str, numeral: Numeral, default_dollar: str, min_start: int) -> _Candidate | None:
    """Extend one numeral by its prefixes (never before `min_start`) and suffixes."""
    units = _units()
    start, value, currency, percent_factor, ordinal = _prefixes(text, numeral, numeral.value, min_start)
    end = numeral.end
    more = numeral.more
    high = value if numeral.high == numeral.value else value + (numeral.high - numeral.value)
    vague = numeral.high != numeral.value
    if currency is None and percent_factor == 0 and start == numeral.start and start:
        before = text[start - 1]
        if _is_latin(before) or (before == "-" and start >= 2 and _is_latin(text[start - 2])):
            return None  # H100, GPT-4, A2021…: part of a name or code
    if currency is not None:
        unit = default_dollar if currency == "DEFAULT_DOLLAR" else currency
        suffix = _suffix_at(text, end, numeral)
        if suffix and suffix[1] == "money":
            end = suffix[0]
        return _Candidate(start, end, value, high, "money", unit, scale=numeral.scale, more=more,
                          ordinal=ordinal, explicit_unit=True, vague=vague)
    if percent_factor:
        with localcontext() as ctx:
            ctx.prec = len(str(value)) + 10
            low, high = value * percent_factor, high * percent_factor
        return _Candidate(start, end, low, high, "percent", "percent", ordinal=ordinal, explicit_unit=True,
                          vague=vague)
    pos = end
    if pos < len(text) and text[pos] in units.more_markers:
        probe = _suffix_at(text, pos + 1, numeral) or _classifier_noun_at(text, pos + 1)
        if probe:
            more, pos = True, pos + 1
    noun = _classifier_noun_at(text, pos)
    suffix = None if noun else _suffix_at(text, pos, numeral)
    if suffix:
        suffix_end, kind, unit, factor = suffix
        if text[pos:suffix_end] == "成半":
            value, high = value + Decimal("0.5"), high + Decimal("0.5")
        elif kind == "share" and _tenth_digit(text, suffix_end) is not None:
            tenth = _tenth_digit(text, suffix_end) / 10  # 七成六 = 7.6 成
            value, high = value + tenth, high + tenth
            suffix_end += 1
        if kind == "duration" and unit == "year" and numeral.word_like:
            return None
        return _Candidate(start, suffix_end, value * factor, high * factor, kind, unit, factor, numeral.scale, more,
                          ordinal, numeral.word_like and kind != "count", True, vague)
    if noun:
        if numeral.word_like:
            head = text[start - 1] if start else ""
            if numeral.value not in (10**4, 10**3, 100, 10**8) or head in units.vague:
                return None
        return _Candidate(start, noun[0], value, high, "count", noun[1], scale=numeral.scale, more=more,
                          ordinal=ordinal, explicit_unit=True, vague=vague)
    if numeral.word_like:
        return None
    minor = units.minor_unit_words.starting_at(text, pos) is not None
    if pos < len(text) and text[pos] in units.date_suffixes and not minor:
        return None
    if pos < len(text) and (_is_latin(text[pos]) or text[pos] == "_"):
        return None  # 5G, 4090Ti
    if _group_count(text, pos):
        return _Candidate(start, end, value, high, "count", "company", ordinal=ordinal, explicit_unit=True,
                          vague=vague)
    return _Candidate(start, end, value, high, scale=numeral.scale, more=more, ordinal=ordinal, vague=vague)


def _fraction(text: str, numerals: list[Numeral], index: int) -> tuple[_Candidate, int] | None:
    """X分之Y or Y/X starting at numerals[index]; returns the candidate and the next numeral index.

    百分之 style denominators written without a leading 一 (百万分之五) are percentages; others are ratios
    of kind `fraction` (四分之一 = 0.25).
    """
    units = _units()
    if index + 1 >= len(numerals):
        return None
    first, second = numerals[index], numerals[index + 1]
    if first.word_like:
        return None
    gap = text[first.end : second.start]
    numerator_negative = False
    if gap in (units.fraction_marker, units.fraction_marker + "负"):
        denominator, numerator = first, second
        numerator_negative = gap.endswith("负")
    elif gap == "/" and not first.chinese and not second.chinese:
        if text[first.start - 1 : first.start] == "/" or text[second.end : second.end + 1] == "/":
            return None  # 2024/03/01 is a date
        numerator, denominator = first, second
    else:
        return None
    if denominator.value == 0:
        return None
    start = first.start
    negative = numerator_negative
    sign = text[start - 1] if start else ""
    if sign == "负" or (sign == "-" and not text[max(start - 2, 0) : start - 1].isalnum()):
        start, negative = start - 1, not negative
    with localcontext() as ctx:
        ctx.prec = _FRACTION_PRECISION
        ratio = numerator.value / denominator.value
        as_percent = gap != "/" and text[denominator.start] in "百佰千仟万" and denominator.value >= 100
        value = (ratio * 100 if as_percent else ratio).normalize()
    value = -value if negative else value
    kind, unit = ("percent", "percent") if as_percent else ("fraction", "")
    return _Candidate(start, second.end, value, value, kind, unit, explicit_unit=True), index + 2


def _mixed(text: str, whole: _Candidate, fraction: _Candidate) -> _Candidate | None:
    """三百五又三分之一 / 1 3/5: a whole number followed by a fraction."""
    gap = text[whole.end : fraction.start]
    if whole.kind != "number" or fraction.kind != "fraction" or gap not in (_units().mixed_marker, " "):
        return None
    if gap == " " and "/" not in text[fraction.start : fraction.end]:
        return None
    total = whole.low - fraction.low if whole.low < 0 else whole.low + fraction.low
    return whole._replace(end=fraction.end, low=total, high=total)


def _candidates(text: str, default_dollar: str) -> list[_Candidate]:
    numerals = find_numerals(text)
    candidates: list[_Candidate] = []
    index = 0
    while index < len(numerals):
        fraction = _fraction(text, numerals, index)
        if fraction:
            candidate, index = fraction
            mixed = _mixed(text, candidates[-1], candidate) if candidates else None
            if mixed:
                candidates[-1] = mixed
            elif not candidates or candidate.start >= candidates[-1].end:
                candidates.append(candidate)
            continue
        built = _build(text, numerals[index], default_dollar, candidates[-1].end if candidates else 0)
        if built and (not candidates or built.start >= candidates[-1].end):
            minor = _minor_unit(text, candidates[-1], built) if candidates else None
            if minor:
                candidates[-1] = minor
            else:
                candidates.append(built)
        index += 1
    return _with_word_quantities(text, _join_ranges(text, candidates))


def _minor_unit(text: str, money: _Candidate, amount: _Candidate) -> _Candidate | None:
    """五元三毛 / 50元6角三分 / 两美元又三美分: add a minor-unit amount to the money just before it."""
    table = _units().minor_units.get(money.unit) if money.kind == "money" else None
    if not table or amount.kind != "number" or text[money.end : amount.start] not in ("", _units().mixed_marker):
        return None
    for word, factor in sorted(table.items(), key=lambda item: -len(item[0])):
        if text.startswith(word, amount.end):
            total = money.low + amount.low * factor
            return money._replace(end=amount.end + len(word), low=total, high=total)
    return None


def _with_word_quantities(text: str, candidates: list[_Candidate]) -> list[_Candidate]:
    """Quantities written without numerals (半成, 打对折), where no numeral candidate covers them."""
    extra: list[_Candidate] = []
    for word, pattern, kind, unit, value in _units().word_quantities:
        if word not in text:
            continue
        for match in pattern.finditer(text):
            extra.append(_Candidate(match.start(), match.end(), value, value, kind, unit, explicit_unit=True))
    if not extra:
        return candidates
    merged: list[_Candidate] = []
    for candidate in sorted(candidates + extra, key=lambda c: (c.start, -c.end)):
        if not merged or candidate.start >= merged[-1].end:
            merged.append(candidate)
    return merged


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
    return second._replace(start=first.start, low=low, more=first.more or second.more)


# --- qualifiers, change, filters ---------------------------------------------------------------------

def _prefix_hedge(text: str, start: int) -> tuple[int, int, str] | None:
    units = _units()
    for gap in (0, 1):
        end = start - gap
        if gap and (end <= 0 or text[end] not in units.hedge_connectors):
            continue
        word = units.prefix_hedge_words.ending_at(text, end)
        if word and not (word == "近" and end >= 2 and text[end - 2] in units.not_jin):
            return end - len(word), end, units.prefix_hedges[word]
    return None


def _suffix_hedge(text: str, end: int) -> tuple[int, int, str] | None:
    units = _units()
    word = units.suffix_hedge_words.starting_at(text, end)
    return (end, end + len(word), units.suffix_hedges[word]) if word else None


def _change(text: str, pos: int) -> str:
    units = _units()
    word = units.changes.ending_at(text, pos)
    if not word:
        return ""
    return "increase" if word in units.increase else "decrease"


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
    if candidate.vague:
        return "approx", None, change
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


def _may_hold_url(text: str) -> bool:
    """Cheap gate for url_re, which needs :// or www."""
    return "://" in text or "www." in text


def _list_marker(text: str, newlines: list[int], start: int, end: int) -> bool:
    """1.1、 / 一、 / 1) / (2) at the start of a line; `newlines` holds the positions of every newline."""
    index = bisect.bisect_left(newlines, start)
    line_start = newlines[index - 1] + 1 if index else 0
    if text[line_start:start].strip(" \t\u3000*#>(（[") != "":
        return False
    after = text[end : end + 2]
    return after[:1] in ("、", ")", "）", "]") or (after[:1] in (".", "．") and not after[1:2].isdigit())


_KEPT_COMMA = re.compile(r"(?<=[0-9])，|，(?=[0-9])")


def _fold(text: str) -> str:
    """fold_text, except that a full-width comma next to ASCII digits stays a comma of the sentence
    ($20，300美圆 is two amounts; ９，９９９ written in full-width digits is one number)."""
    folded = fold_text(text)
    keep = [m.start() for m in _KEPT_COMMA.finditer(text)] if "，" in text else []
    if not keep:
        return folded
    chars = list(folded)
    for pos in keep:
        chars[pos] = "，"
    return "".join(chars)


def find_quantities(text: str, *, default_dollar: str = "USD", periods: list[Period] | None = None) -> list[Quantity]:
    """Every quantity in `text` (raw or normalised), sorted and non-overlapping; no figure filtering.
    `periods` is find_periods(text) when the caller already has it."""
    compressed, cut_at, removed = _compress(_fold(text))
    with localcontext() as ctx:
        # exact arithmetic on every value the text can hold (units and scales multiply long numerals)
        ctx.prec, ctx.Emax, ctx.Emin = len(text) + 60, 999_999, -999_999
        candidates = _candidates(compressed, default_dollar)
    if not candidates:
        return []
    units = _units()
    stop_starts, stop_ends = _intervals(units.stopword_re, compressed)
    url_starts, url_ends = _intervals(units.url_re, compressed) if _may_hold_url(compressed) else ([], [])
    if periods is None:
        periods = find_periods(text)
    period_starts = [p.start for p in periods]
    period_ends = [p.end for p in periods]
    newlines = [m.start() for m in re.finditer("\n", text)] if "\n" in text else []

    def original(pos: int) -> int:
        return _to_original(pos, cut_at, removed)

    quantities: list[Quantity] = []
    for candidate in candidates:
        if candidate.ordinal or candidate.word_like:
            continue
        if _inside(stop_starts, stop_ends, candidate.start, candidate.end):
            continue
        if _overlaps(url_starts, url_ends, candidate.start, candidate.end):
            continue
        start, end = original(candidate.start), original(candidate.end - 1) + 1
        if _overlaps(period_starts, period_ends, start, end):
            continue
        if candidate.kind == "number" and _list_marker(text, newlines, start, end):
            continue
        qualifier, hedge, change = _qualify(compressed, candidate)
        hedge_span = (original(hedge[0]), original(hedge[1] - 1) + 1) if hedge else None
        quantities.append(
            Quantity(start, end, text[start:end], candidate.kind, candidate.low, candidate.high, candidate.unit,
                     qualifier, hedge_span, change)
        )
    return quantities

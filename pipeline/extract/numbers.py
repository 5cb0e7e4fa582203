"""Numeral grammar: find Arabic, Chinese and mixed numerals in folded text and resolve them to exact Decimals.

Span finding (`find_numerals`) and value resolution (`resolve_numeral`) are separate steps; the lexicon is
`pipeline/resources/quantities/numerals.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import opencc

from pipeline.resources import parse_yaml

RESOURCES = Path(__file__).resolve().parent.parent / "resources" / "quantities"
_MAX_EXPONENT = 400  # 2e99999999 must not allocate a huge integer
_FRACTION_PRECISION = 28  # significant digits for non-terminating values such as 1/3


@cache
def load_resource(name: str) -> dict[str, Any]:
    """Load one YAML lexicon from pipeline/resources/quantities/."""
    with open(RESOURCES / f"{name}.yaml", encoding="utf-8") as handle:
        return parse_yaml(handle)


def _strings_in(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in _strings_in(key) + _strings_in(value)]
    if isinstance(node, list):
        return [s for item in node for s in _strings_in(item)]
    return []


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """One-to-one character folds: full-width ASCII to ASCII, Traditional to Simplified for lexicon characters.

    Only single characters are mapped, so folding never moves an offset.
    """
    table: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
    lexicon_chars: set[str] = set()
    for path in sorted(RESOURCES.glob("*.yaml")):
        for text in _strings_in(load_resource(path.stem)):
            lexicon_chars.update(ch for ch in text if ord(ch) > 0x2E7F)
    for config in ("s2t", "s2tw", "s2hk"):
        converter = opencc.OpenCC(config)
        for ch in lexicon_chars:
            variant = converter.convert(ch)
            if len(variant) == 1 and variant != ch:
                table[ord(variant)] = ch
    for src, dst in load_resource("numerals")["extra_folds"].items():
        table[ord(src)] = dst
    return table


@lru_cache(maxsize=1)
def _foldable() -> re.Pattern[str]:
    """Any character `_fold_table` maps: normalized text rarely holds one, and a scan is cheaper than translate."""
    return re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_fold_table())) + "]")


def fold_text(text: str) -> str:
    """Fold full-width characters and Traditional lexicon characters; the result has the same length."""
    return text.translate(_fold_table()) if _foldable().search(text) else text


@dataclass(frozen=True)
class Numeral:
    """A numeral found in folded text; `scale` is the trailing myriad/letter scale already applied to `value`."""

    start: int
    end: int
    value: Decimal
    high: Decimal  # differs from value only for approximate pairs: 二三十 = 20..30, 三四万 = 3万..4万
    more: bool  # 多/余/几 inside the numeral (十多亿)
    scale: Decimal
    chinese: bool  # written with Chinese numeral characters only
    digit_sequence: bool  # bare digits without units (二〇二五, 五五, 2025)
    word_like: bool  # a lone character that is usually a word (零售, 陆地, 万张GPU): callers decide


class _Lexicon:
    """Compiled view of numerals.yaml."""

    def __init__(self) -> None:
        data = load_resource("numerals")
        self.digits = {k: Decimal(v) for k, v in data["digits"].items()}
        self.units = {k: Decimal(v) for k, v in data["units"].items()}
        self.scales = {k: Decimal(v) for k, v in data["scales"].items()}
        self.letter_scales = {k: Decimal(v) for k, v in data["letter_scales"].items()}
        self.point = data["decimal_point"]
        self.more = set(data["more_markers"])
        self.not_alone = set(data["not_alone"])
        self.negative = list(data["negative_prefixes"])
        digit_cls = "".join(self.digits)
        # 两 is never a decimal digit (一点两小时 is 一 … 两小时)
        decimal_cls = "".join(d for d in self.digits if self.digits[d] != 2 or d in "二贰")
        unit_scale_cls = "".join(self.units) + "".join(self.scales)
        more_cls = "".join(self.more)
        # Every alternative consumes one position with a distinct first character: matching is linear.
        self.run_re = re.compile(
            rf"(?:[0-9{digit_cls}{unit_scale_cls}]|(?<![.\d])\.(?=\d))"
            rf"(?:[0-9{digit_cls}{unit_scale_cls}]"
            rf"|(?<=\d)[.,](?=\d)"
            rf"|{self.point}(?=[0-9{decimal_cls}])"
            rf"|[{more_cls}](?=[{unit_scale_cls}])"
            rf"|(?<=\d)[eE][+-]?(?=\d)"
            rf"|(?<=\d)\^[+-]{{0,2}}(?=\d))*"
        )
        self.letter_scale_re = re.compile(
            "(?:" + "|".join(sorted(map(re.escape, self.letter_scales), key=len, reverse=True)) + ")(?![A-Za-z])"
        )
        self.token_re = re.compile(
            rf"(?P<arabic>\d{{1,3}}(?:,\d{{3}})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
            rf"|(?P<digit>[{digit_cls}])|(?P<unit>[{''.join(self.units)}])"
            rf"|(?P<scale>[{''.join(self.scales)}])|(?P<more>[{more_cls}])"
        )


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    return _Lexicon()


@dataclass(frozen=True)
class _Parsed:
    value: Decimal
    more: bool
    scale: Decimal
    digit_sequence: bool
    high: Decimal | None = None


_EXP_RE = re.compile(r"(\d+(?:\.\d+)?|\.\d+)(?:[eE]([+-]?\d+)|\^([+-]{0,2})(\d+))")


def _power(text: str) -> _Parsed | None:
    match = _EXP_RE.fullmatch(text)
    if not match:
        return None
    base = Decimal(match.group(1))
    if match.group(2) is not None:
        exponent = int(match.group(2))
        if abs(exponent) > _MAX_EXPONENT:
            return None
        return _Parsed(base.scaleb(exponent), False, Decimal(1), False)
    exponent = int(match.group(4))
    if exponent > _MAX_EXPONENT:
        return None
    if match.group(3).count("-") == 1:
        exponent = -exponent
    with localcontext() as ctx:
        ctx.prec = max(_FRACTION_PRECISION, len(match.group(1)) * abs(exponent) + 2)
        try:
            return _Parsed((base**exponent).normalize(), False, Decimal(1), False)
        except (InvalidOperation, ZeroDivisionError):
            return None


def _tokens(text: str) -> list[tuple[str, Any]] | None:
    lex = lexicon()
    tokens: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(text):
        match = lex.token_re.match(text, pos)
        if not match:
            return None
        kind = match.lastgroup or ""
        token = match.group()
        if kind == "arabic":
            tokens.append(("num", Decimal(token.replace(",", ""))))
        elif kind == "digit":
            tokens.append(("digit", lex.digits[token]))
        elif kind == "unit":
            tokens.append(("unit", lex.units[token]))
        elif kind == "scale":
            # consecutive scales multiply: 万亿 = 1e12, 万万 = 1e8
            if tokens and tokens[-1][0] == "scale":
                tokens[-1] = ("scale", tokens[-1][1] * lex.scales[token])
            else:
                tokens.append(("scale", lex.scales[token]))
        else:
            tokens.append(("more", token))
        pos = match.end()
    return tokens


def _integer(tokens: list[tuple[str, Any]]) -> tuple[Decimal, bool, Decimal] | None:
    """Combine digit/unit/scale tokens positionally; returns (value, more, trailing scale)."""
    parts: list[tuple[Decimal, Decimal]] = []  # (value, scale) of closed myriad groups
    section = Decimal(0)
    pending: Decimal | None = None
    pending_is_digit = False
    last_unit: Decimal | None = None
    last_mult: Decimal | None = None  # multiplier of the token just before `pending`
    zero_gap = False
    more = False
    trailing_scale = Decimal(1)
    for index, (kind, value) in enumerate(tokens):
        if kind in ("num", "digit"):
            if value == 0 and kind == "digit" and pending is None and index > 0:
                zero_gap = True
                continue
            if pending is not None:
                return None
            pending, pending_is_digit = value, kind == "digit"
            trailing_scale = Decimal(1)
        elif kind == "more":
            more = True
            if zero_gap and pending is None:
                pending, pending_is_digit = Decimal(0), True  # 一百零几万: the 几 is an unknown digit
        elif kind == "unit":
            if last_unit is not None and value >= last_unit:
                return None
            section += (pending if pending else Decimal(1)) * value  # 零十 and 十 both mean 10
            pending, last_unit, last_mult, zero_gap = None, value, value, False
            trailing_scale = Decimal(1)
        else:
            group = section + (pending if pending is not None else Decimal(0))
            lower = sum((v for v, s in parts if s < value), Decimal(0)) + group
            if any(s == value for _, s in parts):
                return None
            if lower == 0 and not (index == 0 and len(tokens) == 1):
                return None  # 万万 or 十万零亿; a lone scale (万) is resolved as one myriad
            lower = lower or Decimal(1)
            parts = [(v, s) for v, s in parts if s > value] + [(lower * value, value)]
            section, pending, last_unit, last_mult, zero_gap = Decimal(0), None, None, value, False
            trailing_scale = value
    if pending is not None and pending_is_digit and not zero_gap and last_mult is not None:
        pending = pending * last_mult / 10  # elision: 一万三 = 13000, 百三 = 130
    total = sum((v for v, _ in parts), Decimal(0)) + section + (pending if pending is not None else Decimal(0))
    return total, more, trailing_scale


def resolve_numeral(text: str) -> tuple[Decimal, bool, Decimal, bool] | None:
    """Value of one folded, space-free numeral: (value, has 多/余/几, trailing scale, is a digit sequence).

    None when the text is not one well-formed numeral.
    """
    parsed = _resolve(text)
    if parsed is None:
        return None
    return parsed.value, parsed.more, parsed.scale, parsed.digit_sequence


@lru_cache(maxsize=16384)
def _resolve(text: str) -> _Parsed | None:
    """Cached: the same short numerals (一, 10, 2025) recur in every document, and the result is immutable."""
    if not text:
        return None
    with localcontext() as ctx:
        ctx.prec = len(text) + 60  # exact arithmetic: every value fits, whatever its number of digits
        ctx.Emax, ctx.Emin = 999_999, -999_999
        return _resolve_exact(text)


def _approximate_pair(text: str) -> _Parsed | None:
    """Two consecutive digits, alone or before a unit (两三, 二三十, 三四万): the range of both readings."""
    lex = lexicon()
    if len(text) < 2 or text[0] not in lex.digits or text[1] not in lex.digits:
        return None
    if lex.digits[text[1]] != lex.digits[text[0]] + 1 or lex.digits[text[0]] == 0:
        return None
    if len(text) == 2:
        return _Parsed(lex.digits[text[0]], False, Decimal(1), False, lex.digits[text[1]])  # 两三, 七八
    if text[2] not in lex.units and text[2] not in lex.scales:
        return None
    low, high = _resolve_exact(text[0] + text[2:]), _resolve_exact(text[1:])
    if low is None or high is None:
        return None
    return _Parsed(low.value, low.more, low.scale, False, high.value)


def _resolve_exact(text: str) -> _Parsed | None:
    lex = lexicon()
    pair = _approximate_pair(text)
    if pair is not None:
        return pair
    power = _power(text)
    if power is not None or any(c in text for c in "eE^"):
        return power
    if len(text) > 1 and all(ch in lex.scales for ch in text):
        return None  # 万万 alone is not a number
    integer_text, _, rest = text.partition(lex.point)
    tokens = _tokens(integer_text)
    if not tokens:
        return None
    if len(tokens) > 1 and all(kind == "digit" for kind, _ in tokens):
        if rest:
            return None
        return _Parsed(Decimal("".join(str(v) for _, v in tokens)), False, Decimal(1), True)
    fraction = Decimal(0)
    rest_tokens: list[tuple[str, Any]] = []
    if rest:
        digits = ""
        for i, ch in enumerate(rest):
            if ch in lex.digits:
                digits += str(lex.digits[ch])
            elif ch.isdigit():
                digits += ch
            else:
                rest_tokens = _tokens(rest[i:]) or [("bad", None)]
                break
        if not digits or any(kind not in ("scale", "more") for kind, _ in rest_tokens):
            return None
        fraction = Decimal("0." + digits)
    combined = _integer(tokens)
    if combined is None:
        return None
    value, more, scale = combined
    value += fraction
    for kind, factor in rest_tokens:
        if kind == "scale":
            value, scale = value * factor, factor
        else:
            more = True
    digit_sequence = len(tokens) == 1 and tokens[0][0] in ("num", "digit") and not rest_tokens
    return _Parsed(value, more, scale, digit_sequence)


def _pieces(run: str) -> list[tuple[int, int]]:
    """Split a candidate run at stray commas (1,2345 or 2023,2024 are two numbers)."""
    if "," not in run and run.count(".") < 2:
        return [(0, len(run))] if run else []  # the usual run: nothing to split
    pieces: list[tuple[int, int]] = []
    start = 0
    for match in re.finditer(r",", run):
        comma = match.start()
        head = re.search(r"\d+$", run[start:comma])
        tail = run[comma + 1 : comma + 5]
        grouped = head is not None and len(head.group()) <= 3 and re.match(r"\d{3}(?!\d)", tail) is not None
        if not grouped:
            pieces.append((start, comma))
            start = comma + 1
    pieces.append((start, len(run)))
    split: list[tuple[int, int]] = []
    for s, e in pieces:
        # 2222.2222.22222 (versions, addresses) has no decimal point: every dot separates
        dots = [m.start() + s for m in re.finditer(r"(?<=\d)\.(?=\d)", run[s:e])]
        if len(dots) > 1:
            bounds = [s - 1, *dots, e]
            split.extend((a + 1, b) for a, b in pairwise(bounds))
        else:
            split.append((s, e))
    return [(s, e) for s, e in split if e > s]


_MAX_SPLIT_RUN = 200  # an ill-formed run longer than this is noise (万万万…), not numerals
_MAX_NUMERAL = 48  # the longest well-formed Chinese numeral in the R-T specs has 31 characters
_MAX_BAD_EXTENSIONS = 4


def _longest_valid(run: str, start: int, end: int) -> list[tuple[int, int, _Parsed]]:
    """Cover run[start:end] by maximal well-formed numerals, left to right.

    The whole piece is tried first (the usual case); an ill-formed piece is split greedily, extending each
    numeral while it stays well formed, so the work per position is bounded.
    """
    whole = _resolve(run[start:end])
    if whole is not None:
        return [(start, end, whole)]
    if end - start > _MAX_SPLIT_RUN:
        return []
    found: list[tuple[int, int, _Parsed]] = []
    pos = start
    while pos < end:
        best: tuple[int, _Parsed] | None = None
        misses = 0
        for stop in range(pos + 1, min(end, pos + _MAX_NUMERAL) + 1):
            parsed = _resolve(run[pos:stop])
            if parsed is None:
                misses += 1
                if misses > _MAX_BAD_EXTENSIONS:
                    break
            else:
                best, misses = (stop, parsed), 0
        if best is None:
            pos += 1
            continue
        found.append((pos, best[0], best[1]))
        pos = best[0]
    return found


@lru_cache(maxsize=16384)
def _run_numerals(run: str) -> tuple[tuple[int, int, _Parsed, bool, bool, bool], ...]:
    """The numerals of one run of numeral characters: (start, end, parsed, ends in a digit, chinese, word_like),
    offsets within the run. Cached: the same runs (一, 10, 2025) recur in every document."""
    lex = lexicon()
    found = []
    for piece_start, piece_end in _pieces(run):
        for start, end, parsed in _longest_valid(run, piece_start, piece_end):
            text = run[start:end]
            found.append((start, end, parsed, text[-1].isdigit(), not any(ch.isascii() for ch in text),
                          len(text) == 1 and text in lex.not_alone))
    return tuple(found)


def find_numerals(folded: str) -> list[Numeral]:
    """Every well-formed numeral in folded, space-compressed text, left to right, non-overlapping."""
    lex = lexicon()
    numerals: list[Numeral] = []
    for match in lex.run_re.finditer(folded):
        offset = match.start()
        for start, end, parsed, digit_last, chinese, word_like in _run_numerals(match.group()):
            abs_end = offset + end
            value, scale = parsed.value, parsed.scale
            high = parsed.high if parsed.high is not None else value
            letter = lex.letter_scale_re.match(folded, abs_end) if digit_last else None
            if letter:
                factor = lex.letter_scales[letter.group()]
                value, high, scale, abs_end = value * factor, high * factor, factor, letter.end()
            numerals.append(Numeral(offset + start, abs_end, value, high, parsed.more, scale, chinese,
                                    parsed.digit_sequence, word_like))
    return numerals

"""Offset alignment between two versions of a text (difflib), so spans of one run can be placed in the other's text."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import accumulate

Opcode = tuple[str, int, int, int, int]

# Above this many character pairs a changed block is diffed with difflib's junk heuristic to stay fast.
_EXACT_CHAR_DIFF_LIMIT = 4_000_000


def _line_starts(lines: list[str]) -> list[int]:
    return [0, *accumulate(len(line) for line in lines)]


def _char_opcodes(a: str, b: str, a0: int, b0: int) -> list[Opcode]:
    autojunk = len(a) * len(b) > _EXACT_CHAR_DIFF_LIMIT
    matcher = SequenceMatcher(None, a, b, autojunk=autojunk)
    return [(tag, i1 + a0, i2 + a0, j1 + b0, j2 + b0) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]


def text_opcodes(a: str, b: str) -> list[Opcode]:
    """difflib opcodes turning `a` into `b`: lines first (fast on long texts), then characters inside changed lines."""
    if a == b:
        return [("equal", 0, len(a), 0, len(b))]
    lines_a, lines_b = a.splitlines(keepends=True), b.splitlines(keepends=True)
    starts_a, starts_b = _line_starts(lines_a), _line_starts(lines_b)
    opcodes: list[Opcode] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, lines_a, lines_b, autojunk=False).get_opcodes():
        a1, a2, b1, b2 = starts_a[i1], starts_a[i2], starts_b[j1], starts_b[j2]
        if tag == "replace":
            opcodes.extend(_char_opcodes(a[a1:a2], b[b1:b2], a1, b1))
        else:
            opcodes.append((tag, a1, a2, b1, b2))
    return [op for op in opcodes if op[1] != op[2] or op[3] != op[4]]


@dataclass(frozen=True)
class _Side:
    """One direction of the alignment: opcodes as (src_start, src_end, dst_start, dst_end, equal)."""

    blocks: tuple[tuple[int, int, int, int, bool], ...]
    starts: tuple[int, ...]
    src_len: int
    dst_len: int

    def char(self, pos: int) -> tuple[int, str]:
        """Destination index of source character `pos` and how it got there: equal, replace or gap (deleted)."""
        k = bisect_right(self.starts, pos) - 1
        if k < 0 or pos >= self.src_len:
            return (0 if k < 0 else self.dst_len), "gap"
        s1, _s2, d1, d2, equal = self.blocks[k]
        if equal:
            return d1 + (pos - s1), "equal"
        if d2 == d1:
            return d1, "gap"
        return min(d1 + (pos - s1), d2 - 1), "replace"

    def span(self, start: int, end: int) -> tuple[int, int, bool]:
        """Destination span of source span [start, end) and whether it maps character for character."""
        if end <= start:
            at, how = self.char(start)
            return at, at, how == "equal" or start >= self.src_len
        first, _ = self.char(start)
        last, last_how = self.char(end - 1)
        stop = max(last + (last_how != "gap"), first)
        # Exact only when every source block the span touches is an equal block and the image is contiguous:
        # checking the two ends alone would accept a span whose middle was replaced by as many characters.
        k_first = bisect_right(self.starts, start) - 1
        k_last = bisect_right(self.starts, end - 1) - 1
        touched = self.blocks[max(k_first, 0) : k_last + 1] if k_first >= 0 and end <= self.src_len else ()
        exact = bool(touched) and all(block[4] for block in touched) and stop - first == end - start
        return first, stop, exact


def _side(opcodes: list[Opcode], src_len: int, dst_len: int, swap: bool) -> _Side:
    blocks = [
        (j1, j2, i1, i2, tag == "equal") if swap else (i1, i2, j1, j2, tag == "equal")
        for tag, i1, i2, j1, j2 in opcodes
    ]
    blocks = sorted((b for b in blocks if b[1] > b[0]), key=lambda b: b[0])
    return _Side(tuple(blocks), tuple(b[0] for b in blocks), src_len, dst_len)


@dataclass(frozen=True)
class OffsetMap:
    """Map offsets between text A and text B in both directions; identity when the texts are equal."""

    identical: bool
    a_to_b: _Side
    b_to_a: _Side

    @classmethod
    def between(cls, a: str, b: str) -> OffsetMap:
        opcodes = text_opcodes(a, b)
        return cls(a == b, _side(opcodes, len(a), len(b), False), _side(opcodes, len(b), len(a), True))

    def span_to_a(self, start: int, end: int) -> tuple[int, int, bool]:
        """A-coordinates of B span [start, end), and whether the span's text is unchanged."""
        return (start, end, True) if self.identical else self.b_to_a.span(start, end)

    def span_to_b(self, start: int, end: int) -> tuple[int, int, bool]:
        """B-coordinates of A span [start, end), and whether the span's text is unchanged."""
        return (start, end, True) if self.identical else self.a_to_b.span(start, end)

    def pos_to_a(self, pos: int) -> int:
        """A-coordinates of the gap before B character `pos`."""
        return pos if self.identical else self.b_to_a.span(pos, pos)[0]

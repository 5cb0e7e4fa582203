"""Offset alignment between a normalized text and the raw text it came from, kept as numpy arrays."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import chain

import numpy as np

Edit = tuple[int, int, str]
"""Replace text[start:end] with the string (an empty string deletes, start == end inserts)."""

_DTYPE = np.int64
LIST_LIMIT = 200_000
"""Up to this length lookups use Python lists (list indexing and bisect beat numpy on one value);
longer alignments stay numpy-only to bound memory."""


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.asarray(array, dtype=_DTYPE)
    array.flags.writeable = False
    return array


class Alignment:
    """Maps every offset of the normalized text to a span of the raw text.

    Normalized character ``i`` comes from ``raw[raw_start[i]:raw_end[i]]``. Both arrays are
    non-decreasing. Unchanged characters map to themselves; a replacement maps every inserted
    character to the whole replaced raw span; deleted raw text is mapped by no character, so a
    normalized span that crosses a deletion maps to a raw span that includes it.

    An identity alignment (most steps change nothing) keeps no arrays until someone asks for them.
    """

    __slots__ = ("_end", "_end_list", "_identity", "_len", "_start", "_start_list", "raw_len")

    def __init__(self, raw_start: np.ndarray, raw_end: np.ndarray, raw_len: int) -> None:
        if raw_start.shape != raw_end.shape or raw_start.ndim != 1:
            raise ValueError("raw_start and raw_end must be 1-d arrays of the same length")
        self.raw_len = int(raw_len)
        self._start: np.ndarray | None = _frozen(raw_start)
        self._end: np.ndarray | None = _frozen(raw_end)
        self._len = int(raw_start.shape[0])
        self._identity = False
        self._start_list: list[int] | None = None
        self._end_list: list[int] | None = None

    @classmethod
    def identity(cls, n: int) -> Alignment:
        alignment = cls.__new__(cls)
        alignment.raw_len = alignment._len = int(n)
        alignment._start = alignment._end = None
        alignment._start_list = alignment._end_list = None
        alignment._identity = True
        return alignment

    @property
    def raw_start(self) -> np.ndarray:
        if self._start is None:
            self._start = _frozen(np.arange(self._len, dtype=_DTYPE))
        return self._start

    @property
    def raw_end(self) -> np.ndarray:
        if self._end is None:
            self._end = _frozen(np.arange(1, self._len + 1, dtype=_DTYPE))
        return self._end

    def __len__(self) -> int:
        return self._len

    def __repr__(self) -> str:
        return f"Alignment(len={len(self)}, raw_len={self.raw_len})"

    def is_identity(self) -> bool:
        if self._identity:
            return True
        n = self._len
        return n == self.raw_len and bool(
            np.array_equal(self.raw_start, np.arange(n)) and np.array_equal(self.raw_end, np.arange(1, n + 1))
        )

    def _lookups(self) -> tuple[Sequence[int], Sequence[int]]:
        """The start and end arrays in the form fastest to read one value from."""
        if self._len > LIST_LIMIT:
            return self.raw_start, self.raw_end
        if self._start_list is None or self._end_list is None:
            self._start_list = self.raw_start.tolist()
            self._end_list = self.raw_end.tolist()
        return self._start_list, self._end_list

    def to_raw(self, norm_start: int, norm_end: int) -> tuple[int, int]:
        """Raw span covered by normalized ``[norm_start, norm_end)``; an empty span maps to an empty one."""
        if not 0 <= norm_start <= norm_end <= self._len:
            raise ValueError(f"normalized span [{norm_start}, {norm_end}) is outside 0..{self._len}")
        if self._identity:
            return int(norm_start), int(norm_end)
        starts, ends = (self._start_list, self._end_list) if self._start_list is not None else self._lookups()
        if norm_start == norm_end:
            pos = int(starts[norm_start]) if norm_start < self._len else self.raw_len
            return pos, pos
        return int(starts[norm_start]), int(ends[norm_end - 1])

    def to_norm(self, raw_start: int, raw_end: int) -> tuple[int, int]:
        """Smallest normalized span whose characters' raw images intersect ``[raw_start, raw_end)``.

        Its ``to_raw`` image covers the raw span (it is equal when the raw span starts and ends on
        character boundaries of the normalization). A raw span that lies entirely inside deleted
        text, or an empty raw span, gives the empty normalized span at the first character whose
        raw image starts at or after it.
        """
        if not 0 <= raw_start <= raw_end <= self.raw_len:
            raise ValueError(f"raw span [{raw_start}, {raw_end}) is outside 0..{self.raw_len}")
        if self._identity:
            return int(raw_start), int(raw_end)
        starts, ends = (self._start_list, self._end_list) if self._start_list is not None else self._lookups()
        if raw_start == raw_end:
            pos = bisect_left(starts, raw_start)
            return pos, pos
        first = bisect_right(ends, raw_start)
        stop = bisect_left(starts, raw_end)
        if stop <= first:
            return stop, stop
        return first, stop

    def compose(self, step: Alignment) -> Alignment:
        """Chain ``step`` (newer text -> this alignment's text) with self (this text -> raw)."""
        if step.raw_len != self._len:
            raise ValueError(f"step maps into a text of length {step.raw_len}, expected {self._len}")
        if step._identity:
            return self
        s, e = step.raw_start, step.raw_end
        nonempty = e > s
        if self._identity:
            new_start = s
            new_end = np.where(nonempty, e, s)
        else:
            padded_start = np.append(self.raw_start, self.raw_len)
            new_start = padded_start[s]
            new_end = np.where(nonempty, self.raw_end[np.maximum(e - 1, 0)] if self._len else 0, new_start)
        # Overlapping images (a repaired run mapped as a whole) can make an inserted empty image end
        # before its predecessor; widening keeps both arrays non-decreasing.
        new_end = np.maximum.accumulate(new_end) if len(new_end) else new_end
        return Alignment(new_start, new_end, self.raw_len)


def apply_edits(text: str, edits: Sequence[Edit]) -> tuple[str, Alignment]:
    """Apply sorted, non-overlapping edits; return the new text and its alignment to ``text``."""
    n = len(text)
    if not edits:
        return text, Alignment.identity(n)
    starts_list, ends_list, replacements = zip(*edits)
    starts = np.array(starts_list, dtype=_DTYPE)
    ends = np.array(ends_list, dtype=_DTYPE)
    lengths = np.fromiter(map(len, replacements), dtype=_DTYPE, count=len(edits))
    if np.any(ends < starts) or starts[0] < 0 or ends[-1] > n or np.any(starts[1:] < ends[:-1]):
        raise ValueError("edits must be sorted, non-overlapping and inside the text")

    kept = [text[start:end] for start, end in zip((0, *ends_list), (*starts_list, n))]
    new_text = "".join(chain.from_iterable(zip(kept, replacements))) + kept[-1]

    # The new text is kept runs and replacements in turn: kept run i is raw[ends[i-1]:starts[i]],
    # mapped one to one; every character of replacement i maps to raw[starts[i]:ends[i]].
    count = len(edits)
    run_starts = np.concatenate(([0], ends))
    run_lengths = np.concatenate((starts, [n])) - run_starts
    segment_lengths = np.empty(2 * count + 1, dtype=_DTYPE)
    segment_lengths[0::2] = run_lengths
    segment_lengths[1::2] = lengths
    first_start = np.empty(2 * count + 1, dtype=_DTYPE)
    first_start[0::2] = run_starts
    first_start[1::2] = starts
    first_end = np.empty(2 * count + 1, dtype=_DTYPE)
    first_end[0::2] = run_starts + 1
    first_end[1::2] = ends
    steps = np.zeros(2 * count + 1, dtype=_DTYPE)
    steps[0::2] = 1
    segment_offsets = np.cumsum(segment_lengths) - segment_lengths
    inner = np.arange(len(new_text), dtype=_DTYPE) - np.repeat(segment_offsets, segment_lengths)
    advance = inner * np.repeat(steps, segment_lengths)
    out_start = np.repeat(first_start, segment_lengths) + advance
    out_end = np.repeat(first_end, segment_lengths) + advance
    return new_text, Alignment(out_start, out_end, n)

"""Offset alignment between a normalized text and the raw text it came from, kept as numpy arrays."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Edit = tuple[int, int, str]
"""Replace text[start:end] with the string (an empty string deletes, start == end inserts)."""

_DTYPE = np.int64


class Alignment:
    """Maps every offset of the normalized text to a span of the raw text.

    Normalized character ``i`` comes from ``raw[raw_start[i]:raw_end[i]]``. Both arrays are
    non-decreasing. Unchanged characters map to themselves; a replacement maps every inserted
    character to the whole replaced raw span; deleted raw text is mapped by no character, so a
    normalized span that crosses a deletion maps to a raw span that includes it.
    """

    __slots__ = ("_end", "_start", "raw_len")

    def __init__(self, raw_start: np.ndarray, raw_end: np.ndarray, raw_len: int) -> None:
        if raw_start.shape != raw_end.shape or raw_start.ndim != 1:
            raise ValueError("raw_start and raw_end must be 1-d arrays of the same length")
        self.raw_len = int(raw_len)
        self._start = np.asarray(raw_start, dtype=_DTYPE)
        self._end = np.asarray(raw_end, dtype=_DTYPE)
        self._start.flags.writeable = False
        self._end.flags.writeable = False

    @classmethod
    def identity(cls, n: int) -> Alignment:
        positions = np.arange(n, dtype=_DTYPE)
        return cls(positions, positions + 1, n)

    @property
    def raw_start(self) -> np.ndarray:
        return self._start

    @property
    def raw_end(self) -> np.ndarray:
        return self._end

    def __len__(self) -> int:
        return int(self._start.shape[0])

    def __repr__(self) -> str:
        return f"Alignment(len={len(self)}, raw_len={self.raw_len})"

    def is_identity(self) -> bool:
        n = len(self)
        return n == self.raw_len and bool(
            np.array_equal(self._start, np.arange(n)) and np.array_equal(self._end, np.arange(1, n + 1))
        )

    def _raw_boundary(self, norm_pos: int) -> int:
        """The raw offset that an empty normalized span at ``norm_pos`` stands for."""
        return int(self._start[norm_pos]) if norm_pos < len(self) else self.raw_len

    def to_raw(self, norm_start: int, norm_end: int) -> tuple[int, int]:
        """Raw span covered by normalized ``[norm_start, norm_end)``; an empty span maps to an empty one."""
        if not 0 <= norm_start <= norm_end <= len(self):
            raise ValueError(f"normalized span [{norm_start}, {norm_end}) is outside 0..{len(self)}")
        if norm_start == norm_end:
            pos = self._raw_boundary(norm_start)
            return pos, pos
        return int(self._start[norm_start]), int(self._end[norm_end - 1])

    def to_norm(self, raw_start: int, raw_end: int) -> tuple[int, int]:
        """Smallest normalized span whose characters' raw images intersect ``[raw_start, raw_end)``.

        Its ``to_raw`` image covers the raw span (it is equal when the raw span starts and ends on
        character boundaries of the normalization). A raw span that lies entirely inside deleted
        text, or an empty raw span, gives the empty normalized span at the first character whose
        raw image starts at or after it.
        """
        if not 0 <= raw_start <= raw_end <= self.raw_len:
            raise ValueError(f"raw span [{raw_start}, {raw_end}) is outside 0..{self.raw_len}")
        if raw_start == raw_end:
            pos = int(np.searchsorted(self._start, raw_start, side="left"))
            return pos, pos
        first = int(np.searchsorted(self._end, raw_start, side="right"))
        stop = int(np.searchsorted(self._start, raw_end, side="left"))
        if stop <= first:
            pos = int(np.searchsorted(self._start, raw_end, side="left"))
            return pos, pos
        return first, stop

    def compose(self, step: Alignment) -> Alignment:
        """Chain ``step`` (newer text -> this alignment's text) with self (this text -> raw)."""
        if step.raw_len != len(self):
            raise ValueError(f"step maps into a text of length {step.raw_len}, expected {len(self)}")
        padded_start = np.append(self._start, self.raw_len)
        s, e = step.raw_start, step.raw_end
        nonempty = e > s
        new_start = padded_start[s]
        new_end = np.where(nonempty, self._end[np.maximum(e - 1, 0)] if len(self) else 0, new_start)
        # Overlapping images (a repaired run mapped as a whole) can make an inserted empty image end
        # before its predecessor; widening keeps both arrays non-decreasing.
        new_end = np.maximum.accumulate(new_end) if len(new_end) else new_end
        return Alignment(new_start, new_end, self.raw_len)


def apply_edits(text: str, edits: Sequence[Edit]) -> tuple[str, Alignment]:
    """Apply sorted, non-overlapping edits; return the new text and its alignment to ``text``."""
    n = len(text)
    if not edits:
        return text, Alignment.identity(n)
    starts = np.fromiter((e[0] for e in edits), dtype=_DTYPE, count=len(edits))
    ends = np.fromiter((e[1] for e in edits), dtype=_DTYPE, count=len(edits))
    lengths = np.fromiter((len(e[2]) for e in edits), dtype=_DTYPE, count=len(edits))
    if np.any(ends < starts) or starts[0] < 0 or ends[-1] > n or np.any(starts[1:] < ends[:-1]):
        raise ValueError("edits must be sorted, non-overlapping and inside the text")

    pieces: list[str] = []
    cursor = 0
    for start, end, replacement in edits:
        pieces.append(text[cursor:start])
        pieces.append(replacement)
        cursor = end
    pieces.append(text[cursor:])
    new_text = "".join(pieces)

    removed_before = np.concatenate(([0], np.cumsum(ends - starts)))
    inserted_before = np.concatenate(([0], np.cumsum(lengths)))
    out_start = np.empty(len(new_text), dtype=_DTYPE)
    out_end = np.empty(len(new_text), dtype=_DTYPE)

    coverage = np.zeros(n + 1, dtype=np.int32)
    np.add.at(coverage, starts, 1)
    np.add.at(coverage, ends, -1)
    kept = np.flatnonzero(np.cumsum(coverage[:n]) == 0)
    edits_before = np.searchsorted(ends, kept, side="right")
    kept_pos = kept - removed_before[edits_before] + inserted_before[edits_before]
    out_start[kept_pos] = kept
    out_end[kept_pos] = kept + 1

    # A pure insertion sits at a position that may also be kept; it must come before that character.
    edit_offsets = starts - removed_before[:-1] + inserted_before[:-1]
    edit_ids = np.repeat(np.arange(len(edits)), lengths)
    inner = np.arange(len(edit_ids), dtype=_DTYPE) - np.repeat(inserted_before[:-1], lengths)
    ins_pos = edit_offsets[edit_ids] + inner
    out_start[ins_pos] = starts[edit_ids]
    out_end[ins_pos] = ends[edit_ids]
    return new_text, Alignment(out_start, out_end, n)

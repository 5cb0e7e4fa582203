"""Find the short stretches of a text where a repair pattern can match, so that it scans only those.

A pattern whose matches consist of characters from a small set and always contain one of a few
trigger characters can only match inside a run of that set that holds a trigger. Scanning those
runs with ``finditer(text, start, end)`` yields exactly the matches of a scan over the whole text,
as long as the pattern looks ahead only inside its match (a lookbehind may look before ``start``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

Span = tuple[int, int]
JOIN_GAP = 8
"""Windows closer than this are scanned as one: a short scan is cheaper than another Python call."""


@lru_cache(maxsize=8)
def _table(chars: str) -> np.ndarray:
    """Membership by code point for ``chars``; the last slot stands for every larger code point (False)."""
    codes = [ord(ch) for ch in chars]
    table = np.zeros(max(codes) + 2, dtype=bool)
    table[codes] = True
    return table


def candidate_windows(text: str, members: str, triggers: str, lead: int = 0) -> list[Span]:
    """Spans covering every maximal run of ``members`` that holds one of ``triggers`` (a subset).

    Each span starts ``lead`` characters before its run, for a pattern whose match may begin with
    one character from outside the set. Nearby spans are joined; the spans are sorted and disjoint.
    """
    member_table, trigger_table = _table(members), _table(triggers)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    triggered = trigger_table.take(codes, mode="clip")
    if not triggered.any():
        return []
    inside = np.zeros(len(codes) + 2, dtype=bool)
    inside[1:-1] = member_table.take(codes, mode="clip")
    edges = np.flatnonzero(inside[1:] != inside[:-1])
    starts, ends = edges[0::2], edges[1::2]
    seen = np.concatenate(([0], np.cumsum(triggered)))
    holding = seen[ends] > seen[starts]
    starts = np.maximum(starts[holding] - lead, 0)
    ends = ends[holding]
    breaks = np.flatnonzero(starts[1:] - ends[:-1] > JOIN_GAP)
    window_starts = np.concatenate((starts[:1], starts[breaks + 1]))
    window_ends = np.concatenate((ends[breaks], ends[-1:]))
    return list(zip(window_starts.tolist(), window_ends.tolist()))

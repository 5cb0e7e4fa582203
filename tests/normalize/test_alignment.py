"""Alignment and apply_edits: mapping rules, composition, and properties over random edits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.normalize import alignment as alignment_module
from pipeline.normalize.alignment import Alignment, apply_edits


def spans(alignment: Alignment) -> list[tuple[int, int]]:
    return [(int(s), int(e)) for s, e in zip(alignment.raw_start, alignment.raw_end)]


def test_identity_maps_every_offset_to_itself() -> None:
    alignment = Alignment.identity(4)
    assert len(alignment) == 4 and alignment.raw_len == 4 and alignment.is_identity()
    assert alignment.to_raw(1, 3) == (1, 3)
    assert alignment.to_norm(1, 3) == (1, 3)
    assert alignment.to_raw(2, 2) == (2, 2)
    assert alignment.to_raw(4, 4) == (4, 4)


def test_replacement_maps_to_the_whole_replaced_span() -> None:
    text, alignment = apply_edits("ab&ldquo;cd", [(2, 9, "“")])
    assert text == "ab“cd"
    assert spans(alignment) == [(0, 1), (1, 2), (2, 9), (9, 10), (10, 11)]


def test_deletion_is_unmapped_but_a_crossing_span_includes_it() -> None:
    raw = "3~5個(gè)月"
    text, alignment = apply_edits(raw, [(4, 8, "")])
    assert text == "3~5個月"
    assert alignment.to_raw(0, 5) == (0, len(raw))
    assert alignment.to_raw(0, 4) == (0, 4)
    assert alignment.to_norm(5, 7) == (4, 4)  # inside the deleted annotation: empty span


def test_pure_insertion_comes_before_the_character_at_its_position() -> None:
    text, alignment = apply_edits("ab", [(1, 1, "X")])
    assert text == "aXb"
    assert spans(alignment) == [(0, 1), (1, 1), (1, 2)]


def test_to_norm_covers_the_raw_span_and_rejects_bad_spans() -> None:
    _, alignment = apply_edits("xABCy", [(1, 4, "Z")])
    assert alignment.to_norm(2, 3) == (1, 2)
    assert alignment.to_raw(*alignment.to_norm(2, 3)) == (1, 4)
    with pytest.raises(ValueError):
        alignment.to_norm(3, 9)
    with pytest.raises(ValueError):
        alignment.to_raw(2, 1)


def test_overlapping_or_unsorted_edits_are_rejected() -> None:
    with pytest.raises(ValueError):
        apply_edits("abcdef", [(2, 4, ""), (3, 5, "")])


def test_compose_chains_two_steps() -> None:
    first_text, first = apply_edits("a(x)bc", [(0, 4, "a")])
    second_text, second = apply_edits(first_text, [(1, 2, "BB")])
    composed = first.compose(second)
    assert second_text == "aBBc"
    assert spans(composed) == [(0, 4), (4, 5), (4, 5), (5, 6)]
    with pytest.raises(ValueError):
        second.compose(first)


@st.composite
def text_and_edits(draw: st.DrawFn) -> tuple[str, list[tuple[int, int, str]]]:
    text = draw(st.text(alphabet="ab(x)c個月?\n", max_size=40))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2]):
        edits.append((start, end, draw(st.text(alphabet="XY", max_size=3))))
    return text, edits


def check_invariants(alignment: Alignment, raw_len: int) -> None:
    start, end = alignment.raw_start, alignment.raw_end
    assert alignment.raw_len == raw_len
    assert np.all(start <= end)
    assert np.all(np.diff(start) >= 0) and np.all(np.diff(end) >= 0)
    if len(alignment):
        assert start[0] >= 0 and end[-1] <= raw_len


@given(text_and_edits())
def test_apply_edits_properties(case: tuple[str, list[tuple[int, int, str]]]) -> None:
    raw, edits = case
    text, alignment = apply_edits(raw, edits)
    assert len(alignment) == len(text)
    check_invariants(alignment, len(raw))
    touched = np.zeros(len(raw) + 1, dtype=bool)
    for start, end, _ in edits:
        touched[start : max(end, start + 1)] = True
    # Untouched raw characters map to themselves, one to one.
    for i, (s, e) in enumerate(spans(alignment)):
        if e - s == 1 and not touched[s]:
            assert text[i] == raw[s]
    assert sum(1 for s, e in spans(alignment) if e - s == 1 and not touched[s]) == int((~touched[:-1]).sum())
    for norm_start in range(len(text) + 1):
        for norm_end in range(norm_start, min(len(text), norm_start + 3) + 1):
            raw_start, raw_end = alignment.to_raw(norm_start, norm_end)
            assert 0 <= raw_start <= raw_end <= len(raw)
            images = alignment.raw_end - alignment.raw_start
            if norm_start < norm_end and images[norm_start] > 0 and images[norm_end - 1] > 0:
                # The raw image of a span (not ending in a point insertion) is a fixed point of the round trip.
                assert alignment.to_raw(*alignment.to_norm(raw_start, raw_end)) == (raw_start, raw_end)


def test_identity_composes_without_changing_the_other_side() -> None:
    text, step = apply_edits("a(x)bc", [(1, 4, "")])
    assert spans(Alignment.identity(6).compose(step)) == spans(step)
    assert Alignment.identity(6).compose(step).raw_len == 6
    assert step.compose(Alignment.identity(len(text))) is step
    _, unchanged = apply_edits(text, [])
    assert unchanged.is_identity() and spans(unchanged) == [(0, 1), (1, 2), (2, 3)]


@given(text_and_edits())
def test_lookups_agree_above_the_list_limit(case: tuple[str, list[tuple[int, int, str]]]) -> None:
    raw, edits = case
    _, small = apply_edits(raw, edits)
    limit = alignment_module.LIST_LIMIT
    alignment_module.LIST_LIMIT = -1
    try:
        _, large = apply_edits(raw, edits)
        for start in range(len(small) + 1):
            for end in range(start, min(len(small), start + 2) + 1):
                assert small.to_raw(start, end) == large.to_raw(start, end)
        for start in range(len(raw) + 1):
            for end in range(start, min(len(raw), start + 2) + 1):
                assert small.to_norm(start, end) == large.to_norm(start, end)
    finally:
        alignment_module.LIST_LIMIT = limit

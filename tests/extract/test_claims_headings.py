"""`_Headings.overlap` answers exactly what `_overlaps_heading` answers over all the document's headings."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.claims import _Headings, _overlaps_heading
from pipeline.records import Sentence

spans = st.tuples(st.integers(0, 60), st.integers(0, 20)).map(lambda p: (p[0], p[0] + p[1]))


def sentence(start: int, end: int) -> Sentence:
    return Sentence(id="s", doc_id="d", start=start, end=end, norm_start=start, norm_end=end, index=0, paragraph=0,
                    text="x" * (end - start), in_body=True, n_tokens=1)


@settings(max_examples=400, deadline=None)
@given(st.lists(spans, max_size=8), spans, st.booleans())
def test_same_answer_as_every_heading(headings: list[tuple[int, int]], span: tuple[int, int], in_order: bool) -> None:
    if in_order:  # section headings: in order, disjoint
        headings = sorted(headings)
        headings = [h for i, h in enumerate(headings) if all(h[0] >= g[1] for g in headings[:i])]
    probe = sentence(*span)
    assert _Headings(headings).overlap(probe) == _overlaps_heading(probe, headings)

"""Offset maps between two versions of a text: spans outside an edit map exactly, inside it approximately."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.review.align import OffsetMap, text_opcodes

TEXT = "第一段文字。\n公司2024年收入19亿美元。\n毛利率约为74%。\n"


def test_identical_texts_map_to_themselves() -> None:
    m = OffsetMap.between(TEXT, TEXT)
    assert m.identical
    assert m.span_to_a(3, 9) == (3, 9, True)


def test_insertion_before_a_span_shifts_it_exactly() -> None:
    b = "编者按。\n" + TEXT
    m = OffsetMap.between(TEXT, b)
    start = b.index("19亿美元")
    end = start + len("19亿美元")
    a_start, a_end, exact = m.span_to_a(start, end)
    assert exact and TEXT[a_start:a_end] == "19亿美元"
    assert m.span_to_b(a_start, a_end) == (start, end, True)


def test_edited_span_maps_inexactly_onto_its_old_place() -> None:
    b = TEXT.replace("19亿美元", "20亿美元")
    m = OffsetMap.between(TEXT, b)
    start = b.index("20亿美元")
    a_start, a_end, exact = m.span_to_a(start, start + len("20亿美元"))
    assert not exact
    assert (a_start, a_end) == (TEXT.index("19亿美元"), TEXT.index("19亿美元") + len("19亿美元"))


def test_deleted_text_maps_to_an_empty_span_at_the_gap() -> None:
    b = TEXT.replace("毛利率约为74%。\n", "")
    m = OffsetMap.between(TEXT, b)
    start = TEXT.index("毛利率")
    b_start, b_end, exact = m.span_to_b(start, start + 3)
    assert not exact and b_start == b_end == len(b)


def test_opcodes_cover_both_texts() -> None:
    b = TEXT.replace("收入", "营收").replace("第一段", "")
    ops = text_opcodes(TEXT, b)
    assert "".join(TEXT[i1:i2] for _, i1, i2, _, _ in ops) == TEXT
    assert "".join(b[j1:j2] for _, _, _, j1, j2 in ops) == b


@given(
    st.text(alphabet="收入亿美元。12%", min_size=1, max_size=60),
    st.text(alphabet="编者按", min_size=1, max_size=10),
    st.data(),
)
def test_spans_outside_an_insertion_map_exactly(text: str, inserted: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(text)))
    b = text[:at] + inserted + text[at:]
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    b_start, b_end, exact = OffsetMap.between(text, b).span_to_b(start, end)
    if exact:  # a repeated character can make the diff place the insertion elsewhere: the text must still agree
        assert b[b_start:b_end] == text[start:end]
    if not start < at < end:  # a span away from the insertion always keeps an exact image
        assert exact


@given(st.text(alphabet="收入\n。1", max_size=40), st.text(alphabet="收入\n。2", max_size=40), st.data())
def test_exact_spans_keep_their_text(a: str, b: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(b)))
    end = data.draw(st.integers(start, len(b)))
    a_start, a_end, exact = OffsetMap.between(a, b).span_to_a(start, end)
    assert 0 <= a_start <= a_end <= len(a)
    if exact:
        assert a[a_start:a_end] == b[start:end]

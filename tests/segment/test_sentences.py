"""Segment: sentence boundaries follow the seed's conventions (terminators, newlines, mojibake '?')."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.segment.sentences import paragraphs, split_sentences


def _texts(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


def test_terminators_and_newlines_end_sentences() -> None:
    text = "营收增长。毛利率下降！会持续吗？\n下一段没有句号\n\nEnglish? yes!"
    assert _texts(text) == ["营收增长。", "毛利率下降！", "会持续吗？", "下一段没有句号", "English?", "yes!"]


def test_semicolon_does_not_end_a_sentence() -> None:
    assert _texts("第一点;第二点。") == ["第一点;第二点。"]


def test_ascii_question_mark_before_latin_letter_is_mojibake() -> None:
    assert _texts("嘗試?yán)斫庖幌翧I的框架。下一句。") == ["嘗試?yán)斫庖幌翧I的框架。", "下一句。"]


def test_list_markers_and_leading_spaces_are_excluded() -> None:
    assert _texts("a. 服务器:最重要的部分。\n  1)第一层——土建。\n2) 第二层。") == [
        "服务器:最重要的部分。",
        "第一层——土建。",
        "第二层。",
    ]


def test_closing_quote_stays_with_its_sentence() -> None:
    assert _texts("他说“很好。”然后离开。") == ["他说“很好。”", "然后离开。"]


def test_question_mark_in_corrupt_span_is_not_a_terminator() -> None:
    text = "前文?乱码后文。"
    assert _texts(text) == ["前文?", "乱码后文。"]
    spans = split_sentences(text, corrupt=((2, 5),))
    assert [text[s.start : s.end] for s in spans] == ["前文?乱码后文。"]


def test_paragraph_numbers_follow_lines() -> None:
    spans = split_sentences("一。二。\n\n三。")
    assert [s.paragraph for s in spans] == [0, 0, 1]
    assert paragraphs("a\n\n b\n") == [(0, 1), (3, 5)]


@given(st.text(alphabet="营收增长。！？?!\n ab;,1%", max_size=80))
def test_sentences_are_ordered_disjoint_and_stripped(text: str) -> None:
    spans = split_sentences(text)
    previous_end = 0
    for span in spans:
        assert previous_end <= span.start < span.end <= len(text)
        chunk = text[span.start : span.end]
        assert chunk == chunk.strip() and "\n" not in chunk
        previous_end = span.end


def test_the_on_demand_doc_holds_every_sentence_as_its_words() -> None:
    from pipeline.normalize import normalize
    from pipeline.segment import segment

    norm = normalize("标题\n\n英伟达的客户包括微软。  Meta 也是客户！\n结尾")
    seg = segment("doc", norm)
    assert seg.doc.text == norm.text
    # The whitespace between sentences is in the Doc too, as tokens that start no sentence.
    assert [s.text.strip() for s in seg.doc.sents] == [s.text for s in seg.sentences]
    for sentence, words in zip(seg.sentences, seg.words, strict=True):
        assert "".join(words) == sentence.text
        span = seg.doc.char_span(sentence.norm_start, sentence.norm_end)
        assert span is not None and [t.text for t in span] == words

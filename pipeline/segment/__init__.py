"""Segment: sections, paragraphs, sentences and words of a normalized document, with raw offsets."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from spacy.tokens import Doc

from pipeline.ids import stable_id
from pipeline.records import Section, Sentence
from pipeline.segment.sections import find_headings
from pipeline.segment.sentences import paragraphs, split_sentences
from pipeline.segment.tokens import build_doc, sentence_words

if TYPE_CHECKING:
    from pipeline.normalize import NormalizedText


@dataclass(frozen=True)
class Segmented:
    """Sections and sentences of a document, with the jieba words of each sentence.

    `words[i]` joined is `sentences[i].text`. The spaCy Doc over the whole normalized text is built on
    first use only: extractors read words per sentence, and building a Doc costs a third of jieba itself.
    """

    sections: list[Section]
    sentences: list[Sentence]
    words: list[list[str]]
    text: str

    @cached_property
    def doc(self) -> Doc:
        return build_doc(self.text, self.sentences, self.words)


def _in_ranges(start: int, end: int, ranges: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in ranges)


def _sections(doc_id: str, norm: NormalizedText) -> list[Section]:
    lines = [(s, e) for s, e in paragraphs(norm.text) if _in_ranges(*norm.alignment.to_raw(s, e), norm.body)]
    headings = find_headings(norm.text, lines)
    body_end_norm = max((norm.alignment.to_norm(s, e)[1] for s, e in norm.body), default=len(norm.text))
    out: list[Section] = []
    open_by_level: dict[int, str] = {}
    for i, heading in enumerate(headings):
        later = [h for h in headings[i + 1 :] if h.level <= heading.level]
        content_norm_end = later[0].start if later else body_end_norm
        start, end = norm.alignment.to_raw(heading.start, heading.end)
        section_id = stable_id(doc_id, "section", start, end, heading.level)
        parent = next((open_by_level[lvl] for lvl in range(heading.level - 1, 0, -1) if lvl in open_by_level), None)
        open_by_level = {lvl: sid for lvl, sid in open_by_level.items() if lvl < heading.level}
        open_by_level[heading.level] = section_id
        out.append(
            Section(
                id=section_id,
                doc_id=doc_id,
                start=start,
                end=end,
                norm_start=heading.start,
                norm_end=heading.end,
                level=heading.level,
                marker=heading.marker,
                heading=norm.text[heading.heading_start : heading.end].strip(),
                parent_id=parent,
                content_end=norm.alignment.to_raw(content_norm_end, content_norm_end)[0],
            )
        )
    return out


def _section_at(sections: list[Section], norm_pos: int) -> str | None:
    current = None
    for section in sections:
        if section.norm_start <= norm_pos:
            current = section.id
        else:
            break
    return current


def segment(doc_id: str, norm: NormalizedText) -> Segmented:
    spans = split_sentences(norm.text, norm.corrupt)
    words = [sentence_words(norm.text[span.start : span.end]) for span in spans]
    sections = _sections(doc_id, norm)
    sentences: list[Sentence] = []

    for index, span in enumerate(spans):
        start, end = norm.alignment.to_raw(span.start, span.end)
        sentences.append(
            Sentence(
                id=stable_id(doc_id, "sentence", start, end),
                doc_id=doc_id,
                start=start,
                end=end,
                norm_start=span.start,
                norm_end=span.end,
                index=index,
                paragraph=span.paragraph,
                section_id=_section_at(sections, span.start),
                text=norm.text[span.start : span.end],
                in_body=_in_ranges(start, end, norm.body),
                n_tokens=len(words[index]),
            )
        )
    return Segmented(sections, sentences, words, norm.text)

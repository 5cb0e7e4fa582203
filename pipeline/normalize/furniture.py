"""Tell the article body from page furniture (navigation, widgets, footers) and find the title.

Works on normalized (Simplified, folded) text, line by line, with the lexicon in
pipeline/resources/normalize/furniture.yaml; offsets here are normalized offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from pipeline.normalize.lexicon import load_lexicon

Span = tuple[int, int]


class Line(NamedTuple):
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Layout:
    """Where the title and the body are, in normalized offsets; title_span is None if none was found."""

    title: str | None
    title_span: Span | None
    body: tuple[Span, ...]


@dataclass(frozen=True)
class _Rules:
    decoration: str
    navigation_words: frozenset[str]
    leading_meta: re.Pattern[str]
    end_markers: re.Pattern[str]
    widget_lines: re.Pattern[str]
    title_min_chars: int
    title_max_chars: int
    title_sentence_endings: str
    title_confirmations: tuple[re.Pattern[str], ...]
    any_title_confirmation: re.Pattern[str]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = load_lexicon("furniture")

    def compile_all(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(pattern, re.IGNORECASE) for pattern in data[key])

    def compile_any(key: str) -> re.Pattern[str]:
        """One alternation: it matches where any of the patterns does (they use no backreferences)."""
        return re.compile("|".join(f"(?:{pattern})" for pattern in data[key]), re.IGNORECASE)

    return _Rules(
        decoration=data["decoration"],
        navigation_words=frozenset(data["navigation_words"]),
        leading_meta=compile_any("leading_meta"),
        end_markers=compile_any("end_markers"),
        widget_lines=compile_any("widget_lines"),
        title_min_chars=data["title_min_chars"],
        title_max_chars=data["title_max_chars"],
        title_sentence_endings=data["title_sentence_endings"],
        title_confirmations=compile_all("title_confirmations"),
        any_title_confirmation=compile_any("title_confirmations"),
    )


# From a line's first to its last non-space character: the line as str.strip() leaves it.
_TRIMMED_LINE_RE = re.compile(r"\S(?:[^\n]*\S)?")


def split_lines(text: str) -> list[Line]:
    """Lines with their offsets, each trimmed of surrounding whitespace (blank lines are dropped)."""
    return [Line(match.start(), match.end(), match.group()) for match in _TRIMMED_LINE_RE.finditer(text)]


def _bare(line: Line) -> str:
    return line.text.strip(_rules().decoration)


def is_navigation(line: Line) -> bool:
    words = [word for word in re.split(r"[\s|]+", _bare(line)) if word]
    return bool(words) and all(word in _rules().navigation_words for word in words)


def is_end_marker(line: Line) -> bool:
    return _rules().end_markers.search(_bare(line)) is not None


def is_widget(line: Line) -> bool:
    return _rules().widget_lines.search(_bare(line)) is not None


def looks_like_headline(line: Line) -> bool:
    rules = _rules()
    return (
        rules.title_min_chars <= len(line.text) <= rules.title_max_chars
        and line.text[-1] not in rules.title_sentence_endings
    )


def _squash(text: str) -> str:
    return "".join(text.split())


def confirmed_title(lines: list[Line]) -> tuple[str, int] | None:
    """Title text stated by a later line such as ``原文标题: ...``, with that line's index."""
    rules = _rules()
    for index, line in enumerate(lines):
        if rules.any_title_confirmation.match(line.text) is None:
            continue
        for pattern in rules.title_confirmations:
            match = pattern.match(line.text)
            if match and match.group(1).strip():
                return match.group(1).strip(), index
    return None


def _find_title(lines: list[Line], first_content: int) -> int | None:
    confirmation = confirmed_title(lines)
    if confirmation is not None:
        wanted, where = confirmation
        squashed = _squash(wanted)
        for index in range(where):
            if _squash(lines[index].text) == squashed:
                return index
    if first_content < len(lines) and looks_like_headline(lines[first_content]):
        return first_content
    return None


def _first_content(lines: list[Line]) -> int:
    index = 0
    while index < len(lines) and (
        is_navigation(lines[index]) or _rules().leading_meta.search(_bare(lines[index])) is not None
    ):
        index += 1
    return index


def find_layout(text: str) -> Layout:
    """Title and body ranges of a normalized text; the whole text is the body when nothing is found."""
    lines = split_lines(text)
    first = _first_content(lines)
    if first >= len(lines):
        return Layout(None, None, ((0, len(text)),))
    title_index = _find_title(lines, first)
    start_index = first if title_index is None else title_index
    end_index = next(
        (i for i in range(start_index + 1, len(lines)) if is_end_marker(lines[i])),
        None,
    )
    body_start = lines[start_index].start if start_index > 0 or title_index is not None else 0
    body_end = len(text) if end_index is None else lines[end_index].start
    widgets = [lines[i] for i in range(start_index + 1, end_index or len(lines)) if is_widget(lines[i])]
    body = _subtract((body_start, body_end), [(w.start, w.end) for w in widgets])
    title = None if title_index is None else lines[title_index]
    return Layout(
        title=None if title is None else title.text,
        title_span=None if title is None else (title.start, title.end),
        body=body,
    )


def _subtract(whole: Span, holes: list[Span]) -> tuple[Span, ...]:
    pieces = []
    cursor = whole[0]
    for start, end in holes:
        if start > cursor:
            pieces.append((cursor, start))
        cursor = max(cursor, end)
    if whole[1] > cursor:
        pieces.append((cursor, whole[1]))
    return tuple(pieces)

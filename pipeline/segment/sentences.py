"""Paragraphs and sentences of the normalized text (terminators 。！？!? ; and line breaks)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A terminator run (。！？!?… possibly repeated) followed by closing quotes/brackets stays with its sentence.
_TERMINATOR = re.compile(r"[。！？!?…]+[”’」』）)\]]*")
# An ASCII '?' glued to a Latin letter or '/' is GBK mojibake residue, not a question mark.
_MOJIBAKE_QMARK = re.compile(r"\?(?=[A-Za-z/])")
_LEADING_MARKER = re.compile(
    r"^[\s\u3000]*(?:[-*•·]\s+|\d{1,2}[)）]\s*|\(\d{1,2}\)\s*|（\d{1,2}）\s*|[a-zA-Z][.)]\s+|[a-zA-Z][.)](?=[\u4e00-\u9fff]))"
)


@dataclass(frozen=True)
class TextSpan:
    start: int
    end: int
    paragraph: int


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Every non-blank line is a paragraph (web copies put one paragraph per line)."""
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        if match.group().strip():
            spans.append((match.start(), match.end()))
    return spans


def _inside(pos: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(s <= pos < e for s, e in ranges)


def split_sentences(text: str, corrupt: tuple[tuple[int, int], ...] = ()) -> list[TextSpan]:
    """Sentence spans: leading whitespace and list markers excluded, the terminator included."""
    out: list[TextSpan] = []
    for number, (p_start, p_end) in enumerate(paragraphs(text)):
        cursor = p_start
        for match in _TERMINATOR.finditer(text, p_start, p_end):
            if _MOJIBAKE_QMARK.match(text, match.start()) or _inside(match.start(), corrupt):
                continue
            _emit(text, cursor, match.end(), number, out)
            cursor = match.end()
        _emit(text, cursor, p_end, number, out)
    return out


def _emit(text: str, start: int, end: int, paragraph: int, out: list[TextSpan]) -> None:
    chunk = text[start:end]
    marker = _LEADING_MARKER.match(chunk) if not out or out[-1].paragraph != paragraph else None
    skip = marker.end() if marker else len(chunk) - len(chunk.lstrip())
    stripped_end = start + len(chunk.rstrip())
    if start + skip < stripped_end:
        out.append(TextSpan(start + skip, stripped_end, paragraph))

"""Remove the pinyin annotations that web converters insert after characters: 錯(cuò) -> 錯."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

from pipeline.normalize.alignment import Alignment, Edit, apply_edits
from pipeline.normalize.windows import candidate_windows

TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
LOST_CHAR = "\ufffd"
"""Stands for a character that mojibake destroyed; the corrupt spans of the result cover it."""

_PLAIN_LETTERS = string.ascii_lowercase + "ü"
_SYLLABLE = rf"(?=[{_PLAIN_LETTERS}]*[{TONE_MARKS}])[{_PLAIN_LETTERS}{TONE_MARKS}]+"
_ANNOTATION = rf"\({_SYLLABLE}\)"
# A '?' (or U+FFFD) carrying an annotation is a character lost to mojibake: real question marks are
# never annotated. When the mojibake also ate the '(', only "syllable)" is left (an orphan).
PINYIN_ARTEFACT_RE = re.compile(
    rf"(?P<lost>[?{LOST_CHAR}])(?:{_ANNOTATION}|{_SYLLABLE}\))(?:{_ANNOTATION})*"
    rf"|(?P<char>[^\s()?{LOST_CHAR}])?(?:{_ANNOTATION})+"
)
# Past its first character a match is made of these only, and every syllable holds a tone mark.
_MATCH_CHARS = "()" + _PLAIN_LETTERS + TONE_MARKS


def artefact_matches(text: str) -> Iterator[re.Match[str]]:
    """``PINYIN_ARTEFACT_RE.finditer(text)``, scanning only the runs of pinyin characters with a tone mark."""
    for start, end in candidate_windows(text, _MATCH_CHARS, TONE_MARKS, lead=1):
        yield from PINYIN_ARTEFACT_RE.finditer(text, start, end)


def strip_pinyin_annotations(text: str) -> tuple[str, Alignment, dict[str, int]]:
    """Drop annotations; the annotated character keeps the annotation in its raw image (英偉達(dá) -> 英偉達)."""
    edits: list[Edit] = []
    annotations = 0
    lost = 0
    for match in artefact_matches(text):
        start, end = match.span()
        lost_char, char = match.group("lost", "char")
        annotations += text.count(")", start, end)  # one closing parenthesis per annotation
        if lost_char:
            lost += 1
            edits.append((start, end, LOST_CHAR))
        else:
            edits.append((start, end, char or ""))
    new_text, alignment = apply_edits(text, edits)
    return new_text, alignment, {"pinyin_annotations_removed": annotations, "lost_chars_marked": lost}

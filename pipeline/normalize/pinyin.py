"""Remove the pinyin annotations that web converters insert after characters: 錯(cuò) -> 錯."""

from __future__ import annotations

import re

from pipeline.normalize.alignment import Alignment, Edit, apply_edits

TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
LOST_CHAR = "\ufffd"
"""Stands for a character that mojibake destroyed; the corrupt spans of the result cover it."""

_SYLLABLE = rf"(?=[a-zü]*[{TONE_MARKS}])[a-zü{TONE_MARKS}]+"
_ANNOTATION = rf"\({_SYLLABLE}\)"
# A '?' (or U+FFFD) carrying an annotation is a character lost to mojibake: real question marks are
# never annotated. When the mojibake also ate the '(', only "syllable)" is left (an orphan).
PINYIN_ARTEFACT_RE = re.compile(
    rf"(?P<lost>[?{LOST_CHAR}])(?:{_ANNOTATION}|{_SYLLABLE}\))(?:{_ANNOTATION})*"
    rf"|(?P<char>[^\s()?{LOST_CHAR}])?(?:{_ANNOTATION})+"
)


def strip_pinyin_annotations(text: str) -> tuple[str, Alignment, dict[str, int]]:
    """Drop annotations; the annotated character keeps the annotation in its raw image (英偉達(dá) -> 英偉達)."""
    edits: list[Edit] = []
    annotations = 0
    lost = 0
    for match in PINYIN_ARTEFACT_RE.finditer(text):
        annotations += match.group().count(")")  # one closing parenthesis per annotation
        if match.group("lost"):
            lost += 1
            edits.append((match.start(), match.end(), LOST_CHAR))
        else:
            edits.append((match.start(), match.end(), match.group("char") or ""))
    new_text, alignment = apply_edits(text, edits)
    return new_text, alignment, {"pinyin_annotations_removed": annotations, "lost_chars_marked": lost}

"""Detect whether a text is Traditional, Simplified or mixed, and convert it to Simplified with OpenCC."""

from __future__ import annotations

import difflib
from functools import cache, lru_cache
from typing import Literal

import numpy as np
import opencc

from pipeline.normalize.alignment import Alignment, Edit, apply_edits
from pipeline.normalize.fullwidth import count_changed

Script = Literal["traditional", "simplified", "mixed"]
# Share of script-specific characters that decides the label; in between is "mixed". A web
# converter's s2t output keeps some one-to-many characters (云, 于, 并) simplified, hence not 1.0.
SCRIPT_MAJORITY = 0.75
SAMPLE_CHARS = 400_000
_NEWLINE = ord("\n")


@cache
def converter(config: str) -> opencc.OpenCC:
    """One OpenCC instance per configuration name (loading the dictionaries is the expensive part)."""
    return opencc.OpenCC(config)


def _sample(text: str) -> str:
    """Evenly spread slices of a long text, cut at newlines, so detection stays cheap."""
    if len(text) <= SAMPLE_CHARS:
        return text
    step = len(text) // 8
    return "\n".join(text[i : i + SAMPLE_CHARS // 8] for i in range(0, len(text), step))


@lru_cache(maxsize=2)
def convert(text: str, config: str) -> str:
    """OpenCC's conversion of text; the last results are kept because script detection converts the
    same text with t2s that the conversion step converts right after (documents up to SAMPLE_CHARS)."""
    return converter(config).convert(text)


def _changed_chars(text: str, config: str) -> int:
    converted = convert(text, config)
    if len(converted) == len(text):
        return count_changed(text, converted)
    return sum(a != b for a, b in zip(text, converted))


def detect_script(text: str) -> Script:
    """Label by the share of Traditional-only vs Simplified-only characters (no Chinese -> simplified)."""
    sample = _sample(text)
    traditional = _changed_chars(sample, "t2s")
    if traditional == 0:  # whatever s2t would change, the share is all Simplified: skip that conversion
        return "simplified"
    simplified = _changed_chars(sample, "s2t")
    total = traditional + simplified
    if total == 0 or simplified >= SCRIPT_MAJORITY * total:
        return "simplified"
    if traditional >= SCRIPT_MAJORITY * total:
        return "traditional"
    return "mixed"


def _line_edits(old: str, new: str, offset: int) -> list[Edit]:
    """Character edits turning one line into its conversion (phrase conversion can change lengths).

    The line is compared through its character-level t2s form, so converted characters outside
    the rewritten phrase still match one to one.
    """
    baseline = converter("t2s").convert(old)
    matcher = difflib.SequenceMatcher(
        None, baseline if len(baseline) == len(old) else old, new, autojunk=False
    )
    return [
        (offset + i1, offset + i2, new[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def convert_to_simplified(text: str, config: str = "t2s") -> tuple[str, Alignment, dict[str, int]]:
    """Convert with OpenCC; lines whose length changed (tw2sp phrases) are aligned with difflib."""
    cc = converter(config)
    converted = convert(text, config)
    if len(converted) == len(text):
        before = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        after = np.frombuffer(converted.encode("utf-32-le"), dtype=np.uint32)
        if np.array_equal(before == _NEWLINE, after == _NEWLINE):  # every line kept its length
            changed = int(np.count_nonzero(before != after))
            return converted, Alignment.identity(len(text)), {"script_chars_converted": changed}
    old_lines = text.split("\n")
    new_lines = converted.split("\n")
    if len(new_lines) != len(old_lines):
        new_lines = [cc.convert(line) for line in old_lines]
        converted = "\n".join(new_lines)
    if len(converted) == len(text) and list(map(len, old_lines)) == list(map(len, new_lines)):
        return (
            converted,
            Alignment.identity(len(text)),
            {"script_chars_converted": count_changed(text, converted)},
        )
    # Equal-length lines convert character by character; only the others need edits to align them.
    edits: list[Edit] = []
    same_old: list[str] = []
    same_new: list[str] = []
    offset = 0
    for old, new in zip(old_lines, new_lines):
        if len(old) == len(new):
            same_old.append(old)
            same_new.append(new)
        else:
            edits.extend(_line_edits(old, new, offset))
        offset += len(old) + 1
    _, alignment = apply_edits(text, edits)
    changed = count_changed("\n".join(same_old), "\n".join(same_new)) + sum(e - s for s, e, _ in edits)
    return converted, alignment, {"script_chars_converted": changed}

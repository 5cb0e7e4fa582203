"""Leak checks shared by the training-data tests: a training sentence must not share a LEAK_WINDOW-character
run with a corpus article, compared with converter pinyin and nbsp removed, as written and folded to
Simplified (so a change of script cannot hide a copy)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import opencc

from pipeline.ingest.decode import decode_bytes

TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
PINYIN_RE = re.compile(rf"\((?=[a-zü]*[{TONES}])[a-zü{TONES}]+\)")
LEAK_WINDOW = 12


@cache
def t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def clean(text: str) -> str:
    """Comparison form: converter pinyin artefacts and nbsp removed."""
    return PINYIN_RE.sub("", text).replace("\u00a0", "")


def forms(text: str) -> set[str]:
    """The cleaned text as written and folded to Simplified."""
    c = clean(text)
    return {c, t2s().convert(c)}


def windows(text: str, n: int = LEAK_WINDOW) -> set[str]:
    return {text[i:i + n] for i in range(len(text) - n + 1)}


@cache
def article_windows(path: Path) -> frozenset[str]:
    text = decode_bytes(path.read_bytes()).text
    return frozenset(w for form in forms(text) for w in windows(form))


def leaks(text: str, protected: frozenset[str]) -> list[str]:
    """The article runs that text repeats."""
    return sorted(w for form in forms(text) for w in windows(form) if w in protected)

"""Fold full-width digits, letters and number punctuation to ASCII (length preserving)."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from pipeline.normalize.alignment import Alignment
from pipeline.normalize.lexicon import load_lexicon


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    lexicon = load_lexicon("fullwidth")
    keep = set(lexicon["keep"])
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F) if chr(code) not in keep}
    table.update({ord(src): dst for src, dst in lexicon["extra"].items()})
    return table


@lru_cache(maxsize=1)
def _between_digits_re() -> re.Pattern[str]:
    chars = "".join(load_lexicon("fullwidth")["fold_between_digits"])
    return re.compile(rf"(?<=[0-9])[{chars}](?=[0-9])")


def count_changed(before: str, after: str) -> int:
    """Number of positions where two equally long strings differ."""
    a = np.frombuffer(before.encode("utf-32-le"), dtype=np.uint32)
    b = np.frombuffer(after.encode("utf-32-le"), dtype=np.uint32)
    return int(np.count_nonzero(a != b))


@lru_cache(maxsize=1)
def _foldable_re() -> re.Pattern[str]:
    chars = "".join(chr(code) for code in _fold_table()) + "".join(
        load_lexicon("fullwidth")["fold_between_digits"]
    )
    return re.compile(f"[{re.escape(chars)}]")


def fold_fullwidth(text: str) -> tuple[str, Alignment, dict[str, int]]:
    """０-９ Ａ-Ｚ ａ-ｚ ％ ～ ． ＄ etc. -> ASCII; ，：between digits -> , : ; 。！？，；（） stay."""
    if not _foldable_re().search(text):
        return text, Alignment.identity(len(text)), {"fullwidth_folded": 0}
    folded = text.translate(_fold_table())
    folded = _between_digits_re().sub(lambda m: chr(ord(m.group()) - 0xFEE0), folded)
    changed = count_changed(text, folded) if folded != text else 0
    return folded, Alignment.identity(len(text)), {"fullwidth_folded": changed}

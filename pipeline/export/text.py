"""Lone surrogates cannot be stored as UTF-8: every writer replaces each one with U+FFFD, one for one."""

from __future__ import annotations

import re
from typing import Any

from pipeline.records import Record

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub(text: str) -> str:
    """`text` with every surrogate code point replaced by U+FFFD; the length, hence every offset, is kept."""
    return _SURROGATE.sub(REPLACEMENT, text) if _SURROGATE.search(text) else text


def scrub_value(value: Any) -> Any:
    """Scrub every string inside nested lists, tuples and dicts."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list | tuple):
        return type(value)(scrub_value(v) for v in value)
    if isinstance(value, dict):
        return {scrub_value(k): scrub_value(v) for k, v in value.items()}
    return value


def scrub_record(record: Record) -> Record:
    """A copy of `record` whose strings are all encodable as UTF-8."""
    return type(record).model_validate(scrub_value(record.model_dump()))

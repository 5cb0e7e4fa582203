"""Deterministic record ids: the same fact in the same document gets the same id in every run."""

from __future__ import annotations

import hashlib


def stable_id(doc_id: str, record_type: str, start: int, end: int, *key: object) -> str:
    """Hash doc_id, record type, raw span and the record's defining fields into a short hex id."""
    parts = [doc_id, record_type, str(start), str(end), *(str(k) for k in key)]
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).hexdigest()
    return f"{record_type[:3]}_{digest}"

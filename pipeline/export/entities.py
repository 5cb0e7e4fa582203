"""The run-level entities table: per-document entity rows merged into one row per canonical entity."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pipeline.records import Entity, Record


@dataclass
class _Merged:
    first: dict[str, Any]  # type and every other field come from the first row seen
    names: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    known: bool = False


class EntityIndex:
    """Collects Entity rows from every document, as records or as the JSONL blocks workers send; `merged()`
    gives one row per entity_id, sorted, with the union of the names and aliases seen and `known` if any row
    was known."""

    def __init__(self) -> None:
        self._rows: dict[str, _Merged] = {}

    def add(self, records: Iterable[Record]) -> None:
        for record in records:
            assert isinstance(record, Entity)
            self._add(record.model_dump(mode="json"))

    def add_jsonl(self, block: bytes) -> None:
        """Entity rows as a block of JSONL written by `jsonl_block` (validated once per entity, by `merged`)."""
        for line in block.splitlines():
            self._add(json.loads(line))

    def _add(self, row: dict[str, Any]) -> None:
        merged = self._rows.get(row["entity_id"])
        if merged is None:
            merged = self._rows[row["entity_id"]] = _Merged(row)
        merged.names.update(row["names"])
        merged.aliases.update(row["aliases"])
        merged.known = merged.known or row["known"]

    def merged(self) -> list[Entity]:
        return [
            Entity.model_validate({**row.first, "names": sorted(row.names), "aliases": sorted(row.aliases),
                                   "known": row.known})
            for _, row in sorted(self._rows.items())
        ]

"""The run-level entities table: per-document entity rows merged into one row per canonical entity."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.records import Entity, Record


@dataclass
class _Merged:
    first: Entity  # type and every other field come from the first row seen
    names: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    known: bool = False


class EntityIndex:
    """Collects Entity rows from every document; `merged()` gives one row per entity_id, sorted, with the
    union of the names and aliases seen and `known` if any row was known."""

    def __init__(self) -> None:
        self._rows: dict[str, _Merged] = {}

    def add(self, records: Iterable[Record]) -> None:
        for record in records:
            assert isinstance(record, Entity)
            merged = self._rows.get(record.entity_id)
            if merged is None:
                merged = self._rows[record.entity_id] = _Merged(record)
            merged.names.update(record.names)
            merged.aliases.update(record.aliases)
            merged.known = merged.known or record.known

    def merged(self) -> list[Entity]:
        return [
            row.first.model_copy(update={"names": sorted(row.names), "aliases": sorted(row.aliases),
                                         "known": row.known})
            for _, row in sorted(self._rows.items())
        ]

"""The run-level entities table: per-document entity rows merged into one row per canonical entity."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.records import Entity, Record


class EntityIndex:
    """Collects Entity rows from every document; `merged()` gives one row per entity_id, sorted."""

    def __init__(self) -> None:
        self._rows: dict[str, Entity] = {}

    def add(self, records: Iterable[Record]) -> None:
        for record in records:
            assert isinstance(record, Entity)
            previous = self._rows.get(record.entity_id)
            if previous is None:
                self._rows[record.entity_id] = record
                continue
            self._rows[record.entity_id] = previous.model_copy(
                update={
                    "names": sorted(set(previous.names) | set(record.names)),
                    "aliases": sorted(set(previous.aliases) | set(record.aliases)),
                    "known": previous.known or record.known,
                }
            )

    def merged(self) -> list[Entity]:
        return [
            row.model_copy(update={"names": sorted(set(row.names)), "aliases": sorted(set(row.aliases))})
            for _, row in sorted(self._rows.items())
        ]

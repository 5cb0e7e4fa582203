"""Stream a finished JSONL table as bounded batches of records, Arrow rows and an Arrow table."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.export.columns import arrow_schema, to_row
from pipeline.records import Record

MAX_ROWS = 4096
MAX_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Batch:
    rows: list[dict[str, Any]]
    table: pa.Table


def make_batch(records: list[Record], model: type[Record]) -> Batch:
    rows = [to_row(r) for r in records]
    return Batch(rows, pa.Table.from_pylist(rows, schema=arrow_schema(model)))


def iter_batches(
    path: Path, model: type[Record], max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES
) -> Iterator[Batch]:
    """Batches of at most `max_rows` rows or about `max_bytes` of JSON, so memory stays bounded."""
    records: list[Record] = []
    size = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            records.append(model.model_validate_json(line))
            size += len(line)
            if len(records) >= max_rows or size >= max_bytes:
                yield make_batch(records, model)
                records, size = [], 0
    if records:
        yield make_batch(records, model)

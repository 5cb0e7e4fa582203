"""Stream a finished JSONL table as bounded batches of records, Arrow rows and an Arrow table."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.export.columns import arrow_schema, field_names, json_to_row, to_row
from pipeline.records import Record

MAX_ROWS = 4096
MAX_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Batch:
    rows: list[dict[str, Any]]
    table: pa.Table


def make_batch(records: list[Record], model: type[Record]) -> Batch:
    return rows_batch([to_row(r) for r in records], model)


def rows_batch(rows: list[dict[str, Any]], model: type[Record]) -> Batch:
    return Batch(rows, pa.Table.from_pylist(rows, schema=arrow_schema(model)))


def line_row(line: str, model: type[Record]) -> dict[str, Any]:
    """One JSONL line as a row, without rebuilding the record when the line is what yanbao's writer writes.
    Anything else goes through the model, which raises its ValidationError: a line that is not such a
    record, or one holding an escaped surrogate (the writer replaces them; json.loads would let one in)."""
    if "\\ud" not in line and "\\uD" not in line:
        try:
            data = json.loads(line)
            if isinstance(data, dict) and data.keys() == field_names(model).keys():
                return json_to_row(data, model)
        except (TypeError, ValueError, ArithmeticError):
            pass
    return to_row(model.model_validate_json(line))


def iter_batches(
    path: Path, model: type[Record], max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES
) -> Iterator[Batch]:
    """Batches of at most `max_rows` rows or about `max_bytes` of JSON, so memory stays bounded."""
    rows: list[dict[str, Any]] = []
    size = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rows.append(line_row(line, model))
            size += len(line)
            if len(rows) >= max_rows or size >= max_bytes:
                yield rows_batch(rows, model)
                rows, size = [], 0
    if rows:
        yield rows_batch(rows, model)

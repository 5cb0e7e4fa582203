"""Stream a finished JSONL table as bounded batches: an Arrow table, and its rows when a writer wants them.

Tables of plain columns (no Decimal, no map) are parsed by Arrow's JSON reader straight into the table's
schema; the others, and any batch Arrow refuses, go line by line through `line_row`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.json as pj

from pipeline.export.columns import arrow_schema, field_names, json_to_row, to_row
from pipeline.records import Record

MAX_ROWS = 4096
MAX_BYTES = 4 * 1024 * 1024  # per table: a run holds one pending batch of each table while it goes


@dataclass(frozen=True)
class Batch:
    table: pa.Table
    known_rows: list[dict[str, Any]] | None = None

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The batch as rows of the Arrow schema (built from the table when it was read by Arrow)."""
        return self.known_rows if self.known_rows is not None else self.table.to_pylist()


def make_batch(records: list[Record], model: type[Record]) -> Batch:
    return rows_batch([to_row(r) for r in records], model)


def rows_batch(rows: list[dict[str, Any]], model: type[Record]) -> Batch:
    return Batch(pa.Table.from_pylist(rows, schema=arrow_schema(model)), rows)


@cache
def arrow_readable(model: type[Record]) -> bool:
    """Can Arrow's JSON reader produce this table's columns as they are (no Decimal text, no maps)?"""
    schema = arrow_schema(model)
    return len(schema) == len(field_names(model)) and not any(pa.types.is_map(f.type) for f in schema)


def arrow_batch(lines: list[bytes], model: type[Record]) -> pa.Table | None:
    """The lines parsed by Arrow into the table's schema; None when Arrow refuses them or leaves a
    required column empty (the caller then goes through the model, which says what is wrong)."""
    schema = arrow_schema(model)
    data = b"".join(lines)
    options = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error")
    try:
        table = pj.read_json(pa.BufferReader(data), read_options=pj.ReadOptions(block_size=max(len(data), 1 << 16)),
                             parse_options=options)
        table = table.select(schema.names).cast(schema)
    except (pa.ArrowException, KeyError, ValueError):
        return None
    if table.num_rows != len(lines) or any(not f.nullable and table.column(f.name).null_count for f in schema):
        return None
    return table


def lines_batch(lines: list[bytes], model: type[Record]) -> Batch:
    table = arrow_batch(lines, model) if arrow_readable(model) else None
    if table is not None:
        return Batch(table)
    return rows_batch([line_row(line.decode("utf-8"), model) for line in lines], model)


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


class LineBuffer:
    """JSONL lines (bytes, newline included) collected until they make a full batch: `max_rows` lines or
    about `max_bytes`. A run's streamed tables and `iter_batches` cut the same batches."""

    def __init__(self, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES) -> None:
        self.max_rows, self.max_bytes = max_rows, max_bytes
        self.lines: list[bytes] = []
        self.size = 0

    def add(self, line: bytes) -> list[bytes] | None:
        """Keep the line; the batch's lines when it is now full, else None."""
        self.lines.append(line)
        self.size += len(line)
        return self.take() if len(self.lines) >= self.max_rows or self.size >= self.max_bytes else None

    def take(self) -> list[bytes]:
        lines, self.lines, self.size = self.lines, [], 0
        return lines


def iter_batches(
    path: Path, model: type[Record], max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES
) -> Iterator[Batch]:
    """Batches of at most `max_rows` rows or about `max_bytes` of JSON, so memory stays bounded."""
    buffer = LineBuffer(max_rows, max_bytes)
    with open(path, "rb") as fh:
        for line in fh:
            if line.strip() and (full := buffer.add(line)):
                yield lines_batch(full, model)
    if rest := buffer.take():
        yield lines_batch(rest, model)

"""Stream a finished JSONL table as bounded batches: an Arrow table, and its rows when a writer wants them.

Tables without map columns are parsed by Arrow's JSON reader straight into the table's schema (a Decimal's
float and text computed once per distinct value); documents (a map column), and any batch Arrow refuses, go
line by line through `line_row`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from pipeline.export.columns import (
    DECIMAL_TEXT_SUFFIX,
    arrow_schema,
    decimal_fields,
    decimal_text,
    field_names,
    json_to_row,
    map_fields,
    to_row,
)
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
    """Can Arrow's JSON reader produce this table's columns (no maps; Decimals are read as their text)?"""
    return not map_fields(model)


@cache
def _read_schema(model: type[Record]) -> pa.Schema:
    """The table's columns as they are in a JSONL line: a Decimal is its text, without the `_text` twin."""
    decimals = decimal_fields(model)
    fields = []
    for name in field_names(model):
        field = arrow_schema(model).field(name)
        fields.append(field.with_type(pa.string()) if name in decimals else field)
    return pa.schema(fields)


def _decimal_columns(text: pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
    """A Decimal column's float and plain-notation text (`json_to_row`'s values), computed once per distinct
    value; an invalid decimal raises ArithmeticError."""
    distinct = pc.unique(text)
    values = [None if v is None else Decimal(v) for v in distinct.to_pylist()]
    floats = pa.array([None if v is None else float(v) for v in values], pa.float64())
    texts = pa.array([None if v is None else decimal_text(v) for v in values], pa.string())
    where = pc.index_in(text, value_set=distinct, skip_nulls=False)
    return floats.take(where), texts.take(where)


def arrow_batch(lines: list[bytes], model: type[Record]) -> pa.Table | None:
    """The lines parsed by Arrow into the table's schema; None when Arrow refuses them or leaves a
    required column empty (the caller then goes through the model, which says what is wrong)."""
    schema, decimals = arrow_schema(model), decimal_fields(model)
    data = b"".join(lines)
    options = pj.ParseOptions(explicit_schema=_read_schema(model), unexpected_field_behavior="error")
    try:
        read = pj.read_json(pa.BufferReader(data), read_options=pj.ReadOptions(block_size=max(len(data), 1 << 16)),
                            parse_options=options)
        columns = {}
        for name in field_names(model):
            if name in decimals:
                columns[name], columns[name + DECIMAL_TEXT_SUFFIX] = _decimal_columns(read.column(name))
            else:
                columns[name] = read.column(name)
        table = pa.table([columns[f.name] for f in schema], names=schema.names).cast(schema)
    except (pa.ArrowException, KeyError, ValueError, ArithmeticError):
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

"""Stream a finished JSONL table as bounded batches: an Arrow table, and its rows when a writer wants them.

Every table is parsed by Arrow's JSON reader straight into its schema (a Decimal's float and text computed once
per distinct value, a map column cut out of each line and read apart); any batch Arrow refuses goes line by line
through `line_row`.
"""

from __future__ import annotations

import json
import re
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
    """Can Arrow's JSON reader produce this table's columns? Decimals are read as their text; a map (a flat
    JSON object of scalars, such as Document.quality) is cut out of each line and read apart."""
    schema = arrow_schema(model)
    return all(not pa.types.is_nested(schema.field(name).type.item_type) for name in map_fields(model))


@cache
def _read_schema(model: type[Record]) -> pa.Schema:
    """The table's columns as they are in a JSONL line: a Decimal is its text, without the `_text` twin; a map
    is null (its object is replaced by `null` before Arrow reads the line)."""
    decimals, maps = decimal_fields(model), map_fields(model)
    fields = []
    for name in field_names(model):
        field = arrow_schema(model).field(name)
        if name in decimals:
            field = field.with_type(pa.string())
        elif name in maps:
            field = pa.field(name, pa.null())
        fields.append(field)
    return pa.schema(fields)


@cache
def _map_pattern(name: str) -> re.Pattern[bytes]:
    """A map field's value in a line: a flat JSON object or null. In JSON a quote inside a string is always
    escaped, so an unescaped `"name":` is a key; a nested object or a second match sends the line to the model."""
    return re.compile(b'"' + re.escape(name.encode()) + rb'":(\{[^{}]*\}|null)')


def _cut_maps(lines: list[bytes], model: type[Record]) -> tuple[list[bytes], dict[str, pa.Array]] | None:
    """The lines with each map's object replaced by null, and the maps as Arrow arrays; None when a line does
    not hold exactly one flat object (or null) for each map field."""
    schema, columns = arrow_schema(model), {}
    for name in sorted(map_fields(model)):
        pattern, values, cut = _map_pattern(name), [], []
        for line in lines:
            found = list(pattern.finditer(line))
            if len(found) != 1:
                return None
            start, end = found[0].span(1)
            value = json.loads(line[start:end])
            values.append(None if value is None else list(value.items()))
            cut.append(line[:start] + b"null" + line[end:])
        columns[name] = pa.array(values, type=schema.field(name).type)
        lines = cut
    return lines, columns


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
    maps: dict[str, pa.Array] = {}
    options = pj.ParseOptions(explicit_schema=_read_schema(model), unexpected_field_behavior="error")
    try:
        if map_fields(model):
            cut = _cut_maps(lines, model)
            if cut is None:
                return None
            lines, maps = cut
        data = b"".join(lines)
        read = pj.read_json(pa.BufferReader(data), read_options=pj.ReadOptions(block_size=max(len(data), 1 << 16)),
                            parse_options=options)
        columns = dict(maps)
        for name in field_names(model):
            if name in decimals:
                columns[name], columns[name + DECIMAL_TEXT_SUFFIX] = _decimal_columns(read.column(name))
            elif name not in maps:
                columns[name] = read.column(name)
        table = pa.table([columns[f.name] for f in schema], names=schema.names).cast(schema)
    except (pa.ArrowException, KeyError, ValueError, ArithmeticError, TypeError):
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

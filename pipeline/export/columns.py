"""The flat column layout shared by Parquet, CSV and DuckDB, derived from the record models' annotations.

Mapping: str and Literal -> string; int -> int64; float -> float64; bool -> bool; list[str] -> list<string>;
list[tuple[int, int]] -> list<list<int64>>; dict[str, int] -> map<string, int64>; `X | None` -> nullable X.
A Decimal field `low` becomes two columns: `low` (float64, for arithmetic) and `low_text` (the exact value as
a plain decimal string, which readers use to rebuild the Decimal). In CSV, lists and maps are JSON strings.
"""

from __future__ import annotations

import json
import types
import typing
from decimal import Decimal
from functools import cache
from typing import Any

import pyarrow as pa

from pipeline.export.text import scrub, scrub_value
from pipeline.records import Record

DECIMAL_TEXT_SUFFIX = "_text"


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def arrow_type(annotation: Any) -> pa.DataType:
    """The Arrow type of one (non-optional) field annotation."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is str or origin is typing.Literal:
        return pa.string()
    if annotation is bool:
        return pa.bool_()
    if annotation is int:
        return pa.int64()
    if annotation is float or annotation is Decimal:
        return pa.float64()
    if origin is tuple and all(a is int for a in args):
        return pa.list_(pa.int64())
    if origin is list:
        return pa.list_(arrow_type(args[0]))
    if origin is dict:
        return pa.map_(arrow_type(args[0]), arrow_type(args[1]))
    raise TypeError(f"no column type for {annotation!r}")


@cache
def arrow_schema(model: type[Record]) -> pa.Schema:
    """The Parquet/DuckDB schema of a table: one column per field, two per Decimal field."""
    fields = []
    for name, info in model.model_fields.items():
        annotation, nullable = _unwrap_optional(info.annotation)
        fields.append(
            pa.field(name, arrow_type(annotation), nullable=nullable, metadata=_doc(info.description))
        )
        if annotation is Decimal:
            fields.append(pa.field(name + DECIMAL_TEXT_SUFFIX, pa.string(), nullable=nullable))
    return pa.schema(fields)


def _doc(description: str | None) -> dict[str, str] | None:
    return {"description": description} if description else None


@cache
def csv_schema(model: type[Record]) -> pa.Schema:
    """The CSV layout: the Arrow schema with nested columns (lists, maps) stored as JSON strings."""
    return pa.schema([f.with_type(pa.string()) if is_nested(f.type) else f for f in arrow_schema(model)])


def is_nested(dtype: pa.DataType) -> bool:
    return pa.types.is_list(dtype) or pa.types.is_map(dtype)


@cache
def decimal_fields(model: type[Record]) -> frozenset[str]:
    return frozenset(n for n, i in model.model_fields.items() if _unwrap_optional(i.annotation)[0] is Decimal)


@cache
def map_fields(model: type[Record]) -> frozenset[str]:
    return frozenset(f.name for f in arrow_schema(model) if pa.types.is_map(f.type))


def decimal_text(value: Decimal) -> str:
    """The exact value in plain notation (no exponent), e.g. 1.5E+12 -> '1500000000000'."""
    return format(value, "f")


def to_row(record: Record) -> dict[str, Any]:
    """One record as a row of the Arrow schema (strings scrubbed of lone surrogates)."""
    model = type(record)
    decimals = decimal_fields(model)
    row: dict[str, Any] = {}
    for name in model.model_fields:
        value = getattr(record, name)
        if name in decimals:
            row[name] = None if value is None else float(value)
            row[name + DECIMAL_TEXT_SUFFIX] = None if value is None else decimal_text(value)
        elif isinstance(value, str):
            row[name] = scrub(value)
        elif isinstance(value, dict):
            row[name] = list(scrub_value(value).items())
        elif isinstance(value, list):
            row[name] = [list(v) if isinstance(v, tuple) else v for v in scrub_value(value)]
        else:
            row[name] = value
    return row


@cache
def field_names(model: type[Record]) -> dict[str, None]:
    """The model's field names in order (a dict, so its keys() compare with a JSON object's)."""
    return dict.fromkeys(model.model_fields)


def json_to_row(data: dict[str, Any], model: type[Record]) -> dict[str, Any]:
    """The row `to_row` gives, straight from a record's JSON object as the JSONL writer wrote it (Decimals
    as strings, tuples as arrays, strings already free of lone surrogates): no model is rebuilt."""
    decimals, maps = decimal_fields(model), map_fields(model)
    row: dict[str, Any] = {}
    for name in field_names(model):
        value = data[name]
        if name in decimals:
            exact = None if value is None else Decimal(value)
            row[name] = None if exact is None else float(exact)
            row[name + DECIMAL_TEXT_SUFFIX] = None if exact is None else decimal_text(exact)
        elif name in maps and value is not None:
            row[name] = list(value.items())
        else:
            row[name] = value
    return row


def to_csv_row(row: dict[str, Any], model: type[Record]) -> dict[str, Any]:
    """An Arrow row with its nested values encoded as JSON (maps as JSON objects)."""
    maps = map_fields(model)
    out = dict(row)
    for field in arrow_schema(model):
        if is_nested(field.type) and out[field.name] is not None:
            value = dict(out[field.name]) if field.name in maps else out[field.name]
            out[field.name] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return out


def from_csv_row(row: dict[str, Any], model: type[Record]) -> dict[str, Any]:
    """Decode the JSON columns of a CSV row back into lists and dicts."""
    out = dict(row)
    for field in arrow_schema(model):
        if is_nested(field.type) and out[field.name] is not None:
            out[field.name] = json.loads(out[field.name])
    return out


def from_row(row: dict[str, Any], model: type[Record]) -> Record:
    """Rebuild a record from a row of any tabular format; Decimals come from their exact text column."""
    decimals = decimal_fields(model)
    maps = map_fields(model)
    values: dict[str, Any] = {}
    for name in model.model_fields:
        value = row[name]
        if name in decimals:
            text = row[name + DECIMAL_TEXT_SUFFIX]
            value = None if text is None else Decimal(text)
        elif name in maps and value is not None:
            value = dict(value)
        values[name] = value
    return model.model_validate(values)

"""How a record reads to a reviewer: a one-line label, JSON-safe field values and compact value formatting."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pipeline.records import Record

# Fields that only say where a record is; they are shown as a span, never as field values.
LOCATION_FIELDS = frozenset({"id", "doc_id", "start", "end", "norm_start", "norm_end"})


def json_value(value: Any) -> Any:
    """A JSON-safe copy of a field value: Decimals as their exact string, tuples as lists."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return value


def record_fields(record: Record) -> dict[str, Any]:
    """Every non-location field of a record, JSON-safe, in model order."""
    return {name: json_value(getattr(record, name)) for name in type(record).model_fields if name not in LOCATION_FIELDS}


def format_value(value: Any) -> str:
    """Compact display: 2.88e9 for large Decimals, quoted strings, JSON-like lists."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < Decimal(10) ** 6:
            return str(value.to_integral_value())
        return format(value.normalize(), ".6g").replace("e+", "e")
    if isinstance(value, str):
        return repr(value) if len(value) <= 80 else repr(value[:77] + "...")
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return str(value)


def record_label(table: str, record: Record) -> str:
    """A short human name for a record, e.g. a figure's surface or a relation's head -label-> tail."""
    get = record.__dict__.get
    if table == "relations":
        return f"{get('head')} -{get('relation')}-> {get('tail')}"
    if table == "claims":
        subject = f" {get('subject')}" if get("subject") else ""
        return f"{get('topic')}/{get('stance')}{subject}"
    if table == "sections":
        return f"{get('marker')}{get('heading')}"
    if table == "documents":
        return str(get("title") or get("doc_id"))
    if table == "entities":
        return f"{get('entity_id')} ({get('type')})"
    if table == "errors":
        return f"{get('stage')}: {get('error_type')}"
    for name in ("surface", "text"):
        if get(name):
            return str(get(name))
    return str(get("id", ""))

"""Streaming, atomic JSONL tables: rows go to a hidden temp file that is renamed into place on success."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO

from pydantic_core import PydanticSerializationError

from pipeline.export.atomic import publish, temp_path
from pipeline.export.text import scrub_record
from pipeline.records import Record


def record_json(record: Record) -> bytes:
    """A record as one JSONL line in UTF-8 (no newline); lone surrogates are not UTF-8: replaced one for one
    (text.py).

    `model_dump_json()` with its defaults, called on the model's serializer directly: the method's keyword
    handling was a quarter of the cost of serializing a record (same bytes, tests/export/test_jsonl.py)."""
    try:
        return record.__pydantic_serializer__.to_json(record)
    except PydanticSerializationError:
        return scrub_record(record).model_dump_json().encode("utf-8")


def jsonl_block(records: Iterable[Record]) -> bytes:
    """Records as a block of JSONL: one UTF-8 line each, every line ending in a newline (b"" for none). A line
    never holds a raw newline or carriage return: JSON escapes control characters inside strings."""
    lines = [record_json(record) for record in records]
    return b"\n".join(lines) + b"\n" if lines else b""


class JsonlTableWriter:
    """Append records as they arrive; `commit` renames the finished file into place, `abort` removes it."""

    def __init__(self, directory: Path, table: str) -> None:
        self.path = directory / f"{table}.jsonl"
        self._tmp = temp_path(self.path)
        self._fh: IO[bytes] | None = open(self._tmp, "wb")  # noqa: SIM115 - held open while streaming
        self.count = 0

    def write(self, record: Record) -> None:
        self.write_block(jsonl_block([record]))

    def write_block(self, block: bytes) -> None:
        """Append a block of JSONL (`jsonl_block`: every line newline-terminated) in one write."""
        assert self._fh is not None, "writer already closed"
        self._fh.write(block)
        self.count += block.count(b"\n")

    def commit(self) -> Path:
        assert self._fh is not None, "writer already closed"
        self._fh.close()
        self._fh = None
        return publish(self._tmp, self.path)

    def abort(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        self._tmp.unlink(missing_ok=True)


def read_jsonl(path: Path, model: type[Record]) -> list[Record]:
    with open(path, encoding="utf-8") as fh:
        return [model.model_validate_json(line) for line in fh if line.strip()]


def write_text_atomic(path: Path, text: str) -> None:
    tmp = temp_path(path)
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    publish(tmp, path)

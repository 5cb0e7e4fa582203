"""Streaming, atomic JSONL tables: rows go to a hidden temp file that is renamed into place on success."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from pydantic_core import PydanticSerializationError

from pipeline.export.atomic import publish, temp_path
from pipeline.export.text import scrub_record
from pipeline.records import Record


def record_line(record: Record) -> str:
    """A record as one JSONL line (no newline); lone surrogates are not UTF-8: replaced one for one (text.py).

    `model_dump_json()` with its defaults, called on the model's serializer directly: the method's keyword
    handling was a quarter of the cost of serializing a record (same bytes, tests/export/test_jsonl.py)."""
    try:
        return record.__pydantic_serializer__.to_json(record).decode()
    except PydanticSerializationError:
        return scrub_record(record).model_dump_json()


class JsonlTableWriter:
    """Append records as they arrive; `commit` renames the finished file into place, `abort` removes it."""

    def __init__(self, directory: Path, table: str) -> None:
        self.path = directory / f"{table}.jsonl"
        self._tmp = temp_path(self.path)
        self._fh: IO[bytes] | None = open(self._tmp, "wb")  # noqa: SIM115 - held open while streaming
        self.count = 0

    def write(self, record: Record) -> None:
        self.write_many([record_line(record).encode("utf-8") + b"\n"])

    def write_many(self, lines: list[bytes]) -> None:
        """Append encoded lines (newlines included) in one write."""
        assert self._fh is not None, "writer already closed"
        self._fh.write(b"".join(lines))
        self.count += len(lines)

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

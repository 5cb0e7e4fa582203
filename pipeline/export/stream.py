"""A run's output tables, written while documents arrive: each line goes to its JSONL file at once and, in
the batches `iter_batches` would cut from that file, to Parquet and CSV, so no export pass over the finished
JSONL follows the last document (with a process pool the writing overlaps the workers). DuckDB is loaded from
the finished Parquet at commit (build.FormatWriters)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from pipeline.export.batches import MAX_BYTES, MAX_ROWS, LineBuffer, lines_batch
from pipeline.export.build import FormatWriters
from pipeline.export.jsonl import JsonlTableWriter, jsonl_block
from pipeline.records import TABLES, Record


class TableSink:
    """Every table of one run; `commit` publishes them all, `abort` leaves no file behind."""

    def __init__(self, out_dir: Path, formats: Iterable[str], max_rows: int = MAX_ROWS,
                 max_bytes: int = MAX_BYTES) -> None:
        self.jsonl = {table: JsonlTableWriter(out_dir, table) for table in TABLES}
        self._buffers = {table: LineBuffer(max_rows, max_bytes) for table in TABLES}
        self.export_seconds = 0.0  # spent on Parquet, CSV and DuckDB
        try:
            self._formats = FormatWriters(out_dir, formats)
        except BaseException:
            for writer in self.jsonl.values():
                writer.abort()
            raise

    def write_block(self, table: str, block: bytes) -> None:
        """Append a document's records of one table as a block of JSONL (`jsonl_block`) in one file write; the
        Parquet and CSV batches are cut at the same lines as record by record."""
        if not block:
            return
        self.jsonl[table].write_block(block)
        if self._formats.empty:
            return
        buffer = self._buffers[table]
        for line in block.splitlines(keepends=True):  # only newlines: a JSONL line holds no raw CR
            if full := buffer.add(line):
                self._write_batch(table, full)

    def _write_batch(self, table: str, lines: list[bytes]) -> None:
        clock = time.perf_counter()
        self._formats.write(table, lines_batch(lines, TABLES[table]))
        self.export_seconds += time.perf_counter() - clock

    def write(self, table: str, record: Record) -> None:
        self.write_block(table, jsonl_block([record]))

    @property
    def counts(self) -> dict[str, int]:
        return {table: writer.count for table, writer in self.jsonl.items()}

    def commit(self) -> list[Path]:
        try:
            for table, buffer in self._buffers.items():
                if rest := buffer.take():
                    self._write_batch(table, rest)
            written = [writer.commit() for writer in self.jsonl.values()]
            clock = time.perf_counter()
            written += self._formats.commit()
            self.export_seconds += time.perf_counter() - clock
        except BaseException:
            self.abort()
            raise
        return written

    def abort(self) -> None:
        for writer in self.jsonl.values():
            writer.abort()
        self._formats.abort()

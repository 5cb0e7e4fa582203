"""Parquet tables: typed columns (see columns.py), written batch by batch to a temp file renamed on commit."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from pipeline.export.atomic import publish, temp_path
from pipeline.export.batches import Batch
from pipeline.export.columns import arrow_schema, from_row
from pipeline.records import Record


class ParquetTableWriter:
    def __init__(self, directory: Path, table: str, model: type[Record]) -> None:
        self.path = directory / f"{table}.parquet"
        self._tmp = temp_path(self.path)
        self._writer: pq.ParquetWriter | None = pq.ParquetWriter(
            self._tmp, arrow_schema(model), compression="zstd"
        )

    def write(self, batch: Batch) -> None:
        assert self._writer is not None, "writer already closed"
        self._writer.write_table(batch.table)

    def close(self) -> Path:
        """Finish the file under its temp name (readable, not yet published); return that path."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        return self._tmp

    def commit(self) -> Path:
        return publish(self.close(), self.path)

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self._tmp.unlink(missing_ok=True)


def read_parquet(path: Path, model: type[Record]) -> list[Record]:
    return [from_row(row, model) for row in pq.read_table(path).to_pylist()]

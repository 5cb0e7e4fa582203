"""The tabular formats (Parquet, CSV, DuckDB) of a run, written one bounded batch at a time.

JSONL is always written; the other formats get the same rows in the same batches, while the run goes
(stream.py) or afterwards from finished JSONL (`export_tables`), each into a temp file renamed into place,
so a killed export never leaves a partial table under its final name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from pipeline.export.atomic import remove_stale_temps
from pipeline.export.batches import MAX_ROWS, Batch, iter_batches
from pipeline.export.csvtable import CsvTableWriter
from pipeline.export.database import DATABASE_NAME, DuckDbBuilder
from pipeline.export.formats import FORMATS
from pipeline.export.parquet import ParquetTableWriter
from pipeline.records import TABLES

EXTENSIONS = {"jsonl": "jsonl", "parquet": "parquet", "csv": "csv"}


def output_names(formats: Iterable[str]) -> list[str]:
    """The file names a run with these formats writes (JSONL always), manifest excluded."""
    wanted = {"jsonl", *formats}
    names = [
        f"{table}.{EXTENSIONS[fmt]}"
        for fmt in FORMATS
        if fmt in wanted and fmt in EXTENSIONS
        for table in TABLES
    ]
    return [*names, DATABASE_NAME] if "duckdb" in wanted else names


class FormatWriters:
    """The Parquet and CSV writers of every table and the DuckDB database of one run, fed batch by batch;
    `commit` publishes every file, `abort` removes every temp file.

    DuckDB is loaded from the finished Parquet tables at commit (its own Parquet reader): inserting batch by
    batch grew slower as the tables grew (2,000 documents: 13.5 s against 2.7 s from Parquet). Without the
    parquet format the Parquet files are written only for that, under temp names, and removed."""

    def __init__(self, out_dir: Path, formats: Iterable[str]) -> None:
        formats = set(formats)
        self.csv: dict[str, CsvTableWriter] = {}
        self.parquet: dict[str, ParquetTableWriter] = {}
        self.database = DuckDbBuilder(out_dir) if "duckdb" in formats else None
        self._publish_parquet = "parquet" in formats
        try:
            for table, model in TABLES.items():
                if "csv" in formats:
                    self.csv[table] = CsvTableWriter(out_dir, table, model)
                if self._publish_parquet or self.database:
                    self.parquet[table] = ParquetTableWriter(out_dir, table, model)
        except BaseException:
            self.abort()
            raise
        self.empty = not self.csv and not self.parquet  # a JSONL-only run: nothing to batch

    def write(self, table: str, batch: Batch) -> None:
        for writers in (self.csv, self.parquet):
            if table in writers:
                writers[table].write(batch)

    def commit(self) -> list[Path]:
        try:
            written = [writer.commit() for writer in self.csv.values()]
            staged = {table: writer.close() for table, writer in self.parquet.items()}
            if self.database:
                for table, path in staged.items():
                    self.database.load_parquet(table, path)
                written.append(self.database.commit())
            if self._publish_parquet:
                written += [writer.commit() for writer in self.parquet.values()]
            else:
                for writer in self.parquet.values():
                    writer.abort()
        except BaseException:
            self.abort()
            raise
        return written

    def abort(self) -> None:
        for writer in [*self.csv.values(), *self.parquet.values()]:
            writer.abort()
        if self.database:
            self.database.abort()


def export_tables(out_dir: Path, formats: Iterable[str], max_rows: int = MAX_ROWS) -> list[Path]:
    """Write the Parquet/CSV tables and the DuckDB database from `out_dir`/*.jsonl; return the paths written.
    (A run streams its tables instead, see stream.py; this rebuilds them from finished JSONL.)"""
    remove_stale_temps(out_dir, output_names(FORMATS))  # any format: DuckDB stages Parquet files
    writers = FormatWriters(out_dir, formats)
    try:
        for table, model in TABLES.items():
            for batch in iter_batches(out_dir / f"{table}.jsonl", model, max_rows):
                writers.write(table, batch)
    except BaseException:
        writers.abort()
        raise
    return writers.commit()


def describe_files(out_dir: Path, formats: Iterable[str]) -> dict[str, dict[str, object]]:
    """Size and sha256 of every output file, for the manifest."""
    files: dict[str, dict[str, object]] = {}
    for name in output_names(formats):
        path = out_dir / name
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        files[name] = {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}
    return files

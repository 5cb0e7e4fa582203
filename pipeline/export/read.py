"""Read any table of a finished run back as records, from any of its formats."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import UsageError
from pipeline.export.csvtable import read_csv
from pipeline.export.database import DATABASE_NAME, read_duckdb
from pipeline.export.jsonl import read_jsonl
from pipeline.export.parquet import read_parquet
from pipeline.records import TABLES, Record


def read_table(run_dir: Path, table: str, fmt: str) -> list[Record]:
    """The rows of `table` as written in format `fmt` (jsonl, parquet, csv or duckdb), in file order."""
    if table not in TABLES:
        raise UsageError(f"unknown table {table!r} (choose from {', '.join(TABLES)})")
    model = TABLES[table]
    run_dir = Path(run_dir)
    if fmt == "jsonl":
        return read_jsonl(run_dir / f"{table}.jsonl", model)
    if fmt == "parquet":
        return read_parquet(run_dir / f"{table}.parquet", model)
    if fmt == "csv":
        return read_csv(run_dir / f"{table}.csv", model)
    if fmt == "duckdb":
        return read_duckdb(run_dir / DATABASE_NAME, table, model)
    raise UsageError(f"unknown format {fmt!r} (choose from jsonl, parquet, csv, duckdb)")

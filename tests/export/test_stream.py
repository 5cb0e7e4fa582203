"""A run's streamed tables (TableSink) equal the tables `export_tables` derives from the finished JSONL."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from export_samples import sample_tables, write_jsonl_then_export, write_run

from pipeline.export.build import FORMATS, output_names
from pipeline.export.database import DATABASE_NAME
from pipeline.export.stream import TableSink
from pipeline.records import TABLES


def _database_rows(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {table: con.sql(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall() for table in TABLES}


@pytest.mark.parametrize("max_rows", [1, 3, 4096])
def test_streamed_tables_equal_tables_exported_from_jsonl(tmp_path: Path, max_rows: int) -> None:
    tables = sample_tables()
    write_run(tmp_path / "streamed", tables, FORMATS, max_rows)
    write_jsonl_then_export(tmp_path / "exported", tables, FORMATS, max_rows)
    for name in output_names(FORMATS):
        if name != DATABASE_NAME:  # same rows in the same batches: byte-identical files
            assert (tmp_path / "streamed" / name).read_bytes() == (tmp_path / "exported" / name).read_bytes(), name
    assert _database_rows(tmp_path / "streamed" / DATABASE_NAME) == _database_rows(tmp_path / "exported" / DATABASE_NAME)


def test_aborted_sink_leaves_no_file(tmp_path: Path) -> None:
    sink = TableSink(tmp_path, FORMATS, max_rows=1)
    for table, records in sample_tables().items():
        for record in records:
            sink.write(table, record)
    sink.abort()
    assert list(tmp_path.iterdir()) == []


def test_counts_and_export_time(tmp_path: Path) -> None:
    tables = sample_tables()
    sink = TableSink(tmp_path, FORMATS, max_rows=2)
    for table, records in tables.items():
        for record in records:
            sink.write(table, record)
    assert sink.counts == {table: len(tables.get(table, [])) for table in TABLES}
    sink.commit()
    assert sink.export_seconds > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(output_names(FORMATS))

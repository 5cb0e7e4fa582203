"""Workers send every table as a block of JSONL: the bytes the writer writes, entities included."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import RunConfig
from pipeline.export.jsonl import jsonl_block, record_json
from pipeline.ingest.sources import Source
from pipeline.process import process_source, serialized

SEED = Path(__file__).resolve().parents[1] / "corpus" / "coreweave_part1.txt"


def test_serialized_result_holds_every_table_as_writer_lines() -> None:
    result = process_source(Source(SEED, "coreweave_part1"), RunConfig())
    compact = serialized(result)
    assert not compact.tables and result.tables["entities"]
    assert set(compact.jsonl) == {table for table, records in result.tables.items() if records}
    for table, block in compact.jsonl.items():
        assert block == jsonl_block(result.tables[table]), table
        assert block.decode("utf-8").splitlines() == [record_json(r).decode("utf-8") for r in result.tables[table]], table
    assert compact.timings == result.timings and compact.sha256 == result.sha256
    assert result.tables["figures"]  # the original is untouched

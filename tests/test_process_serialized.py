"""Workers send their tables as JSONL lines: the lines are what the writer writes, entities stay records."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import RunConfig
from pipeline.export.jsonl import record_line
from pipeline.ingest.sources import Source
from pipeline.process import process_source, serialized

SEED = Path(__file__).resolve().parents[1] / "corpus" / "coreweave_part1.txt"


def test_serialized_result_holds_every_table_as_writer_lines() -> None:
    result = process_source(Source(SEED, "coreweave_part1"), RunConfig())
    compact = serialized(result)
    assert set(compact.tables) == {"entities"} and compact.tables["entities"] == result.tables["entities"]
    assert set(compact.lines) == set(result.tables) - {"entities"}
    for table, lines in compact.lines.items():
        assert lines == [record_line(r) for r in result.tables[table]], table
    assert compact.timings == result.timings and compact.sha256 == result.sha256
    assert result.tables["figures"]  # the original is untouched

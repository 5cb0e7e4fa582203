"""Executors: a process pool gives the same tables as one process, and a dying worker costs one document."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from scale_helpers import N_DOCS, jsonl_config, table_files

from pipeline import executors
from pipeline.executors import LocalPool, make_executor
from pipeline.ingest.sources import discover
from pipeline.run import execute, iter_results


def test_two_workers_write_the_same_tables_as_one(small_corpus: Path, reference_tables: dict, tmp_path: Path) -> None:
    summary = execute([small_corpus], tmp_path / "out", jsonl_config(workers=2, cache=False))
    assert summary.n_ok == N_DOCS and summary.n_cached == 0
    assert table_files(tmp_path / "out") == reference_tables
    assert not (tmp_path / "out" / ".cache" / "docs").exists()


def test_one_worker_or_one_document_runs_in_process() -> None:
    assert isinstance(make_executor(jsonl_config(workers=1), 50), executors.InProcess)
    assert isinstance(make_executor(jsonl_config(workers=4), 1), executors.InProcess)
    assert isinstance(make_executor(jsonl_config(workers=4), 3), LocalPool)
    assert make_executor(jsonl_config(workers=4), 3).workers == 3


def test_a_file_that_vanishes_after_discovery_is_an_ingest_error(small_corpus: Path, tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    shutil.copytree(small_corpus, batch)
    config = jsonl_config(workers=1)
    sources, _ = discover([batch], config.ingest.extensions)
    os.unlink(sources[0].path)
    results = [result for result, _ in iter_results(sources, config)]
    assert results[0].error is not None and results[0].error.stage == "ingest"
    assert "disappeared" in results[0].error.message
    assert all(r.error is None for r in results[1:])

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


def test_warm_up_processes_its_article_through_every_extractor() -> None:
    from pipeline.config import RunConfig
    from pipeline.ingest.sources import Source
    from pipeline.process import process_source

    config = RunConfig()
    path = Path(__file__).resolve().parent / "warm-up.txt"
    try:
        path.write_text(executors.WARM_UP_ARTICLE, encoding="utf-8")
        result = process_source(Source(path, "warm-up"), config)
    finally:
        path.unlink(missing_ok=True)
    assert result.error is None
    for table in ("figures", "mentions", "entities", "relations", "claims"):  # every model and lexicon is loaded
        assert result.tables[table], table
    executors.warm_up(config)
    assert config.model_dump_json() in executors._warmed


def test_a_failed_warm_up_is_quiet_and_left_to_the_documents(capsys) -> None:
    config = jsonl_config(workers=2).model_copy(update={"extract": jsonl_config().extract.model_copy(
        update={"extractors": ("nosuch",)})})
    executors.warm_up(config)  # an unknown extractor: the run's own check reports it, once
    assert config.model_dump_json() not in executors._warmed
    assert capsys.readouterr().err == ""


def test_the_fork_server_preload_warms_for_the_config_it_is_given() -> None:
    import subprocess
    import sys

    from pipeline.forkserver import CONFIG_ENV

    probe = ("import pipeline._preload; from pipeline import executors; from pipeline.segment.tokens import "
             "jieba_tokenizer; print(len(executors._warmed), jieba_tokenizer.cache_info().currsize)")
    env = {**os.environ, CONFIG_ENV: jsonl_config(workers=2).model_dump_json()}
    warm = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert warm.stdout.split() == ["1", "1"] and warm.stderr == ""
    env.pop(CONFIG_ENV)
    cold = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert cold.stdout.split() == ["0", "0"]


def test_documents_go_four_per_task_unless_the_batch_is_short() -> None:
    assert executors.docs_per_task(2, 1000) == 4
    assert executors.docs_per_task(2) == 4  # a cluster's batch of unknown size
    assert executors.docs_per_task(2, 20) == 2  # 20 documents still spread over both workers
    assert executors.docs_per_task(2, 9) == 1
    assert executors.docs_per_task(8, 100) == 3
    assert LocalPool(lambda s: s, 2, jsonl_config(), 10).per_task == 1

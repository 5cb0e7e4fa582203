"""The Dask executor: a two-worker LocalCluster on loopback writes the same tables as one local process."""

from __future__ import annotations

from pathlib import Path

import pytest
from scale_helpers import N_DOCS, jsonl_config, table_files

from pipeline.run import execute

pytest.importorskip("distributed")


def test_a_dask_local_cluster_writes_the_same_tables(small_corpus: Path, reference_tables: dict, tmp_path: Path) -> None:
    summary = execute([small_corpus], tmp_path / "out", jsonl_config(workers=2, executor="dask", cache=False))
    assert summary.n_ok == N_DOCS
    assert table_files(tmp_path / "out") == reference_tables

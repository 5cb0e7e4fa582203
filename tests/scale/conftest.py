"""Scale fixtures: a small generated corpus and one reference run that every other way of running must equal."""

from __future__ import annotations

from pathlib import Path

import pytest
from scale_helpers import N_DOCS, jsonl_config, table_files

from pipeline.bench_corpus import generate_corpus
from pipeline.run import execute


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    folder = tmp_path_factory.mktemp("scale") / "docs"
    generate_corpus(folder, N_DOCS, corpus_dir, seed=1, target_chars=250)
    return folder


@pytest.fixture(scope="session")
def reference_tables(small_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The small corpus through workers=1 without a cache: what every other way of running must equal."""
    out = tmp_path_factory.mktemp("reference") / "out"
    summary = execute([small_corpus], out, jsonl_config(workers=1, cache=False))
    assert summary.n_ok == N_DOCS
    return table_files(out)

"""Scale fixtures: a small generated corpus, run configs that write JSONL only, and one reference run."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.bench_corpus import generate_corpus
from pipeline.config import ExportConfig, RunConfig
from pipeline.run import execute

N_DOCS = 12


def jsonl_config(**fields: object) -> RunConfig:
    return RunConfig(export=ExportConfig(formats=("jsonl",)), **fields)


def table_files(out: Path) -> dict[str, bytes]:
    """Every JSONL table of a run, by name (the manifest holds timestamps and is compared separately)."""
    return {path.name: path.read_bytes() for path in sorted(out.glob("*.jsonl"))}


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

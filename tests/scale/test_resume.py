"""Resumability: a run killed with SIGKILL mid-way, run again, equals an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scale_helpers import jsonl_config, table_files

from pipeline.bench_corpus import generate_corpus
from pipeline.run import execute

N_DOCS = 30
ROOT = Path(__file__).resolve().parents[2]


def _kill_after_first_entries(corpus: Path, out: Path, entries: int) -> None:
    command = [sys.executable, "-m", "pipeline", "run", str(corpus), "--out", str(out)]
    command += ["--workers", "1", "--format", "jsonl", "-q"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while proc.poll() is None and len(list(out.glob(".cache/docs/*.jsonl.gz"))) < entries:
            time.sleep(0.01)
        if proc.poll() is not None:
            pytest.fail(f"the run ended before it could be killed: {proc.stderr.read().decode()[-2000:]}")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
        proc.stderr.close()


def test_a_killed_run_resumes_to_the_uninterrupted_result(tmp_path: Path, corpus_dir: Path) -> None:
    corpus = tmp_path / "docs"
    generate_corpus(corpus, N_DOCS, corpus_dir, seed=2, target_chars=200)
    reference = tmp_path / "reference"
    execute([corpus], reference, jsonl_config(workers=1, cache=False))

    out = tmp_path / "out"
    _kill_after_first_entries(corpus, out, entries=3)
    assert not (out / "manifest.json").exists()
    done_before = len(list(out.glob(".cache/docs/*.jsonl.gz")))
    assert 3 <= done_before < N_DOCS

    summary = execute([corpus], out, jsonl_config(workers=1))
    assert done_before <= summary.n_cached < N_DOCS
    assert summary.n_ok == N_DOCS
    assert table_files(out) == table_files(reference)
    assert not [p.name for p in out.iterdir() if ".tmp-" in p.name]

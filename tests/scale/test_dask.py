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


class _Lost:
    """A Dask future whose task was lost with its worker."""

    def result(self):
        raise RuntimeError("KilledWorker: the worker running this task died")


class _Done:
    def __init__(self, value) -> None:
        self.value = value

    def result(self):
        return self.value


class _FakeClient:
    """Runs tasks at once, here; any task holding the poisoned document is lost, as a killed worker's would be."""

    def __init__(self) -> None:
        self.tasks: list[int] = []

    def run(self, fn, *args):
        return {}

    def nthreads(self) -> dict:
        return {"w1": 1, "w2": 1}

    def submit(self, fn, *args, pure: bool = True):
        names = [s.doc_id for s in (args[1] if len(args) > 1 else args[:1])]
        self.tasks.append(len(names))
        return _Lost() if "poison" in names else _Done(fn(*args))

    def close(self) -> None:
        pass


def test_a_lost_dask_task_costs_only_its_culprit(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import executors
    from pipeline.ingest.sources import Source
    from pipeline.process import DocumentResult

    client = _FakeClient()
    pool = executors.DaskPool(lambda source: DocumentResult(source), 2, jsonl_config(), None)
    monkeypatch.setattr(pool, "_client", lambda: (client, None))
    sources = [Source(Path(f"{name}.txt"), name) for name in ("a", "b", "poison", "c", "d", "e")]
    results = list(pool.map(sources))
    assert [r.source.doc_id for r in results] == ["a", "b", "poison", "c", "d", "e"]
    assert [r.status for r in results] == ["ok", "ok", "error", "ok", "ok", "ok"]
    assert results[2].error is not None and results[2].error.error_type == "WorkerCrashed"
    assert client.tasks == [4, 2, 1, 1, 1, 1]  # two tasks; the lost one's four documents each redone alone


def test_a_quiet_dask_run_prints_nothing(small_corpus: Path, tmp_path: Path) -> None:
    """distributed logs every cluster event at INFO on its own loggers; `-q` must still print nothing."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(small_corpus), "--out", str(tmp_path / "out"), "--executor",
         "dask", "--workers", "2", "--format", "jsonl", "-q"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == ""

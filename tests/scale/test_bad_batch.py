"""A batch of broken files and a document that kills its worker completes, every failure in errors.jsonl."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from scale_crash_task import process_or_crash
from scale_helpers import jsonl_config

from pipeline import executors
from pipeline.run import execute

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from make_bad_inputs import make_bad_inputs


@pytest.mark.parametrize("per_task", [1, 4])  # documents per pool task
def test_broken_files_and_a_crashing_worker_become_error_rows(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, per_task: int
) -> None:
    batch = tmp_path / "batch"
    bad = make_bad_inputs(batch)
    good = sorted(small_corpus.glob("*.txt"))[:4]
    for path in good:
        shutil.copy(path, batch / path.name)
    shutil.copy(good[0], batch / "poison.txt")
    monkeypatch.setattr(executors, "process_source", process_or_crash)
    monkeypatch.setattr(executors, "WINDOW_PER_WORKER", 2 * per_task)  # several windows: order kept across refills
    monkeypatch.setattr(executors, "docs_per_task", lambda workers, n_documents=None: per_task)

    out = tmp_path / "out"
    summary = execute([batch], out, jsonl_config(workers=2))
    errors = {json.loads(line)["path"]: json.loads(line) for line in (out / "errors.jsonl").open(encoding="utf-8")}
    unsupported = bad.pop("unsupported_extension")  # inside a folder it is skipped, not an error
    expected = {str(p) for p in bad.values()} | {str(batch / "poison.txt")}
    assert set(errors) == expected
    assert errors[str(batch / "poison.txt")]["error_type"] == "WorkerCrashed"
    assert summary.n_ok == len(good) and summary.n_errors == len(expected)

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["skipped"] == [str(unsupported)]
    assert [i["doc_id"] for i in manifest["inputs"]] == sorted(i["doc_id"] for i in manifest["inputs"])
    monkeypatch.undo()  # one document left to do runs in-process, where a crash would end the test itself
    again = execute([batch], out, jsonl_config(workers=2))
    assert again.n_cached == summary.n_inputs - 1  # a crash is retried next run, deterministic errors are cached

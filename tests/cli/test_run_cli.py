"""The `yanbao run` command: output contract, exit codes, and bad inputs that never stop a batch."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures"))
from make_bad_inputs import make_bad_inputs

TABLES = ("documents", "sections", "sentences", "errors")


def _rows(out: Path, table: str) -> list[dict]:
    return [json.loads(line) for line in (out / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()]


def test_seed_run_writes_the_output_contract(seed_path: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed_path, corpus / seed_path.name)
    out = tmp_path / "out"
    assert main(["run", str(corpus), "--out", str(out), "-q"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"][0]["doc_id"] == "coreweave_part1"
    assert manifest["inputs"][0]["status"] == "ok"
    assert len(manifest["inputs"][0]["sha256"]) == 64
    for table in TABLES:
        assert (out / f"{table}.jsonl").exists()
    document = _rows(out, "documents")[0]
    assert document["doc_id"] == "coreweave_part1" and document["encoding"] == "utf-8"
    for sentence in _rows(out, "sentences"):
        assert document["raw_text"][sentence["start"] : sentence["end"]].strip()
    assert not list(out.glob(".*tmp*"))


def test_bad_inputs_become_error_rows_and_the_batch_completes(seed_path: Path, tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    bad = make_bad_inputs(batch)
    shutil.copy(seed_path, batch / "good.txt")
    unreadable = batch / "unreadable.txt"
    unreadable.write_text("营收增长。", encoding="utf-8")
    unreadable.chmod(0)
    out = tmp_path / "out"
    code = main(["run", *[str(p) for p in sorted(batch.iterdir())], "--out", str(out), "-q"])
    assert code == 1
    errors = {Path(e["path"]).name: e for e in _rows(out, "errors")}
    for kind, path in bad.items():
        assert path.name in errors, kind
        assert errors[path.name]["message"] and errors[path.name]["stage"] == "ingest"
    assert "unsupported file type" in errors[bad["unsupported_extension"].name]["message"]
    documents = [d["doc_id"] for d in _rows(out, "documents")]
    assert "good" in documents
    readable_as_root = unreadable.name not in errors
    assert readable_as_root or errors[unreadable.name]["message"].startswith("permission denied")


@pytest.mark.parametrize(
    "argv",
    [["run"], ["run", "/no/such/path"], ["bogus"], ["run", "corpus", "--extractors", "nosuch"]],
)
def test_usage_errors_print_one_line_and_exit_2(argv: list[str], tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", *argv, "--out", str(tmp_path / "o")] if argv[0] == "run" and len(argv) > 1
        else [sys.executable, "-m", "pipeline", *argv],
        capture_output=True, text=True, check=False, cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr


def test_output_folder_misuse(tmp_path: Path, seed_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert main(["run", str(seed_path), "--out", str(a_file), "-q"]) == 2
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.txt").write_text("mine")
    assert main(["run", str(seed_path), "--out", str(occupied), "-q"]) == 2
    assert (occupied / "notes.txt").read_text() == "mine"
    assert main(["run", str(seed_path), "--out", str(occupied), "--overwrite", "-q"]) == 0


def test_two_workers_from_the_command_line_equal_one(tmp_path: Path) -> None:
    """`--workers 2` starts the pool's fork server before the pipeline is imported; same tables as one worker."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted((Path(__file__).resolve().parents[2] / "corpus").glob("*.txt"))[:3]:
        shutil.copy(path, corpus / path.name)
    one, two = tmp_path / "one", tmp_path / "two"
    assert main(["run", str(corpus), "--out", str(one), "-q", "--no-cache", "--workers", "1", "--format", "jsonl"]) == 0
    assert main(["run", str(corpus), "--out", str(two), "-q", "--no-cache", "--workers", "2", "--format", "jsonl"]) == 0
    for table in ("documents", "sentences", "mentions", "figures", "claims"):
        assert (one / f"{table}.jsonl").read_bytes() == (two / f"{table}.jsonl").read_bytes(), table


def test_the_command_exits_quickly_with_its_code_and_everything_flushed(tmp_path: Path) -> None:
    """`python -m pipeline` skips the interpreter teardown (cli.entry): the exit code, both streams and every
    output file must still be whole, and a pool run leaves no warning from multiprocessing's cleanup."""
    batch = tmp_path / "batch"
    batch.mkdir()
    seed = Path(__file__).resolve().parents[2] / "corpus" / "coreweave_part1.txt"
    (batch / "good.txt").write_bytes(seed.read_bytes())
    (batch / "good2.txt").write_bytes(seed.read_bytes())
    (batch / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(batch), "--out", str(out), "--workers", "2", "--format",
         "jsonl,parquet,duckdb"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 1  # one document failed
    assert "2/3 documents ok, 1 failed" in proc.stdout
    assert "warning" not in proc.stderr.lower() and "leaked" not in proc.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) >= {"documents.jsonl", "figures.parquet", "yanbao.duckdb"}
    version = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, check=False)
    assert version.returncode == 0 and version.stdout.startswith("yanbao ")

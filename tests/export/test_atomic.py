"""A writer killed (SIGKILL) mid-write leaves the previous complete table or none, never a truncated one.

Each test runs one child per format at once (tests/export/slow_writer.py): it writes part of a figures table,
reports `writing` and blocks, so the kill lands mid-write without any timing assumption.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from export_samples import sample_tables, write_run

from pipeline.export.build import FORMATS, export_tables
from pipeline.export.database import DATABASE_NAME
from pipeline.export.read import read_table
from pipeline.export.text import scrub_record

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).resolve().parent / "slow_writer.py"
FINAL = {
    "jsonl": "figures.jsonl",
    "parquet": "figures.parquet",
    "csv": "figures.csv",
    "duckdb": DATABASE_NAME,
}
FIGURES = {"figures": sample_tables()["figures"]}


def _start_all(dirs: dict[str, Path]) -> dict[str, subprocess.Popen[str]]:
    """One blocked child per format, each having written three batches to its temp file."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = {
        fmt: subprocess.Popen(
            [sys.executable, str(CHILD), fmt, str(out)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for fmt, out in dirs.items()
    }
    for fmt, child in children.items():
        assert child.stdout is not None and child.stdout.readline() == "writing\n", fmt
        temp = dirs[fmt] / f".{FINAL[fmt]}.tmp-{child.pid}"
        assert temp.stat().st_size > 0, fmt  # it really is mid-write
    return children


def _kill_all(children: dict[str, subprocess.Popen[str]]) -> None:
    for child in children.values():
        os.kill(child.pid, signal.SIGKILL)
    for fmt, child in children.items():
        assert child.wait(timeout=60) == -signal.SIGKILL, fmt


def _dirs(tmp_path: Path, formats: tuple[str, ...] = FORMATS) -> dict[str, Path]:
    dirs = {fmt: tmp_path / fmt for fmt in formats}
    for out in dirs.values():
        out.mkdir()
    return dirs


def test_killed_writer_leaves_no_table_or_the_previous_complete_one(tmp_path: Path) -> None:
    dirs = _dirs(tmp_path)
    _kill_all(_start_all(dirs))
    for fmt, out in dirs.items():
        assert not (out / FINAL[fmt]).exists(), fmt
        write_run(out, FIGURES, formats=(fmt,))  # also sweeps the killed writer's temp files
        assert not list(out.glob(".*")), fmt
    before = {fmt: (out / FINAL[fmt]).read_bytes() for fmt, out in dirs.items()}
    _kill_all(_start_all(dirs))
    for fmt, out in dirs.items():
        assert (out / FINAL[fmt]).read_bytes() == before[fmt], fmt
        assert read_table(out, "figures", fmt) == [scrub_record(r) for r in FIGURES["figures"]], fmt
        assert list(out.glob(".*.tmp-*")), fmt
        export_tables(out, (fmt,))  # the next export sweeps the killed writer's temp files
        assert not list(out.glob(".*")), fmt


def test_a_writer_left_to_finish_replaces_the_table(tmp_path: Path) -> None:
    # The control: the same child, not killed, does replace the table (two formats keep the suite fast).
    dirs = _dirs(tmp_path, ("parquet", "duckdb"))
    for fmt, out in dirs.items():
        write_run(out, FIGURES, formats=(fmt,))
    children = _start_all(dirs)
    for fmt, child in children.items():
        stdout, _ = child.communicate("go\n", timeout=60)
        assert child.returncode == 0 and stdout == "done\n", fmt
        ids = [f.id for f in read_table(dirs[fmt], "figures", fmt)]
        assert len(ids) == 6 * 50 and ids[0] == "new_0_0" and ids[-1] == "new_5_49", fmt
        assert not list(dirs[fmt].glob(".*.tmp-*")), fmt

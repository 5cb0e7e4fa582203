"""`yanbao bench` reports medians over repeats, and says so; a repeat count below one is a usage error."""

from __future__ import annotations

from pipeline.cli import main
from pipeline.commands.bench import render


def run(docs: int, wall: float) -> dict:
    stages = {"segment": wall * 0.3, "extract:mentions": wall * 0.4}
    return {"docs": docs, "workers": 1, "bytes": 9_800_000, "wall_s": wall, "peak_rss_mb": 500.0,
            "stage_seconds": stages, "docs_per_s": docs / wall, "mb_per_s": 9.8 / wall}


def results(repeats: list[dict]) -> dict:
    one, two = run(1000, 28.0), run(1000, 16.0)
    return {
        "docs": 1000, "date": "2026-11-29", "version": "0", "cpus": 2, "note": "test",
        "runs": {"1": one, "2": two},
        "memory": {"small": run(20, 3.0), "big": run(200, 8.0)},
        "baseline": {"seconds": 17.0, "bytes": 9_800_000, "mb_per_s": 0.58},
        "scaling": 1.75, "vs_jieba": 0.61, "repeats": repeats, "steady_mb_per_s": 0.4,
        "shares": {"segment": 0.3, "extract:mentions": 0.4, "other (startup, model loading, writing)": 0.3},
    }


def test_one_measurement_has_no_repeats_section() -> None:
    report = render(results([{"vs_jieba": 0.61, "scaling": 1.75, "wall_1": 28.0, "wall_2": 16.0, "jieba_s": 17.0}]))
    assert "**0.61×** (target ≥ 0.6×)." in report and "## Repeats" not in report


def test_repeats_are_listed_and_the_ratios_called_medians() -> None:
    repeats = [{"vs_jieba": v, "scaling": s, "wall_1": 28.0, "wall_2": 16.0, "jieba_s": 17.0}
               for v, s in ((0.58, 1.70), (0.61, 1.75), (0.63, 1.81))]
    report = render(results(repeats))
    assert "**1.75×** (target ≥ 1.7×), median of 3 repeats." in report
    assert "## Repeats" in report and "| 3 | 28.0 | 16.0 | 17.0 | 1.81× | 0.63× |" in report


def test_repeat_below_one_is_a_usage_error(tmp_path, capsys) -> None:
    assert main(["bench", "--repeat", "0", "--out", str(tmp_path / "b"), "--report", str(tmp_path / "r.md")]) == 2
    assert "--repeat must be at least 1" in capsys.readouterr().err


def test_tree_memory_counts_the_descendants_it_finds(tmp_path) -> None:
    import subprocess
    import sys
    import time

    from pipeline.commands.bench import TreeMemory

    ready = tmp_path / "ready"
    grandchild = f"import pathlib, time; x = bytearray(80_000_000); pathlib.Path({str(ready)!r}).touch(); time.sleep(30)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}])"
    proc = subprocess.Popen([sys.executable, "-c", parent])
    try:
        memory = TreeMemory(proc.pid)
        deadline = time.monotonic() + 20
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        for _ in range(3):
            memory.sample()
        assert memory.peak > 80_000_000
        assert len(memory.known) == 2  # the process and its child
    finally:
        for child in memory.root.children(recursive=True):
            child.kill()
        proc.kill()
        proc.wait()

"""End to end over real runs of the seed article: an inserted paragraph leaves every extracted fact unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.review.diff import diff_runs
from pipeline.review.runs import load_run

FACT_TABLES = ("figures", "mentions", "relations", "claims")


def test_seed_run_against_itself_has_no_differences(seed_runs: tuple[Path, Path]) -> None:
    assert main(["diff", str(seed_runs[0]), str(seed_runs[0])]) == 0


def test_inserted_paragraph_keeps_every_seed_fact(seed_runs: tuple[Path, Path]) -> None:
    run_a, run_b = load_run(seed_runs[0]), load_run(seed_runs[1])
    records = diff_runs(run_a, run_b).records
    facts = [r for r in records if r.table in FACT_TABLES and r.doc_id == "coreweave_part1"]
    assert facts and len(facts) == sum(
        1 for t in FACT_TABLES for rec in run_b.tables[t] if rec.doc_id == "coreweave_part1"
    )
    assert {r.status for r in facts} == {"unchanged"}
    assert sum(r.a.id != r.b.id for r in facts) > 0  # offsets (and so ids) moved, alignment still held
    moved = {(r.table, r.doc_id, r.status) for r in records if r.status != "unchanged"}
    assert moved == {("documents", "coreweave_part1", "changed"), ("sentences", "coreweave_part1", "added")}


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_diff_of_the_seed_runs_exits_1(seed_runs: tuple[Path, Path], fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", *map(str, seed_runs), "--format", fmt]) == 1
    out = capsys.readouterr().out
    if fmt == "json":
        assert {r["table"] for r in json.loads(out)["records"]} <= {"documents", "sentences", "sections"}

"""`yanbao export`: the formats built afterwards from a JSONL-only run equal those a run writes as it goes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline.cli import main
from pipeline.records import TABLES


def _database_rows(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {table: con.sql(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall() for table in TABLES}


def test_export_after_a_jsonl_run_equals_a_run_with_every_format(seed_path: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed_path, corpus / seed_path.name)
    direct, later = tmp_path / "direct", tmp_path / "later"
    assert main(["run", str(corpus), "--out", str(direct), "-q", "--no-cache", "--format", "parquet,csv,duckdb"]) == 0
    assert main(["run", str(corpus), "--out", str(later), "-q", "--no-cache", "--format", "jsonl"]) == 0
    assert not list(later.glob("*.parquet"))
    assert main(["export", str(later), "--format", "parquet,csv,duckdb"]) == 0
    for table in TABLES:
        for ext in ("parquet", "csv"):
            assert (later / f"{table}.{ext}").read_bytes() == (direct / f"{table}.{ext}").read_bytes(), table
    assert _database_rows(later / "yanbao.duckdb") == _database_rows(direct / "yanbao.duckdb")
    manifest = json.loads((later / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["export"]["formats"] == ["jsonl", "parquet", "csv", "duckdb"]
    assert sorted(manifest["files"]) == sorted(json.loads((direct / "manifest.json").read_text())["files"])


def test_export_of_a_folder_without_a_run_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["export", str(tmp_path)]) == 2
    assert "no finished yanbao run" in capsys.readouterr().err


@pytest.mark.parametrize("damage", ["missing table", "line that is no record"])
def test_a_damaged_run_is_a_usage_error_and_publishes_nothing(seed_path: Path, tmp_path: Path, damage: str,
                                                              capsys: pytest.CaptureFixture) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed_path, corpus / seed_path.name)
    out = tmp_path / "run"
    assert main(["run", str(corpus), "--out", str(out), "-q", "--no-cache", "--format", "jsonl"]) == 0
    manifest = (out / "manifest.json").read_bytes()
    if damage == "missing table":
        (out / "figures.jsonl").unlink()
    else:
        with open(out / "claims.jsonl", "a", encoding="utf-8") as fh:
            fh.write("not json\n")
    assert main(["export", str(out), "--format", "parquet,csv,duckdb"]) == 2
    assert "cannot export" in capsys.readouterr().err
    assert not [p.name for p in out.iterdir() if p.suffix in {".parquet", ".csv", ".duckdb"} or ".tmp-" in p.name]
    assert (out / "manifest.json").read_bytes() == manifest

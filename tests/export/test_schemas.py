"""The committed schemas/ matches the record models; `yanbao schema` is deterministic and `--check` catches drift."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.export.schemas import COLUMNS_DOC, stale_files
from pipeline.records import TABLES

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def test_committed_schemas_are_in_sync_with_the_models() -> None:
    assert stale_files(SCHEMAS) == [], "schemas/ is out of date: run `yanbao schema`"


def test_schema_command_writes_one_deterministic_file_per_table(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert main(["schema", "--out", str(first)]) == 0
    assert main(["schema", "--out", str(second)]) == 0
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted([f"{t}.schema.json" for t in TABLES] + [COLUMNS_DOC])
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes()
    figures = json.loads((first / "figures.schema.json").read_text(encoding="utf-8"))
    assert figures["additionalProperties"] is False and "low" in figures["required"]
    text = (first / "figures.schema.json").read_text(encoding="utf-8")
    assert text == json.dumps(figures, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert "| `low_text` | string |" in (first / COLUMNS_DOC).read_text(encoding="utf-8")


def test_check_reports_changed_missing_and_extra_files(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["schema", "--out", str(tmp_path)]) == 0
    assert main(["schema", "--out", str(tmp_path), "--check"]) == 0
    (tmp_path / "figures.schema.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "claims.schema.json").unlink()
    (tmp_path / "retired.schema.json").write_text("{}\n", encoding="utf-8")
    assert stale_files(tmp_path) == ["retired.schema.json", "figures.schema.json", "claims.schema.json"]
    capsys.readouterr()
    assert main(["schema", "--out", str(tmp_path), "--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert main(["schema", "--out", str(tmp_path)]) == 0
    assert stale_files(tmp_path) == [] and not (tmp_path / "retired.schema.json").exists()

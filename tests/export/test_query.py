"""`yanbao query RUN_DIR SQL`: rows as a table, CSV or JSON; one-line errors with exit 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from pipeline.cli import main

SQL = "SELECT id, low_text, subject_type FROM figures_enriched WHERE id IN ('fig_1', 'fig_2') ORDER BY id"


def _query(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["query", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_rows(hostile_run: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = _query(capsys, str(hostile_run), SQL, "--format", "json")
    assert code == 0
    assert json.loads(out) == [
        {"id": "fig_1", "low_text": "1500000000000", "subject_type": "ORG"},
        {"id": "fig_2", "low_text": "1" + "0" * 30, "subject_type": "ORG"},
    ]


def test_csv_rows_with_lists_as_json(hostile_run: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = _query(
        capsys, str(hostile_run), "SELECT entity_id, aliases FROM entities ORDER BY 1", "--format", "csv"
    )
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [
        ["entity_id", "aliases"],
        ["coreweave", "[]"],
        ["microsoft", '["MSFT", "😀"]'],
    ]


def test_table_output(hostile_run: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = _query(capsys, str(hostile_run), SQL)
    assert code == 0
    assert "fig_1" in out and "1500000000000" in out and "2 rows" in out


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELEC 1", "SQL error: Parser Error"),
        ("SELECT * FROM nowhere", "SQL error: Catalog Error"),
        ("DROP TABLE figures", "read-only"),
    ],
)
def test_sql_errors_are_one_line_with_exit_2(
    hostile_run: Path, capsys: pytest.CaptureFixture, sql: str, message: str
) -> None:
    code, out, err = _query(capsys, str(hostile_run), sql)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_missing_run_folder_or_database(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code, _, err = _query(capsys, str(tmp_path / "absent"), "SELECT 1")
    assert code == 2 and "does not exist" in err
    code, _, err = _query(capsys, str(tmp_path), "SELECT 1")
    assert code == 2 and "has no yanbao.duckdb" in err

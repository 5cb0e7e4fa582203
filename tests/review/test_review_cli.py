"""`yanbao diff` and `yanbao review` on the command line: outputs, filters and exit codes 0/1/2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main


def test_diff_exits_0_without_differences(lexicon_runs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(lexicon_runs[0]), str(lexicon_runs[0])]) == 0
    assert "no differences" in capsys.readouterr().out


def test_diff_exits_1_and_lists_differences(lexicon_runs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", *map(str, lexicon_runs)]) == 1
    out = capsys.readouterr().out
    assert "~ figures facts" in out and "unit: 'USD' → 'CNY'" in out
    assert "+ figures facts" in out and "- figures facts" in out


def test_diff_json_with_filters(lexicon_runs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["diff", *map(str, lexicon_runs), "--format", "json", "--type", "figures", "--only", "added,removed"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and data["differs"]
    assert sorted((r["status"], r["label"]) for r in data["records"]) == [("added", "151亿美元"), ("removed", "62%")]
    assert {(s["table"], s["changed"]) for s in data["summary"]} == {("figures", 0)}


def test_diff_filter_to_an_unchanged_document_exits_0(lexicon_runs: tuple[Path, Path]) -> None:
    assert main(["diff", *map(str, lexicon_runs), "--doc", "xss", "--format", "md"]) == 0


def test_diff_markdown_to_a_file(lexicon_runs: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "diff.md"
    assert main(["diff", *map(str, lexicon_runs), "--format", "md", "--out", str(out)]) == 1
    text = out.read_text(encoding="utf-8")
    assert "| facts | figures | 1 | 1 | 3 | 1 |" in text


@pytest.mark.parametrize(
    "extra",
    [["--type", "figurez"], ["--only", "unchanged"], ["--doc", "nope"], ["--format", "html"], ["--format", "xml"]],
)
def test_diff_misuse_exits_2_with_one_line(
    lexicon_runs: tuple[Path, Path], extra: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", *map(str, lexicon_runs), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_diff_of_a_folder_that_is_no_run_exits_2(lexicon_runs: tuple[Path, Path], tmp_path: Path) -> None:
    assert main(["diff", str(lexicon_runs[0]), str(tmp_path)]) == 2


def test_diff_html_reuses_the_review_page(lexicon_runs: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "diff.html"
    assert main(["diff", *map(str, lexicon_runs), "--format", "html", "--out", str(out)]) == 1
    assert '"against":' in out.read_text(encoding="utf-8")


def test_review_writes_one_page(lexicon_runs: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    assert main(["review", str(lexicon_runs[1]), "--against", str(lexicon_runs[0]), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_review_misuse_exits_2(lexicon_runs: tuple[Path, Path], tmp_path: Path) -> None:
    assert main(["review", str(lexicon_runs[0]), "--out", str(tmp_path)]) == 2  # a folder
    assert main(["review", str(lexicon_runs[0]), "--out", str(tmp_path / "missing" / "r.html")]) == 2
    assert main(["review", str(tmp_path), "--out", str(tmp_path / "r.html")]) == 2

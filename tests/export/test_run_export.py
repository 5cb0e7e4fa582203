"""`yanbao run` end to end: every requested format, readable and equal to the JSONL; the manifest lists
the files; ids are stable across runs; output-folder misuse exits 2."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.export.build import FORMATS, output_names
from pipeline.export.read import read_table
from pipeline.records import TABLES

ARTICLE = "英伟达第三季度营收570亿美元，同比增长62%。\n\n数据中心业务收入512亿美元，毛利率约为73.6%。\n"


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("articles")
    (folder / "nvda_note.txt").write_text(ARTICLE, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def full_run(articles: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "all"
    assert (
        main(
            [
                "run",
                str(articles),
                "--out",
                str(out),
                "--format",
                "parquet,csv,duckdb",
                "--workers",
                "1",
                "-q",
            ]
        )
        == 0
    )
    return out


@pytest.fixture(scope="module")
def default_run(articles: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "default"
    assert main(["run", str(articles), "--out", str(out), "--workers", "1", "-q"]) == 0
    return out


def test_every_format_holds_the_same_records(full_run: Path) -> None:
    assert read_table(full_run, "figures", "jsonl"), "the article has figures"
    for table in TABLES:
        expected = read_table(full_run, table, "jsonl")
        for fmt in FORMATS[1:]:
            assert read_table(full_run, table, fmt) == expected, (table, fmt)
    assert not list(full_run.glob(".*.tmp-*"))


def test_manifest_lists_every_file_with_its_hash(full_run: Path) -> None:
    manifest = json.loads((full_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["export"]["formats"] == list(FORMATS)
    assert sorted(manifest["files"]) == sorted(output_names(FORMATS))
    for name, info in manifest["files"].items():
        data = (full_run / name).read_bytes()
        assert info == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}, name
    assert "export" in manifest["stage_seconds"]


def test_default_formats_are_jsonl_parquet_and_duckdb(default_run: Path) -> None:
    names = {p.name for p in default_run.iterdir() if not p.name.startswith(".")}  # hidden: the run cache
    assert names == {*output_names(("jsonl", "parquet", "duckdb")), "manifest.json"}


def test_ids_are_stable_across_runs(full_run: Path, default_run: Path) -> None:
    for table in ("sections", "sentences", "figures", "mentions"):
        ids = [r.id for r in read_table(full_run, table, "jsonl")]
        assert ids == [r.id for r in read_table(default_run, table, "parquet")], table
        assert len(set(ids)) == len(ids), table


def test_query_on_a_run(full_run: Path, capsys: pytest.CaptureFixture) -> None:
    capsys.readouterr()
    sql = "SELECT surface, low_text, unit, sentence_text FROM figures_enriched ORDER BY start"
    assert main(["query", str(full_run), sql, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_surface = {r["surface"]: r for r in rows}
    assert by_surface["570亿美元"]["low_text"] == "57000000000" and by_surface["570亿美元"]["unit"] == "USD"
    assert by_surface["73.6%"]["sentence_text"].startswith("数据中心业务收入")


def test_unknown_format_is_a_usage_error(
    articles: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["run", str(articles), "--out", str(tmp_path / "out"), "--format", "parquet,xlsx", "-q"]) == 2
    assert "unknown format xlsx" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_output_path_that_is_a_file(articles: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    target = tmp_path / "taken"
    target.write_text("mine", encoding="utf-8")
    assert main(["run", str(articles), "--out", str(target), "-q"]) == 2
    assert "is a file" in capsys.readouterr().err and target.read_text(encoding="utf-8") == "mine"


def test_output_folder_that_cannot_be_created(
    articles: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    (tmp_path / "plain").write_text("", encoding="utf-8")
    assert main(["run", str(articles), "--out", str(tmp_path / "plain" / "out"), "-q"]) == 2
    assert "not writable" in capsys.readouterr().err


def test_output_folder_without_write_permission(
    articles: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if _can_write(locked):
            pytest.skip("running as a user that ignores permissions (root)")
        assert main(["run", str(articles), "--out", str(locked), "-q"]) == 2
        assert "not writable" in capsys.readouterr().err
    finally:
        locked.chmod(0o700)


def _can_write(folder: Path) -> bool:
    try:
        (folder / ".probe").write_text("")
    except OSError:
        return False
    (folder / ".probe").unlink()
    return True


def test_folder_of_another_run_needs_overwrite(
    full_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.txt").write_text("营收增长5%。", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in full_run.iterdir() if p.is_file()}
    assert main(["run", str(other), "--out", str(full_run), "-q"]) == 2
    assert "other inputs" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in full_run.iterdir() if p.is_file()} == before

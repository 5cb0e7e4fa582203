"""The bad-input generator produces files that really have the defect they are named after."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location(
    "make_bad_inputs", Path(__file__).resolve().parents[1] / "fixtures" / "make_bad_inputs.py"
)
assert _SPEC and _SPEC.loader
bad_inputs = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(bad_inputs)


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return bad_inputs.make_bad_inputs(tmp_path_factory.mktemp("bad"))


def test_kinds(bad: dict[str, Path]) -> None:
    assert set(bad) == {"empty", "png_as_txt", "pdf_as_txt", "truncated_utf8", "nul_bytes",
                        "unsupported_extension", "large_text"}


def test_defects(bad: dict[str, Path]) -> None:
    assert bad["empty"].stat().st_size == 0
    assert bad["png_as_txt"].suffix == ".txt" and bad["png_as_txt"].read_bytes().startswith(bad_inputs.PNG_SIGNATURE)
    assert bad["pdf_as_txt"].suffix == ".txt" and bad["pdf_as_txt"].read_bytes().startswith(b"%PDF-")
    with pytest.raises(UnicodeDecodeError):
        bad["truncated_utf8"].read_bytes().decode("utf-8")
    assert bad["truncated_utf8"].read_bytes().decode("utf-8", errors="ignore").endswith("空间。")
    nul = bad["nul_bytes"].read_bytes()
    assert b"\x00" in nul and "营收" in nul.replace(b"\x00", b"").decode("utf-8")
    assert bad["unsupported_extension"].suffix == ".docx"
    assert bad["large_text"].stat().st_size >= bad_inputs.LARGE_SIZE

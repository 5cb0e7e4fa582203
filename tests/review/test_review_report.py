"""Diff reports: hostile article text stays inert in Markdown; JSON and terminal output carry the changes."""

from __future__ import annotations

import io
import re
from pathlib import Path

from review_builders import XSS, document, facts_run, write_run
from rich.console import Console

from pipeline.records import Sentence
from pipeline.review.diff import diff_runs
from pipeline.review.report import md_escape, print_terminal, to_json, to_markdown
from pipeline.review.runs import load_run

HOSTILE = "<script>alert(1)</script> | `code` [x](javascript:alert(1)) <img src=x onerror=alert(1)>\n# h"


def test_md_escape_leaves_no_markup() -> None:
    escaped = md_escape(HOSTILE)
    for dangerous in ("<", ">", "|", "`", "\n"):
        assert dangerous not in escaped
    assert re.search(r"(?<!\\)[\[\]]", escaped) is None  # no bracket left to open a link
    assert "&lt;script&gt;" in escaped and "\\[x\\](javascript" in escaped


def _hostile_diff(tmp_path: Path):
    documents, tables = facts_run()
    text = XSS + HOSTILE
    hostile = Sentence(doc_id="xss", start=len(XSS), end=len(text), norm_start=len(XSS), norm_end=len(text),
                       id="sen_hostile", index=9, paragraph=1, text=HOSTILE, in_body=True, n_tokens=3)
    documents_b = [document("xss", text) if d.doc_id == "xss" else d for d in documents]
    a = write_run(tmp_path / "a", (documents, tables))
    b = write_run(tmp_path / "b", (documents_b, {**tables, "sentences": [*tables["sentences"], hostile]}))
    return diff_runs(load_run(a), load_run(b))


def test_markdown_report_neutralises_article_text(tmp_path: Path) -> None:
    md = to_markdown(_hostile_diff(tmp_path))
    detail = next(line for line in md.splitlines() if line.startswith("- + sentences xss"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail
    assert "<" not in md and ">" not in md and "`" not in md
    assert all("|" not in line for line in md.splitlines() if line.startswith("- "))


def test_json_report_lists_differences_only(lexicon_runs: tuple[Path, Path]) -> None:
    data = to_json(diff_runs(load_run(lexicon_runs[0]), load_run(lexicon_runs[1])))
    statuses = sorted(r["status"] for r in data["records"])
    assert statuses == ["added", "changed", "changed", "changed", "changed", "changed", "removed"]
    unit = next(r for r in data["records"] if r["label"] == "50亿美元")
    assert unit["changes"] == [{"field": "unit", "a": "USD", "b": "CNY"}]
    assert unit["id_a"] != unit["id_b"] and unit["record"]["unit"] == "CNY"


def test_terminal_report_has_a_row_per_document_and_table(lexicon_runs: tuple[Path, Path]) -> None:
    buffer = io.StringIO()
    print_terminal(diff_runs(load_run(lexicon_runs[0]), load_run(lexicon_runs[1])), Console(file=buffer, width=200))
    out = buffer.getvalue()
    assert "│ facts    │ figures   │     1 │       1 │       3 │         1 │" in out
    assert "~ figures facts [" in out

"""Render a run diff for people and tools: a rich terminal table, inert Markdown, or JSON."""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console
from rich.markup import escape as rich_escape
from rich.table import Table

from pipeline.review.diff import STATUSES, RecordDiff, RunDiff
from pipeline.review.view import format_value, json_value, record_label

MARKS = {"added": "+", "removed": "-", "changed": "~", "unchanged": "="}
_STYLES = {"added": "green", "removed": "red", "changed": "yellow", "unchanged": "dim"}

# Characters that could start markup in Markdown or HTML renderers; each becomes inert text.
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "`": "&#96;", "|": "&#124;"}
_MD_BACKSLASHED = set("\\*_[]~")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def md_escape(text: str) -> str:
    """Neutralise hostile text for a Markdown table cell or list item: no HTML, no code, no links, no cells."""
    text = _LINE_BREAKS.sub(" ", text)
    return "".join(_MD_ENTITIES.get(c) or (f"\\{c}" if c in _MD_BACKSLASHED else c) for c in text)


def location(r: RecordDiff) -> str:
    span = r.span_b if r.b is not None else r.span_a
    return f"[{span[0]}, {span[1]})" if span else ""


def describe(r: RecordDiff) -> str:
    """One line: mark, table, document, span, label and the field changes."""
    head = " ".join(p for p in (MARKS[r.status], r.table, r.doc_id or "(run)", location(r)) if p)
    changes = "; ".join(c.describe() for c in r.changes)
    label = format_value(record_label(r.table, r.record))
    return f"{head} {label}" + (f": {changes}" if changes else "")


def summary_rows(diff: RunDiff) -> list[tuple[str, str, dict[str, int]]]:
    return [(doc_id or "(run)", table, counts) for (doc_id, table), counts in diff.counts().items()]


def print_terminal(diff: RunDiff, console: Console | None = None) -> None:
    console = console or Console(highlight=False)
    table = Table(title=rich_escape(f"yanbao diff {diff.run_a} → {diff.run_b}"))
    table.add_column("document")
    table.add_column("records")
    for status in STATUSES:
        table.add_column(status, justify="right", style=_STYLES[status])
    for doc_id, name, counts in summary_rows(diff):
        table.add_row(rich_escape(doc_id), name, *(str(counts[s]) for s in STATUSES))
    console.print(table)
    for r in diff.records:
        if r.status != "unchanged":
            console.print(describe(r), style=_STYLES[r.status], markup=False, soft_wrap=True)
    if not diff.differs:
        console.print("no differences")


def to_markdown(diff: RunDiff) -> str:
    lines = [
        f"# yanbao diff {md_escape(str(diff.run_a))} → {md_escape(str(diff.run_b))}",
        "",
        "| document | records | " + " | ".join(STATUSES) + " |",
        "|---|---|" + "---:|" * len(STATUSES),
    ]
    for doc_id, name, counts in summary_rows(diff):
        lines.append(f"| {md_escape(doc_id)} | {name} | " + " | ".join(str(counts[s]) for s in STATUSES) + " |")
    details = [r for r in diff.records if r.status != "unchanged"]
    lines += ["", "## Differences" if details else "No differences.", ""]
    lines += [f"- {md_escape(describe(r))}" for r in details]
    return "\n".join(lines).rstrip() + "\n"


def record_json(r: RecordDiff) -> dict[str, Any]:
    return {
        "table": r.table,
        "doc_id": r.doc_id,
        "status": r.status,
        "label": record_label(r.table, r.record),
        "id_a": r.a.__dict__.get("id") if r.a is not None else None,
        "id_b": r.b.__dict__.get("id") if r.b is not None else None,
        "span_a": list(r.span_a) if r.span_a else None,
        "span_b": list(r.span_b) if r.span_b else None,
        "changes": [{"field": c.field, "a": json_value(c.a), "b": json_value(c.b)} for c in r.changes],
        "record": r.record.model_dump(mode="json", exclude={"raw_text", "text"}),
    }


def to_json(diff: RunDiff) -> dict[str, Any]:
    """The summary and every record that is not unchanged (unchanged ones are counted)."""
    return {
        "run_a": str(diff.run_a),
        "run_b": str(diff.run_b),
        "differs": diff.differs,
        "summary": [{"doc_id": d, "table": t, **counts} for d, t, counts in summary_rows(diff)],
        "records": [record_json(r) for r in diff.records if r.status != "unchanged"],
    }

"""The review page: one self-contained HTML file (inline CSS/JS, data as escaped JSON, no network) showing
every document's raw text with its extractions highlighted, optionally coloured by a diff against another run."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from pipeline.records import Document, Record
from pipeline.review.diff import RecordDiff, RunDiff
from pipeline.review.runs import RunData
from pipeline.review.view import json_value, record_fields, record_label

HIGHLIGHT_TABLES = ("figures", "mentions", "relations", "claims", "sections", "sentences")
DEFAULT_VISIBLE = ("figures", "mentions", "relations", "claims")

# Inside <script type="application/json"> only these could end the element or confuse an HTML/JS parser.
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_UNSAFE = re.compile("[<>&\u2028\u2029]")
_SLOTS = re.compile(r"__YANBAO_(CSS|JS|INDEX|DOCS|SCRIPT_HASH)__")


def script_json(value: Any) -> str:
    """JSON that is safe as the content of a <script type="application/json"> element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _SCRIPT_UNSAFE.sub(lambda m: _SCRIPT_ESCAPES[m.group()], text)


@dataclass(frozen=True)
class Placed:
    """A record placed in the text the page shows, with its diff status when comparing runs."""

    table: str
    record: Record
    start: int
    end: int
    status: str | None = None
    changes: tuple[tuple[str, Any, Any], ...] = ()


def placed_from_run(run: RunData) -> dict[str, list[Placed]]:
    placed: dict[str, list[Placed]] = {doc_id: [] for doc_id in run.documents}
    for table in HIGHLIGHT_TABLES:
        for rec in run.tables.get(table, []):
            d = rec.__dict__
            placed.setdefault(d["doc_id"], []).append(Placed(table, rec, d["start"], d["end"]))
    return placed


def _placed_diff(r: RecordDiff, in_b: bool) -> Placed:
    start, end = (r.span_b if in_b else r.span_a) or (0, 0)
    changes = tuple((c.field, json_value(c.a), json_value(c.b)) for c in r.changes)
    return Placed(r.table, r.record, start, end, r.status, changes)


def placed_from_diff(diff: RunDiff) -> dict[str, list[Placed]]:
    """Diff records placed in the later run's text (or the earlier one's, for a document it no longer has)."""
    placed: dict[str, list[Placed]] = {d: [] for d in {**diff.documents_a, **diff.documents_b}}
    for r in diff.records:
        if r.table in HIGHLIGHT_TABLES:
            placed.setdefault(r.doc_id, []).append(_placed_diff(r, r.doc_id in diff.documents_b))
    return placed


def _record_payload(i: int, p: Placed) -> dict[str, Any]:
    confidence = p.record.__dict__.get("confidence")
    return {
        "i": i,
        "type": p.table,
        "id": p.record.__dict__.get("id"),
        "start": p.start,
        "end": p.end,
        "status": p.status,
        "label": record_label(p.table, p.record),
        "conf": confidence,
        "fields": record_fields(p.record),
        "changes": [list(c) for c in p.changes],
    }


def doc_payload(doc: Document, placed: list[Placed]) -> dict[str, Any]:
    ordered = sorted(placed, key=lambda p: (p.start, p.end, HIGHLIGHT_TABLES.index(p.table)))
    return {"doc_id": doc.doc_id, "text": doc.raw_text, "records": [_record_payload(i, p) for i, p in enumerate(ordered)]}


def _doc_entry(doc: Document, placed: list[Placed], status: str | None) -> dict[str, Any]:
    counts = {t: sum(p.table == t for p in placed) for t in HIGHLIGHT_TABLES}
    differences = {s: sum(p.status == s for p in placed) for s in ("added", "removed", "changed")}
    return {
        "doc_id": doc.doc_id,
        "title": doc.title or "",
        "n_chars": len(doc.raw_text),
        "counts": counts,
        "differences": differences,
        "status": status,
    }


def _document_status(diff: RunDiff) -> dict[str, str]:
    return {r.doc_id: r.status for r in diff.records if r.table == "documents"}


def page_data(run: RunData, diff: RunDiff | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The index (documents, counts, settings) and one payload per document, in the same order."""
    documents = dict(run.documents)
    if diff is not None:
        documents = {**diff.documents_a, **diff.documents_b}  # the later run's version of a document wins
    placed = placed_from_diff(diff) if diff is not None else placed_from_run(run)
    statuses = _document_status(diff) if diff is not None else {}
    docs = [(doc, placed.get(doc_id, [])) for doc_id, doc in documents.items()]
    index = {
        "run": str(run.path),
        "against": str(diff.run_a) if diff is not None else None,
        "types": list(HIGHLIGHT_TABLES),
        "default_types": list(DEFAULT_VISIBLE),
        "docs": [_doc_entry(doc, p, statuses.get(doc.doc_id)) for doc, p in docs],
    }
    return index, [doc_payload(doc, p) for doc, p in docs]


def _resource(name: str) -> str:
    return resources.files("pipeline.resources").joinpath(f"review/{name}").read_text("utf-8")


def render_review(run: RunData, diff: RunDiff | None = None) -> str:
    """The complete HTML page for a run, or for a diff shown in the later run's text."""
    index, docs = page_data(run, diff)
    script = _resource("review.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    blocks = "\n".join(
        f'<script type="application/json" id="yb-doc-{i}">{script_json(d)}</script>' for i, d in enumerate(docs)
    )
    slots = {
        "CSS": _resource("review.css"),
        "JS": script,
        "INDEX": script_json(index),
        "DOCS": blocks,
        "SCRIPT_HASH": f"sha256-{digest}",
    }
    # One pass over the template: text inserted into a slot is never scanned for further slots.
    return _SLOTS.sub(lambda m: slots[m.group(1)], _resource("review.html"))

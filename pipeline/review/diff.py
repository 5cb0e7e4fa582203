"""Align two runs record by record: by stable id, then by raw-span overlap (through a text diff when an
article changed), and classify every record as added, removed, changed (with field changes) or unchanged."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pipeline.records import Document, Record
from pipeline.review.align import OffsetMap
from pipeline.review.runs import RunData
from pipeline.review.view import LOCATION_FIELDS, format_value

Status = Literal["added", "removed", "changed", "unchanged"]
STATUSES: tuple[Status, ...] = ("added", "removed", "changed", "unchanged")

# Span tables in dependency order: a table's references (sentence_id, figure_id, ...) point to earlier ones.
SPAN_TABLES = ("sections", "sentences", "figures", "mentions", "relations", "claims")
# Tables without a span, aligned by a natural key.
KEYED_TABLES = {"documents": "doc_id", "entities": "entity_id", "errors": "path"}
TABLE_ORDER = ("documents", *SPAN_TABLES, "entities", "errors")

REFERENCE_FIELDS = frozenset({"sentence_id", "section_id", "parent_id", "figure_id"})
REFERENCE_LIST_FIELDS = frozenset({"evidence_figure_ids", "evidence_mention_ids"})
# Derived from position only: they move whenever text is inserted earlier, so they never count as a change.
POSITIONAL_FIELDS = frozenset({"index", "paragraph"})
DOCUMENT_TEXT_FIELDS = ("raw_text", "text")
DOCUMENT_OFFSET_FIELDS = frozenset({"body", "title_start", "title_end"})
# Where the input was read from says nothing about its content: the same corpus in another folder is no change.
DOCUMENT_IGNORED_FIELDS = frozenset({"path"})


@dataclass(frozen=True)
class FieldChange:
    field: str
    a: Any
    b: Any

    def describe(self) -> str:
        return f"{self.field}: {format_value(self.a)} → {format_value(self.b)}"


@dataclass(frozen=True)
class RecordDiff:
    """One aligned record: `a` from the first run, `b` from the second (None when absent)."""

    table: str
    doc_id: str
    status: Status
    a: Record | None
    b: Record | None
    changes: tuple[FieldChange, ...] = ()
    # Where the record sits in the second run's text (removed records are mapped there), and in the first's.
    span_b: tuple[int, int] | None = None
    span_a: tuple[int, int] | None = None

    @property
    def record(self) -> Record:
        """The newest version of the record."""
        return self.b if self.b is not None else self.a  # type: ignore[return-value]


@dataclass(frozen=True)
class RunDiff:
    run_a: Path
    run_b: Path
    records: list[RecordDiff]
    documents_a: dict[str, Document] = field(default_factory=dict)
    documents_b: dict[str, Document] = field(default_factory=dict)

    @property
    def differs(self) -> bool:
        return any(r.status != "unchanged" for r in self.records)

    def counts(self) -> dict[tuple[str, str], dict[Status, int]]:
        """Per (doc_id, table): how many records of each status, in table order."""
        counts: dict[tuple[str, str], dict[Status, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
        for r in self.records:
            counts[(r.doc_id, r.table)][r.status] += 1
        order = {t: i for i, t in enumerate(TABLE_ORDER)}
        return dict(sorted(counts.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], 99))))

    def filtered(
        self, tables: set[str] | None = None, docs: set[str] | None = None, only: set[str] | None = None
    ) -> RunDiff:
        """The records of the given tables, documents and statuses (None keeps all); run-level records
        (entities) have no document and drop out when documents are selected."""
        kept = [
            r
            for r in self.records
            if (tables is None or r.table in tables)
            and (docs is None or r.doc_id in docs)
            and (only is None or r.status in only)
        ]
        return replace(self, records=kept)


def _references(record: Record, id_map: dict[str, str]) -> dict[str, Any]:
    """The record's reference fields with second-run ids translated to the first run's."""
    refs: dict[str, Any] = {}
    for name in REFERENCE_FIELDS & record.__dict__.keys():
        value = record.__dict__[name]
        refs[name] = id_map.get(value, value) if value is not None else None
    for name in REFERENCE_LIST_FIELDS & record.__dict__.keys():
        refs[name] = [id_map.get(v, v) for v in record.__dict__[name]]
    return refs


def _span_text(doc: Document | None, start: int, end: int) -> str:
    return doc.raw_text[start:end] if doc is not None else ""


@dataclass(frozen=True)
class _DocPair:
    """One document in both runs, with the offset maps between its versions."""

    doc_a: Document | None
    doc_b: Document | None
    raw: OffsetMap | None
    norm: OffsetMap | None

    @classmethod
    def of(cls, doc_a: Document | None, doc_b: Document | None) -> _DocPair:
        if doc_a is None or doc_b is None:
            return cls(doc_a, doc_b, None, None)
        return cls(doc_a, doc_b, OffsetMap.between(doc_a.raw_text, doc_b.raw_text), OffsetMap.between(doc_a.text, doc_b.text))

    def b_span_in_a(self, rec: Record) -> tuple[int, int, bool]:
        start, end = rec.__dict__["start"], rec.__dict__["end"]
        return self.raw.span_to_a(start, end) if self.raw else (start, end, True)

    def a_span_in_b(self, rec: Record) -> tuple[int, int]:
        start, end = rec.__dict__["start"], rec.__dict__["end"]
        return self.raw.span_to_b(start, end)[:2] if self.raw else (start, end)


def span_changes(pair: _DocPair, a: Record, b: Record) -> list[FieldChange]:
    """A `span` change when B's span, placed in A's text, is not A's span; else a `norm_span` change if any."""
    ad, bd = a.__dict__, b.__dict__
    start, end, exact = pair.b_span_in_a(b)
    if (start, end) != (ad["start"], ad["end"]) or not exact:
        return [
            FieldChange(
                "span",
                f"[{ad['start']}, {ad['end']}) {_span_text(pair.doc_a, ad['start'], ad['end'])!r}",
                f"[{bd['start']}, {bd['end']}) {_span_text(pair.doc_b, bd['start'], bd['end'])!r}",
            )
        ]
    norm_start, norm_end, _ = pair.norm.span_to_a(bd["norm_start"], bd["norm_end"]) if pair.norm else (
        bd["norm_start"], bd["norm_end"], True)
    if (norm_start, norm_end) != (ad["norm_start"], ad["norm_end"]):
        return [FieldChange("norm_span", [ad["norm_start"], ad["norm_end"]], [bd["norm_start"], bd["norm_end"]])]
    return []


def field_changes(a: Record, b: Record, id_map: dict[str, str], pair: _DocPair | None = None) -> list[FieldChange]:
    """Field-level differences of two aligned records of the same table (b's references translated to a's ids)."""
    changes = span_changes(pair, a, b) if pair is not None and "start" in a.__dict__ else []
    refs = _references(b, id_map)
    for name in type(a).model_fields:
        if name in LOCATION_FIELDS or name in POSITIONAL_FIELDS:
            continue
        va, vb = a.__dict__[name], refs.get(name, b.__dict__[name])
        if name == "content_end" and pair is not None:
            vb = pair.raw.pos_to_a(vb) if pair.raw else vb
        if va != vb:
            changes.append(FieldChange(name, va, b.__dict__[name]))
    return changes


def document_changes(a: Document, b: Document) -> list[FieldChange]:
    """Document field changes; the texts are summarised by length, offsets only compared when the text is the same."""
    changes: list[FieldChange] = []
    same_text = a.raw_text == b.raw_text
    for name in type(a).model_fields:
        va, vb = getattr(a, name), getattr(b, name)
        if name in DOCUMENT_IGNORED_FIELDS:
            continue
        if name in DOCUMENT_TEXT_FIELDS:
            if va != vb:
                changes.append(FieldChange(name, f"{len(va)} chars", f"{len(vb)} chars, edited"))
        elif name == "quality":
            for key in sorted(va.keys() | vb.keys()):
                if va.get(key) != vb.get(key):
                    changes.append(FieldChange(f"quality.{key}", va.get(key), vb.get(key)))
        elif name in DOCUMENT_OFFSET_FIELDS and not same_text:
            continue
        elif va != vb:
            changes.append(FieldChange(name, va, vb))
    return changes


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Intersection over union of two spans; equal empty spans overlap fully."""
    if a == b:
        return 1.0
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def _agreement(a: Record, b: Record, id_map: dict[str, str]) -> int:
    """How many non-location fields agree (references translated): prefers the most similar partner."""
    refs = _references(b, id_map)
    return sum(
        1
        for name in type(a).model_fields
        if name not in LOCATION_FIELDS and a.__dict__[name] == refs.get(name, b.__dict__[name])
    )


def match_spans(
    recs_a: list[Record], recs_b: list[Record], pair: _DocPair, id_map: dict[str, str]
) -> tuple[list[tuple[Record, Record]], list[Record], list[Record]]:
    """Pair one document's records of one table: same id first (only when the text is unchanged, where an
    id fixes the span), then greedily by mapped-span overlap and field agreement. Returns pairs, A-only, B-only."""
    pairs: list[tuple[Record, Record]] = []
    rest_a, rest_b = list(recs_a), list(recs_b)
    if pair.raw is None or pair.raw.identical:
        by_id = {r.__dict__["id"]: r for r in rest_b}
        matched = {r.__dict__["id"] for r in rest_a} & by_id.keys()
        pairs = [(r, by_id[r.__dict__["id"]]) for r in rest_a if r.__dict__["id"] in matched]
        rest_a = [r for r in rest_a if r.__dict__["id"] not in matched]
        rest_b = [r for r in rest_b if r.__dict__["id"] not in matched]
    if not rest_a or not rest_b:
        return pairs, rest_a, rest_b
    rest_a.sort(key=lambda r: r.__dict__["start"])
    starts = [r.__dict__["start"] for r in rest_a]
    longest = max(r.__dict__["end"] - r.__dict__["start"] for r in rest_a)
    candidates: list[tuple[tuple[bool, int, float], int, int]] = []
    for j, rb in enumerate(rest_b):
        start, end, exact = pair.b_span_in_a(rb)
        for i in range(bisect_left(starts, start - longest), bisect_left(starts, max(end, start + 1))):
            ra = rest_a[i]
            span_a = (ra.__dict__["start"], ra.__dict__["end"])
            score = _overlap(span_a, (start, end))
            if score > 0:
                candidates.append(((exact and span_a == (start, end), _agreement(ra, rb, id_map), score), i, j))
    candidates.sort(key=lambda c: c[0], reverse=True)
    used_a: set[int] = set()
    used_b: set[int] = set()
    for _score, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((rest_a[i], rest_b[j]))
    return (
        pairs,
        [r for i, r in enumerate(rest_a) if i not in used_a],
        [r for j, r in enumerate(rest_b) if j not in used_b],
    )


def _by_doc(records: list[Record]) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        grouped[r.__dict__["doc_id"]].append(r)
    return grouped


def _span(rec: Record) -> tuple[int, int]:
    return rec.__dict__["start"], rec.__dict__["end"]


def diff_span_table(
    table: str, recs_a: list[Record], recs_b: list[Record], pairs_by_doc: dict[str, _DocPair], id_map: dict[str, str]
) -> list[RecordDiff]:
    """Diff one span table across all documents; records the B→A id of every aligned pair in `id_map`."""
    grouped_a, grouped_b = _by_doc(recs_a), _by_doc(recs_b)
    matched: list[tuple[str, Record, Record]] = []
    out: list[RecordDiff] = []
    for doc_id in sorted(grouped_a.keys() | grouped_b.keys()):
        pair = pairs_by_doc.get(doc_id) or _DocPair.of(None, None)
        pairs, only_a, only_b = match_spans(grouped_a.get(doc_id, []), grouped_b.get(doc_id, []), pair, id_map)
        for ra, rb in pairs:
            id_map[rb.__dict__["id"]] = ra.__dict__["id"]
            matched.append((doc_id, ra, rb))
        out += [RecordDiff(table, doc_id, "removed", r, None, (), pair.a_span_in_b(r), _span(r)) for r in only_a]
        out += [RecordDiff(table, doc_id, "added", None, r, (), _span(r), None) for r in only_b]
    for doc_id, ra, rb in matched:  # after the whole table, so in-table references (parent_id) translate too
        changes = tuple(field_changes(ra, rb, id_map, pairs_by_doc.get(doc_id)))
        status: Status = "changed" if changes else "unchanged"
        out.append(RecordDiff(table, doc_id, status, ra, rb, changes, _span(rb), _span(ra)))
    return sorted(out, key=_order)


def _order(r: RecordDiff) -> tuple[str, int, int]:
    span = r.span_b or r.span_a or (0, 0)
    return r.doc_id, span[0], span[1]


def diff_keyed_table(table: str, recs_a: list[Record], recs_b: list[Record]) -> list[RecordDiff]:
    """Diff a table without spans by its natural key (doc_id, entity_id, path)."""
    key = KEYED_TABLES[table]
    by_a = {r.__dict__[key]: r for r in recs_a}
    by_b = {r.__dict__[key]: r for r in recs_b}
    out: list[RecordDiff] = []
    for k in sorted(by_a.keys() | by_b.keys(), key=str):
        ra, rb = by_a.get(k), by_b.get(k)
        doc_id = str((rb or ra).__dict__.get("doc_id") or "") if table != "entities" else ""  # type: ignore[union-attr]
        if ra is None or rb is None:
            out.append(RecordDiff(table, doc_id, "added" if ra is None else "removed", ra, rb))
            continue
        if table == "documents":
            changes = tuple(document_changes(ra, rb))  # type: ignore[arg-type]
        else:
            changes = tuple(field_changes(ra, rb, {}))
        out.append(RecordDiff(table, doc_id, "changed" if changes else "unchanged", ra, rb, changes))
    return out


def diff_runs(run_a: RunData, run_b: RunData) -> RunDiff:
    """Every record of both runs, aligned and classified."""
    doc_ids = run_a.documents.keys() | run_b.documents.keys()
    pairs_by_doc = {d: _DocPair.of(run_a.documents.get(d), run_b.documents.get(d)) for d in doc_ids}
    records = diff_keyed_table("documents", list(run_a.documents.values()), list(run_b.documents.values()))
    id_map: dict[str, str] = {}
    for table in TABLE_ORDER[1:]:
        recs_a, recs_b = run_a.tables.get(table, []), run_b.tables.get(table, [])
        if table in KEYED_TABLES:
            records += diff_keyed_table(table, recs_a, recs_b)
        else:
            records += diff_span_table(table, recs_a, recs_b, pairs_by_doc, id_map)
    return RunDiff(run_a.path, run_b.path, records, run_a.documents, run_b.documents)

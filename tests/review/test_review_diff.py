"""Run diffs: exactly the expected added/removed/changed records, and unchanged facts surviving text edits."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from review_builders import EDIT_PREFIX, FACTS, facts_run, span_of, write_run

from pipeline.review.diff import RecordDiff, diff_runs
from pipeline.review.runs import load_run


def _diff(a: Path, b: Path) -> list[RecordDiff]:
    return diff_runs(load_run(a), load_run(b)).records


def _by_status(records: list[RecordDiff], table: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in records:
        if r.table == table:
            out.setdefault(r.status, set()).add(r.record.surface if table == "figures" else r.record.id)
    return out


def _changes(records: list[RecordDiff], table: str) -> dict[str, dict[str, tuple[object, object]]]:
    return {
        (r.record.surface if table == "figures" else r.table): {c.field: (c.a, c.b) for c in r.changes}
        for r in records
        if r.table == table and r.status == "changed"
    }


def test_lexicon_change_reports_exactly_the_changed_figures(lexicon_runs: tuple[Path, Path]) -> None:
    records = _diff(*lexicon_runs)
    assert _by_status(records, "figures") == {
        "changed": {"19亿美元", "50亿美元", "74%"},
        "removed": {"62%"},
        "added": {"151亿美元"},
        "unchanged": {"737%", "10亿美元"},
    }
    assert _changes(records, "figures") == {
        "19亿美元": {"high": (Decimal("1.9e9"), Decimal("2.0e9"))},
        "50亿美元": {"unit": ("USD", "CNY")},
        "74%": {"qualifier": ("approx", "exact")},
    }


def test_references_follow_aligned_records(lexicon_runs: tuple[Path, Path]) -> None:
    records = _diff(*lexicon_runs)
    relation = _changes(records, "relations")["relations"]
    assert set(relation) == {"figure_id"} and relation["figure_id"][1] is None  # its figure is gone
    # the claim's evidence figure changed id (new unit) but is the same figure: only the subject changed
    assert _changes(records, "claims") == {"claims": {"subject": ("", "coreweave")}}
    assert {r.status for r in records if r.table in ("mentions", "sentences", "documents")} == {"unchanged"}


def test_change_descriptions_are_readable(lexicon_runs: tuple[Path, Path]) -> None:
    described = {c.describe() for r in _diff(*lexicon_runs) for c in r.changes}
    assert {"high: 1.9e9 → 2e9", "unit: 'USD' → 'CNY'", "subject: '' → 'coreweave'"} <= described


def test_same_run_has_no_differences(lexicon_runs: tuple[Path, Path]) -> None:
    diff = diff_runs(load_run(lexicon_runs[0]), load_run(lexicon_runs[0]))
    assert not diff.differs and diff.records


def test_insertion_before_the_facts_keeps_them_unchanged(edited_runs: tuple[Path, Path]) -> None:
    records = _diff(*edited_runs)
    changed = [r for r in records if r.status != "unchanged"]
    assert [(r.table, r.doc_id, r.status) for r in changed] == [
        ("documents", "facts", "changed"),
        ("sentences", "facts", "added"),  # the editor's note
    ]
    assert {c.field for c in changed[0].changes} >= {"raw_text", "sha256"}
    assert changed[1].record.text == EDIT_PREFIX.strip()
    facts = [r for r in records if r.table == "figures" and r.doc_id == "facts"]
    assert len(facts) == 5 and all(r.a.id != r.b.id for r in facts)  # ids moved with the offsets, still matched


def test_insertion_between_sentences_keeps_every_fact(tmp_path: Path) -> None:
    cut = FACTS.index("微软")
    edited = FACTS[:cut] + "（新增段落：本段为补充说明。）" + FACTS[cut:]
    a = write_run(tmp_path / "a", facts_run())
    b = write_run(tmp_path / "b", facts_run(edited))
    records = _diff(a, b)
    assert _by_status(records, "figures") == {"unchanged": {"19亿美元", "737%", "50亿美元", "62%", "74%", "10亿美元"}}
    assert _by_status(records, "sentences").get("added") and not _by_status(records, "sentences").get("removed")


def test_edited_fact_is_changed_with_its_span(tmp_path: Path) -> None:
    a = write_run(tmp_path / "a", facts_run())
    text = EDIT_PREFIX + FACTS.replace("19亿美元", "20亿美元")
    start, end = span_of(text, "20亿美元")
    documents_b, tables_b = facts_run(EDIT_PREFIX + FACTS)
    figures = [
        f.model_copy(update={"surface": "20亿美元", "low": Decimal("2e9"), "high": Decimal("2e9")})
        if f.surface == "19亿美元" else f
        for f in tables_b["figures"]
    ]
    b_docs = [d.model_copy(update={"raw_text": text, "text": text}) if d.doc_id == "facts" else d for d in documents_b]
    b = write_run(tmp_path / "b", (b_docs, {**tables_b, "figures": figures}))
    changes = _changes(_diff(a, b), "figures")
    assert set(changes) == {"20亿美元"}
    assert set(changes["20亿美元"]) == {"span", "surface", "low", "high"}
    assert changes["20亿美元"]["span"][1] == f"[{start}, {end}) '20亿美元'"


def test_removed_records_are_placed_in_the_later_text(edited_runs: tuple[Path, Path], tmp_path: Path) -> None:
    documents, tables = facts_run(EDIT_PREFIX + FACTS)
    b = write_run(tmp_path / "b", (documents, {**tables, "figures": [f for f in tables["figures"] if f.surface != "74%"]}))
    removed = [r for r in _diff(edited_runs[0], b) if r.status == "removed"]
    assert len(removed) == 1
    start, end = removed[0].span_b
    assert (EDIT_PREFIX + FACTS)[start:end] == "74%"


def test_filters_select_tables_documents_and_statuses(lexicon_runs: tuple[Path, Path]) -> None:
    diff = diff_runs(load_run(lexicon_runs[0]), load_run(lexicon_runs[1]))
    only_added = diff.filtered({"figures"}, None, {"added"})
    assert [r.record.surface for r in only_added.records] == ["151亿美元"]
    assert not diff.filtered(None, {"xss"}, None).differs
    assert diff.filtered({"claims"}, {"facts"}, None).differs

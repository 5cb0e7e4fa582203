"""Score a run against gold: precision/recall/F1 per record type, attribution accuracy, and the misses."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pipeline.eval.gold import GoldDocument, find_gold, load_gold


@dataclass
class PRF:
    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: PRF) -> None:
        self.tp += other.tp
        self.n_pred += other.n_pred
        self.n_gold += other.n_gold

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "pred": self.n_pred, "gold": self.n_gold, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def count(self, ok: bool) -> None:
        self.correct += int(ok)
        self.total += 1

    def as_dict(self) -> dict[str, float | int]:
        return {"correct": self.correct, "total": self.total, "accuracy": round(self.value, 4)}


@dataclass
class Report:
    metrics: dict[str, PRF] = field(default_factory=dict)
    accuracy: dict[str, Accuracy] = field(default_factory=dict)
    misses: list[dict[str, object]] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)

    def prf(self, name: str) -> PRF:
        return self.metrics.setdefault(name, PRF())

    def acc(self, name: str) -> Accuracy:
        return self.accuracy.setdefault(name, Accuracy())

    def as_dict(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "metrics": {k: v.as_dict() for k, v in self.metrics.items()},
            "accuracy": {k: v.as_dict() for k, v in self.accuracy.items()},
            "misses": self.misses,
        }


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_spans(gold: list[tuple[int, int]], pred: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs of overlapping spans, largest overlaps first."""
    candidates = sorted(
        ((_overlap(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred) if _overlap(g, p) > 0),
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, gi, pi in candidates:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return sorted(pairs)


def _dec(value: object) -> Decimal:
    return Decimal(str(value)).normalize()


def load_run_tables(run_dir: Path, tables: tuple[str, ...]) -> dict[str, dict[str, list[dict]]]:
    """table -> doc_id -> rows, read once from the run's JSONL files (missing tables are empty)."""
    out: dict[str, dict[str, list[dict]]] = {}
    for table in tables:
        grouped: dict[str, list[dict]] = {}
        path = run_dir / f"{table}.jsonl"
        if path.exists():
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        row = json.loads(line)
                        grouped.setdefault(row.get("doc_id") or "", []).append(row)
        out[table] = grouped
    return out


def score_figures(gold: GoldDocument, pred: list[dict], report: Report) -> None:
    pairs = match_spans([(f.start, f.end) for f in gold.figures], [(p["start"], p["end"]) for p in pred])
    figures, spans = report.prf("figures"), report.prf("figure_spans")
    for prf in (figures, spans):
        prf.n_gold += len(gold.figures)
        prf.n_pred += len(pred)
    spans.tp += len(pairs)
    for gi, pi in pairs:
        g, p = gold.figures[gi], pred[pi]
        value_ok = _dec(p["low"]) == g.low and _dec(p["high"]) == g.high and p["unit"] == g.unit
        if not value_ok:
            report.misses.append({"type": "figure", "doc_id": gold.doc_id, "problem": "wrong value",
                                  "gold": f"{g.surface} {g.low}..{g.high} {g.unit}",
                                  "pred": f"{p['surface']} {p['low']}..{p['high']} {p['unit']}", "start": g.start})
            continue
        figures.tp += 1
        report.acc("figure_kind").count(p["kind"] == g.kind)
        report.acc("figure_qualifier").count(p["qualifier"] == g.qualifier)
        report.acc("figure_subject").count(p.get("subject", "") == g.subject)
        report.acc("figure_period").count(p.get("period", "") == g.period)
        attribution_ok = p.get("subject", "") == g.subject and p.get("period", "") == g.period
        report.acc("figure_attribution").count(attribution_ok)
        for fieldname in ("subject", "period", "qualifier", "kind"):
            if p.get(fieldname, "") != getattr(g, fieldname):
                report.misses.append({"type": f"figure_{fieldname}", "doc_id": gold.doc_id, "surface": g.surface,
                                      "gold": getattr(g, fieldname), "pred": p.get(fieldname, ""), "start": g.start})
    for gi, g in enumerate(gold.figures):
        if gi not in {a for a, _ in pairs}:
            report.misses.append({"type": "figure", "doc_id": gold.doc_id, "problem": "missed", "gold": g.surface,
                                  "start": g.start})
    for pi, p in enumerate(pred):
        if pi not in {b for _, b in pairs}:
            report.misses.append({"type": "figure", "doc_id": gold.doc_id, "problem": "spurious",
                                  "pred": p["surface"], "start": p["start"]})


def score_mentions(gold: GoldDocument, pred: list[dict], report: Report) -> None:
    gold_set = {(m.start, m.end, m.entity_id) for m in gold.mentions}
    pred_set = {(p["start"], p["end"], p["entity_id"]) for p in pred}
    for name, g, p in (
        ("mentions", gold_set, pred_set),
        ("mention_spans", {x[:2] for x in gold_set}, {x[:2] for x in pred_set}),
        ("entities", {x[2] for x in gold_set}, {x[2] for x in pred_set}),
    ):
        prf = report.prf(name)
        prf.tp += len(g & p)
        prf.n_gold += len(g)
        prf.n_pred += len(p)
    for start, end, entity_id in sorted(gold_set - pred_set):
        report.misses.append({"type": "mention", "doc_id": gold.doc_id, "problem": "missed", "gold": entity_id,
                              "start": start, "end": end})
    for start, end, entity_id in sorted(pred_set - gold_set):
        report.misses.append({"type": "mention", "doc_id": gold.doc_id, "problem": "spurious", "pred": entity_id,
                              "start": start, "end": end})


def canonical_triple(head: str, relation: str, tail: str) -> tuple[str, str, str]:
    """customer and supplier are converses: (A supplier B) is stored as (B customer A)."""
    return (tail, "customer", head) if relation == "supplier" else (head, relation, tail)


def score_relations(gold: GoldDocument, pred: list[dict], report: Report) -> None:
    gold_set = {canonical_triple(r.head, r.relation, r.tail) for r in gold.relations}
    pred_set = {canonical_triple(p["head"], p["relation"], p["tail"]) for p in pred}
    prf = report.prf("relations")
    prf.tp += len(gold_set & pred_set)
    prf.n_gold += len(gold_set)
    prf.n_pred += len(pred_set)
    for triple in sorted(gold_set - pred_set):
        report.misses.append({"type": "relation", "doc_id": gold.doc_id, "problem": "missed", "gold": list(triple)})
    for triple in sorted(pred_set - gold_set):
        report.misses.append({"type": "relation", "doc_id": gold.doc_id, "problem": "spurious", "pred": list(triple)})


def score_claims(gold: GoldDocument, pred: list[dict], report: Report) -> None:
    if gold.claims is None:
        return
    pairs = match_spans([(c.start, c.end) for c in gold.claims], [(p["start"], p["end"]) for p in pred])
    prf = report.prf("claims")
    prf.tp += len(pairs)
    prf.n_gold += len(gold.claims)
    prf.n_pred += len(pred)
    for gi, pi in pairs:
        g, p = gold.claims[gi], pred[pi]
        report.acc("claim_topic").count(p["topic"] == g.topic)
        report.acc("claim_stance").count(p["stance"] == g.stance)
        report.acc("claim_subject").count(p.get("subject", "") == g.subject)
        if (p["topic"], p["stance"]) != (g.topic, g.stance):
            report.misses.append({"type": "claim_label", "doc_id": gold.doc_id, "start": g.start,
                              "gold": f"{g.topic}/{g.stance}", "pred": f"{p['topic']}/{p['stance']}"})
    matched_g = {a for a, _ in pairs}
    for gi, g in enumerate(gold.claims):
        if gi not in matched_g:
            report.misses.append({"type": "claim", "doc_id": gold.doc_id, "problem": "missed", "start": g.start,
                                  "end": g.end})


def evaluate(gold_dir: Path, run_dir: Path, doc_ids: list[str] | None = None) -> Report:
    """Score every document of the run that has a gold file (or only `doc_ids`)."""
    report = Report()
    run = load_run_tables(run_dir, ("documents", "figures", "mentions", "relations", "claims"))
    for doc_id, path in find_gold(gold_dir).items():
        if doc_ids and doc_id not in doc_ids:
            continue
        if doc_id not in run["documents"]:
            report.misses.append({"type": "document", "doc_id": doc_id, "problem": "not in run"})
        gold = load_gold(path)
        report.documents.append(doc_id)
        score_figures(gold, run["figures"].get(doc_id, []), report)
        score_mentions(gold, run["mentions"].get(doc_id, []), report)
        score_relations(gold, run["relations"].get(doc_id, []), report)
        score_claims(gold, run["claims"].get(doc_id, []), report)
    return report

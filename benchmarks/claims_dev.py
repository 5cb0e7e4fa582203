"""Claims dev set: run the shipped claims extractor over the long-form dev articles and score it.

    python benchmarks/claims_dev.py [--team] [--confusion] [--json]

The dev set (`pipeline/resources/training/claims_dev/`, docs/claims.md "Round 4") is five hand-written
long-form research articles in the seed's genre with every analyst claim annotated (ANNOTATION_NOTES §5):
`<doc_id>.txt` and `<doc_id>.claims.json` (`{"doc_id", "script", "claims": [{start, end, topic, stance,
subject, text}]}`). It is for choosing the claims policy and is never read by training. Each article goes
through the normal pipeline (`process_source`: ingest, normalize, segment, mentions, figures, claims) and
its claims are matched to the gold with `pipeline.eval.score.score_claims` (one-to-one span overlap).
`--team` also scores the corpus articles that have claims gold, except the held-out seed.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from pipeline.config import RunConfig
from pipeline.eval.gold import GoldClaim, GoldDocument, find_gold, load_gold
from pipeline.eval.score import Report, match_spans, score_claims
from pipeline.ingest.sources import Source
from pipeline.process import process_source

REPO = Path(__file__).resolve().parents[1]
DEV_DIR = REPO / "pipeline" / "resources" / "training" / "claims_dev"
CORPUS = REPO / "corpus"
SEED = "coreweave_part1"  # held out: never scored here


def load_dev_gold(path: Path) -> GoldDocument:
    """A `<doc_id>.claims.json` file as a claims-only gold document."""
    data = json.loads(path.read_text(encoding="utf-8"))
    claims = [GoldClaim(c["start"], c["end"], c["topic"], c["stance"], c["subject"]) for c in data["claims"]]
    return GoldDocument(data["doc_id"], data["script"], [], [], [], claims, {})


def dev_documents(folder: Path = DEV_DIR) -> list[tuple[Path, GoldDocument]]:
    """(article, gold) for every dev article, in name order."""
    return [(p.with_name(p.name.removesuffix(".claims.json") + ".txt"), load_dev_gold(p))
            for p in sorted(folder.glob("*.claims.json"))]


def team_documents(corpus: Path = CORPUS) -> list[tuple[Path, GoldDocument]]:
    """(article, gold) for every corpus article with claims gold, the seed excluded."""
    out = []
    for doc_id, gold_path in find_gold(corpus).items():
        gold = load_gold(gold_path)
        if doc_id == SEED or gold.claims is None:
            continue
        article = next(p for p in corpus.iterdir() if p.name.split(".")[0] == doc_id and p.suffix != ".json")
        out.append((article, gold))
    return out


def predicted_claims(article: Path, doc_id: str, config: RunConfig) -> list[dict]:
    result = process_source(Source(article, doc_id), config)
    if result.error is not None:
        raise RuntimeError(f"{article}: {result.error}")
    return [c.model_dump(mode="json") for c in result.tables.get("claims", [])]


def confusion(gold: GoldDocument, pred: list[dict], field: str) -> Counter[tuple[str, str]]:
    """(gold label, predicted label) counts over the matched claims."""
    pairs = match_spans([(c.start, c.end) for c in gold.claims or []], [(p["start"], p["end"]) for p in pred])
    return Counter((getattr(gold.claims[g], field), pred[p][field]) for g, p in pairs)  # type: ignore[index]


def scores(report: Report) -> dict[str, float | int]:
    prf = report.prf("claims")
    return {"gold": prf.n_gold, "pred": prf.n_pred, "tp": prf.tp, "precision": round(prf.precision, 3),
            "recall": round(prf.recall, 3), "f1": round(prf.f1, 3),
            "topic": round(report.acc("claim_topic").value, 3), "stance": round(report.acc("claim_stance").value, 3),
            "subject": round(report.acc("claim_subject").value, 3)}


def evaluate(documents: list[tuple[Path, GoldDocument]]) -> tuple[dict[str, dict], dict, dict[str, Counter]]:
    """Per-document scores, overall scores and the topic / stance confusion counts."""
    config = RunConfig()
    overall, per_doc = Report(), {}
    matrices: dict[str, Counter] = {"topic": Counter(), "stance": Counter()}
    for article, gold in documents:
        pred = predicted_claims(article, gold.doc_id, config)
        report = Report()
        for target in (report, overall):
            score_claims(gold, pred, target)
        per_doc[gold.doc_id] = scores(report)
        for field, matrix in matrices.items():
            matrix.update(confusion(gold, pred, field))
    return per_doc, scores(overall), matrices


def markdown_table(rows: dict[str, dict]) -> str:
    columns = ["gold", "pred", "tp", "precision", "recall", "f1", "topic", "stance", "subject"]
    lines = ["| document | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    lines += [f"| {name} | " + " | ".join(str(row[c]) for c in columns) + " |" for name, row in rows.items()]
    return "\n".join(lines)


def confusion_table(matrix: Counter) -> str:
    gold_labels = sorted({g for g, _ in matrix})
    labels = sorted({label for pair in matrix for label in pair})
    lines = ["| gold \\ pred | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    lines += [f"| {g} | " + " | ".join(str(matrix[(g, p)] or "") for p in labels) + " |" for g in gold_labels]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--team", action="store_true", help="also score the team corpus (seed excluded)")
    parser.add_argument("--confusion", action="store_true", help="print topic and stance confusion tables")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args()
    sets = {"dev": dev_documents()}
    if args.team:
        sets["team"] = team_documents()
    results = {name: evaluate(documents) for name, documents in sets.items()}
    if args.json:
        print(json.dumps({name: {"documents": d, "overall": o} for name, (d, o, _) in results.items()}, indent=1))
        return
    for name, (per_doc, overall, matrices) in results.items():
        print(f"## {name}\n\n{markdown_table({**per_doc, 'overall': overall})}\n")
        if args.confusion:
            for field, matrix in matrices.items():
                print(f"{name} {field} (rows gold, columns predicted):\n\n{confusion_table(matrix)}\n")


if __name__ == "__main__":
    main()

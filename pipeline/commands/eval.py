"""`yanbao eval GOLD_DIR RUN_DIR`: precision/recall/F1 per record type against gold, and the misses."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pipeline.errors import UsageError


def cmd_eval(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from pipeline.eval.score import evaluate

    gold_dir, run_dir = Path(args.gold_dir), Path(args.run_dir)
    if not gold_dir.is_dir():
        raise UsageError(f"gold folder {gold_dir} does not exist")
    if not (run_dir / "documents.jsonl").exists():
        raise UsageError(f"{run_dir} is not a yanbao run folder (no documents.jsonl)")
    report = evaluate(gold_dir, run_dir, args.doc or None)
    if not report.documents:
        raise UsageError(f"no *.gold.json in {gold_dir} matches a document of the run")
    if args.format == "json":
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return 0
    console = Console(highlight=False)
    table = Table(title=f"yanbao eval: {len(report.documents)} document(s)")
    for column in ("record type", "gold", "pred", "tp", "precision", "recall", "F1"):
        table.add_column(column, justify="right" if column != "record type" else "left")
    for name, prf in report.metrics.items():
        table.add_row(name, str(prf.n_gold), str(prf.n_pred), str(prf.tp), f"{prf.precision:.3f}",
                      f"{prf.recall:.3f}", f"{prf.f1:.3f}")
    console.print(table)
    accuracy = Table(title="attribution / label accuracy on matched records")
    for column in ("field", "correct", "total", "accuracy"):
        accuracy.add_column(column)
    for name, acc in report.accuracy.items():
        accuracy.add_row(name, str(acc.correct), str(acc.total), f"{acc.value:.3f}")
    console.print(accuracy)
    if not args.no_misses:
        wanted = set(args.misses.split(",")) if args.misses else None
        for miss in report.misses:
            if wanted is None or str(miss["type"]).split("_")[0] in wanted:
                console.print(json.dumps(miss, ensure_ascii=False))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("eval", help="score a run against gold annotation files")
    parser.add_argument("gold_dir", help="folder with <doc_id>.gold.json files (e.g. corpus/)")
    parser.add_argument("run_dir", help="a run folder written by yanbao run")
    parser.add_argument("--doc", action="append", help="only this doc_id (repeatable)")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument("--misses", help="only misses of these types, e.g. figure,claim")
    parser.add_argument("--no-misses", action="store_true", help="print the scores only")
    parser.set_defaults(func=cmd_eval)

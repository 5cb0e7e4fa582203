"""`yanbao diff RUN_A RUN_B`: which records appeared, disappeared or changed between two runs (exit 1 if any)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.errors import UsageError

FORMATS = ("table", "md", "json", "html")
ONLY = ("added", "removed", "changed")


def _split(values: list[str] | None) -> set[str] | None:
    """Repeatable, comma-separated option values as a set (None when not given)."""
    if not values:
        return None
    return {v.strip() for value in values for v in value.split(",") if v.strip()}


def _check_choices(name: str, given: set[str] | None, allowed: tuple[str, ...] | list[str]) -> None:
    unknown = sorted((given or set()) - set(allowed))
    if unknown:
        raise UsageError(f"unknown {name} {unknown[0]!r} (choose from {', '.join(allowed)})")


def _emit(text: str, out: str | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    from pipeline.export.jsonl import write_text_atomic

    try:
        write_text_atomic(Path(out), text)
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from exc
    print(f"wrote {out}", file=sys.stderr)


def cmd_diff(args: argparse.Namespace) -> int:
    from pipeline.review.diff import TABLE_ORDER, diff_runs
    from pipeline.review.runs import load_run

    tables, docs, only = _split(args.type), _split(args.doc), _split(args.only)
    _check_choices("--type", tables, TABLE_ORDER)
    _check_choices("--only", only, ONLY)
    if args.format == "html" and not args.out:
        raise UsageError("--format html needs --out FILE")
    run_a, run_b = load_run(Path(args.run_a)), load_run(Path(args.run_b))
    missing = sorted((docs or set()) - run_a.documents.keys() - run_b.documents.keys())
    if missing:
        raise UsageError(f"document {missing[0]!r} is in neither run")
    diff = diff_runs(run_a, run_b).filtered(tables, docs, only)
    if args.format == "table":
        from pipeline.review.report import print_terminal

        print_terminal(diff)
    elif args.format == "md":
        from pipeline.review.report import to_markdown

        _emit(to_markdown(diff), args.out)
    elif args.format == "json":
        from pipeline.review.report import to_json

        _emit(json.dumps(to_json(diff), ensure_ascii=False, indent=2) + "\n", args.out)
    else:
        from pipeline.review.html import render_review

        _emit(render_review(run_b, diff), args.out)
    return 1 if diff.differs else 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "diff", help="compare two runs record by record (exit 0: no differences, 1: differences, 2: misuse)"
    )
    parser.add_argument("run_a", help="the earlier run folder (baseline)")
    parser.add_argument("run_b", help="the later run folder")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument("--type", action="append", help="only these tables, e.g. figures or figures,claims (repeatable)")
    parser.add_argument("--doc", action="append", help="only this doc_id (repeatable)")
    parser.add_argument("--only", action="append", help="only added, removed and/or changed records (repeatable)")
    parser.add_argument("--out", help="write md/json/html output to this file instead of stdout")
    parser.set_defaults(func=cmd_diff)

"""`yanbao review RUN [--against RUN_B] --out review.html`: a self-contained page to read a run's extractions in
the article text, optionally coloured by what changed since another run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.errors import UsageError


def cmd_review(args: argparse.Namespace) -> int:
    from pipeline.export.jsonl import write_text_atomic
    from pipeline.review.diff import diff_runs
    from pipeline.review.html import render_review
    from pipeline.review.runs import load_run

    out = Path(args.out)
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; give a file name such as review.html")
    if not out.parent.is_dir():
        raise UsageError(f"folder {out.parent} does not exist")
    run = load_run(Path(args.run))
    diff = diff_runs(load_run(Path(args.against)), run) if args.against else None
    try:
        write_text_atomic(out, render_review(run, diff))
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from exc
    print(f"wrote {out} ({len(run.documents)} documents)", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("review", help="write a self-contained HTML page to review a run's extractions")
    parser.add_argument("run", help="a run folder written by yanbao run")
    parser.add_argument("--against", metavar="RUN_B", help="an earlier run: colour added/removed/changed records")
    parser.add_argument("--out", required=True, help="the HTML file to write, e.g. review.html")
    parser.set_defaults(func=cmd_review)

"""`yanbao export RUN_DIR --format parquet,csv,duckdb`: build tabular formats from a finished run's JSONL.

A run on a cluster can write JSONL only (`yanbao run … --format jsonl`, the client then only appends lines)
and derive Parquet, CSV or DuckDB afterwards, on any machine that has the run folder.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def cmd_export(args: argparse.Namespace) -> int:
    from pipeline.cache import run_lock
    from pipeline.errors import UsageError
    from pipeline.export.build import describe_files, export_tables
    from pipeline.export.formats import parse_formats
    from pipeline.export.jsonl import write_text_atomic

    out = Path(args.run_dir)
    manifest_path = out / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise UsageError(f"{out} holds no finished yanbao run (no readable manifest.json)") from None
    formats = parse_formats(args.format)
    with run_lock(out, manifest["input_paths"]):
        try:
            export_tables(out, formats)  # on failure nothing is published and the temp files are gone
        except OSError as exc:
            raise UsageError(f"cannot export {out}: {exc.strerror or exc}: {exc.filename}") from None
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            first = str(exc).splitlines()[:2]
            raise UsageError(f"cannot export {out}: a JSONL table holds a line that is no record ({' '.join(first)})") from None
        known = manifest["config"]["export"]["formats"]
        every = list(dict.fromkeys([*known, *formats]))
        manifest["config"]["export"]["formats"] = every
        manifest["files"] = describe_files(out, every)
        write_text_atomic(manifest_path, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    print(f"{', '.join(f for f in formats if f != 'jsonl')} → {out}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser("export", help="build Parquet / CSV / DuckDB from a finished run's JSONL")
    export.add_argument("run_dir", help="a run folder written by yanbao run")
    export.add_argument("--format", default="parquet,duckdb", help="formats to build (default parquet,duckdb)")
    export.set_defaults(func=cmd_export)

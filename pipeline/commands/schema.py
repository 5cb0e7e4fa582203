"""`yanbao schema [--out schemas/] [--check]`: write (or verify) the JSON Schemas and column reference of every table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_schema(args: argparse.Namespace) -> int:
    from pipeline.export.schemas import stale_files, write_schemas

    out = Path(args.out)
    if args.check:
        stale = stale_files(out)
        if stale:
            print(
                f"{out} is out of date ({', '.join(stale)}): run `yanbao schema --out {out}`", file=sys.stderr
            )
            return 1
        return 0
    written = write_schemas(out)
    print(f"{len(written)} files in {out}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    schema = sub.add_parser("schema", help="write the JSON Schema of every record table")
    schema.add_argument("--out", default="schemas", help="folder for <table>.schema.json (default schemas/)")
    schema.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the folder is out of date"
    )
    schema.set_defaults(func=cmd_schema)

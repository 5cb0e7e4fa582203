"""`yanbao query RUN_DIR "SQL" [--format table|csv|json]`: SQL over a run's DuckDB database, read-only."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=_json_value)
    return str(value)


def print_table(columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns, caption=f"{len(rows)} rows")
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    Console(soft_wrap=False).print(table)


def print_csv(columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_cell(v) for v in row] for row in rows)


def print_json(columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    print(json.dumps(records, ensure_ascii=False, indent=2, default=_json_value))


PRINTERS = {"table": print_table, "csv": print_csv, "json": print_json}


def cmd_query(args: argparse.Namespace) -> int:
    from pipeline.export.query import run_query

    result = run_query(Path(args.run_dir), args.sql)
    PRINTERS[args.format](result.columns, result.rows)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    query = sub.add_parser("query", help="run SQL over a run's DuckDB database (read-only)")
    query.add_argument("run_dir", help="a run's output folder (holding yanbao.duckdb)")
    query.add_argument("sql", help='SQL, e.g. "SELECT surface, unit FROM figures_enriched LIMIT 10"')
    query.add_argument(
        "--format", choices=sorted(PRINTERS), default="table", help="output format (default table)"
    )
    query.set_defaults(func=cmd_query)

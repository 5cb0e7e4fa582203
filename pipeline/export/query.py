"""Run read-only SQL over a finished run's DuckDB database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from pipeline.errors import UsageError
from pipeline.export.database import DATABASE_NAME


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def run_query(run_dir: Path, sql: str) -> QueryResult:
    """Execute `sql` on `run_dir`/yanbao.duckdb opened read-only; misuse and SQL errors become UsageErrors."""
    if not run_dir.is_dir():
        raise UsageError(f"run folder {run_dir} does not exist")
    path = run_dir / DATABASE_NAME
    if not path.is_file():
        raise UsageError(f"{run_dir} has no {DATABASE_NAME} (run with --format including duckdb)")
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            relation = con.sql(sql)
            if relation is None:
                return QueryResult([], [])
            return QueryResult(list(relation.columns), relation.fetchall())
    except duckdb.Error as exc:
        raise UsageError(f"SQL error: {_first_line(str(exc))}") from exc


def _first_line(message: str) -> str:
    return " ".join(line.strip() for line in message.splitlines() if line.strip())

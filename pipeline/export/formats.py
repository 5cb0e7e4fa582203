"""The output format names a run can write, parsed from `--format`. Kept free of Arrow and DuckDB imports:
the command line parses it before anything heavy is loaded."""

from __future__ import annotations

from pipeline.errors import UsageError

FORMATS = ("jsonl", "parquet", "csv", "duckdb")


def parse_formats(text: str) -> tuple[str, ...]:
    """'parquet,csv' -> ('jsonl', 'parquet', 'csv'): known names only, JSONL always first."""
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    unknown = sorted(set(names) - set(FORMATS))
    if unknown:
        raise UsageError(f"unknown format {', '.join(unknown)} (choose from {', '.join(FORMATS)})")
    return ("jsonl", *dict.fromkeys(n for n in names if n != "jsonl"))

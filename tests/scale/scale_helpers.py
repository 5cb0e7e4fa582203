"""Scale test helpers: run configs that write JSONL only, and a run's tables as bytes."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import ExportConfig, RunConfig

N_DOCS = 12


def jsonl_config(**fields: object) -> RunConfig:
    return RunConfig(export=ExportConfig(formats=("jsonl",)), **fields)


def table_files(out: Path) -> dict[str, bytes]:
    """Every JSONL table of a run, by name (the manifest holds timestamps and is compared separately)."""
    return {path.name: path.read_bytes() for path in sorted(out.glob("*.jsonl"))}

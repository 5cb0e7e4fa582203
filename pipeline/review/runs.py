"""Read a finished run folder back (JSONL tables) into per-table record lists."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import UsageError
from pipeline.export.jsonl import read_jsonl
from pipeline.records import TABLES, Document, Record


@dataclass(frozen=True)
class RunData:
    """One run: its folder, its documents by doc_id and every other table's records in file order."""

    path: Path
    documents: dict[str, Document]
    tables: dict[str, list[Record]]


def load_run(run_dir: Path, tables: list[str] | None = None) -> RunData:
    """Load `documents` plus the given tables (default all); a missing table file reads as empty."""
    run_dir = Path(run_dir)
    if not (run_dir / "documents.jsonl").is_file():
        raise UsageError(f"{run_dir} is not a yanbao run folder (no documents.jsonl)")
    wanted = [t for t in (tables or list(TABLES)) if t != "documents"]
    unknown = [t for t in wanted if t not in TABLES]
    if unknown:
        raise UsageError(f"unknown table {unknown[0]!r} (choose from {', '.join(TABLES)})")
    documents = read_jsonl(run_dir / "documents.jsonl", Document)
    loaded = {t: _read(run_dir / f"{t}.jsonl", TABLES[t]) for t in wanted}
    return RunData(run_dir, {d.doc_id: d for d in documents}, loaded)  # type: ignore[union-attr]


def _read(path: Path, model: type[Record]) -> list[Record]:
    return read_jsonl(path, model) if path.is_file() else []

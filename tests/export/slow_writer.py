"""Child process for the atomicity tests: writes part of a figures table in one format, then waits on stdin.

Usage: slow_writer.py FORMAT OUT_DIR. After three batches it prints `writing` and blocks; the parent either
kills it (SIGKILL) or sends a line, after which it writes three more batches and commits.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from pipeline.records import Figure

ROWS_PER_BATCH = 50


def new_figures(batch: int) -> list[Figure]:
    return [
        Figure(
            doc_id="big",
            start=i,
            end=i + 1,
            norm_start=i,
            norm_end=i + 1,
            id=f"new_{batch}_{i}",
            surface="增长" * 5_000,
            kind="percent",
            low=Decimal(i),
            high=Decimal(i),
            unit="percent",
            qualifier="exact",
            extractor="slow@1",
            confidence=0.5,
        )
        for i in range(ROWS_PER_BATCH)
    ]


def write_batches(fmt: str, writer: object, first: int) -> None:
    from pipeline.export.batches import make_batch

    for n in range(first, first + 3):
        records = new_figures(n)
        if fmt == "jsonl":
            for record in records:
                writer.write(record)
        elif fmt == "duckdb":
            writer.write("figures", make_batch(records, Figure))
        else:
            writer.write(make_batch(records, Figure))


def main(fmt: str, out_dir: Path) -> None:
    # Import only the writer under test: the child starts faster.
    if fmt == "jsonl":
        from pipeline.export.jsonl import JsonlTableWriter

        writer: object = JsonlTableWriter(out_dir, "figures")
    elif fmt == "duckdb":
        from pipeline.export.build import FormatWriters

        writer = FormatWriters(out_dir, ("duckdb",))  # every table (the views need them), from staged Parquet
    elif fmt == "parquet":
        from pipeline.export.parquet import ParquetTableWriter

        writer = ParquetTableWriter(out_dir, "figures", Figure)
    else:
        from pipeline.export.csvtable import CsvTableWriter

        writer = CsvTableWriter(out_dir, "figures", Figure)
    write_batches(fmt, writer, 0)
    print("writing", flush=True)
    sys.stdin.readline()
    write_batches(fmt, writer, 3)
    writer.commit()
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))

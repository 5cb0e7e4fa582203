"""CSV tables for spreadsheets: UTF-8 with BOM, RFC 4180 quoting, lists and maps as JSON strings.

Every string value is quoted and a null is an empty unquoted field, so '' and null stay distinct
(readers: pyarrow `quoted_strings_can_be_null=False`, DuckDB `read_csv(..., allow_quoted_nulls=false)`).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import pyarrow.csv as pcsv

from pipeline.export.atomic import publish, temp_path
from pipeline.export.batches import Batch
from pipeline.export.columns import csv_schema, from_csv_row, from_row, to_csv_row
from pipeline.records import Record

ENCODING = "utf-8-sig"
LINE_END = "\r\n"


def format_field(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return '"' + str(value).replace('"', '""') + '"'


class CsvTableWriter:
    def __init__(self, directory: Path, table: str, model: type[Record]) -> None:
        self.path = directory / f"{table}.csv"
        self._model = model
        self._tmp = temp_path(self.path)
        self._fh: IO[str] | None = open(self._tmp, "w", encoding=ENCODING, newline="")  # noqa: SIM115 - streamed
        self._fh.write(",".join(csv_schema(model).names) + LINE_END)

    def write(self, batch: Batch) -> None:
        assert self._fh is not None, "writer already closed"
        names = csv_schema(self._model).names
        for row in batch.rows:
            flat = to_csv_row(row, self._model)
            self._fh.write(",".join(format_field(flat[n]) for n in names) + LINE_END)

    def commit(self) -> Path:
        assert self._fh is not None, "writer already closed"
        self._fh.close()
        self._fh = None
        return publish(self._tmp, self.path)

    def abort(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        self._tmp.unlink(missing_ok=True)


def read_csv(path: Path, model: type[Record]) -> list[Record]:
    schema = csv_schema(model)
    table = pcsv.read_csv(
        path,
        parse_options=pcsv.ParseOptions(newlines_in_values=True),
        convert_options=pcsv.ConvertOptions(
            column_types=schema,
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
            true_values=["true"],
            false_values=["false"],
        ),
    )
    return [from_row(from_csv_row(row, model), model) for row in table.to_pylist()]

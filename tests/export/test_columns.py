"""Rows read straight from JSONL lines equal the rows built from the records they came from."""

from __future__ import annotations

import json

import pytest
from export_samples import sample_tables
from pydantic_core import PydanticSerializationError

from pipeline.export.batches import arrow_batch, arrow_readable, line_row, lines_batch, rows_batch
from pipeline.export.columns import to_row
from pipeline.export.text import scrub_record
from pipeline.records import TABLES, Document, Figure, Sentence


def jsonl_line(record) -> str:
    """The line the JSONL writer writes for a record."""
    try:
        return record.model_dump_json()
    except PydanticSerializationError:
        return scrub_record(record).model_dump_json()


@pytest.mark.parametrize("table", sorted(TABLES))
def test_line_rows_equal_record_rows(table: str) -> None:
    records = sample_tables()[table]
    assert records
    for record in records:
        assert line_row(jsonl_line(record), TABLES[table]) == to_row(record)


def test_an_escaped_surrogate_is_refused_as_the_model_refuses_it() -> None:
    figure = sample_tables()["figures"][0]
    line = figure.model_dump_json().replace('"surface":"', '"surface":"\\ud800', 1)
    with pytest.raises(ValueError, match="Invalid JSON"):
        line_row(line, Figure)


@pytest.mark.parametrize("line", ['{"not": "a figure"}', "[1, 2]", "{truncated", '{"id": 1}'])
def test_a_line_that_is_not_a_record_raises_the_model_error(line: str) -> None:
    with pytest.raises(ValueError):
        line_row(line, Figure)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_arrow_reads_plain_tables_exactly_as_the_row_path(table: str) -> None:
    model = TABLES[table]
    lines = [(jsonl_line(r) + "\n").encode("utf-8") for r in sample_tables()[table]]
    by_rows = rows_batch([line_row(line.decode("utf-8"), model) for line in lines], model).table
    assert arrow_readable(model)
    assert arrow_batch(lines, model).equals(by_rows, check_metadata=True)
    assert lines_batch(lines, model).rows == by_rows.to_pylist()


def test_a_line_missing_a_required_field_is_not_read_by_arrow() -> None:
    sentence = json.loads(sample_tables()["sentences"][0].model_dump_json())
    del sentence["doc_id"]
    line = (json.dumps(sentence, ensure_ascii=False) + "\n").encode("utf-8")
    assert arrow_batch([line], Sentence) is None
    with pytest.raises(ValueError, match="doc_id"):
        lines_batch([line], Sentence)


@pytest.mark.parametrize("value", ["2880000000.0", "1.5E+12", "-0.000001", "4347", "1E-7", "0.1"])
def test_arrow_reads_decimals_exactly_as_the_row_path(value: str) -> None:
    base = json.loads(sample_tables()["figures"][0].model_dump_json())
    rows = [dict(base, low=value, high=value), dict(base, low="3.25", high=value), base]
    lines = [(json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8") for row in rows]
    by_rows = rows_batch([line_row(line.decode("utf-8"), Figure) for line in lines], Figure).table
    assert arrow_batch(lines, Figure).equals(by_rows, check_metadata=True)


def test_a_decimal_that_is_not_a_number_leaves_arrow_for_the_model() -> None:
    row = dict(json.loads(sample_tables()["figures"][0].model_dump_json()), low="twelve")
    line = (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
    assert arrow_batch([line], Figure) is None
    with pytest.raises(ValueError):
        lines_batch([line], Figure)


@pytest.mark.parametrize("quality", ['{}', '{"a":1,"b":0}', '{"z":3,"a":-1}', 'null'])
def test_arrow_reads_a_map_column_exactly_as_the_row_path(quality: str) -> None:
    document = sample_tables()["documents"][0]
    line = jsonl_line(document)
    head, _, rest = line.partition('"quality":')
    assert rest.startswith("{") and rest.endswith("}")  # quality is the last field
    lines = [(head + '"quality":' + value + "}\n").encode("utf-8") for value in (quality, '{"x":2}')]
    if quality == "null":  # quality is required: the model reports the line
        assert arrow_batch(lines, Document) is None
        return
    by_rows = rows_batch([line_row(line.decode("utf-8"), Document) for line in lines], Document).table
    assert arrow_batch(lines, Document).equals(by_rows, check_metadata=True)


def test_a_map_key_inside_a_string_is_not_mistaken_for_the_field() -> None:
    document = sample_tables()["documents"][0]
    tricky = document.model_copy(update={"raw_text": document.raw_text + '"quality":{"x":1}', "title": "{}"})
    lines = [(jsonl_line(tricky) + "\n").encode("utf-8")]
    by_rows = rows_batch([line_row(lines[0].decode("utf-8"), Document) for line in lines], Document).table
    assert arrow_batch(lines, Document).equals(by_rows, check_metadata=True)


def test_a_nested_map_value_leaves_arrow_for_the_model() -> None:
    line = jsonl_line(sample_tables()["documents"][0])
    head, _, _ = line.partition('"quality":')
    broken = (head + '"quality":{"a":{"b":1}}}\n').encode("utf-8")
    assert arrow_batch([broken], Document) is None
    with pytest.raises(ValueError):
        lines_batch([broken], Document)

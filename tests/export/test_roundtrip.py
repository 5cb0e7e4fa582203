"""Every table written as JSONL, Parquet, CSV and DuckDB reads back as equal records, hostile strings included."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from export_samples import LONG_PARAGRAPH, RAW, sample_tables, write_run

from pipeline.export.batches import iter_batches
from pipeline.export.build import FORMATS, export_tables, output_names
from pipeline.export.columns import arrow_schema
from pipeline.export.formats import parse_formats
from pipeline.export.read import read_table
from pipeline.export.text import REPLACEMENT, scrub, scrub_record
from pipeline.records import TABLES, Figure

SAMPLES = sample_tables()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("table", list(TABLES))
def test_every_table_round_trips_in_every_format(hostile_run: Path, table: str, fmt: str) -> None:
    # Lone surrogates cannot be UTF-8: every format stores U+FFFD in their place (the only change allowed).
    assert read_table(hostile_run, table, fmt) == [scrub_record(r) for r in SAMPLES[table]]


def test_lone_surrogates_become_one_replacement_character_each(hostile_run: Path) -> None:
    original = SAMPLES["documents"][0].title
    assert original is not None and "\ud800" in original
    for fmt in FORMATS:
        title = read_table(hostile_run, "documents", fmt)[0].title
        assert title == original.replace("\ud800", REPLACEMENT) and len(title) == len(original), fmt
    assert (
        scrub("a\ud83d\ude00b") == f"a{REPLACEMENT}{REPLACEMENT}b"
    )  # a surrogate pair is two code points here


def test_nul_emoji_and_long_paragraph_are_stored_exactly(hostile_run: Path) -> None:
    for fmt in FORMATS:
        document = read_table(hostile_run, "documents", fmt)[0]
        assert document.raw_text == RAW and "\x00" in document.raw_text and "😀" in document.raw_text, fmt
        assert read_table(hostile_run, "sentences", fmt)[-1].text == LONG_PARAGRAPH, fmt
    assert len(LONG_PARAGRAPH) >= 100_000


def test_decimals_keep_their_exact_value_beside_a_float_column(hostile_run: Path) -> None:
    table = pq.read_table(hostile_run / "figures.parquet")
    assert (
        str(table.schema.field("low").type) == "double"
        and str(table.schema.field("low_text").type) == "string"
    )
    big = table.to_pylist()[2]
    assert big["low"] == 1e30 and big["low_text"] == "1" + "0" * 30
    assert big["high_text"] == "999999999999999999999999999999.123456789"
    figures = read_table(hostile_run, "figures", "csv")
    assert isinstance(figures[2], Figure) and figures[2].high == Decimal(
        "999999999999999999999999999999.123456789"
    )


def test_parquet_column_types(hostile_run: Path) -> None:
    documents = pq.read_schema(hostile_run / "documents.parquet")
    assert str(documents.field("size_bytes").type) == "int64"
    assert str(documents.field("body").type) == "list<element: list<element: int64>>"
    quality = documents.field("quality").type
    assert pa.types.is_map(quality) and (quality.key_type, quality.item_type) == (pa.string(), pa.int64())
    assert not documents.field("raw_text").nullable and documents.field("title").nullable
    sentences = pq.read_schema(hostile_run / "sentences.parquet")
    assert str(sentences.field("in_body").type) == "bool"
    assert (
        str(pq.read_schema(hostile_run / "entities.parquet").field("names").type) == "list<element: string>"
    )
    for table, model in TABLES.items():
        assert pq.read_schema(hostile_run / f"{table}.parquet").names == arrow_schema(model).names


def test_csv_is_utf8_with_bom_quoting_strings_and_distinguishing_null_from_empty(hostile_run: Path) -> None:
    data = (hostile_run / "errors.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,path,doc_id,")
    first_row = data.split(b"\r\n")[1]
    assert first_row.startswith(b'"err_0","","bad",')  # '' is quoted, a real value
    second_row = data.split(b"\r\n")[2]
    assert second_row.startswith(b'"err_1","NUL\x00inside",,')  # null doc_id is an empty unquoted field
    documents = (hostile_run / "documents.csv").read_text(encoding="utf-8-sig")
    assert '"{""pinyin"":3,""mojibake"":0,""引号"":2}"' in documents  # maps are JSON strings


def test_duckdb_tables_and_views(hostile_run: Path) -> None:
    with duckdb.connect(str(hostile_run / "yanbao.duckdb"), read_only=True) as con:
        types = dict(
            con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'documents'"
            ).fetchall()
        )
        assert types["body"] == "BIGINT[][]" and types["quality"] == "MAP(VARCHAR, BIGINT)"
        rows = con.execute(
            "SELECT id, sentence_text, document_title, subject_type FROM figures_enriched ORDER BY id"
        ).fetchall()
        assert rows[0] == ("fig_0", None, scrub(SAMPLES["documents"][0].title), None)
        assert rows[1][1] == "" and rows[1][3] == "ORG"  # sentence sen_0 has an empty text
        evidence = dict(con.execute("SELECT id, evidence FROM relations_enriched").fetchall())
        assert evidence == {
            r.id: RAW[r.start : r.end] for r in SAMPLES["relations"]
        }  # code-point offsets agree
        heads = con.execute("SELECT head_type, tail_type FROM relations_enriched ORDER BY id").fetchall()
        assert heads == [("ORG", "ORG"), ("ORG", None)]
        assert con.execute("SELECT count(*) FROM claims_enriched WHERE subject_type = 'ORG'").fetchone() == (
            1,
        )


def test_batches_are_bounded_and_order_is_kept(tmp_path: Path) -> None:
    tables = {"sentences": SAMPLES["sentences"] * 3}
    write_run(tmp_path, tables, max_rows=3)
    expected = [scrub_record(r) for r in tables["sentences"]]
    for fmt in FORMATS:
        assert read_table(tmp_path, "sentences", fmt) == expected, fmt
    assert pq.ParquetFile(tmp_path / "sentences.parquet").metadata.num_row_groups == 8
    by_bytes = list(
        iter_batches(tmp_path / "sentences.jsonl", TABLES["sentences"], max_bytes=len(LONG_PARAGRAPH))
    )
    assert [b.table.num_rows for b in by_bytes] == [8, 8, 8]  # each long paragraph closes a batch


def test_only_the_requested_formats_are_written(tmp_path: Path) -> None:
    write_run(tmp_path, SAMPLES, formats=("jsonl", "csv"))
    names = {p.name for p in tmp_path.iterdir()}
    assert names == set(output_names(("csv",)))
    assert not any(n.endswith(".parquet") for n in names) and "yanbao.duckdb" not in names


def test_format_names_are_parsed_and_checked() -> None:
    assert parse_formats("parquet, CSV") == ("jsonl", "parquet", "csv")
    assert parse_formats("jsonl,duckdb,duckdb") == ("jsonl", "duckdb")
    with pytest.raises(Exception, match="unknown format xlsx"):
        parse_formats("parquet,xlsx")


def test_a_failing_export_keeps_the_previous_tables_and_leaves_no_temp_files(tmp_path: Path) -> None:
    write_run(tmp_path, SAMPLES)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with open(tmp_path / "figures.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"not": "a figure"}) + "\n")
    with pytest.raises(ValueError):
        export_tables(tmp_path, FORMATS)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name != "figures.jsonl"}
    assert after == {k: v for k, v in before.items() if k != "figures.jsonl"}



def test_record_json_is_model_dump_json_for_every_table() -> None:
    from export_samples import sample_tables
    from pydantic_core import PydanticSerializationError

    from pipeline.export.jsonl import record_json
    from pipeline.export.text import scrub_record

    for table, records in sample_tables().items():
        assert records, table
        for record in records:
            try:
                expected = record.model_dump_json()
            except PydanticSerializationError:  # a lone surrogate: replaced
                expected = scrub_record(record).model_dump_json()
            assert record_json(record).decode("utf-8") == expected, table

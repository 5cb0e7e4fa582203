"""Records of every table with hostile strings, and a helper writing them as a run would."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pipeline.cache import remove_stale_temp_files
from pipeline.export.batches import MAX_ROWS
from pipeline.export.build import FORMATS, export_tables
from pipeline.export.jsonl import JsonlTableWriter
from pipeline.export.stream import TableSink
from pipeline.records import (
    TABLES,
    Claim,
    Document,
    Entity,
    ErrorRecord,
    Figure,
    Mention,
    Record,
    Relation,
    Section,
    Sentence,
)

HOSTILE = [
    "",
    "NUL\x00inside",
    'comma, "quotes" and\nnewline\r\nand CR\r',
    "emoji 😀🇹🇼 and 研報",
    "lone \ud800 surrogate and \udfff",
    "NULL",
    "tab\tand\\backslash",
]
LONG_PARAGRAPH = "营收同比增长12.5%，" * 10_000  # 110k characters
RAW = "CoreWeave 营收\x00😀 增长 12.5%，客户 Microsoft 占 62%。\n" + LONG_PARAGRAPH


def _span(start: int, end: int) -> dict[str, object]:
    return {"doc_id": "coreweave_part1", "start": start, "end": end, "norm_start": start, "norm_end": end}


def sample_tables() -> dict[str, list[Record]]:
    """At least one record per table; every string field tries hostile values."""
    tables: dict[str, list[Record]] = {
        "documents": [
            Document(
                doc_id="coreweave_part1",
                path="corpus/coreweave_part1.txt",
                sha256="ab" * 32,
                size_bytes=123_456_789_012,
                encoding="utf-8",
                format="txt",
                script="simplified",
                title="CoreWeave：研報 \ud800",
                title_start=0,
                title_end=9,
                raw_text=RAW,
                text=RAW,
                body=[(0, 10), (12, len(RAW))],
                quality={"pinyin": 3, "mojibake": 0, "引号": 2},
            ),
            Document(
                doc_id="empty",
                path="e.md",
                sha256="0" * 64,
                size_bytes=0,
                encoding="gb18030",
                format="md",
                script="unknown",
                title=None,
                raw_text="",
                text="",
                body=[],
                quality={},
            ),
        ],
        "sections": [
            Section(
                **_span(0, 9), id="sec_1", level=1, marker="一、", heading=h, parent_id=None, content_end=50
            )
            for h in HOSTILE
        ]
        + [
            Section(
                **_span(0, 1), id="sec_2", level=2, marker="", heading="", parent_id="sec_1", content_end=1
            )
        ],
        "sentences": [
            Sentence(
                **_span(0, len(RAW)),
                id=f"sen_{i}",
                index=i,
                paragraph=0,
                section_id=None if i % 2 else "sec_1",
                text=t,
                in_body=bool(i % 2),
                n_tokens=2**40,
            )
            for i, t in enumerate([*HOSTILE, LONG_PARAGRAPH])
        ],
        "figures": [
            Figure(
                **_span(17, 22),
                id=f"fig_{i}",
                surface=s,
                kind="percent",
                low=low,
                high=high,
                unit="percent",
                qualifier="approx",
                metric="revenue_growth",
                subject="coreweave" if i else "",
                period="FY2024",
                sentence_id="sen_0" if i else None,
                extractor="figures@1",
                confidence=c,
            )
            for i, (s, low, high, c) in enumerate(
                [
                    ("12.5%", Decimal("12.5"), Decimal("12.5"), 1.0),
                    ("1.5万亿", Decimal("1.5E+12"), Decimal("1.5E+12"), 0.1),
                    ("1e30", Decimal("1E+30"), Decimal("999999999999999999999999999999.123456789"), 0.333),
                    ("tiny", Decimal("-0.000000000001"), Decimal(0), 0.0),
                    (HOSTILE[2], Decimal(3), Decimal("7.00"), 2 / 3),
                ]
            )
        ],
        "mentions": [
            Mention(
                **_span(0, 9),
                id=f"men_{i}",
                entity_id="coreweave",
                type="ORG",
                surface=s,
                name=s,
                sentence_id="sen_0",
                extractor="gazetteer@1",
                confidence=0.5,
            )
            for i, s in enumerate(HOSTILE)
        ],
        "entities": [
            Entity(entity_id="coreweave", type="ORG", names=["CoreWeave", *HOSTILE], aliases=[], known=True),
            Entity(entity_id="microsoft", type="ORG", names=["微软"], aliases=["MSFT", "😀"], known=False),
        ],
        "relations": [
            Relation(
                **_span(0, 40),
                id="rel_1",
                head="microsoft",
                relation="customer",
                tail="coreweave",
                figure_id=None,
                extractor="relations@1",
                confidence=0.9,
            ),
            Relation(
                **_span(12, 16),
                id="rel_2",
                head="coreweave",
                relation="partner",
                tail="nobody",
                figure_id="fig_1",
                extractor="relations@1",
                confidence=0.2,
            ),
        ],
        "claims": [
            Claim(
                **_span(0, 40),
                id="cla_1",
                topic="customer_concentration",
                stance="negative",
                subject="coreweave",
                hedged=True,
                hedge="可能",
                evidence_figure_ids=["fig_1", "fig_2"],
                evidence_mention_ids=[],
                extractor="claims@1",
                confidence=0.75,
            )
        ],
        "errors": [
            ErrorRecord(
                id=f"err_{i}", path=p, doc_id=None if i else "bad", stage="ingest", error_type="X", message=p
            )
            for i, p in enumerate(HOSTILE)
        ],
    }
    assert set(tables) == set(TABLES)
    return tables


def write_run(
    out_dir: Path,
    tables: dict[str, list[Record]],
    formats: tuple[str, ...] = FORMATS,
    max_rows: int = MAX_ROWS,
) -> None:
    """Write `tables` as a run does: temp files of killed runs swept (`run_lock` does it), every format
    streamed in bounded batches, then committed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(out_dir)
    sink = TableSink(out_dir, formats, max_rows)
    for table in TABLES:
        for record in tables.get(table, []):
            sink.write(table, record)
    sink.commit()


def write_jsonl_then_export(out_dir: Path, tables: dict[str, list[Record]], formats: tuple[str, ...] = FORMATS,
                            max_rows: int = MAX_ROWS) -> None:
    """Write `tables` as JSONL, then derive the other formats from the files (`export_tables`)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        writer = JsonlTableWriter(out_dir, table)
        for record in tables.get(table, []):
            writer.write(record)
        writer.commit()
    export_tables(out_dir, formats, max_rows)

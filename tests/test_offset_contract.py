"""The offset contract, end to end: for every record of every table, raw_text[start:end] is its source.

Hypothesis builds damaged articles from the genre's ingredients (converter pinyin, HTML remnants,
full-width digits, mixed scripts, figures, entity names, furniture) and runs the whole pipeline on them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.config import RunConfig
from pipeline.ingest.sources import Source
from pipeline.process import process_source
from pipeline.records import Span

FRAGMENTS = [
    "英偉達(dá)", "微軟", "來自O(shè)penAI", "Meta", "Bare Metal的用戶", "CoreWeave", "輝達", "台積電",
    "營收同比增長134%", "約$19億", "接近80%", "8~9成", "兩家", "3~5個(gè)月", "萬(wàn)張GPU以上", "１２３億元",
    "新台幣1,503億元", "2024財年", "3Q25", "23和24年", "毛利率", "供應商", "客戶集中度高度集中",
    "我們認為", "可能", "&ldquo;干兒子&rdquo;", "?ldquo;", "?/strong>", "\u00a0", "嘗試?yán)斫庖幌翧I",
    "錯(cuò)", "。", "，", ",", "?", "！", "\n", "\n\n", "一、", "1.1、", "a. ", "1)", " ", "(i)", "(微軟CEO Nadella)",
    "訂閱", "發表評論", "<正文結束>", "免責聲明", "9999999999999999999亿", "1..2%", "~~", "%", "$$",
]


def _article(parts: list[str]) -> str:
    return "標題:輝達營收?\n\n" + "".join(parts)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=60))
def test_every_record_points_at_its_source(parts: list[str]) -> None:
    raw = _article(parts)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.txt"
        path.write_text(raw, encoding="utf-8")
        result = process_source(Source(path, "doc"), RunConfig())
    assert result.error is None, result.error
    document = result.tables["documents"][0]
    assert document.raw_text == raw
    for table, records in result.tables.items():
        for record in records:
            if not isinstance(record, Span):
                continue
            assert 0 <= record.start <= record.end <= len(raw), (table, record)
            assert 0 <= record.norm_start <= record.norm_end <= len(document.text), (table, record)
            surface = getattr(record, "surface", None)
            if surface is not None:
                assert raw[record.start : record.end] == surface, (table, record)
            else:
                assert raw[record.start : record.end].strip(), (table, record)

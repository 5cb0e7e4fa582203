"""Ingest: encodings are chosen by strict validity first, and bad bytes give clear errors."""

from __future__ import annotations

import pytest

from pipeline.errors import IngestError
from pipeline.ingest.decode import decode_bytes

TRADITIONAL = "輝達第三季營收年增,新台幣 NT$1,234億元,毛利率約75%。\r\n伺服器需求強勁"
SIMPLIFIED = "英伟达营收同比增长134%，毛利率约75%，数据中心业务贡献了八成以上的收入。"


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        (TRADITIONAL, "utf-8", "utf-8"),
        (TRADITIONAL, "utf-8-sig", "utf-8 (BOM)"),
        (TRADITIONAL, "utf-16", "utf-16 (BOM)"),
        (TRADITIONAL, "big5", "big5"),
        (SIMPLIFIED, "gbk", "gbk"),
        (SIMPLIFIED + "𠮷", "gb18030", "gb18030"),
        (SIMPLIFIED, "utf-16", "utf-16 (BOM)"),
    ],
)
def test_decodes_every_supported_encoding(text: str, encoding: str, expected: str) -> None:
    decoded = decode_bytes(text.encode(encoding))
    assert decoded.text == text.replace("\r\n", "\n")
    assert decoded.encoding == expected


def test_line_endings_unified_and_nothing_else_changed() -> None:
    text = "第一行\r\n第二行\r第三行\n\u00a0 全角１２３"
    assert decode_bytes(text.encode("utf-8")).text == "第一行\n第二行\n第三行\n\u00a0 全角１２３"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        ("营收增长".encode() + "长".encode()[:2], "truncated"),
        ("营收\x00增长".encode(), "NUL"),
        (b"   \n\n  ", "whitespace"),
    ],
)
def test_bad_bytes_raise_a_readable_error(data: bytes, fragment: str) -> None:
    with pytest.raises(IngestError, match=fragment):
        decode_bytes(data)

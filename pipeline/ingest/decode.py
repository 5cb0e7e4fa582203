"""Bytes to text: pick the encoding by strict decode validity first, charset-normalizer second."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from pipeline.errors import IngestError

# Order matters: a strict UTF-8 decode almost never succeeds by accident on CJK legacy bytes,
# while GB18030 decodes nearly any byte string, so it must come after the stricter candidates.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BINARY_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"%PDF-": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (docx/xlsx?)",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
}


_CJK_FIRST, _CJK_LAST = 0x4E00, 0x9FFF


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


def unify_newlines(text: str) -> str:
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _binary_kind(data: bytes) -> str | None:
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            return kind
    return None


@lru_cache(maxsize=1)
def _common_chars() -> frozenset[str]:
    path = resources.files("pipeline.resources").joinpath("ingest/common_chars.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset("".join(line for line in lines if not line.startswith("#")))


@lru_cache(maxsize=1)
def _common_cjk_table() -> np.ndarray:
    """Whether each code point of U+4E00..U+9FFF is a common character."""
    table = np.zeros(_CJK_LAST - _CJK_FIRST + 1, dtype=bool)
    codes = [ord(ch) - _CJK_FIRST for ch in _common_chars() if _CJK_FIRST <= ord(ch) <= _CJK_LAST]
    table[codes] = True
    return table


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)


def _controls(codes: np.ndarray, allowed: str) -> np.ndarray:
    """Mask of control characters (below U+0020) other than those in ``allowed``."""
    mask = codes < 0x20
    for ch in allowed:
        mask &= codes != ord(ch)
    return mask


def _plausibility(text: str) -> float:
    """Share of the text's CJK characters that are common ones, minus a penalty for control/private-use chars."""
    codes = _code_points(text)
    cjk = codes[(codes >= _CJK_FIRST) & (codes <= _CJK_LAST)]
    bad = int(np.count_nonzero(_controls(codes, "\n\r\t") | ((codes >= 0xE000) & (codes <= 0xF8FF))))
    common = int(np.count_nonzero(_common_cjk_table()[cjk - _CJK_FIRST]))
    score = common / len(cjk) if len(cjk) else 0.0
    return score - 5 * bad / max(len(text), 1)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(data: bytes) -> DecodedText:
    """Decode a text file's bytes; raise IngestError with a person-readable reason when impossible."""
    if not data:
        raise IngestError("the file is empty")
    kind = _binary_kind(data)
    if kind:
        raise IngestError(f"the file is {kind}, not text")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data, encoding)
            if text is None:
                raise IngestError(f"the file starts with a {encoding} byte-order mark but does not decode as {encoding}")
            return _finish(text.lstrip("\ufeff"), encoding.replace("-sig", "") + " (BOM)")
    try:
        return _finish(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        _reject_broken_utf8(data, exc)
    candidates = [(enc, t) for enc in ("big5", "gbk", "gb18030") if (t := _strict(data, enc)) is not None]
    if candidates:
        encoding, text = max(candidates, key=lambda c: _plausibility(c[1]))
        return _finish(text, encoding)
    return _finish(*_detect(data))


def _reject_broken_utf8(data: bytes, exc: UnicodeDecodeError) -> None:
    """Raise when the bytes are UTF-8 that was cut off or damaged, rather than another encoding."""
    if exc.start >= len(data) - 3 and _strict(data[: exc.start], "utf-8") is not None:
        raise IngestError(
            f"the file is UTF-8 truncated in the middle of a character at byte {exc.start} (cut-off download?)"
        )
    multibyte = len(re.findall(rb"[\xe0-\xef][\x80-\xbf]{2}", data))
    invalid = data.decode("utf-8", errors="replace").count("\ufffd")
    if multibyte > 20 and invalid * 50 < multibyte:
        raise IngestError(f"the file is UTF-8 with {invalid} invalid byte sequence(s), the first at byte {exc.start}")


def _detect(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise IngestError("no text encoding decodes this file (binary data?)")
    return str(best), best.encoding


def _finish(text: str, encoding: str) -> DecodedText:
    if "\x00" in text:
        raise IngestError(f"the file contains NUL bytes after decoding as {encoding} (binary or corrupt)")
    if not text or text.isspace():
        raise IngestError("the file contains only whitespace")
    if _binary_like(text):
        raise IngestError(f"the text decoded as {encoding} is mostly control characters (binary data?)")
    return DecodedText(unify_newlines(text), encoding)


def _binary_like(text: str) -> bool:
    sample = text[:4096]
    controls = int(np.count_nonzero(_controls(_code_points(sample), "\n\r\t\f")))
    return controls > 0.05 * len(sample)

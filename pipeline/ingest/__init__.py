"""Ingest: read an input file into its raw text (the text every offset indexes into)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from pipeline.config import IngestConfig
from pipeline.errors import IngestError, UnsupportedInput
from pipeline.ingest.decode import decode_bytes
from pipeline.ingest.html import extract_article
from pipeline.ingest.sources import Source

_FORMATS = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html"}


@dataclass(frozen=True)
class RawDocument:
    doc_id: str
    path: str
    sha256: str
    size_bytes: int
    encoding: str
    format: str
    raw_text: str
    html_title: str | None


def read_source(source: Source, config: IngestConfig) -> tuple[bytes, str]:
    """Read the file's bytes and its format, or raise an IngestError saying why not."""
    fmt = _FORMATS.get(source.path.suffix.lower())
    if fmt is None or source.path.suffix.lower() not in config.extensions:
        raise UnsupportedInput(
            f"unsupported file type '{source.path.suffix or '(none)'}': yanbao reads {', '.join(config.extensions)}"
        )
    try:
        size = source.path.stat().st_size
        if size > config.max_bytes:
            raise IngestError(
                f"the file is {size / 1e6:.1f} MB, over the {config.max_bytes / 1e6:.1f} MB limit "
                "(raise ingest.max_bytes to process it)"
            )
        return source.path.read_bytes(), fmt
    except FileNotFoundError as exc:
        raise IngestError("the file disappeared before it could be read") from exc
    except IsADirectoryError as exc:
        raise IngestError("the path is a directory, not a file") from exc
    except PermissionError as exc:
        raise IngestError("permission denied: the file is not readable") from exc
    except OSError as exc:
        raise IngestError(f"the file could not be read: {exc.strerror or exc}") from exc


def ingest(source: Source, config: IngestConfig | None = None) -> RawDocument:
    config = config or IngestConfig()
    data, fmt = read_source(source, config)
    decoded = decode_bytes(data)
    raw_text, html_title = decoded.text, None
    if fmt == "html":
        article = extract_article(decoded.text)
        raw_text, html_title = article.text, article.title
        if not raw_text.strip():
            raise IngestError("the HTML page has no article text")
    return RawDocument(
        doc_id=source.doc_id,
        path=str(source.path),
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        encoding=decoded.encoding,
        format=fmt,
        raw_text=raw_text,
        html_title=html_title,
    )

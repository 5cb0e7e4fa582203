"""The per-document function: ingest → normalize → segment → extract, one source in, its tables out.

It never raises for bad input: a failure becomes an ErrorRecord naming the stage, so a batch
always completes. The same function runs in-process, in a process pool or on a Dask worker.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from pipeline.config import RunConfig
from pipeline.errors import YanbaoError
from pipeline.export.jsonl import jsonl_block
from pipeline.extract.registry import ExtractionContext, resolve
from pipeline.ids import stable_id
from pipeline.ingest import RawDocument, ingest
from pipeline.ingest.sources import Source
from pipeline.normalize import NormalizedText, normalize
from pipeline.records import Document, ErrorRecord, Record
from pipeline.segment import segment

log = logging.getLogger(__name__)


@dataclass
class DocumentResult:
    source: Source
    tables: dict[str, list[Record]] = field(default_factory=dict)
    # Tables already serialized, each as a block of JSONL (`jsonl_block`; see `serialized`), by table name.
    jsonl: dict[str, bytes] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    sha256: str | None = None
    size_bytes: int | None = None
    error: ErrorRecord | None = None

    @property
    def status(self) -> str:
        return "error" if self.error else "ok"


def error_record(source: Source, stage: str, exc: BaseException) -> ErrorRecord:
    if isinstance(exc, YanbaoError):
        error_type, message = type(exc).__name__, str(exc)
    else:
        error_type = "InternalError"
        message = f"unexpected {type(exc).__name__} in {stage}: {exc} (please report this document)"
    return ErrorRecord(
        id=stable_id(source.doc_id, "error", 0, 0, stage, error_type),
        path=str(source.path),
        doc_id=source.doc_id,
        stage=stage,
        error_type=error_type,
        message=message,
    )


def _document(raw: RawDocument, norm: NormalizedText) -> Document:
    title_start, title_end = norm.title_span or (None, None)
    title = norm.title
    if title is None and raw.html_title:
        title = raw.html_title
    return Document(
        doc_id=raw.doc_id,
        path=raw.path,
        sha256=raw.sha256,
        size_bytes=raw.size_bytes,
        encoding=raw.encoding,
        format=raw.format,  # type: ignore[arg-type]
        script=norm.script,
        title=title,
        title_start=title_start,
        title_end=title_end,
        raw_text=raw.raw_text,
        text=norm.text,
        body=[tuple(r) for r in norm.body],
        quality=dict(norm.quality),
    )


def process_source(source: Source, config: RunConfig) -> DocumentResult:
    """Run every stage on one source; stage failures are caught and reported as an error row."""
    result = DocumentResult(source)
    stage = "ingest"
    try:
        clock = time.perf_counter()
        raw = ingest(source, config.ingest)
        result.sha256, result.size_bytes = raw.sha256, raw.size_bytes
        result.timings["ingest"] = time.perf_counter() - clock

        stage, clock = "normalize", time.perf_counter()
        norm = normalize(raw.raw_text, config.normalize)
        result.timings["normalize"] = time.perf_counter() - clock

        stage, clock = "segment", time.perf_counter()
        seg = segment(raw.doc_id, norm)
        result.timings["segment"] = time.perf_counter() - clock

        result.tables["documents"] = [_document(raw, norm)]
        result.tables["sections"] = list(seg.sections)
        result.tables["sentences"] = list(seg.sentences)
        ctx = ExtractionContext(raw.doc_id, norm, seg, config.extract, result.tables)
        for extractor in resolve(config.extract.extractors):
            stage, clock = f"extract:{extractor.name}", time.perf_counter()
            records = extractor(ctx)
            result.tables.setdefault(extractor.produces, []).extend(records)
            result.timings[stage] = time.perf_counter() - clock
    except Exception as exc:
        if not isinstance(exc, YanbaoError):
            log.exception("internal error on %s in %s", source.path, stage)
        result.tables = {}
        result.error = error_record(source, stage, exc)
    return result


def serialized(result: DocumentResult) -> DocumentResult:
    """The result with every table as a block of JSONL (UTF-8 bytes), entities included.

    Every executor returns this form: each record is serialized once, where it was made (in a pool, spread
    over every core); the table writer, the run's entity merge and the cache all read the blocks, and bytes
    cross between processes as one copy, with no text to re-encode on the other side.
    """
    blocks = {table: jsonl_block(records) for table, records in result.tables.items() if records}
    return replace(result, tables={}, jsonl={**result.jsonl, **blocks})


def process_serialized(task: Callable[[Source], DocumentResult], source: Source) -> DocumentResult:
    """`task(source)` in serialized form (the task executors send to worker processes)."""
    return serialized(task(source))

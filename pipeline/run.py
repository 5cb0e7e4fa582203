"""A run: discover inputs, process each document, stream every table to the output folder, write the manifest."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline import __version__
from pipeline.cache import (
    DocumentCache,
    cacheable,
    entry_key,
    interrupted_run_inputs,
    run_fingerprint,
    run_lock,
)
from pipeline.config import RunConfig
from pipeline.errors import UsageError
from pipeline.executors import make_executor
from pipeline.export.build import describe_files
from pipeline.export.entities import EntityIndex
from pipeline.export.jsonl import jsonl_block, write_text_atomic
from pipeline.export.stream import TableSink
from pipeline.extract.registry import resolve
from pipeline.ingest.sources import Source, discover
from pipeline.process import DocumentResult, process_source
from pipeline.progress import Progress, Silent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunSummary:
    out_dir: Path
    n_inputs: int
    n_ok: int
    n_errors: int
    counts: dict[str, int]
    n_cached: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.n_errors else 0


def prepare_out_dir(out_dir: Path, inputs: list[str], overwrite: bool) -> None:
    """Refuse an output folder that is a file, unwritable, or holds something other than this run."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"output path {out_dir} is a file, not a folder")
    resumable = interrupted_run_inputs(out_dir) == inputs  # the last run of these inputs here was cut short
    if out_dir.is_dir() and any(out_dir.iterdir()) and not overwrite and not resumable:
        manifest = out_dir / "manifest.json"
        if not manifest.exists():
            raise UsageError(f"output folder {out_dir} is not empty and holds no yanbao run (use --overwrite)")
        try:
            previous = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"output folder {out_dir} has an unreadable manifest.json (use --overwrite)") from exc
        if previous.get("input_paths") != inputs:
            raise UsageError(f"output folder {out_dir} holds a run of other inputs (use --overwrite or another --out)")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / ".write-probe"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"output folder {out_dir} is not writable: {exc.strerror or exc}") from exc


def iter_results(
    sources: list[Source], config: RunConfig, cache: DocumentCache | None = None, progress: Progress | None = None
) -> Iterator[tuple[DocumentResult, bool]]:
    """(result, cached) for every source in input order: cache hits are read back, the rest go to the
    configured executor and are cached the moment they arrive; a fully consumed run prunes stale entries."""
    progress = progress or Silent()
    keys = [cache.key(source) if cache else None for source in sources]
    hits = [cache is not None and key is not None and cache.has(key) for key in keys]
    todo = [source for source, hit in zip(sources, hits, strict=True) if not hit]
    progress.start(len(sources), len(sources) - len(todo))
    computed = make_executor(config, len(todo)).map(todo)
    used: set[str] = set()
    try:
        for source, key, hit in zip(sources, keys, hits, strict=True):
            result = cache.load(key, source) if cache and key and hit else None
            cached = result is not None
            if result is None:
                result = next(computed) if not hit else process_source(source, config)
            if result.sha256 is not None and cache:  # the bytes actually processed, had the file just changed
                key = entry_key(cache.fingerprint, source, result.sha256)
            if cache and key:
                if not cached and cacheable(result):
                    cache.store(key, result)
                used.add(key)
            progress.advance(cached)
            yield result, cached
    finally:
        computed.close()
        progress.close()
    if cache:
        cache.prune(used)


def _write_result(result: DocumentResult, sink: TableSink, entity_index: EntityIndex) -> None:
    for table, block in result.jsonl.items():
        if table == "entities":
            entity_index.add_jsonl(block)
        else:
            sink.write_block(table, block)
    for table, records in result.tables.items():
        if table == "entities":
            entity_index.add(records)
        else:
            sink.write_block(table, jsonl_block(records))
    if result.error:
        sink.write("errors", result.error)
        log.warning("%s: %s failed: %s", result.source.path, result.error.stage, result.error.message)


def _input_entry(result: DocumentResult, cached: bool) -> dict[str, object]:
    """The manifest row of one input; a cached input spent no stage time in this run."""
    return {
        "path": str(result.source.path),
        "doc_id": result.source.doc_id,
        "sha256": result.sha256,
        "size_bytes": result.size_bytes,
        "status": result.status,
        "cached": cached,
        "timings": {} if cached else {k: round(v, 6) for k, v in result.timings.items()},
    }


def execute(
    paths: list[Path], out_dir: Path, config: RunConfig, overwrite: bool = False, progress: Progress | None = None
) -> RunSummary:
    started = datetime.now(UTC)
    clock = time.perf_counter()
    extractors = resolve(config.extract.extractors)
    sources, skipped = discover(paths, config.ingest.extensions)
    input_paths = [str(p) for p in paths]
    prepare_out_dir(out_dir, input_paths, overwrite)
    inputs: list[dict[str, object]] = []
    entity_index = EntityIndex()
    cache = DocumentCache(out_dir, run_fingerprint(config, [e.label for e in extractors])) if config.cache else None
    n_cached = 0
    with run_lock(out_dir, input_paths):
        sink = TableSink(out_dir, config.export.formats)
        try:
            for result, cached in iter_results(sources, config, cache, progress):
                _write_result(result, sink, entity_index)
                n_cached += cached
                inputs.append(_input_entry(result, cached))
            sink.write_block("entities", jsonl_block(entity_index.merged()))
            counts = sink.counts
            sink.commit()
        except BaseException:
            sink.abort()
            raise
    n_errors = sum(1 for i in inputs if i["status"] == "error")
    manifest = {
        "yanbao_version": __version__,
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "elapsed_s": round(time.perf_counter() - clock, 3),
        "input_paths": input_paths,
        "config": json.loads(config.model_dump_json()),
        "extractors": [e.label for e in extractors],
        "inputs": inputs,
        "skipped": [str(p) for p in skipped],
        "counts": counts,
        "stage_seconds": {**_stage_totals(inputs), "export": round(sink.export_seconds, 6)},
        "files": describe_files(out_dir, config.export.formats),
    }
    write_text_atomic(out_dir / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return RunSummary(out_dir, len(sources), len(sources) - n_errors, n_errors, counts, n_cached)


def _stage_totals(inputs: list[dict[str, object]]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for item in inputs:
        for stage, seconds in item["timings"].items():  # type: ignore[union-attr]
            totals[stage] = round(totals.get(stage, 0.0) + seconds, 6)
    return totals

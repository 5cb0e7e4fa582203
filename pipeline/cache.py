"""The per-document result cache in `DIR/.cache/`: a re-run redoes only documents whose inputs changed.

An entry is keyed by everything that decides a document's records (its bytes, doc_id and path, the
yanbao version, the output-relevant config, the extractor versions and the resource files)
and is written atomically the moment its document is done, so a killed run resumes where it stopped.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO

import pipeline
from pipeline import __version__
from pipeline.config import RunConfig
from pipeline.errors import UsageError
from pipeline.export.jsonl import jsonl_block
from pipeline.ingest.sources import Source
from pipeline.process import DocumentResult
from pipeline.records import TABLES, ErrorRecord

CACHE_DIR = ".cache"
ENTRY_FORMAT = 1
# Config sections that change records; workers, executor, cache and export formats do not.
OUTPUT_CONFIG = {"ingest", "normalize", "segment", "extract"}
# Failures that say nothing about the document itself are retried on the next run, never cached.
TRANSIENT_ERRORS = {"InternalError", "WorkerCrashed"}
_TEMP_FILE = re.compile(r"^\..+\.tmp-(\d+)(?:\.wal)?$")  # DuckDB keeps a write-ahead log beside its file


@lru_cache(maxsize=1)
def resources_fingerprint() -> str:
    """Hash of the lexicons, grammars and models under pipeline/resources (training data only matters
    through the models trained from it)."""
    root = Path(pipeline.__file__).parent / "resources"
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or "__pycache__" in rel.parts or rel.parts[0] == "training":
            continue
        digest.update(rel.as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run_fingerprint(config: RunConfig, extractor_labels: Iterable[str]) -> str:
    """What every cache key of a run shares: version, output-relevant config, extractors and resources.

    Code is represented by the yanbao version and the extractor versions: bump them when output changes.
    """
    spec = {
        "format": ENTRY_FORMAT,
        "version": __version__,
        "config": config.model_dump(mode="json", include=OUTPUT_CONFIG),
        "extractors": sorted(extractor_labels),
        "resources": resources_fingerprint(),
    }
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()


def file_sha256(path: Path) -> str | None:
    """The sha256 of a file's bytes, or None when it cannot be read (ingest will report why)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def entry_key(fingerprint: str, source: Source, sha256: str) -> str:
    parts = [fingerprint, source.doc_id, str(source.path), sha256]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def cacheable(result: DocumentResult) -> bool:
    return result.error is None or result.error.error_type not in TRANSIENT_ERRORS


def dump_entry(result: DocumentResult, fh: IO[bytes]) -> None:
    """One header line, then `table<TAB>row-json` per record (a JSON string never holds a raw tab or newline).
    The header holds the sha256 of the rows, so a reader can trust them as they are."""
    blocks = [*result.jsonl.items(), *((table, jsonl_block(records)) for table, records in result.tables.items())]
    body = b"".join(
        b"".join(table.encode("ascii") + b"\t" + line for line in block.splitlines(keepends=True))
        for table, block in blocks
    )
    header = {
        "doc_id": result.source.doc_id,
        "sha256": result.sha256,
        "size_bytes": result.size_bytes,
        "timings": result.timings,
        "error": result.error.model_dump(mode="json") if result.error else None,
        "rows_sha256": hashlib.sha256(body).hexdigest(),
    }
    fh.write(json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n")
    fh.write(body)


def load_entry(source: Source, fh: IO[bytes]) -> DocumentResult:
    """The cached result: rows whose digest matches come back as the blocks of JSONL they are; an entry without
    a digest is validated row by row into records; a wrong digest raises ValueError."""
    header = json.loads(fh.readline())
    result = DocumentResult(source, sha256=header["sha256"], size_bytes=header["size_bytes"])
    result.timings = dict(header["timings"])
    if header["error"]:
        result.error = ErrorRecord.model_validate(header["error"])
    body = fh.read()
    digest = header.get("rows_sha256")
    if digest is not None and hashlib.sha256(body).hexdigest() != digest:
        raise ValueError("cache entry rows do not match their digest")
    rows: dict[str, list[bytes]] = {}
    for line in body.split(b"\n")[:-1]:
        name, row = line.split(b"\t", 1)
        table = name.decode("ascii")
        model = TABLES[table]  # an unknown table name is a KeyError: the entry is a miss
        if digest is None:
            result.tables.setdefault(table, []).append(model.model_validate_json(row))
        else:
            rows.setdefault(table, []).append(row)
    result.jsonl = {table: b"\n".join(lines) + b"\n" for table, lines in rows.items()}
    return result


class DocumentCache:
    """Entries `DIR/.cache/docs/<key>.jsonl.gz`, one per document, written with temp file + rename."""

    def __init__(self, out_dir: Path, fingerprint: str) -> None:
        self.dir = out_dir / CACHE_DIR / "docs"
        self.fingerprint = fingerprint
        self.dir.mkdir(parents=True, exist_ok=True)

    def key(self, source: Source) -> str | None:
        sha = file_sha256(source.path)
        return None if sha is None else entry_key(self.fingerprint, source, sha)

    def _path(self, key: str) -> Path:
        return self.dir / f"{key}.jsonl.gz"

    def has(self, key: str) -> bool:
        return self._path(key).is_file()

    def load(self, key: str, source: Source) -> DocumentResult | None:
        """The cached result, or None when the entry is missing or unreadable (the document is redone)."""
        try:
            with gzip.open(self._path(key), "rb") as fh:
                return load_entry(source, fh)
        except (OSError, EOFError, ValueError, KeyError):
            return None

    def store(self, key: str, result: DocumentResult) -> None:
        tmp = self.dir / f".{key}.tmp-{os.getpid()}"
        with gzip.open(tmp, "wb", compresslevel=1) as fh:
            dump_entry(result, fh)
        os.replace(tmp, self._path(key))

    def prune(self, keep: set[str]) -> int:
        """Remove entries no input of this run uses (older versions of changed or removed documents)."""
        removed = 0
        for path in self.dir.glob("*.jsonl.gz"):
            if path.name.removesuffix(".jsonl.gz") not in keep:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def interrupted_run_inputs(out_dir: Path) -> list[str] | None:
    """The input paths of a run that started in out_dir but never wrote its manifest, if any."""
    try:
        return json.loads((out_dir / CACHE_DIR / "run.json").read_text(encoding="utf-8"))["input_paths"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temp_files(out_dir: Path) -> None:
    """Delete hidden `.name.tmp-PID` files left by a killed run (their process is gone)."""
    for folder in (out_dir, out_dir / CACHE_DIR / "docs"):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            match = _TEMP_FILE.match(path.name)
            if match and int(match.group(1)) != os.getpid() and not _pid_alive(int(match.group(1))):
                path.unlink(missing_ok=True)


@contextlib.contextmanager
def run_lock(out_dir: Path, input_paths: list[str]) -> Iterator[None]:
    """Hold `DIR/.cache/lock` (released by the OS if the process dies) and record the run's inputs."""
    folder = out_dir / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise UsageError(f"another yanbao run is writing to {out_dir}") from exc
        (folder / "run.json").write_text(json.dumps({"input_paths": input_paths}) + "\n", encoding="utf-8")
        remove_stale_temp_files(out_dir)
        yield

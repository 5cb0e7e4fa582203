"""Where documents are processed: in-process, in a local process pool, or on a Dask cluster.

Every executor maps a per-document task over sources and yields the results in input order, with
at most `window` documents in flight, so memory follows the window and never the corpus size.
A worker that dies on a document costs that document only: it becomes an error row.
"""

from __future__ import annotations

import logging
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path
from typing import Any

from pipeline import forkserver
from pipeline.config import RunConfig
from pipeline.ids import stable_id
from pipeline.ingest.sources import Source
from pipeline.process import DocumentResult, process_serialized, process_source
from pipeline.records import ErrorRecord

log = logging.getLogger(__name__)

Task = Callable[[Source], DocumentResult]
InFlight = tuple[Source, Future, int]  # a document, the task it went in, and its place in that task
WINDOW_PER_WORKER = 16  # documents in flight per worker
# Documents per task sent to a pool worker: every task is a round trip (pickling, pipe wake-ups, a future, and
# thread hand-offs in this process), so sending them four at a time cuts those per-document costs by four.
DOCS_PER_TASK = 4


# A short article touching every stage and extractor (figures, periods, names, a relation, a claim): processing
# it loads what the first real document would otherwise load (models, lexicons, compiled patterns).
WARM_UP_ARTICLE = """輝達第三季財報解析

輝達（NVIDIA）2025年第三季營收達570億美元，年增62%，毛利率約73.6%。台積電是輝達的供應商，資本支出預計為
400億至420億美元。我們認為資料中心需求仍然強勁，維持買進評級，目標價上調至250美元。
"""
_warmed: set[str] = set()


def warm_up(config: RunConfig) -> None:
    """Load jieba, spaCy, the extractors and their models once per process, before its first document, by
    processing WARM_UP_ARTICLE; a process forked from a warm one (the pool's fork server) inherits all of it.

    Best effort and quiet (debug log only): a failure here would break the whole pool, so it is left for
    process_source to meet again and report as an error row of the document it happens on, or for the run's
    own checks (an unknown extractor) to report once.
    """
    key = config.model_dump_json()
    if key in _warmed:
        return
    try:
        with tempfile.TemporaryDirectory(prefix="yanbao-warm-") as folder:
            path = Path(folder) / "warm-up.txt"
            path.write_text(WARM_UP_ARTICLE, encoding="utf-8")
            result = process_source(Source(path, "warm-up"), config)
        if result.error is not None:
            log.debug("warm-up: %s", result.error.message)
        else:
            _warmed.add(key)
    except Exception:
        log.debug("warm-up failed; documents will report the error", exc_info=True)


def crash_result(source: Source, detail: str) -> DocumentResult:
    """The error row of a document whose worker process died (or whose task was lost) while on it."""
    message = f"the worker processing this document died ({detail}); the rest of the batch completed"
    error = ErrorRecord(
        id=stable_id(source.doc_id, "error", 0, 0, "worker", "WorkerCrashed"),
        path=str(source.path),
        doc_id=source.doc_id,
        stage="worker",
        error_type="WorkerCrashed",
        message=message,
    )
    return DocumentResult(source, error=error)


def _done(results: list[DocumentResult]) -> Future:
    future: Future = Future()
    future.set_result(results)
    return future


def docs_per_task(workers: int, n_documents: int | None = None) -> int:
    """DOCS_PER_TASK, but small enough that each worker has two tasks in flight (one it works on, one waiting)
    and, for a short batch, that its documents still spread over every worker (four tasks each at least)."""
    size = min(DOCS_PER_TASK, WINDOW_PER_WORKER // 2)
    if n_documents is not None:
        size = min(size, n_documents // (4 * max(1, workers)))
    return max(1, size)


def run_tasks(task: Task, sources: list[Source]) -> list[DocumentResult]:
    """`task` on each source in turn (what one pool task does)."""
    return [task(source) for source in sources]


def batched(items: Iterable[Source], size: int) -> Iterator[list[Source]]:
    """Consecutive lists of `size` items (the last may be shorter), read lazily."""
    chunk: list[Source] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class InProcess:
    """workers=1: the task runs here, one document at a time."""

    def __init__(self, task: Task) -> None:
        self.task = task

    def map(self, sources: Iterable[Source]) -> Iterator[DocumentResult]:
        for source in sources:
            yield self.task(source)


class LocalPool:
    """A process pool whose workers fork from the warm fork server (forkserver.py), never from this threaded
    process; documents go `per_task` to a task, in input order, `window` of them in flight."""

    def __init__(self, task: Task, workers: int, config: RunConfig, n_documents: int | None = None) -> None:
        self.task, self.workers, self.config = task, workers, config
        self.per_task = docs_per_task(workers, n_documents)
        self.window = workers * WINDOW_PER_WORKER
        self._pool: ProcessPoolExecutor | None = None

    def _start(self) -> ProcessPoolExecutor:
        forkserver.start_early(self.config.model_dump_json())
        return ProcessPoolExecutor(self.workers, mp_context=forkserver.context(), initializer=warm_up,
                                   initargs=(self.config,))

    def _restart(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._start()

    def map(self, sources: Iterable[Source]) -> Iterator[DocumentResult]:
        self._pool = self._start()
        inflight: deque[InFlight] = deque()
        try:
            for chunk in batched(sources, self.per_task):
                future = self._pool.submit(run_tasks, self.task, chunk)
                inflight.extend((source, future, i) for i, source in enumerate(chunk))
                while len(inflight) >= self.window:
                    yield self._next(inflight)
            while inflight:
                yield self._next(inflight)
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _next(self, inflight: deque[InFlight]) -> DocumentResult:
        try:
            result = inflight[0][1].result()[inflight[0][2]]
        except BrokenProcessPool:
            self._recover(inflight)
            result = inflight[0][1].result()[inflight[0][2]]
        inflight.popleft()
        return result

    def _recover(self, inflight: deque[InFlight]) -> None:
        """A worker died: every in-flight task is lost. Redo each suspect document alone to find the culprit."""
        lost = [source for source, future, _ in inflight if future.exception() is not None]
        log.warning("a worker died with %d document(s) in flight; isolating the culprit", len(lost))
        self._restart()
        redone: dict[int, DocumentResult] = {}
        if len(lost) == 1:
            redone[id(lost[0])] = crash_result(lost[0], "its process exited unexpectedly")
        else:
            redone = {id(source): self._alone(source) for source in lost}
        kept = [(source, _done([redone[id(source)]]), 0) if id(source) in redone else (source, future, i)
                for source, future, i in inflight]
        inflight.clear()
        inflight.extend(kept)

    def _alone(self, source: Source) -> DocumentResult:
        assert self._pool is not None
        try:
            return self._pool.submit(self.task, source).result()
        except BrokenProcessPool:
            log.warning("%s crashed its worker", source.path)
            self._restart()
            return crash_result(source, "its process exited unexpectedly")


class DaskPool:
    """The same task on a Dask distributed cluster; without a scheduler address, a loopback LocalCluster."""

    def __init__(self, task: Task, workers: int, config: RunConfig, scheduler: str | None,
                 n_documents: int | None = None) -> None:
        self.task, self.workers, self.config, self.scheduler = task, workers, config, scheduler
        self.n_documents = n_documents

    def _client(self):
        from distributed import Client, LocalCluster

        # distributed logs INFO on its own loggers (cluster start, every worker and connection); the run's
        # verbosity decides what shows: nothing but errors by default, everything with -v.
        level = logging.getLogger().getEffectiveLevel()
        logging.getLogger("distributed").setLevel(level)
        if self.scheduler:
            return Client(self.scheduler), None
        cluster = LocalCluster(
            n_workers=self.workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=level,
        )
        return Client(cluster), cluster

    def map(self, sources: Iterable[Source]) -> Iterator[DocumentResult]:
        client, cluster = self._client()
        try:
            client.run(warm_up, self.config)
            threads = max(1, sum(client.nthreads().values()))
            window = threads * WINDOW_PER_WORKER
            inflight: deque[tuple[Source, Any, int]] = deque()
            for chunk in batched(sources, docs_per_task(threads, self.n_documents)):
                future = client.submit(run_tasks, self.task, chunk, pure=False)
                inflight.extend((source, future, i) for i, source in enumerate(chunk))
                while len(inflight) >= window:
                    yield self._collect(client, *inflight.popleft())
            while inflight:
                yield self._collect(client, *inflight.popleft())
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    def _collect(self, client: Any, source: Source, future: Any, index: int) -> DocumentResult:
        """The document's result; when its task was lost (the task never raises: a lost task is the cluster
        losing a worker), the document is redone as a task of its own, so only a culprit becomes an error."""
        try:
            return future.result()[index]
        except Exception as exc:  # noqa: BLE001 - see above
            log.warning("%s: dask task failed (%s); redoing the document alone", source.path, exc)
        try:
            return client.submit(self.task, source, pure=False).result()
        except Exception as exc:  # noqa: BLE001 - see above
            log.warning("%s: dask task failed: %s", source.path, exc)
            return crash_result(source, f"{type(exc).__name__}: {exc}")


def make_executor(config: RunConfig, n_documents: int) -> InProcess | LocalPool | DaskPool:
    """The executor the config asks for; never more local workers than documents to process."""
    # Results come back as JSONL lines, serialized once where the document was processed: the table writer
    # and the cache both use them, and a pool's writing process never rebuilds records.
    task = partial(process_serialized, partial(process_source, config=config))
    if config.executor == "dask":
        return DaskPool(task, config.workers, config, config.scheduler, n_documents)
    workers = min(config.workers, n_documents)
    return LocalPool(task, workers, config, n_documents) if workers > 1 else InProcess(task)

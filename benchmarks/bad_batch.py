"""Bad input at volume: 1,000 files, 5% broken, through `execute` with 2 workers; checks nothing is lost.

    python benchmarks/bad_batch.py [--docs 1000] [--workers 2] [--keep]

The batch: good articles from the bench generator, and 50 broken ones: every kind the foundation's bad-input
fixture makes (empty, PNG and PDF bytes named .txt, truncated UTF-8, NUL bytes, a 20 MB file, a .docx,
which a folder scan skips), files that are deleted after the run has listed them (they vanish mid-run),
and poisoned documents whose worker process dies (`os._exit`, a stand-in for a segfault in a native
library). The run must complete; every broken file must be one row of errors.jsonl with its reason, and
every good document must have its documents row and the same records as when it is run on its own.
Prints a JSON summary; exits 1 if any check fails. Not part of the test run (a few minutes on 2 cores);
`tests/scale/test_bad_batch.py` is the small version that CI runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

from pipeline import executors
from pipeline.bench_corpus import generate_corpus
from pipeline.config import ExportConfig, RunConfig
from pipeline.ingest.sources import Source
from pipeline.process import DocumentResult, process_source
from pipeline.progress import Silent
from pipeline.run import execute

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
from make_bad_inputs import make_bad_inputs

BROKEN_SHARE = 0.05
POISONED = 3
VANISHING = 4


def process_or_crash(source: Source, config: RunConfig) -> DocumentResult:
    """The pipeline's task, except that a document named poison* kills its worker process."""
    if source.path.name.startswith("poison"):
        os._exit(3)
    return process_source(source, config)


class DeleteAfter(Silent):
    """Progress that deletes files once `after` documents are done (they were listed, not yet read)."""

    def __init__(self, paths: list[Path], after: int) -> None:
        self.paths, self.after, self.done = paths, after, 0

    def advance(self, cached: bool) -> None:
        self.done += 1
        if self.done == self.after:
            for path in self.paths:
                path.unlink()


def build_batch(batch: Path, n_docs: int) -> tuple[list[Path], dict[Path, str], list[Path]]:
    """Good files, broken files (path -> kind) and the files to delete mid-run; the batch folder is rebuilt."""
    shutil.rmtree(batch, ignore_errors=True)
    n_broken = round(n_docs * BROKEN_SHARE)
    good_src = generate_corpus(ROOT / "benchmarks" / ".corpus" / f"n{n_docs - n_broken}", n_docs - n_broken,
                               ROOT / "corpus")
    good = []
    for path in good_src:
        good.append(batch / "good" / path.name)
        good[-1].parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, good[-1])
    broken: dict[Path, str] = {}
    scratch = batch.parent / "scratch"
    group = 0
    while len(broken) < n_broken - POISONED - VANISHING:
        for kind, made in make_bad_inputs(scratch).items():
            if len(broken) == n_broken - POISONED - VANISHING or (kind == "large_text" and group):
                continue  # one 20 MB file is enough
            path = batch / "broken" / f"set{group:02d}" / made.name
            path.parent.mkdir(parents=True, exist_ok=True)
            made.rename(path)
            broken[path] = kind
        shutil.rmtree(scratch)
        group += 1
    for i in range(POISONED):
        path = batch / "poisoned" / f"poison_{i}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(good_src[i], path)
        broken[path] = "poisoned"
    vanishing = []
    for i in range(VANISHING):
        path = batch / "zz_vanishing" / f"gone_{i}.txt"  # listed last, so still unread when deleted
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(good_src[i], path)
        broken[path] = "vanished"
        vanishing.append(path)
    return good, broken, vanishing


def jsonl_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".corpus" / "bad_batch")
    parser.add_argument("--keep", action="store_true", help="keep the batch and output folders")
    args = parser.parse_args()

    batch, out = args.work / "batch", args.work / "out"
    good, broken, vanishing = build_batch(batch, args.docs)
    executors.process_source = process_or_crash  # the pool's task; in-process runs are not used here
    config = RunConfig(workers=args.workers, cache=False, export=ExportConfig(formats=("jsonl",)))
    clock = time.perf_counter()
    summary = execute([batch], out, config, overwrite=True, progress=DeleteAfter(vanishing, after=50))
    seconds = time.perf_counter() - clock

    errors = {Path(row["path"]): row for row in jsonl_rows(out / "errors.jsonl")}
    documents = {row["doc_id"] for row in jsonl_rows(out / "documents.jsonl")}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    skipped = {Path(p) for p in manifest["skipped"]}
    expected_errors = {p for p, kind in broken.items() if kind != "unsupported_extension"}
    good_ids = {f"good/{p.stem}" for p in good}
    checks = {
        "every broken file is an error row": set(errors) == expected_errors,
        "every .docx in the folder is skipped, not read": skipped == {p for p, k in broken.items()
                                                                       if k == "unsupported_extension"},
        "poisoned documents are WorkerCrashed": all(errors[p]["error_type"] == "WorkerCrashed"
                                                    for p, k in broken.items() if k == "poisoned"),
        "every good document has its documents row": good_ids <= documents,
        "no error row for a good document": not any(p in errors for p in good),
        "inputs in the manifest": len(manifest["inputs"]) == len(good) + len(expected_errors),
    }
    sample = good[len(good) // 2]
    alone = process_source(Source(sample, f"good/{sample.stem}"), config)
    in_batch = [row for row in jsonl_rows(out / "figures.jsonl") if row["doc_id"] == f"good/{sample.stem}"]
    checks["a good document's figures equal a run on its own"] = (
        [json.loads(r.model_dump_json()) for r in alone.tables.get("figures", [])] == in_batch
    )
    report = {
        "files": len(good) + len(broken),
        "good": len(good),
        "broken": dict(Counter(broken.values())),
        "workers": args.workers,
        "seconds": round(seconds, 1),
        "docs_per_s": round((len(good) + len(broken)) / seconds, 2),
        "n_ok": summary.n_ok,
        "n_errors": summary.n_errors,
        "error_types": dict(Counter(row["error_type"] for row in errors.values())),
        "checks": checks,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if not args.keep:
        shutil.rmtree(args.work, ignore_errors=True)
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

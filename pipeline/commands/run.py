"""`yanbao run PATH... --out DIR`: extract every table from files and folders of articles."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from pipeline.config import RunConfig
from pipeline.errors import UsageError
from pipeline.export.formats import parse_formats

EXIT_OK, EXIT_PARTIAL = 0, 1


def run_config(args: argparse.Namespace) -> RunConfig:
    """The RunConfig from --config (TOML) with CLI flags applied on top."""
    config = RunConfig.from_toml(args.config) if getattr(args, "config", None) else RunConfig()
    updates: dict[str, object] = {}
    if getattr(args, "extractors", None) is not None:
        names = tuple(n.strip() for n in args.extractors.split(",") if n.strip())
        updates["extract"] = config.extract.model_copy(update={"extractors": names})
    if getattr(args, "opencc", None):
        updates["normalize"] = config.normalize.model_copy(update={"opencc_config": args.opencc})
    updates.update(_scale_updates(args, config))
    if getattr(args, "formats", None):
        updates["export"] = config.export.model_copy(update={"formats": parse_formats(args.formats)})
    return config.model_copy(update=updates) if updates else config


def _scale_updates(args: argparse.Namespace, config: RunConfig) -> dict[str, object]:
    """--workers (default: the config file's value, else every core), --executor, --scheduler, --no-cache."""
    updates: dict[str, object] = {}
    if getattr(args, "workers", None) is not None:
        if args.workers < 1:
            raise UsageError(f"--workers must be at least 1, not {args.workers}")
        updates["workers"] = args.workers
    elif "workers" not in config.model_fields_set:
        updates["workers"] = os.cpu_count() or 1
    if getattr(args, "executor", None):
        updates["executor"] = args.executor
    if getattr(args, "scheduler", None):
        if not args.scheduler.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
            raise UsageError(f"--scheduler wants an address like tcp://HOST:8786, not {args.scheduler!r}")
        updates["scheduler"], updates["executor"] = args.scheduler, "dask"
    if getattr(args, "no_cache", False):
        updates["cache"] = False
    return updates


def cmd_run(args: argparse.Namespace) -> int:
    config = run_config(args)
    if config.executor == "local" and config.workers > 1:
        from pipeline.forkserver import start_early

        start_early(config.model_dump_json())  # the pool's server loads the pipeline while this process starts
    from pipeline.progress import make_progress
    from pipeline.run import execute

    progress = make_progress(args.quiet)
    summary = execute([Path(p) for p in args.paths], Path(args.out), config, overwrite=args.overwrite, progress=progress)
    if not args.quiet:
        counts = ", ".join(f"{k} {v}" for k, v in summary.counts.items() if v)
        print(f"{summary.n_ok}/{summary.n_inputs} documents ok, {summary.n_errors} failed → {summary.out_dir} ({counts})")
        print(f"{summary.n_cached} documents unchanged, {summary.n_inputs - summary.n_cached} processed")
    return EXIT_PARTIAL if summary.n_errors else EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="extract every table from files and folders of articles")
    run.add_argument("paths", nargs="+", help="files or folders (.txt .md .html .htm), folders recursively")
    run.add_argument("--out", default="outputs/latest", help="output folder (default outputs/latest)")
    run.add_argument("--config", type=Path, help="a TOML file with RunConfig fields")
    run.add_argument("--extractors", help="comma-separated extractor names (default: all configured)")
    run.add_argument("--opencc", choices=["t2s", "hk2s", "tw2s", "tw2sp"], help="OpenCC conversion to Simplified")
    run.add_argument(
        "--format",
        dest="formats",
        help="comma-separated output formats from jsonl,parquet,csv,duckdb (default jsonl,parquet,duckdb); "
        "JSONL is always written",
    )
    run.add_argument("--overwrite", action="store_true", help="replace an output folder holding another run")
    run.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    run.add_argument("--workers", type=int, help="documents processed in parallel (default: every core)")
    run.add_argument("--executor", choices=["local", "dask"], help="local process pool (default) or a Dask cluster")
    run.add_argument("--scheduler", help="Dask scheduler address tcp://HOST:PORT (implies --executor dask)")
    run.add_argument("--no-cache", action="store_true", help="process every document; read and keep no cache")
    run.set_defaults(func=cmd_run)

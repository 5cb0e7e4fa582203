"""`yanbao run PATH... --out DIR`: extract every table from files and folders of articles."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.config import RunConfig
from pipeline.export.build import parse_formats

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
    if getattr(args, "formats", None):
        updates["export"] = config.export.model_copy(update={"formats": parse_formats(args.formats)})
    return config.model_copy(update=updates) if updates else config


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.run import execute

    summary = execute([Path(p) for p in args.paths], Path(args.out), run_config(args), overwrite=args.overwrite)
    if not args.quiet:
        counts = ", ".join(f"{k} {v}" for k, v in summary.counts.items() if v)
        print(f"{summary.n_ok}/{summary.n_inputs} documents ok, {summary.n_errors} failed → {summary.out_dir} ({counts})")
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
    run.set_defaults(func=cmd_run)

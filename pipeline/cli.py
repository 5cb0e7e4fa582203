"""The `yanbao` command line: run, eval, schema and friends. Misuse gets one line and exit code 2."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pipeline import __version__
from pipeline.config import RunConfig
from pipeline.errors import UsageError, YanbaoError

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, never a usage dump or traceback
        raise UsageError(f"{self.prog}: {message} (see --help)")


def _config(args: argparse.Namespace) -> RunConfig:
    config = RunConfig.from_toml(args.config) if getattr(args, "config", None) else RunConfig()
    updates: dict[str, object] = {}
    if getattr(args, "extractors", None):
        extract = config.extract.model_copy(update={"extractors": tuple(args.extractors.split(","))})
        updates["extract"] = extract
    if getattr(args, "opencc", None):
        updates["normalize"] = config.normalize.model_copy(update={"opencc_config": args.opencc})
    return config.model_copy(update=updates) if updates else config


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.run import execute

    config = _config(args)
    summary = execute([Path(p) for p in args.paths], Path(args.out), config, overwrite=args.overwrite)
    if not args.quiet:
        counts = ", ".join(f"{k} {v}" for k, v in summary.counts.items() if v)
        print(f"{summary.n_ok}/{summary.n_inputs} documents ok, {summary.n_errors} failed → {summary.out_dir} ({counts})")
    return EXIT_PARTIAL if summary.n_errors else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="yanbao", description="Chinese financial research articles → source-grounded datasets.")
    parser.add_argument("--version", action="version", version=f"yanbao {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress and warnings")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="extract every table from files and folders of articles")
    run.add_argument("paths", nargs="+", help="files or folders (.txt .md .html .htm), folders recursively")
    run.add_argument("--out", default="outputs/latest", help="output folder (default outputs/latest)")
    run.add_argument("--config", type=Path, help="a TOML file with RunConfig fields")
    run.add_argument("--extractors", help="comma-separated extractor names (default: all configured)")
    run.add_argument("--opencc", choices=["t2s", "hk2s", "tw2s", "tw2sp"], help="OpenCC conversion to Simplified")
    run.add_argument("--overwrite", action="store_true", help="replace an output folder holding another run")
    run.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    run.set_defaults(func=cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        logging.basicConfig(
            level=logging.INFO if args.verbose else logging.ERROR, format="%(levelname)s %(name)s: %(message)s"
        )
        return int(args.func(args))
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except YanbaoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

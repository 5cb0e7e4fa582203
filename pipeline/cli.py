"""The `yanbao` command line. Each subcommand is a module in pipeline/commands/ with a `register` function.

Misuse gets one line on stderr and exit code 2; a partial failure of a batch exits 1.
"""

from __future__ import annotations

import argparse
import atexit
import importlib
import logging
import os
import pkgutil
import sys

from pipeline import __version__
from pipeline.errors import UsageError, YanbaoError

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, never a usage dump or traceback
        raise UsageError(f"{self.prog}: {message} (see --help)")


def build_parser() -> argparse.ArgumentParser:
    from pipeline import commands

    parser = _Parser(prog="yanbao", description="Chinese financial research articles → source-grounded datasets.")
    parser.add_argument("--version", action="version", version=f"yanbao {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress and warnings")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"{commands.__name__}.{module.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        logging.basicConfig(
            level=logging.INFO if args.verbose else logging.ERROR, format="%(levelname)s %(name)s: %(message)s"
        )
        return int(args.func(args))
    except (UsageError, YanbaoError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def entry() -> None:
    """The `yanbao` command: `main`, then a quick exit. By then every output is written and closed; the exit
    handlers still run (logging, multiprocessing and temp-dir cleanup), but the interpreter's teardown of
    every loaded module and model (0.3-0.5 s after a run) is skipped. A SystemExit (--help, --version)
    leaves the usual way."""
    code = main()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()

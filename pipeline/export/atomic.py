"""Atomic output files: written under a hidden temp name in the same folder, fsynced, then renamed into place."""

from __future__ import annotations

import os
from pathlib import Path

TMP_MARKER = ".tmp-"


def temp_path(path: Path) -> Path:
    """The hidden sibling a file is written to before it is renamed to `path`."""
    return path.with_name(f".{path.name}{TMP_MARKER}{os.getpid()}")


def publish(tmp: Path, path: Path) -> Path:
    """fsync `tmp` and rename it over `path`: readers see the old file or the new one, never a part."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return path


def remove_stale_temps(directory: Path, names: list[str]) -> None:
    """Delete temp files that killed runs left behind for these output names."""
    for name in names:
        for stale in directory.glob(f".{name}{TMP_MARKER}*"):
            stale.unlink(missing_ok=True)

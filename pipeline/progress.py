"""Run progress on stderr: a rich bar with documents/s and ETA on a terminal, periodic log lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import IO, Protocol


class Progress(Protocol):
    def start(self, total: int, cached: int) -> None: ...
    def advance(self, cached: bool) -> None: ...
    def close(self) -> None: ...


class Silent:
    def start(self, total: int, cached: int) -> None:
        pass

    def advance(self, cached: bool) -> None:
        pass

    def close(self) -> None:
        pass


class LogLines:
    """One plain line every `every_s` seconds (and at the end): for logs, CI and pipes."""

    def __init__(self, stream: IO[str], every_s: float = 10.0) -> None:
        self.stream, self.every_s = stream, every_s
        self.total = self.done = self.cached = 0
        self._started = self._last = 0.0

    def start(self, total: int, cached: int) -> None:
        self.total = total
        self._started = self._last = time.perf_counter()
        print(f"yanbao: {total} documents, {cached} unchanged since the last run", file=self.stream, flush=True)

    def advance(self, cached: bool) -> None:
        self.done += 1
        self.cached += cached
        now = time.perf_counter()
        if now - self._last >= self.every_s:
            self._last = now
            self._line(now)

    def _line(self, now: float) -> None:
        elapsed = max(now - self._started, 1e-9)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate else 0.0
        print(
            f"yanbao: {self.done}/{self.total} documents ({self.cached} cached), {rate:.1f} docs/s, ETA {eta:.0f} s",
            file=self.stream,
            flush=True,
        )

    def close(self) -> None:
        if self.total:
            self._line(time.perf_counter())


class Bar:
    """rich's progress bar: documents done, documents/s, elapsed and remaining time."""

    def __init__(self, stream: IO[str]) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        self._progress = RichProgress(
            TextColumn("[bold]yanbao[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} docs/s"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(file=stream),
            transient=False,
        )
        self._task = None
        self._started = 0.0
        self._done = 0

    def start(self, total: int, cached: int) -> None:
        self._progress.start()
        self._task = self._progress.add_task("run", total=total, rate="-")
        self._started = time.perf_counter()

    def advance(self, cached: bool) -> None:
        self._done += 1
        rate = self._done / max(time.perf_counter() - self._started, 1e-9)
        self._progress.update(self._task, advance=1, rate=f"{rate:.1f}")

    def close(self) -> None:
        self._progress.stop()


def make_progress(quiet: bool, stream: IO[str] | None = None) -> Progress:
    """Nothing with --quiet; a bar when stderr is a terminal; log lines when it is not."""
    stream = stream or sys.stderr
    if quiet:
        return Silent()
    return Bar(stream) if stream.isatty() else LogLines(stream)

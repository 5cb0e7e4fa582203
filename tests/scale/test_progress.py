"""Progress: nothing when quiet, a rich bar on a terminal, plain lines in a log."""

from __future__ import annotations

import io

from pipeline.progress import Bar, LogLines, Silent, make_progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_quiet_terminal_and_log_get_the_right_reporter() -> None:
    assert isinstance(make_progress(True, _Terminal()), Silent)
    assert isinstance(make_progress(False, _Terminal()), Bar)
    assert isinstance(make_progress(False, io.StringIO()), LogLines)


def test_log_lines_report_counts_rate_and_cached() -> None:
    stream = io.StringIO()
    progress = LogLines(stream, every_s=0.0)
    progress.start(3, 1)
    for cached in (True, False, False):
        progress.advance(cached)
    progress.close()
    lines = stream.getvalue().splitlines()
    assert lines[0] == "yanbao: 3 documents, 1 unchanged since the last run"
    assert lines[-1].startswith("yanbao: 3/3 documents (1 cached)") and "docs/s" in lines[-1]


def test_the_bar_draws_documents_per_second() -> None:
    stream = _Terminal()
    progress = Bar(stream)
    progress.start(2, 0)
    progress.advance(False)
    progress.advance(False)
    progress.close()
    assert "2/2" in stream.getvalue() and "docs/s" in stream.getvalue()

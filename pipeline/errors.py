"""The one exception hierarchy of yanbao: every failure says what was wrong with which input."""

from __future__ import annotations


class YanbaoError(Exception):
    """Base of every error yanbao raises on purpose."""

    stage = "pipeline"


class UsageError(YanbaoError):
    """The command line or configuration was misused (exit code 2)."""

    stage = "cli"


class IngestError(YanbaoError):
    """An input file could not be read or decoded."""

    stage = "ingest"


class UnsupportedInput(IngestError):
    """The file's extension or content type is not one yanbao reads."""


class NormalizeError(YanbaoError):
    stage = "normalize"


class SegmentError(YanbaoError):
    stage = "segment"


class ExtractError(YanbaoError):
    stage = "extract"


class ExportError(YanbaoError):
    stage = "export"

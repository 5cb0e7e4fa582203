"""A per-document task that kills its own worker process on documents named poison*: a stand-in for a segfault.

Importable by pool workers because the tests' folder is on sys.path, which spawned workers inherit.
"""

from __future__ import annotations

import os

from pipeline.config import RunConfig
from pipeline.ingest.sources import Source
from pipeline.process import DocumentResult, process_source


def process_or_crash(source: Source, config: RunConfig) -> DocumentResult:
    if source.path.name.startswith("poison"):
        os._exit(3)
    return process_source(source, config)

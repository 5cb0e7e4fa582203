"""The local pool's fork server: workers fork from a clean server process that has imported the pipeline.

`start_early` launches that server before the run command imports the pipeline itself, so the two imports
(over a second each: spaCy, jieba, the extractors) run side by side instead of one after the other. This
module imports nothing heavy for that reason.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver

PRELOAD = ["pipeline.process"]


def context() -> multiprocessing.context.ForkServerContext:
    """The forkserver context, with the pipeline preloaded in the server."""
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(PRELOAD)
    return forkserver


def start_early() -> None:
    """Start the fork server now (a no-op when it runs already)."""
    context()
    multiprocessing.forkserver.ensure_running()

"""The local pool's fork server: workers fork from a server process that has imported the pipeline and
warmed it (models, lexicons, compiled patterns) for the run's config, so each worker starts ready.

`start_early` launches that server before the run command imports the pipeline itself, so the server's
import and warm-up (about two seconds) run beside the command's own start instead of after it. This module
imports nothing heavy for that reason. The config reaches the server through its environment (CONFIG_ENV,
read by pipeline/_preload.py): the stdlib server only imports modules.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os

PRELOAD = ["pipeline._preload"]
CONFIG_ENV = "YANBAO_WARM_CONFIG"


def context() -> multiprocessing.context.ForkServerContext:
    """The forkserver context, with the pipeline preloaded in the server."""
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(PRELOAD)
    return forkserver


def start_early(config_json: str | None = None) -> None:
    """Start the fork server now, warmed for the config given as JSON (a no-op when it runs already: a
    server warmed for another config still serves, and each worker warms what differs)."""
    context()
    if config_json is not None:
        os.environ[CONFIG_ENV] = config_json
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        os.environ.pop(CONFIG_ENV, None)

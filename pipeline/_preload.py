"""Imported by the local pool's fork server before it forks any worker (forkserver.PRELOAD): the pipeline,
and its warm-up for the run's config when the run passed one (forkserver.CONFIG_ENV). Never raises: the
server dies on any error but an ImportError here, and the workers warm themselves anyway."""

from __future__ import annotations

import logging
import os

from pipeline.executors import warm_up
from pipeline.forkserver import CONFIG_ENV

try:
    if _config := os.environ.get(CONFIG_ENV):
        from pipeline.config import RunConfig

        warm_up(RunConfig.model_validate_json(_config))
except Exception:
    logging.getLogger(__name__).debug("fork server warm-up failed; each worker warms itself", exc_info=True)

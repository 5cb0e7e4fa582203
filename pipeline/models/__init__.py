"""Trained model extractors' training code: each module defines `train(out_dir, seed) -> metrics` and `NAME`.

Models are trained by `yanbao train` from the project's own annotations in pipeline/resources/training/
(the seed gold is never used), seeded and reproducible, and shipped small under
pipeline/resources/models/<NAME>/.
"""

from __future__ import annotations

import importlib
import pkgutil
from importlib import resources
from pathlib import Path
from types import ModuleType


def model_dir(name: str) -> Path:
    """Where the shipped model `name` lives inside the package."""
    return Path(str(resources.files("pipeline.resources"))) / "models" / name


def trainers() -> dict[str, ModuleType]:
    import pipeline.models as package

    out = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if hasattr(module, "train") and hasattr(module, "NAME"):
            out[module.NAME] = module
    return out

"""Loads the normalize stage's YAML data files from pipeline/resources/normalize/."""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources
from typing import Any

from pipeline.resources import parse_yaml


@cache
def load_lexicon(name: str) -> dict[str, Any]:
    """Parsed contents of ``pipeline/resources/normalize/<name>.yaml``."""
    path = resources.files("pipeline.resources").joinpath(f"normalize/{name}.yaml")
    return parse_yaml(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def common_chars() -> frozenset[str]:
    """The ~3,500 most frequent Chinese characters with their Traditional forms (shared with ingest)."""
    path = resources.files("pipeline.resources").joinpath("ingest/common_chars.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset("".join(line for line in lines if not line.startswith("#")))

"""Data files of yanbao (lexicons, grammars, gazetteer, trained models), and the one YAML reader for them."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import IO, Any

import yaml

# libyaml's C loader parses the 500-entry gazetteer ~10x faster than the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(source: str | IO[str]) -> Any:
    """Parse YAML safely (no arbitrary objects), with the C loader when PyYAML has it."""
    return yaml.load(source, Loader=_LOADER)


@cache
def resource_yaml(relative_path: str) -> Any:
    """A packaged YAML data file (e.g. `figures/attribution.yaml`), parsed once per process."""
    text = resources.files("pipeline.resources").joinpath(relative_path).read_text("utf-8")
    return parse_yaml(text)

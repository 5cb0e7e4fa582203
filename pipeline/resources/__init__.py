"""Data files of yanbao (lexicons, grammars, gazetteer, trained models), and the one YAML reader for them."""

from __future__ import annotations

from typing import IO, Any

import yaml

# libyaml's C loader parses the 500-entry gazetteer ~10x faster than the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(source: str | IO[str]) -> Any:
    """Parse YAML safely (no arbitrary objects), with the C loader when PyYAML has it."""
    return yaml.load(source, Loader=_LOADER)

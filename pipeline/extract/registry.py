"""The extractor registry: each extractor is one module that registers itself with a name and a version.

Adding an extractor is adding a module under pipeline/extract/ that calls `register`; the pipeline
discovers it, orders it after the tables it requires, and records `name@version` in every row it
produces and in the run manifest.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.config import ExtractConfig
from pipeline.errors import UsageError
from pipeline.extract.periods import Period, find_periods
from pipeline.extract.quantities import Quantity, find_quantities
from pipeline.normalize import NormalizedText
from pipeline.records import Record
from pipeline.segment import Segmented


@dataclass
class ExtractionContext:
    """What an extractor sees: the document at every stage, and the tables extracted before it."""

    doc_id: str
    norm: NormalizedText
    seg: Segmented
    config: ExtractConfig
    results: dict[str, list[Record]] = field(default_factory=dict)
    _quantities: dict[str, list[Quantity]] = field(default_factory=dict, repr=False)
    _periods: dict[str, list[Period]] = field(default_factory=dict, repr=False)

    def periods(self, text: str) -> list[Period]:
        """find_periods of a sentence, computed once per document."""
        if text not in self._periods:
            self._periods[text] = find_periods(text)
        return self._periods[text]

    def quantities(self, text: str) -> list[Quantity]:
        """find_quantities of a sentence with this run's default dollar, computed once per document
        (figures and claims read the same sentences)."""
        if text not in self._quantities:
            self._quantities[text] = find_quantities(
                text, default_dollar=self.config.default_dollar_currency, periods=self.periods(text)
            )
        return self._quantities[text]


ExtractFn = Callable[[ExtractionContext, "Extractor"], list[Record]]


@dataclass(frozen=True)
class Extractor:
    name: str
    version: str
    produces: str
    requires: tuple[str, ...]
    func: ExtractFn

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    def __call__(self, ctx: ExtractionContext) -> list[Record]:
        return self.func(ctx, self)


_REGISTRY: dict[str, Extractor] = {}


def register(name: str, version: str, produces: str, requires: tuple[str, ...] = ()) -> Callable[[ExtractFn], ExtractFn]:
    """Decorator: register `func(ctx, extractor) -> records` as extractor `name`."""

    def wrap(func: ExtractFn) -> ExtractFn:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise ValueError(f"two extractors are registered as {name!r}")
        _REGISTRY[name] = Extractor(name, version, produces, requires, func)
        return func

    return wrap


@lru_cache(maxsize=1)
def _discover() -> None:
    import pipeline.extract as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")


def available() -> dict[str, Extractor]:
    _discover()
    return dict(_REGISTRY)


def resolve(names: tuple[str, ...]) -> list[Extractor]:
    """The named extractors in an order where every required table is produced first."""
    registry = available()
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise UsageError(f"unknown extractor(s) {', '.join(unknown)}; available: {', '.join(sorted(registry))}")
    chosen = [registry[n] for n in names]
    ordered: list[Extractor] = []
    produced: set[str] = set()
    pending = list(chosen)
    while pending:
        ready = [e for e in pending if all(r in produced or r not in {c.produces for c in chosen} for r in e.requires)]
        if not ready:
            raise ValueError("extractor requirements form a cycle: " + ", ".join(e.name for e in pending))
        for extractor in ready:
            ordered.append(extractor)
            produced.add(extractor.produces)
            pending.remove(extractor)
    return ordered

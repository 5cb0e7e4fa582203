"""Load the entity gazetteer (canonical ids with their names, tickers and misspellings) and index it
for exact surface lookup across scripts (Traditional surfaces also resolve through Simplified)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import opencc
import yaml

from pipeline.errors import ExtractError
from pipeline.resources import parse_yaml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "resources" / "entities" / "gazetteer.yaml"
ENTITY_TYPES = ("ORG", "PRODUCT", "PERSON")
JIEBA_TAGS = {"ORG": "nt", "PRODUCT": "nz", "PERSON": "nr"}
# High enough that jieba keeps a gazetteer name whole instead of splitting it into common words.
JIEBA_FREQ = 20000
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Short Latin forms (AMD, CKS, MS, GS) are matched case-sensitively: "ms" or "Gs" are not the entity.
SHORT_LATIN_RE = re.compile(r"^[\x21-\x7e]{1,3}$")
REQUIRED_KEYS = frozenset({"id", "type", "names"})
OPTIONAL_KEYS = frozenset({"tickers", "misspellings", "parent", "role", "context"})
LIST_KEYS = ("names", "tickers", "misspellings", "context")


class GazetteerError(ExtractError):
    """The gazetteer file is malformed: bad entries, duplicate ids, or one surface naming two entities."""


@dataclass(frozen=True)
class GazetteerEntry:
    id: str
    type: str
    names: tuple[str, ...]
    tickers: tuple[str, ...]
    misspellings: tuple[str, ...]
    parent: str | None
    role: str | None
    context: tuple[str, ...]

    def forms(self) -> tuple[str, ...]:
        """Every surface written in the file for this entity: names, tickers, then misspellings."""
        return self.names + self.tickers + self.misspellings


@lru_cache(maxsize=1)
def _t2s_converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Simplified form of a (possibly Traditional or mixed) string."""
    return _t2s_converter().convert(text)


def surface_key(surface: str) -> str:
    """Index key of a surface: NFKC-folded (full-width Latin), case-folded unless it is short Latin."""
    folded = unicodedata.normalize("NFKC", surface).strip()
    return folded if SHORT_LATIN_RE.match(folded) else folded.casefold()


@dataclass(frozen=True)
class Gazetteer:
    entries: dict[str, GazetteerEntry]
    _forms: dict[str, str] = field(init=False, repr=False, compare=False)
    _index: dict[str, str] = field(init=False, repr=False, compare=False)
    _misspelled: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        forms, index, misspelled = _build_index(self.entries)
        object.__setattr__(self, "_forms", forms)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_misspelled", misspelled)

    def lookup(self, surface: str) -> GazetteerEntry | None:
        """The entry whose name, ticker or misspelling is `surface` exactly (modulo case for Latin
        longer than three characters), trying the surface as written, then its Simplified form."""
        for candidate in (surface, to_simplified(surface)):
            entity_id = self._index.get(surface_key(candidate))
            if entity_id is not None:
                return self.entries[entity_id]
        return None

    def is_misspelling(self, surface: str) -> bool:
        """True when `surface` resolves only through a listed misspelling (matchers lower confidence)."""
        return surface_key(surface) in self._misspelled or surface_key(to_simplified(surface)) in self._misspelled

    def surface_forms(self) -> dict[str, str]:
        """Every surface form (names, tickers, misspellings and their Simplified forms) -> entity id."""
        return dict(self._forms)

    def jieba_user_dict_lines(self) -> list[str]:
        """`word freq tag` lines for jieba's user dictionary; forms with whitespace are left out
        because jieba splits on whitespace before consulting its dictionary."""
        lines = []
        for form, entity_id in sorted(self._forms.items()):
            if not any(ch.isspace() for ch in form):
                lines.append(f"{form} {JIEBA_FREQ} {JIEBA_TAGS[self.entries[entity_id].type]}")
        return lines


def _build_index(entries: dict[str, GazetteerEntry]) -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    """Surface -> id maps (exact and by key); raise on any surface claimed by two entities."""
    forms: dict[str, str] = {}
    index: dict[str, str] = {}
    misspelled: set[str] = set()
    clashes: dict[str, set[str]] = {}
    for entry in entries.values():
        correct = entry.names + entry.tickers
        correct_keys = {surface_key(f) for f in correct} | {surface_key(to_simplified(f)) for f in correct}
        for written in entry.forms():
            for form in dict.fromkeys((written, to_simplified(written))):
                key = surface_key(form)
                owner = index.setdefault(key, entry.id)
                if owner != entry.id:
                    clashes.setdefault(form, {owner}).add(entry.id)
                    continue
                forms.setdefault(form, entry.id)
                if key not in correct_keys and written in entry.misspellings:
                    misspelled.add(key)
    if clashes:
        listed = "; ".join(f"{form!r} -> {', '.join(sorted(ids))}" for form, ids in sorted(clashes.items()))
        raise GazetteerError(f"surface forms name more than one entity: {listed}")
    return forms, index, frozenset(misspelled)


def _entry_problems(raw: object, position: int) -> list[str]:
    """Everything wrong with one raw YAML entry, as messages naming the entry."""
    if not isinstance(raw, dict):
        return [f"entry #{position}: expected a mapping, got {type(raw).__name__}"]
    label = f"entry #{position} ({raw.get('id', '?')})"
    problems = [f"{label}: missing key {k!r}" for k in sorted(REQUIRED_KEYS - raw.keys())]
    problems += [f"{label}: unknown key {k!r}" for k in sorted(raw.keys() - REQUIRED_KEYS - OPTIONAL_KEYS)]
    if not isinstance(raw.get("id"), str) or not SLUG_RE.match(raw["id"]):
        problems.append(f"{label}: id must be a lowercase ascii slug like 'core-scientific'")
    if raw.get("type") not in ENTITY_TYPES:
        problems.append(f"{label}: type {raw.get('type')!r} is not one of {', '.join(ENTITY_TYPES)}")
    for key in LIST_KEYS:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            problems.append(f"{label}: {key} must be a list of non-empty strings (quote YAML booleans)")
    if not raw.get("names"):
        problems.append(f"{label}: names must not be empty")
    for key in ("parent", "role"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            problems.append(f"{label}: {key} must be a string or null")
    if raw.get("role") is not None and raw.get("type") != "PERSON":
        problems.append(f"{label}: only a PERSON may carry a role")
    return problems


def _to_entry(raw: dict) -> GazetteerEntry:
    def strings(key: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v.strip() for v in raw.get(key) or []))

    return GazetteerEntry(
        id=raw["id"],
        type=raw["type"],
        names=strings("names"),
        tickers=strings("tickers"),
        misspellings=strings("misspellings"),
        parent=raw.get("parent"),
        role=raw.get("role"),
        context=strings("context"),
    )


def _parent_problems(entries: dict[str, GazetteerEntry]) -> list[str]:
    problems = []
    for entry in entries.values():
        seen = {entry.id}
        parent = entry.parent
        while parent is not None:
            if parent not in entries:
                problems.append(f"{entry.id}: parent {parent!r} is not a gazetteer id")
                break
            if parent in seen:
                problems.append(f"{entry.id}: parent chain loops through {parent!r}")
                break
            seen.add(parent)
            parent = entries[parent].parent
    return problems


def parse_gazetteer(raw_entries: object, source: str = "<gazetteer>") -> Gazetteer:
    """Validate parsed YAML (a list of entry mappings) and build the gazetteer; all problems are
    reported together in one GazetteerError."""
    if not isinstance(raw_entries, list):
        raise GazetteerError(f"{source}: expected a YAML list of entries")
    problems = [p for i, raw in enumerate(raw_entries, 1) for p in _entry_problems(raw, i)]
    if problems:
        raise GazetteerError(f"{source}: " + "; ".join(problems))
    entries: dict[str, GazetteerEntry] = {}
    duplicates = []
    for raw in raw_entries:
        if raw["id"] in entries:
            duplicates.append(raw["id"])
        entries[raw["id"]] = _to_entry(raw)
    if duplicates:
        raise GazetteerError(f"{source}: duplicate ids: {', '.join(sorted(set(duplicates)))}")
    problems = _parent_problems(entries)
    if problems:
        raise GazetteerError(f"{source}: " + "; ".join(problems))
    try:
        return Gazetteer(entries)
    except GazetteerError as exc:
        raise GazetteerError(f"{source}: {exc}") from None


@lru_cache(maxsize=8)
def _load_cached(path: Path) -> Gazetteer:
    try:
        raw_entries = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GazetteerError(f"cannot read gazetteer {path}: {exc}") from exc
    return parse_gazetteer(raw_entries, str(path))


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """The gazetteer at `path` (default: the packaged one), parsed once per path and cached."""
    if path is None:
        return _default_gazetteer()  # every extractor asks for it per document: skip resolving the path
    return _load_cached(path.resolve())


@lru_cache(maxsize=1)
def _default_gazetteer() -> Gazetteer:
    return _load_cached(DEFAULT_PATH.resolve())

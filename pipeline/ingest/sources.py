"""Find input files under the paths a user gave, in a deterministic order, and name their documents."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import UsageError


@dataclass(frozen=True)
class Source:
    path: Path
    doc_id: str


def doc_id_for(path: Path, root: Path) -> str:
    """The path relative to its input root, without extension, with forward slashes."""
    rel = path.relative_to(root) if root != path else Path(path.name)
    return rel.with_suffix("").as_posix()


def discover(paths: list[Path], extensions: tuple[str, ...]) -> tuple[list[Source], list[Path]]:
    """Expand files and folders (recursively, sorted) into sources; also return skipped files.

    Skipped files are those under a folder whose extension yanbao does not read (gold files, images);
    a file named explicitly is always returned so that an unsupported one becomes an error row.
    """
    sources: list[Source] = []
    skipped: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        if not given.exists() and not given.is_symlink():
            raise UsageError(f"input path does not exist: {given}")
        if given.is_dir():
            for path in sorted(p for p in given.rglob("*") if not p.is_dir()):
                if any(part.startswith(".") for part in path.relative_to(given).parts):
                    continue
                if path.suffix.lower() in extensions and path.resolve() not in seen:
                    seen.add(path.resolve())
                    sources.append(Source(path, doc_id_for(path, given)))
                elif path.suffix.lower() not in extensions:
                    skipped.append(path)
        elif given.resolve() not in seen:
            seen.add(given.resolve())
            sources.append(Source(given, doc_id_for(given, given.parent)))
    _dedupe_doc_ids(sources)
    return sources, skipped


def _dedupe_doc_ids(sources: list[Source]) -> None:
    """Two inputs with the same doc_id (a.txt and a.html) keep their extension to stay distinct."""
    counts: dict[str, int] = {}
    for source in sources:
        counts[source.doc_id] = counts.get(source.doc_id, 0) + 1
    for i, source in enumerate(sources):
        if counts[source.doc_id] > 1:
            sources[i] = Source(source.path, f"{source.doc_id}{source.path.suffix.lower()}")

"""Run folders for the review tests: constructed ones (fast) and real runs of the seed article (shared)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from review_builders import EDIT_PREFIX, FACTS, XSS_ARTICLE, facts_run, write_run

from pipeline.config import ExportConfig, RunConfig
from pipeline.run import execute


@pytest.fixture(scope="module")
def lexicon_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The facts corpus extracted with lexicon v1, then with v2."""
    root = tmp_path_factory.mktemp("lexicon")
    return write_run(root / "v1", facts_run()), write_run(root / "v2", facts_run(lexicon="v2"))


@pytest.fixture(scope="module")
def edited_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The facts corpus, then the same facts after an editor's note was inserted before them."""
    root = tmp_path_factory.mktemp("edited")
    return write_run(root / "a", facts_run()), write_run(root / "b", facts_run(EDIT_PREFIX + FACTS))


def _run(inputs: Path, out: Path) -> Path:
    config = RunConfig(workers=1, cache=False, export=ExportConfig(formats=("jsonl",)))
    execute([inputs], out, config, overwrite=True)
    return out


@pytest.fixture(scope="session")
def seed_runs(tmp_path_factory: pytest.TempPathFactory, seed_path: Path) -> tuple[Path, Path]:
    """Real pipeline runs over the seed article and a hostile article, then over the same folder with a
    paragraph inserted near the seed's start."""
    root = tmp_path_factory.mktemp("seed_runs")
    original, edited = root / "original", root / "edited"
    original.mkdir()
    edited.mkdir()
    raw = seed_path.read_text(encoding="utf-8")
    (original / seed_path.name).write_text(raw, encoding="utf-8")
    cut = raw.index("\n\n") + 2  # after the first paragraph, before every fact
    (edited / seed_path.name).write_text(raw[:cut] + EDIT_PREFIX + raw[cut:], encoding="utf-8")
    for folder in (original, edited):
        (folder / "xss_article.txt").write_text(XSS_ARTICLE, encoding="utf-8")
    return _run(original, root / "run_a"), _run(edited, root / "run_b")

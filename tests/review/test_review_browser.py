"""The review page in a real Chromium: highlights render, clicking a figure shows its fields, hostile article
text stays inert. Driven with playwright's API on the system Chromium (no browser download)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.review.runs import load_run

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TYPES = ("figures", "mentions", "relations", "claims")
SEED = "coreweave_part1"


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory: pytest.TempPathFactory):
    if not CHROMIUM.exists():
        pytest.skip("chromium not installed: run .ci/install-browser")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed: pip install playwright")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            viewport={"width": 1500, "height": 950},
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.errors = errors
        yield page
        context.close()


@pytest.fixture(scope="module")
def review_file(seed_runs: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("review") / "review.html"
    assert main(["review", str(seed_runs[1]), "--against", str(seed_runs[0]), "--out", str(out)]) == 0
    return out


def _open(page, review_file: Path, doc_id: str) -> None:
    page.goto(f"{review_file.as_uri()}#doc={doc_id}")
    page.wait_for_selector("#text-body .hl")


def test_seed_highlights_and_figure_panel(browser_page, review_file: Path, seed_runs: tuple[Path, Path], tmp_path: Path) -> None:
    page = browser_page
    run = load_run(seed_runs[1])
    expected = sum(1 for t in DEFAULT_TYPES for r in run.tables[t] if r.doc_id == SEED)
    _open(page, review_file, SEED)
    rendered = page.evaluate(
        "new Set([...document.querySelectorAll('#text-body .hl')].flatMap(e => e.dataset.recs.split(' '))).size"
    )
    assert rendered == expected > 0
    assert page.locator("#rec-list li").count() == expected

    figure = next(r for r in run.tables["figures"] if r.doc_id == SEED)
    page.locator("#rec-list li", has_text=figure.surface).first.click()
    panel = page.locator("#panel")
    assert panel.locator("h3").first.inner_text().startswith("figures")
    for name in ("surface", "kind", "unit", "low", "high", "qualifier"):
        value = page.locator(f'#panel dd[data-field="{name}"]').inner_text()
        assert value == str(getattr(figure, name)) or value == format(getattr(figure, name))
    assert page.locator("#text-body .hl.selected").count() >= 1

    highlight = page.locator("#text-body .hl.t-figures").first
    highlight.click()
    assert page.locator("#panel .quote").inner_text() in page.locator("#text-body").inner_text()
    page.screenshot(path=str(tmp_path / "review.png"))
    assert (tmp_path / "review.png").stat().st_size > 10_000
    assert page.errors == []


def test_filters_hide_types_and_low_confidence(browser_page, review_file: Path) -> None:
    page = browser_page
    _open(page, review_file, SEED)
    shown = page.locator("#rec-list li").count()
    page.locator("#type-filters input[value=figures]").uncheck()
    assert page.locator("#text-body .hl.t-figures").count() == 0
    assert 0 < page.locator("#rec-list li").count() < shown
    page.locator("#type-filters input[value=figures]").check()
    page.locator("#min-conf").fill("1")
    assert page.locator("#rec-list li").count() < shown
    page.locator("#min-conf").fill("0")
    assert page.locator("#rec-list li").count() == shown


def test_hostile_article_renders_as_inert_text(browser_page, review_file: Path) -> None:
    page = browser_page
    _open(page, review_file, SEED)
    page.locator("#doc-list li", has_text="xss_article").click()
    page.wait_for_selector("#text-body .hl")
    assert page.evaluate("typeof window.__xss") == "undefined"
    text = page.locator("#text-body").inner_text()
    for payload in ("<script>window.__xss=1</script>", '<img src=x onerror="window.__xss=1">',
                    '<a href="javascript:window.__xss=1">', "</textarea><b>粗体</b>"):
        assert payload in text
    injected = page.evaluate("document.querySelectorAll('#text-body script, #text-body img, #text-body a, "
                             "#text-body textarea, #text-body b').length")
    assert injected == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.errors == []

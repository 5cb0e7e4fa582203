"""yanbao normalize stage: repair converter and extraction artefacts, fold, convert to Simplified, align to raw.

Steps run in order: pinyin annotations, HTML tag fragments, entities, odd spaces, GBK mojibake,
private-use characters, full-width folding, script conversion; then title and body detection.
Every step returns (text, alignment to its input, counts); the alignments are composed so the
final text maps back to ``raw_text``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pipeline.config import NormalizeConfig
from pipeline.normalize.alignment import Alignment, apply_edits
from pipeline.normalize.fullwidth import fold_fullwidth
from pipeline.normalize.furniture import Layout, find_layout
from pipeline.normalize.html_remnants import (
    remove_private_use,
    remove_tag_fragments,
    repair_html_entities,
    replace_nonbreaking_spaces,
)
from pipeline.normalize.mojibake import repair_gbk_mojibake
from pipeline.normalize.pinyin import strip_pinyin_annotations
from pipeline.normalize.script import convert_to_simplified, detect_script

__all__ = ["Alignment", "NormalizedText", "apply_edits", "normalize"]

Span = tuple[int, int]
Step = Callable[[str], tuple[str, Alignment, dict[str, int]]]


@dataclass(frozen=True)
class NormalizedText:
    raw_text: str
    text: str
    alignment: Alignment
    script: Literal["traditional", "simplified", "mixed"]
    title: str | None
    title_span: Span | None
    body: tuple[Span, ...]
    corrupt: tuple[Span, ...]
    quality: dict[str, int]


class _Run:
    """Accumulates the text, its alignment to raw, the counts and the corrupt ranges across steps."""

    def __init__(self, raw_text: str) -> None:
        self.text = raw_text
        self.alignment = Alignment.identity(len(raw_text))
        self.quality: dict[str, int] = {}
        self.corrupt: list[Span] = []

    def advance(self, text: str, step: Alignment, counts: dict[str, int]) -> None:
        self.quality.update(counts)
        if text == self.text and len(step) == len(self.text) and step.is_identity():
            return
        self.corrupt = [span for span in (step.to_norm(s, e) for s, e in self.corrupt) if span[0] < span[1]]
        self.alignment = self.alignment.compose(step)
        self.text = text

    def apply(self, step: Step) -> None:
        self.advance(*step(self.text))


def _raw_body(layout: Layout, alignment: Alignment) -> tuple[Span, ...]:
    spans = (alignment.to_raw(start, end) for start, end in layout.body)
    return tuple(span for span in spans if span[0] < span[1])


def normalize(raw_text: str, config: NormalizeConfig | None = None) -> NormalizedText:
    """Normalize one decoded text (``\\n`` line endings) and align every normalized offset to it."""
    config = config or NormalizeConfig()
    run = _Run(raw_text)
    if config.strip_pinyin:
        run.apply(strip_pinyin_annotations)
    if config.repair_html_remnants:
        run.apply(remove_tag_fragments)
        run.apply(repair_html_entities)
        run.apply(replace_nonbreaking_spaces)
    if config.repair_mojibake:
        text, step, counts, corrupt = repair_gbk_mojibake(run.text)
        run.advance(text, step, counts)
        run.corrupt = corrupt
    if config.repair_html_remnants:
        # After mojibake repair: GBK user-defined characters decode as private use and hold bytes it needs.
        run.apply(remove_private_use)
    if config.fold_fullwidth:
        run.apply(fold_fullwidth)
    script = detect_script(run.text)
    run.apply(lambda text: convert_to_simplified(text, config.opencc_config))

    if config.detect_furniture:
        layout = find_layout(run.text)
    else:
        layout = Layout(None, None, ((0, len(run.text)),))
    body = _raw_body(layout, run.alignment) if layout.body != ((0, len(run.text)),) else ((0, len(raw_text)),)
    run.quality["furniture_chars"] = len(raw_text) - sum(end - start for start, end in body)
    return NormalizedText(
        raw_text=raw_text,
        text=run.text,
        alignment=run.alignment,
        script=script,
        title=layout.title,
        title_span=None if layout.title_span is None else run.alignment.to_raw(*layout.title_span),
        body=body,
        corrupt=tuple(run.corrupt),
        quality=run.quality,
    )

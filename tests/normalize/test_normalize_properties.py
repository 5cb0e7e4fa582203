"""Property tests of normalize(): the alignment is sound for any input, and clean text maps to itself."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import NormalizeConfig
from pipeline.normalize import NormalizedText, normalize
from pipeline.normalize.script import converter

ARTEFACTS = [
    "錯(cuò)",
    "O(shè)penAI",
    "?yán)",
    "?(shù)",
    "(i)",
    "(GPU/CPU)",
    "&ldquo;",
    "?ldquo;",
    "ldquo;",
    "&#8220;",
    "<strong>",
    "?/strong>",
    "</p>",
    "\xa0",
    "\ue20b",
    "１２％",
    "３～５",
    "１，０００",
    "？",
    "。",
    "斫庖幌翧I",
    "倷C房",
    "\ufffd",
    "?",
    "英偉達",
    "英伟达",
    "干兒子",
    "雲",
    "\n",
    "訂閱\n",
    "- END -\n",
    "<正文結束>\n",
    "原文標題:",
    "免責聲明",
    "3~5個(gè)月",
    "ＡＩ",
    "\u3000",
]
CLEAN = st.text(
    alphabet="英伟达的客户集中度很高毛利率增长云服务公司AIGPU0123456789%.,~ 。！？“”()\n", max_size=60
)
MESSY = st.lists(st.one_of(st.sampled_from(ARTEFACTS), st.text(max_size=3)), max_size=25).map("".join)


def check_alignment(result: NormalizedText) -> None:
    alignment = result.alignment
    start, end = alignment.raw_start, alignment.raw_end
    assert len(alignment) == len(result.text) and alignment.raw_len == len(result.raw_text)
    assert np.all(start <= end) and np.all(np.diff(start) >= 0) and np.all(np.diff(end) >= 0)
    if len(alignment):
        assert start[0] >= 0 and end[-1] <= len(result.raw_text)
    for s, e in result.corrupt:
        assert 0 <= s < e <= len(result.text)
    for s, e in result.body:
        assert 0 <= s <= e <= len(result.raw_text)
    if result.title_span is not None:
        assert result.raw_text[slice(*result.title_span)].strip()


@settings(max_examples=150, deadline=None)
@given(MESSY)
def test_alignment_is_sound_for_any_input(middle: str) -> None:
    raw = "甲" + middle + "乙"
    result = normalize(raw)
    check_alignment(result)
    n = len(result.text)
    assert result.alignment.to_raw(0, n) == (0, len(raw))
    images = result.alignment.raw_end - result.alignment.raw_start
    for norm_start in range(0, n, 3):
        norm_end = min(n, norm_start + 4)
        if images[norm_start] > 0 and images[norm_end - 1] > 0:
            raw_span = result.alignment.to_raw(norm_start, norm_end)
            assert result.alignment.to_raw(*result.alignment.to_norm(*raw_span)) == raw_span


@settings(max_examples=100, deadline=None)
@given(CLEAN)
def test_clean_simplified_text_maps_to_itself(raw: str) -> None:
    result = normalize(raw)
    assert result.text == raw
    assert result.alignment.is_identity()
    assert result.corrupt == ()
    assert sum(v for k, v in result.quality.items() if k != "furniture_chars") == 0


@settings(max_examples=50, deadline=None)
@given(MESSY)
def test_every_step_can_be_switched_off(raw: str) -> None:
    off = NormalizeConfig(
        fold_fullwidth=False,
        strip_pinyin=False,
        repair_html_remnants=False,
        repair_mojibake=False,
        detect_furniture=False,
    )
    result = normalize(raw, off)
    check_alignment(result)
    assert result.body == ((0, len(raw)),) and result.title is None
    assert len(result.text) == len(raw)  # only t2s remains, which is length preserving


@settings(max_examples=50, deadline=None)
@given(
    st.text(alphabet="英偉達的客戶集中度很高毛利率增長雲服務公司AIGPU0123456789%.~ 。！？“”\n", max_size=60)
)
def test_clean_traditional_text_keeps_an_identity_alignment(raw: str) -> None:
    result = normalize(raw)
    assert result.alignment.is_identity()
    assert result.text == converter("t2s").convert(raw)

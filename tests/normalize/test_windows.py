"""Scanning only candidate windows finds exactly the matches of a scan over the whole text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalize.html_remnants import entity_matches, entity_pattern, tag_fragment_matches, tag_pattern
from pipeline.normalize.pinyin import PINYIN_ARTEFACT_RE, artefact_matches
from pipeline.normalize.windows import JOIN_GAP, candidate_windows


def found(matches: object) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in matches]  # type: ignore[attr-defined]


def pieces(*parts: str) -> st.SearchStrategy[str]:
    """Texts glued from artefact-like pieces, single characters and long filler between them."""
    filler = "中文内容" * (JOIN_GAP // 2)
    return st.lists(st.sampled_from(parts + (filler,)), max_size=30).map("".join)


PINYIN_TEXT = pieces("錯", "(cuò)", "(dá)", "cuò", "?", "\ufffd", "(", ")", "a", "O", "(shè)", "yán)", " ", "\n", "ü", "ǎ")
ENTITY_TEXT = pieces("&", "&amp;", "ldquo;", "?nbsp;", "&#8220;", "&#x4e2d;", "&#0;", ";", "a", "Z", "9", "#", "?", "中", " ")
TAG_TEXT = pieces("<", ">", "/", "?", "strong", "p", "b", " class=\"x\"", "   ", "\n", "/>", "<!--", "-->", "中", "a")


def test_windows_cover_runs_with_a_trigger_and_their_lead() -> None:
    text = "中(cuò)中" + "文" * 40 + "ab(c)中x(dá)"
    assert candidate_windows(text, "()abcduxòá", "òá", lead=1) == [(0, 6), (len(text) - 6, len(text))]
    assert candidate_windows("中文(abc)", "()abc", "ò") == []
    assert candidate_windows("", "()", "(") == []


def test_close_windows_are_joined() -> None:
    text = "x;中;y"
    assert candidate_windows(text, "xy;", ";") == [(0, len(text))]


@settings(max_examples=300, deadline=None)
@given(PINYIN_TEXT)
def test_pinyin_windows_find_every_whole_text_match(text: str) -> None:
    assert found(artefact_matches(text)) == found(PINYIN_ARTEFACT_RE.finditer(text))


@settings(max_examples=300, deadline=None)
@given(ENTITY_TEXT)
def test_entity_windows_find_every_whole_text_match(text: str) -> None:
    assert found(entity_matches(text)) == found(entity_pattern().finditer(text))


@settings(max_examples=300, deadline=None)
@given(TAG_TEXT)
def test_tag_windows_find_every_whole_text_match(text: str) -> None:
    assert found(tag_fragment_matches(text)) == found(tag_pattern().finditer(text))


def test_a_tag_with_long_attributes_and_spaces_is_found() -> None:
    text = "中" * 500 + '<span style="' + "x" * 290 + '"' + " " * 700 + "/>文"
    assert found(tag_fragment_matches(text)) == found(tag_pattern().finditer(text)) != []
    assert re.fullmatch(r"<span.*/>", next(tag_fragment_matches(text)).group(), re.DOTALL)

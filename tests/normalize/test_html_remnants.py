"""HTML remnant repair: entities with or without their '&', tag fragments, odd spaces, private use."""

from __future__ import annotations

import pytest

from pipeline.normalize.html_remnants import (
    remove_private_use,
    remove_tag_fragments,
    repair_html_entities,
    replace_nonbreaking_spaces,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("談&ldquo;看得見&rdquo;", "談“看得見”"),
        ("談?ldquo;看得見", "談“看得見"),
        ("談ldquo;看得見", "談“看得見"),
        ("&#8220;x&#x201D;", "“x”"),
        ("a&nbsp;b", "a b"),
        ("&amp;lt;", "&lt;"),
        ("R&amp;D", "R&D"),
    ],
)
def test_entities_are_repaired(raw: str, expected: str) -> None:
    text, alignment, counts = repair_html_entities(raw)
    assert text == expected
    assert counts["html_entities_repaired"] >= 1
    assert alignment.to_raw(0, len(text)) == (0, len(raw))


@pytest.mark.parametrize("raw", ["土建 & 能源", "AT&T", "&unknownname;", "&#0;", "world;ldquo", "coldquo;"])
def test_entities_never_touch_plain_text(raw: str) -> None:
    text, alignment, counts = repair_html_entities(raw)
    assert (text, counts["html_entities_repaired"]) == (raw, 0)
    assert alignment.is_identity()


@pytest.mark.parametrize(
    ("raw", "expected", "count"),
    [
        ("相當集中</strong>。", "相當集中。", 1),
        ("<strong>重點</strong>", "重點", 2),
        ("集?/strong>。", "集?。", 1),
        ("a<br/>b<p class='x'>c", "abc", 2),
        ("a<!-- ad -->b", "ab", 1),
    ],
)
def test_tag_fragments_are_removed(raw: str, expected: str, count: int) -> None:
    text, _, counts = remove_tag_fragments(raw)
    assert (text, counts["tag_fragments_removed"]) == (expected, count)


@pytest.mark.parametrize("raw", ["<正文結束>", "3 < 5 > 2", "a/b>c", "I/O", "<CoreWeave>"])
def test_tags_never_touch_plain_text(raw: str) -> None:
    assert remove_tag_fragments(raw)[0] == raw


def test_nonbreaking_spaces_become_spaces() -> None:
    text, alignment, counts = replace_nonbreaking_spaces("備災:\xa0實時\u202f監控")
    assert text == "備災: 實時 監控"
    assert counts["nbsp_replaced"] == 2 and alignment.is_identity()


def test_private_use_characters_are_removed() -> None:
    text, alignment, counts = remove_private_use("集\ue20b中")
    assert text == "集中" and counts["private_use_removed"] == 1
    assert alignment.to_raw(0, 2) == (0, 3)

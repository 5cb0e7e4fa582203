"""Repair HTML remnants in extracted text: entities, stray tag fragments, odd spaces, private-use characters."""

from __future__ import annotations

import html.entities
import re
import string
from collections.abc import Iterator
from functools import lru_cache

import numpy as np

from pipeline.normalize.alignment import Alignment, Edit, apply_edits
from pipeline.normalize.lexicon import load_lexicon
from pipeline.normalize.windows import Span, candidate_windows

_PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")


@lru_cache(maxsize=1)
def entity_pattern() -> re.Pattern[str]:
    bare = "|".join(sorted(load_lexicon("html")["bare_entities"], key=len, reverse=True))
    # '&name;' for any entity; '?name;' / 'name;' only for the common names whose '&' gets eaten.
    return re.compile(
        rf"&(?P<named>[A-Za-z][A-Za-z0-9]{{1,31}});"
        rf"|&#(?P<dec>[0-9]{{1,7}});|&#[xX](?P<hex>[0-9A-Fa-f]{{1,6}});"
        rf"|(?<![A-Za-z&;])\??(?P<bare>{bare});"
    )


@lru_cache(maxsize=1)
def _entity_chars() -> str:
    """Every character an entity match can hold; each match ends with ';'."""
    bare = "".join(load_lexicon("html")["bare_entities"])
    return "".join(sorted(set(string.ascii_letters + string.digits + "&#?;" + bare)))


def entity_matches(text: str) -> Iterator[re.Match[str]]:
    """``entity_pattern().finditer(text)``, scanning only the runs of entity characters that hold a ';'."""
    pattern = entity_pattern()
    for start, end in candidate_windows(text, _entity_chars(), ";"):
        yield from pattern.finditer(text, start, end)


_ATTRS_MAX = 300


@lru_cache(maxsize=1)
def tag_pattern() -> re.Pattern[str]:
    tags = "|".join(sorted(load_lexicon("html")["tags"], key=len, reverse=True))
    attrs = rf"(?:\s[^<>\n]{{0,{_ATTRS_MAX}}})?"
    return re.compile(
        rf"<!--.*?-->"
        rf"|</?(?:{tags}){attrs}\s*/?>"
        rf"|(?<=\?)/?(?:{tags}){attrs}\s*/?>"
        rf"|(?<![A-Za-z0-9/])/(?:{tags})>",
        re.IGNORECASE | re.DOTALL,
    )


def _spaces_before(text: str, end: int) -> int:
    count = 0
    while count < end and text[end - count - 1].isspace():
        count += 1
    return count


def _tag_windows(text: str) -> list[Span]:
    """Stretches ending at each '>' long enough to hold any tag fragment ending there.

    Outside comments a fragment holds one '>', its last character, so it starts after the previous
    '>'; it is at most '</', a tag name, the attributes, then spaces (counted here) and '/>'.
    """
    longest_tag = max(len(tag) for tag in load_lexicon("html")["tags"])
    windows: list[Span] = []
    after_previous = 0
    close = text.find(">")
    while close >= 0:
        spaces = max(_spaces_before(text, close), _spaces_before(text, close - 1) if close else 0)
        reach = 2 + longest_tag + 1 + _ATTRS_MAX + spaces + 1
        windows.append((max(after_previous, close - reach), close + 1))
        after_previous = close + 1
        close = text.find(">", after_previous)
    return windows


def tag_fragment_matches(text: str) -> Iterator[re.Match[str]]:
    """``tag_pattern().finditer(text)``, scanning only before each '>' unless the text holds a comment."""
    pattern = tag_pattern()
    if "<!--" in text:  # a comment may hold any characters: scan it all
        yield from pattern.finditer(text)
        return
    for start, end in _tag_windows(text):
        yield from pattern.finditer(text, start, end)


def _entity_text(match: re.Match[str]) -> str | None:
    if match.group("named") is not None:
        return html.entities.html5.get(match.group("named") + ";")
    if match.group("bare") is not None:
        return html.entities.html5[match.group("bare") + ";"]
    number = match.group("dec") or match.group("hex")
    code = int(number, 10 if match.group("dec") else 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def repair_html_entities(text: str) -> tuple[str, Alignment, dict[str, int]]:
    """``&ldquo;`` / ``?ldquo;`` / ``ldquo;`` -> ``“``; numeric entities too; unknown names stay."""
    nbsp = set(load_lexicon("html")["nonbreaking_spaces"])
    edits: list[Edit] = []
    for match in entity_matches(text):
        replacement = _entity_text(match)
        if replacement is not None:
            edits.append((match.start(), match.end(), " " if replacement in nbsp else replacement))
    new_text, alignment = apply_edits(text, edits)
    return new_text, alignment, {"html_entities_repaired": len(edits)}


def remove_tag_fragments(text: str) -> tuple[str, Alignment, dict[str, int]]:
    """Delete ``<strong>``, ``</p>``, ``<!-- -->`` and ``/strong>`` after a '?' that ate the '<'.

    That '?' stays: it also holds half of a character garbled by mojibake, which the mojibake step
    absorbs into the run it ends.
    """
    edits: list[Edit] = [(m.start(), m.end(), "") for m in tag_fragment_matches(text)]
    new_text, alignment = apply_edits(text, edits)
    return new_text, alignment, {"tag_fragments_removed": len(edits)}


def replace_nonbreaking_spaces(text: str) -> tuple[str, Alignment, dict[str, int]]:
    """No-break and figure spaces become ordinary spaces (length preserving)."""
    spaces = load_lexicon("html")["nonbreaking_spaces"]
    count = sum(text.count(space) for space in spaces)
    for space in spaces:
        text = text.replace(space, " ")
    return text, Alignment.identity(len(text)), {"nbsp_replaced": count}


def _may_hold_private_use(text: str) -> bool:
    """False when no code point reaches the private-use areas (a vector test, cheaper than the regex scan)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return bool(np.any(((codes >= 0xE000) & (codes <= 0xF8FF)) | (codes >= 0xF0000)))


def remove_private_use(text: str) -> tuple[str, Alignment, dict[str, int]]:
    """Private-use characters carry no meaning outside the font that drew them; drop them."""
    matches = _PRIVATE_USE_RE.finditer(text) if _may_hold_private_use(text) else ()
    edits: list[Edit] = [(m.start(), m.end(), "") for m in matches]
    new_text, alignment = apply_edits(text, edits)
    return new_text, alignment, {"private_use_removed": len(edits)}

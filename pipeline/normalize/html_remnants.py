"""Repair HTML remnants in extracted text: entities, stray tag fragments, odd spaces, private-use characters."""

from __future__ import annotations

import html.entities
import re
from functools import lru_cache

from pipeline.normalize.alignment import Alignment, Edit, apply_edits
from pipeline.normalize.lexicon import load_lexicon

_PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")


@lru_cache(maxsize=1)
def _entity_re() -> re.Pattern[str]:
    bare = "|".join(sorted(load_lexicon("html")["bare_entities"], key=len, reverse=True))
    # '&name;' for any entity; '?name;' / 'name;' only for the common names whose '&' gets eaten.
    return re.compile(
        rf"&(?P<named>[A-Za-z][A-Za-z0-9]{{1,31}});"
        rf"|&#(?P<dec>[0-9]{{1,7}});|&#[xX](?P<hex>[0-9A-Fa-f]{{1,6}});"
        rf"|(?<![A-Za-z&;])\??(?P<bare>{bare});"
    )


@lru_cache(maxsize=1)
def _tag_re() -> re.Pattern[str]:
    tags = "|".join(sorted(load_lexicon("html")["tags"], key=len, reverse=True))
    attrs = r"(?:\s[^<>\n]{0,300})?"
    return re.compile(
        rf"<!--.*?-->"
        rf"|</?(?:{tags}){attrs}\s*/?>"
        rf"|(?<=\?)/?(?:{tags}){attrs}\s*/?>"
        rf"|(?<![A-Za-z0-9/])/(?:{tags})>",
        re.IGNORECASE | re.DOTALL,
    )


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
    for match in _entity_re().finditer(text):
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
    edits: list[Edit] = [(m.start(), m.end(), "") for m in _tag_re().finditer(text)]
    new_text, alignment = apply_edits(text, edits)
    return new_text, alignment, {"tag_fragments_removed": len(edits)}


def replace_nonbreaking_spaces(text: str) -> tuple[str, Alignment, dict[str, int]]:
    """No-break and figure spaces become ordinary spaces (length preserving)."""
    spaces = load_lexicon("html")["nonbreaking_spaces"]
    count = sum(text.count(space) for space in spaces)
    for space in spaces:
        text = text.replace(space, " ")
    return text, Alignment.identity(len(text)), {"nbsp_replaced": count}


def remove_private_use(text: str) -> tuple[str, Alignment, dict[str, int]]:
    """Private-use characters carry no meaning outside the font that drew them; drop them."""
    edits: list[Edit] = [(m.start(), m.end(), "") for m in _PRIVATE_USE_RE.finditer(text)]
    new_text, alignment = apply_edits(text, edits)
    return new_text, alignment, {"private_use_removed": len(edits)}

"""Section headings and their outline levels, read from numbering markers (一、 1.1、 1) a.) and # headings."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Each marker style is (name, pattern); the outline level comes from the order styles nest in.
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("markdown", re.compile(r"^(#{1,6})\s+")),
    ("cn", re.compile(r"^([一二三四五六七八九十]{1,3})[、.．]\s*")),
    ("cn_paren", re.compile(r"^[(（]([一二三四五六七八九十]{1,3})[)）]\s*")),
    ("dotted", re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)[、.．]?\s*(?=[\u4e00-\u9fffA-Za-z“\"])(?![万亿千百倍成元])")),
    ("arabic_dun", re.compile(r"^(\d{1,2})[、．]\s*")),
    ("arabic_paren", re.compile(r"^[(（]?(\d{1,2})[)）]\s*")),
    ("letter", re.compile(r"^([a-z])[.)．]\s*")),
    ("roman", re.compile(r"^([ivx]{1,4})[.)]\s+")),
)
_MAX_HEADING = 40
_HEADING_CUTS = (re.compile(r"[:：]"), re.compile(r"—|--"))


@dataclass(frozen=True)
class HeadingSpan:
    start: int
    end: int
    marker: str
    style: str
    heading_start: int
    level: int


def _style_key(style: str, marker: str) -> str:
    if style == "markdown":
        return f"markdown{len(marker)}"
    if style == "dotted":
        return f"dotted{marker.count('.')}"
    return style


def _heading_end(line: str, body_start: int) -> int | None:
    """Where the heading text ends within its line, or None when the line is prose, not a heading."""
    rest = line[body_start:]
    if not rest.strip():
        return None
    if len(rest) <= _MAX_HEADING and not re.search(r"[。！？!?;；]$", rest.rstrip()):
        return len(line.rstrip())
    for pattern in _HEADING_CUTS:
        cut = pattern.search(rest)
        if cut and 0 < cut.start() <= 30:
            return body_start + cut.start()
    return None


def find_headings(text: str, line_spans: list[tuple[int, int]]) -> list[HeadingSpan]:
    """Headings among the given line spans, with outline levels from marker nesting."""
    stack: list[str] = []
    out: list[HeadingSpan] = []
    for start, end in line_spans:
        line = text[start:end]
        offset = len(line) - len(line.lstrip())
        stripped = line[offset:]
        for style, pattern in _MARKERS:
            match = pattern.match(stripped)
            if not match:
                continue
            heading_end = _heading_end(stripped, match.end())
            if heading_end is None:
                break
            key = _style_key(style, match.group(1))
            if key in stack:
                del stack[stack.index(key) + 1 :]
            else:
                stack.append(key)
            out.append(
                HeadingSpan(
                    start=start + offset,
                    end=start + offset + heading_end,
                    marker=match.group(0).strip(),
                    style=key,
                    heading_start=start + offset + match.end(),
                    level=len(stack),
                )
            )
            break
    return out

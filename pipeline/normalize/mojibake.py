"""Repair GBK mojibake: GBK bytes decoded one byte out of step after a character was lost.

When one byte of a GBK stream is lost, every following double-byte character is decoded from the
trail byte of one character and the lead byte of the next (理解一下A -> 斫庖幌翧) until an ASCII byte
brings the decoder back in step. Re-encoding the run and decoding it one byte later undoes this.
A run is repaired only when the result is plausible text and the run itself looks garbled;
otherwise a run that follows a known lost character is reported as corrupt. Nothing is invented:
a character whose bytes are gone becomes U+FFFD.
"""

from __future__ import annotations

from pipeline.normalize.alignment import Alignment, Edit, apply_edits
from pipeline.normalize.lexicon import common_chars
from pipeline.normalize.pinyin import LOST_CHAR

MAX_RUN = 200
# Characters that GBK holds but ordinary Chinese prose almost never uses: mojibake is full of them.
_ODD_RANGES = (
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x2500, 0x257F),  # box drawing
    (0x3040, 0x30FF),  # kana
    (0x3100, 0x312F),  # bopomofo
    (0xE000, 0xF8FF),  # private use (GBK user-defined areas)
)
_CORRUPT_STOP_STREAK = 4


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch >= "\U00020000"


def is_suspicious(ch: str) -> bool:
    """A character typical of mojibake: a rare ideograph or a GBK symbol outside Chinese prose."""
    if _is_cjk(ch):
        return ch not in common_chars()
    code = ord(ch)
    return any(low <= code <= high for low, high in _ODD_RANGES)


def _double_byte(ch: str) -> bytes | None:
    try:
        encoded = ch.encode("gb18030")
    except UnicodeEncodeError:
        return None
    return encoded if len(encoded) == 2 else None


def _decode_pair(lead: int, trail: int) -> str | None:
    try:
        return bytes((lead, trail)).decode("gb18030")
    except UnicodeDecodeError:
        return None


def shifted_decode(text: str, start: int) -> tuple[int, str] | None:
    """Decode ``text[start:]`` one byte later, up to where the decoder is back in step.

    Returns ``(end, repaired)``: ``text[start:end]`` re-decoded; a lead byte left without its
    trail at the end becomes U+FFFD. None when the shifted bytes are not valid GBK.
    """
    first = _double_byte(text[start]) if start < len(text) else None
    if first is None:
        return None
    carry = first[1]
    if carry < 0x80:
        return start + 1, chr(carry)
    out: list[str] = []
    i = start + 1
    limit = min(len(text), start + MAX_RUN)
    while i < limit:
        code = ord(text[i])
        if code < 0x80:
            if 0x40 <= code <= 0x7E:
                decoded = _decode_pair(carry, code)
                return (i + 1, "".join(out) + decoded) if decoded else None
            break
        pair = _double_byte(text[i])
        if pair is None:
            break
        decoded = _decode_pair(carry, pair[0])
        if decoded is None:
            return None
        out.append(decoded)
        carry = pair[1]
        i += 1
        if carry < 0x80:
            return i, "".join(out) + chr(carry)
    # The '?' a decoder writes for the lead byte's broken pair belongs to the lost character.
    if i < len(text) and text[i] == "?":
        i += 1
    return i, "".join(out) + LOST_CHAR


def is_plausible_repair(garbled: str, repaired: str) -> bool:
    """The run looks garbled and its re-decoding looks like ordinary Chinese text."""
    common = common_chars()
    cjk = [ch for ch in repaired if _is_cjk(ch)]
    if not cjk or sum(ch not in common for ch in cjk) > len(cjk) // 8:
        return False
    if any(is_suspicious(ch) or (ord(ch) < 0x20 and ch != "\n") for ch in repaired if not _is_cjk(ch)):
        return False
    odd = sum(is_suspicious(ch) for ch in garbled)
    return odd >= 1 and odd * 4 >= len(garbled)


def corrupt_extent(text: str, lost: int) -> int:
    """End of the garbled stretch that follows a lost character (the last odd character before plain text)."""
    last_odd = lost
    streak = 0
    for i in range(lost + 1, min(len(text), lost + MAX_RUN)):
        ch = text[i]
        if ch == "\n":
            break
        if is_suspicious(ch) or ch == LOST_CHAR:
            last_odd, streak = i, 0
        elif not ch.isascii() or not ch.isalpha():
            streak += 1
            if streak >= _CORRUPT_STOP_STREAK:
                break
    return last_odd + 1


def _positions(text: str, char: str) -> list[int]:
    """Every index of ``char`` in text (str.find is far cheaper than a regex scan for one character)."""
    found: list[int] = []
    index = text.find(char)
    while index >= 0:
        found.append(index)
        index = text.find(char, index + 1)
    return found


def _anchors(text: str) -> list[int]:
    """Positions of '?' and U+FFFD in order: where a character was lost."""
    return sorted(_positions(text, "?") + _positions(text, LOST_CHAR))


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def repair_gbk_mojibake(text: str) -> tuple[str, Alignment, dict[str, int], list[tuple[int, int]]]:
    """Repair shifted GBK runs after '?' or U+FFFD; return new text, alignment, counts, corrupt ranges.

    The corrupt ranges are in the new text: every U+FFFD plus unrepaired runs after a lost character.
    """
    edits: list[Edit] = []
    unrepaired: list[tuple[int, int]] = []
    repaired_runs = 0
    done = 0
    for anchor in _anchors(text):
        if anchor < done:
            continue
        run = shifted_decode(text, anchor + 1)
        if run is not None and is_plausible_repair(text[anchor + 1 : run[0]], run[1]):
            if text[anchor] == "?":
                edits.append((anchor, anchor + 1, LOST_CHAR))
            edits.append((anchor + 1, run[0], run[1]))
            repaired_runs += 1
            done = run[0]
        elif text[anchor] == LOST_CHAR:
            done = corrupt_extent(text, anchor)
            unrepaired.append((anchor, done))
    new_text, alignment = apply_edits(text, edits)
    corrupt = [alignment.to_norm(start, end) for start, end in unrepaired]
    corrupt += [(index, index + 1) for index in _positions(new_text, LOST_CHAR)]
    corrupt = _merge(corrupt)
    counts = {"mojibake_runs_repaired": repaired_runs, "mojibake_runs_corrupt": len(corrupt)}
    return new_text, alignment, counts, corrupt

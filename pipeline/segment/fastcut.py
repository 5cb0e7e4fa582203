"""jieba's default cut (dictionary DAG + HMM for unknown runs), computed with fewer Python operations.

`jieba.Tokenizer.cut(text, HMM=True)` builds a dict-of-lists DAG, then a route with a `max` over a
generator that takes a logarithm per candidate word, then walks the route. Segmentation is the
pipeline's floor, so this module does the same dynamic programme in one backward pass over plain
lists, with each word's log-probability computed once per process. The compiled path (_fastcut.pyx) walks a
trie of the dictionary's keys built in C instead of looking fragments up in FREQ. The words are identical to
jieba's: same dictionary (the tokenizer's FREQ and total, user words included), same tie-breaking
(the longest of equally probable words), same block splitting, and jieba's own HMM (`finalseg`) for
runs of single characters that are not a dictionary word. `tests/segment/test_fastcut.py` checks the
equality on the corpus and on generated text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from math import log

from jieba import finalseg

try:  # the same loops compiled at install (pipeline/segment/_fastcut.pyx); the Python below when absent
    from pipeline.segment import _fastcut as _compiled
except ImportError:  # pragma: no cover - a build without a C compiler
    _compiled = None

# jieba's default block patterns (jieba/__init__.py: re_han_default, re_skip_default).
_HAN = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
_SKIP = re.compile("(\r\n|\\s)")
# finalseg's own block patterns: the HMM sees Han runs only; Latin words and numbers pass through whole.
_HMM_HAN = re.compile("([\u4e00-\u9fd5]+)")
# Marks a dictionary entry that is only the prefix of longer words (count 0): log-probabilities are <= 0.
_PREFIX_ONLY = 1.0
_HMM_SKIP = re.compile("([a-zA-Z0-9]+(?:\\.\\d+)?%?)")
MAX_REMEMBERED_RUNS = 100_000  # HMM results kept per FastCut (a few MB); cleared when full


class FastCut:
    """Cuts text exactly as `tokenizer.cut(text, HMM=True)` does (words added to the tokenizer later count)."""

    def __init__(self, tokenizer) -> None:
        tokenizer.check_initialized()
        self.tokenizer = tokenizer
        self.freq: dict[str, int] = tokenizer.FREQ
        self.total = tokenizer.total
        self.logtotal = log(tokenizer.total)
        self._size = len(self.freq)
        self._known: dict[str, float] = {}
        self._trie = None  # the compiled path's trie of FREQ's keys (_compiled.Trie), built at the first cut
        self._runs: dict[str, tuple[str, ...]] = {}
        self._force_split = len(finalseg.Force_Split_Words)

    def _refresh(self) -> None:
        """The tokenizer's dictionary changed: log-probabilities, the trie and remembered HMM runs are stale.

        add_word changes total (and adds keys); del_word (add_word with count 0) keeps total but makes the word
        one the HMM must split (finalseg.Force_Split_Words, a module-wide set, grows). Checked at every cut, so
        only these O(1) signs are read: a count changed with none of them goes unseen (FREQ edited by hand with
        total unchanged, or del_word of a word already in Force_Split_Words: deleted, re-added, deleted again)."""
        tokenizer = self.tokenizer
        if (
            tokenizer.total != self.total
            or tokenizer.FREQ is not self.freq
            or len(tokenizer.FREQ) != self._size
            or len(finalseg.Force_Split_Words) != self._force_split
        ):
            self.freq, self.total = tokenizer.FREQ, tokenizer.total
            self.logtotal = log(self.total)
            self._size = len(self.freq)
            self._force_split = len(finalseg.Force_Split_Words)
            self._known = {}
            self._trie = None
            self._runs = {}

    def trie(self):
        """The compiled trie of the tokenizer's dictionary as it is now (built once per dictionary: ~0.07 s and
        16 MB for jieba's 503k keys)."""
        self._refresh()
        if self._trie is None:
            self._trie = _compiled.Trie(self.freq, self.logtotal)
        return self._trie

    def route(self, block: str) -> list[int]:
        """ends[i]: the exclusive end of the word that starts at i on jieba's most probable path.

        `known` caches, for each dictionary entry met so far, its log-probability (a word, <= 0) or
        _PREFIX_ONLY (the start of longer words only), so a fragment costs one lookup once seen."""
        freq, known, logtotal = self.freq, self._known, self.logtotal
        n = len(block)
        scores = [0.0] * (n + 1)
        ends = [0] * (n + 1)
        unknown = -logtotal  # log(1) - logtotal: a character that is no word on its own
        for start in range(n - 1, -1, -1):
            best = 0.0
            best_end = 0
            end = start + 1
            fragment = block[start]
            while True:
                value = known.get(fragment)
                if value is None:
                    count = freq.get(fragment)
                    if count is None:
                        break
                    value = known[fragment] = log(count) - logtotal if count else _PREFIX_ONLY
                if value <= 0.0:
                    score = value + scores[end]
                    if not best_end or score >= best:
                        best, best_end = score, end
                if end >= n:
                    break
                end += 1
                fragment = block[start:end]
            if not best_end:
                best, best_end = unknown + scores[start + 1], start + 1
            scores[start], ends[start] = best, best_end
        return ends

    def _cut_block(self, block: str) -> Iterator[str]:
        ends = self.route(block)
        freq = self.freq
        start, n = 0, len(block)
        buf_start = -1  # start of the pending run of single characters
        while start < n:
            end = ends[start]
            if end - start == 1:
                if buf_start < 0:
                    buf_start = start
            else:
                if buf_start >= 0:
                    yield from self._flush(block[buf_start:start], freq)
                    buf_start = -1
                yield block[start:end]
            start = end
        if buf_start >= 0:
            yield from self._flush(block[buf_start:], freq)

    def _flush(self, buf: str, freq: dict[str, int] | None = None) -> tuple[str, ...] | str:
        """A run of single characters: one character as is, a dictionary word letter by letter, else the HMM
        (remembered per run: short runs such as 也是 or 而言 recur in every text)."""
        if len(buf) == 1 or (self.freq if freq is None else freq).get(buf):
            return buf
        words = self._runs.get(buf)
        if words is None:
            if len(self._runs) >= MAX_REMEMBERED_RUNS:
                self._runs.clear()
            words = self._runs[buf] = tuple(hmm_cut(buf))
        return words

    def cut(self, text: str) -> list[str] | Iterator[str]:
        """The words of text: the compiled loops when the extension is built, else `cut_python`."""
        if _compiled is None:
            return self.cut_python(text)
        return _compiled.cut_text(text, self.trie(), self._flush, _HAN.split, _SKIP.split)

    def cut_python(self, text: str) -> Iterator[str]:
        self._refresh()
        # split with one capturing group alternates text between matches (even) and matches (odd)
        for index, block in enumerate(_HAN.split(text)):
            if index % 2:
                yield from self._cut_block(block)
            elif block:
                for position, piece in enumerate(_SKIP.split(block)):
                    if position % 2:
                        yield piece
                    else:
                        yield from piece


def _viterbi(run: str) -> str:
    """finalseg.viterbi's best B/M/E/S tag string for a Han run: the same sums in the same order and the same
    tie-breaking (the later state letter wins), with back-pointers instead of copied paths."""
    start_p, trans_p, emit_p = finalseg.start_P, finalseg.trans_P, finalseg.emit_P
    low = finalseg.MIN_FLOAT
    e_b, e_m, e_s, e_e = emit_p["B"], emit_p["M"], emit_p["S"], emit_p["E"]
    t_eb, t_sb = trans_p["E"]["B"], trans_p["S"]["B"]
    t_mm, t_bm = trans_p["M"]["M"], trans_p["B"]["M"]
    t_ss, t_es = trans_p["S"]["S"], trans_p["E"]["S"]
    t_be, t_me = trans_p["B"]["E"], trans_p["M"]["E"]
    first = run[0]
    b = start_p["B"] + e_b.get(first, low)
    m = start_p["M"] + e_m.get(first, low)
    s = start_p["S"] + e_s.get(first, low)
    e = start_p["E"] + e_e.get(first, low)
    back: list[tuple[str, str, str, str]] = []  # per step: previous state of B, M, S, E
    for char in run[1:]:
        from_e, from_s = e + t_eb + e_b.get(char, low), s + t_sb + e_b.get(char, low)
        nb, pb = (from_s, "S") if from_s >= from_e else (from_e, "E")
        from_m, from_b = m + t_mm + e_m.get(char, low), b + t_bm + e_m.get(char, low)
        nm, pm = (from_m, "M") if from_m >= from_b else (from_b, "B")
        from_s2, from_e2 = s + t_ss + e_s.get(char, low), e + t_es + e_s.get(char, low)
        ns, ps = (from_s2, "S") if from_s2 >= from_e2 else (from_e2, "E")
        from_b2, from_m2 = b + t_be + e_e.get(char, low), m + t_me + e_e.get(char, low)
        ne, pe = (from_m2, "M") if from_m2 >= from_b2 else (from_b2, "B")
        back.append((pb, pm, ps, pe))
        b, m, s, e = nb, nm, ns, ne
    state = "S" if s >= e else "E"
    tags = [state]
    index = {"B": 0, "M": 1, "S": 2, "E": 3}
    for pointers in reversed(back):
        state = pointers[index[state]]
        tags.append(state)
    return "".join(reversed(tags))


def _hmm_words(run: str) -> Iterator[str]:
    """A Han run cut at the HMM's word ends (finalseg.__cut)."""
    begin = next_start = 0
    for i, tag in enumerate(_viterbi(run)):
        if tag == "B":
            begin = i
        elif tag == "E":
            yield run[begin : i + 1]
            next_start = i + 1
        elif tag == "S":
            yield run[i]
            next_start = i + 1
    if next_start < len(run):
        yield run[next_start:]


def hmm_cut(text: str) -> Iterator[str]:
    """finalseg.cut: the HMM on Han runs (words jieba was told to split come out letter by letter),
    Latin words and numbers whole, anything else character runs as they are."""
    force_split = finalseg.Force_Split_Words
    for block in _HMM_HAN.split(text):
        if _HMM_HAN.match(block):
            for word in _hmm_words(block):
                if word in force_split:
                    yield from word
                else:
                    yield word
        else:
            yield from (piece for piece in _HMM_SKIP.split(block) if piece)

"""Every occurrence of many literal forms in one pass over the text, instead of one `str.find` loop per form:
the gazetteer has over two thousand forms and the loop cost almost half as much as segmenting the document.
The compiled matcher (_formindex.pyx: a trie of the form keys walked from every position, hits put in order in
C) gives the same lists as the pyahocorasick automaton below, which serves when it is not built.

Forms compared case-insensitively are looked up in the ASCII-folded text, case-sensitive forms (short
Latin names such as `AMD`) as written (found through their folded text, then compared). Occurrences overlap
freely and come back in the order of the form list, then by position, so a caller that picks among them sees
what a per-form scan gives.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from operator import itemgetter
from typing import Generic, TypeVar

import ahocorasick

try:  # the trie walk compiled at install (pipeline/extract/_formindex.pyx); pyahocorasick when absent
    from pipeline.extract import _formindex as _compiled
except ImportError:  # pragma: no cover - a build without a C compiler
    _compiled = None

T = TypeVar("T", bound=Hashable)


def fold(text: str) -> str:
    """ASCII-only lowercase, so offsets never move (bytes.lower touches ASCII letters only)."""
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


class FormIndex(Generic[T]):
    """An index of (text, case_sensitive, item) forms; `find` gives (start, end, item) of every occurrence.

    One automaton over the folded text serves both kinds: a case-sensitive form is looked up by its folded
    text and kept where the text as written equals it (folding changes ASCII letters only, one for one, so
    that is exactly where the form occurs in the text)."""

    def __init__(self, forms: Sequence[tuple[str, bool, T]], compiled: bool = True) -> None:
        self._rank = {item: rank for rank, (_text, _sensitive, item) in enumerate(forms)}
        self._automaton = ahocorasick.Automaton()
        texts: dict[str, list[tuple[int, T, str | None]]] = {}
        for text, sensitive, item in forms:  # an insensitive form is looked up as given (callers fold it)
            key = fold(text) if sensitive else text
            texts.setdefault(key, []).append((self._rank[item], item, text if sensitive else None))
        self._empty = not any(texts)  # an empty key is never found (pyahocorasick ignores it)
        self._matcher = (_compiled.Matcher(list(texts.items()), len(forms))
                         if compiled and _compiled is not None and not self._empty else None)
        if self._matcher is None:  # the automaton serves only where the compiled matcher does not
            for key, entries in texts.items():
                self._automaton.add_word(key, (len(key), tuple(entries)))
            self._automaton.make_automaton()

    def find(self, text: str, folded: str) -> list[tuple[int, int, T]]:
        """(start, end, item) of every occurrence: case-sensitive forms as written in `text`, the others in
        `folded` (`fold(text)`), ordered by the item's place in the form list, then by start."""
        if self._empty:
            return []
        if self._matcher is not None:
            return self._matcher.find(text, folded)
        found: list[tuple[int, int, int, T]] = []
        append = found.append
        for last, (length, entries) in self._automaton.iter(folded):
            start, end = last + 1 - length, last + 1
            for rank, item, exact in entries:
                if exact is None or text[start:end] == exact:
                    append((rank, start, end, item))
        found.sort(key=_RANK_START)  # (rank, start) is unique: an item is one form
        return [(start, end, item) for _rank, start, end, item in found]


_RANK_START = itemgetter(0, 1)

"""Every occurrence of many literal forms in one pass over the text (Aho-Corasick), instead of one
`str.find` loop per form: the gazetteer has over two thousand forms and the loop cost almost half as much
as segmenting the document.

Forms compared case-insensitively are looked up in the ASCII-folded text, case-sensitive forms (short
Latin names such as `AMD`) in the text as written. Occurrences overlap freely and come back in the order
of the form list, then by position, so a caller that picks among them sees what a per-form scan gives.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Generic, TypeVar

import ahocorasick

T = TypeVar("T", bound=Hashable)


class FormIndex(Generic[T]):
    """An index of (text, case_sensitive, item) forms; `find` gives (start, end, item) of every occurrence."""

    def __init__(self, forms: Sequence[tuple[str, bool, T]]) -> None:
        self._rank = {item: rank for rank, (_text, _sensitive, item) in enumerate(forms)}
        self._automata = {True: ahocorasick.Automaton(), False: ahocorasick.Automaton()}
        texts: dict[tuple[bool, str], list[T]] = {}
        for text, sensitive, item in forms:
            texts.setdefault((sensitive, text), []).append(item)
        for (sensitive, text), items in texts.items():
            self._automata[sensitive].add_word(text, (len(text), tuple(items)))
        self._empty = {sensitive: len(automaton) == 0 for sensitive, automaton in self._automata.items()}
        for automaton in self._automata.values():
            automaton.make_automaton()

    def find(self, text: str, folded: str) -> list[tuple[int, int, T]]:
        """(start, end, item) of every occurrence: case-sensitive forms in `text`, the others in `folded`
        (same length as text), ordered by the item's place in the form list, then by start."""
        found: list[tuple[int, int, T]] = []
        for sensitive, haystack in ((True, text), (False, folded)):
            if self._empty[sensitive]:
                continue
            for last, (length, items) in self._automata[sensitive].iter(haystack):
                start = last + 1 - length
                found.extend((start, last + 1, item) for item in items)
        rank = self._rank
        found.sort(key=lambda occurrence: (rank[occurrence[2]], occurrence[0]))
        return found

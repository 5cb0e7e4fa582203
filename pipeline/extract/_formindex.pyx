# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The compiled core of FormIndex: every occurrence of the form keys in the folded text, in (rank, start)
order.

pyahocorasick's iterator costs about 120 ns a character and a Python tuple per hit. Here the keys are a trie
of code points in the table of pipeline/_codetrie.pxd (shared with the segmenter's dictionary trie), and for
every start position the walk follows the text while a child exists, noting each node that ends a key: every
overlapping occurrence, as the automaton reports them. A case-sensitive form is kept where the text as written
equals it, code point by code point. The hits (start, entry), made in start order, then in end order, then in
the entry order of their key, are put in rank order by a stable counting sort, so ties (an item repeated in
the form list, whose rank is its last place) keep the order pyahocorasick's iteration and Python's stable sort
give.
`tests/extract/test_formindex.py` checks this module and the pyahocorasick path give the same lists.
"""

from libc.stdint cimport int32_t, uint8_t, uint64_t
from libc.stdlib cimport calloc, free, malloc, realloc
from libc.string cimport memset

from pipeline._codetrie cimport Slot, add_child, child, table_shift

cdef extern from "Python.h":
    int PyUnicode_KIND(object text)
    void *PyUnicode_DATA(object text)
    Py_UCS4 PyUnicode_READ(int kind, void *data, Py_ssize_t index) nogil

cdef struct Hit:
    Py_ssize_t start
    Py_ssize_t entry


cdef class Matcher:
    """Form keys and their entries: `Matcher(keys, ranks)` with keys = [(key, [(rank, item, exact or None)])]
    (keys distinct; an empty key is never found, as pyahocorasick ignores it) and every rank < ranks.

    The root is node `capacity`, which no slot holds; `starts` marks the code points below 0x10000 that begin
    a key, so most positions of the text cost one bit test."""

    cdef Slot *slots
    cdef uint64_t mask
    cdef int shift
    cdef Py_ssize_t root
    cdef uint8_t starts[8192]  # a bit per code point below 0x10000
    cdef Py_ssize_t *rank  # per entry
    cdef Py_ssize_t *length  # per entry: its key's length
    cdef uint8_t *sensitive  # per entry: compared with the text as written
    cdef Py_ssize_t entries
    cdef readonly Py_ssize_t ranks
    cdef readonly Py_ssize_t nodes
    cdef list items  # per entry
    cdef list exacts  # per entry: the form as written, or None

    def __cinit__(self, list keys, Py_ssize_t ranks):
        cdef Py_ssize_t capacity = 16, total = 0, entry = 0, node, next_node, i, length
        cdef Py_UCS4 code
        cdef int kind
        cdef void *data
        cdef str word
        self.slots = NULL
        self.rank = NULL
        self.length = NULL
        self.sensitive = NULL
        self.ranks = ranks
        self.items = []
        self.exacts = []
        memset(self.starts, 0, sizeof(self.starts))
        for word, group in keys:
            total += len(word)
            self.entries += len(group)
        while capacity * 7 < total * 10:
            capacity *= 2
        self.slots = <Slot *>calloc(capacity, sizeof(Slot))
        self.rank = <Py_ssize_t *>malloc((self.entries + 1) * sizeof(Py_ssize_t))
        self.length = <Py_ssize_t *>malloc((self.entries + 1) * sizeof(Py_ssize_t))
        self.sensitive = <uint8_t *>malloc(self.entries + 1)
        if self.slots is NULL or self.rank is NULL or self.length is NULL or self.sensitive is NULL:
            raise MemoryError()
        self.mask = <uint64_t>(capacity - 1)
        self.shift = table_shift(capacity)
        self.root = capacity
        self.nodes = 0
        for word, group in keys:
            length = len(word)
            if length == 0:
                continue
            kind = PyUnicode_KIND(word)
            data = PyUnicode_DATA(word)
            node = self.root
            for i in range(length):
                code = PyUnicode_READ(kind, data, i)
                if i == 0 and <uint64_t>code < 0x10000:
                    self.starts[<uint64_t>code >> 3] |= <uint8_t>(1 << (<uint64_t>code & 7))
                next_node = child(self.slots, self.mask, self.shift, node, code)
                if next_node < 0:
                    next_node = add_child(self.slots, self.mask, self.shift, node, code)
                    self.nodes += 1
                node = next_node
            self.slots[node].data.entries.first = <int32_t>entry
            for rank, item, exact in group:
                if not 0 <= rank < ranks:
                    raise ValueError(f"rank {rank} outside 0..{ranks - 1}")
                if exact is not None and len(<str>exact) != length:
                    raise ValueError("a case-sensitive form's key must be as long as the form")
                self.rank[entry] = rank
                self.length[entry] = length
                self.sensitive[entry] = exact is not None
                self.items.append(item)
                self.exacts.append(exact)
                entry += 1
            self.slots[node].data.entries.last = <int32_t>entry
        self.entries = entry

    def __dealloc__(self):
        free(self.slots)
        free(self.rank)
        free(self.length)
        free(self.sensitive)

    def find(self, str text, str folded):
        """[(start, end, item)] of every occurrence of a key in `folded` (a case-sensitive entry's form also
        in `text` as written), ordered by rank, then start, then end, then entry."""
        cdef Py_ssize_t n = len(folded), n_text = len(text)
        cdef int kind = PyUnicode_KIND(folded), text_kind = PyUnicode_KIND(text), exact_kind
        cdef void *data = PyUnicode_DATA(folded)
        cdef void *text_data = PyUnicode_DATA(text)
        cdef void *exact_data
        cdef const Slot *slots = self.slots
        cdef uint64_t mask = self.mask
        cdef int shift = self.shift
        cdef Py_ssize_t root = self.root
        cdef Py_ssize_t start, i, node, e, j, length, count = 0, size = 64, r, total
        cdef uint64_t code
        cdef bint same
        cdef Hit *hits = NULL
        cdef Hit *grown
        cdef Hit *ordered = NULL
        cdef Py_ssize_t *place = NULL
        cdef list out
        cdef object exact
        if self.entries == 0 or n == 0:
            return []
        hits = <Hit *>malloc(size * sizeof(Hit))
        if hits is NULL:
            raise MemoryError()
        try:
            for start in range(n):
                code = <uint64_t>PyUnicode_READ(kind, data, start)
                if code < 0x10000 and not (self.starts[code >> 3] >> (code & 7)) & 1:
                    continue
                node = root
                i = start
                while i < n:
                    node = child(slots, mask, shift, node, PyUnicode_READ(kind, data, i))
                    if node < 0:
                        break
                    i += 1
                    for e in range(slots[node].data.entries.first, slots[node].data.entries.last):
                        if self.sensitive[e]:
                            if i > n_text:
                                continue
                            exact = self.exacts[e]
                            exact_kind = PyUnicode_KIND(exact)
                            exact_data = PyUnicode_DATA(exact)
                            same = True
                            for j in range(i - start):
                                if PyUnicode_READ(text_kind, text_data, start + j) != \
                                        PyUnicode_READ(exact_kind, exact_data, j):
                                    same = False
                                    break
                            if not same:
                                continue
                        if count == size:
                            size *= 2
                            grown = <Hit *>realloc(hits, size * sizeof(Hit))
                            if grown is NULL:
                                raise MemoryError()
                            hits = grown
                        hits[count].start = start
                        hits[count].entry = e
                        count += 1
            if count == 0:
                return []
            # stable counting sort by rank
            place = <Py_ssize_t *>calloc(self.ranks + 1, sizeof(Py_ssize_t))
            ordered = <Hit *>malloc(count * sizeof(Hit))
            if place is NULL or ordered is NULL:
                raise MemoryError()
            for i in range(count):
                place[self.rank[hits[i].entry] + 1] += 1
            total = 0
            for r in range(self.ranks + 1):
                total += place[r]
                place[r] = total
            for i in range(count):
                r = self.rank[hits[i].entry]
                ordered[place[r]] = hits[i]
                place[r] += 1
            out = [None] * count
            for i in range(count):
                e = ordered[i].entry
                start = ordered[i].start
                out[i] = (start, start + self.length[e], self.items[e])
            return out
        finally:
            free(hits)
            free(ordered)
            free(place)

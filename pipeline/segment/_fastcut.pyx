# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The compiled core of FastCut: jieba's route and walk over one text, as `fastcut.FastCut.cut_python` does it.

The Python code looks each fragment `block[start:end]` up in jieba's FREQ dict (half a million keys: a new
str, its hash and a probe far out of cache per fragment). Here FREQ's keys are a trie of code points, built
once per dictionary in C arrays (`Trie`), and the route walks it from `block[start]` one character at a time.
Every trie node is a FREQ key or, for a key whose prefix is missing from FREQ (jieba's dictionaries hold every
prefix; a hand-made one may not), a node marked NOT_ENTRY, at which the walk stops as the dict loop stops at
the first fragment that is not in FREQ. A node's value is the one the Python code computes: log(count) -
logtotal with libm's log of the count as a double, which is what `math.log` does for an int (other counts go
through `math.log` itself), or PREFIX_ONLY for count 0. Same sums in the same order, same tie-breaking.
`tests/segment/test_fastcut.py` checks this module and the Python code give the same words and values.
"""

from libc.stdint cimport uint64_t
from libc.math cimport log as c_log
from libc.stdlib cimport calloc, free, malloc
from math import log as _log

from pipeline._codetrie cimport Slot, add_child, child, table_shift

cdef extern from "Python.h":
    int PyUnicode_KIND(object text)
    void *PyUnicode_DATA(object text)
    Py_UCS4 PyUnicode_READ(int kind, void *data, Py_ssize_t index) nogil
    long long PyLong_AsLongLongAndOverflow(object value, int *overflow) except? -1

cdef double PREFIX_ONLY = 1.0  # a FREQ key with count 0: only the start of longer words
cdef double NOT_ENTRY = 2.0  # a node whose text is not a FREQ key (on the way to keys past a missing prefix)


cdef class Trie:
    """FREQ's keys as a trie of code points (pipeline/_codetrie.pxd), each node's value the log-probability of
    a word, PREFIX_ONLY, or NOT_ENTRY. At most 70% of slots used."""

    cdef Slot *slots
    cdef uint64_t mask
    cdef int shift
    cdef readonly Py_ssize_t capacity
    cdef readonly Py_ssize_t root
    cdef readonly Py_ssize_t nodes
    cdef readonly double logtotal

    def __cinit__(self, dict freq, double logtotal):
        cdef Py_ssize_t capacity = 16
        self.slots = NULL
        self.logtotal = logtotal
        while capacity * 7 < len(freq) * 10:
            capacity *= 2
        while not self._build(freq, capacity):  # keys past missing prefixes made more nodes than keys
            capacity *= 2

    def __dealloc__(self):
        free(self.slots)

    cdef int _build(self, dict freq, Py_ssize_t capacity) except -1:
        cdef Py_ssize_t limit = capacity * 7 // 10
        cdef Py_ssize_t node, next_node, i, length
        cdef Py_UCS4 code
        cdef int kind, overflow
        cdef void *data
        cdef long long count
        cdef double value
        cdef str word
        free(self.slots)
        self.slots = <Slot *>calloc(capacity, sizeof(Slot))
        if self.slots is NULL:
            raise MemoryError()
        self.capacity = capacity
        self.mask = <uint64_t>(capacity - 1)
        self.shift = table_shift(capacity)
        self.root = capacity
        self.nodes = 0
        for key_object, count_object in freq.items():
            if type(key_object) is not str:
                continue  # never equal to a fragment of text
            word = <str>key_object
            length = len(word)
            if length == 0:
                continue
            if type(count_object) is int:
                count = PyLong_AsLongLongAndOverflow(count_object, &overflow)
                if overflow == 0 and count > 0:
                    value = c_log(<double>count) - self.logtotal
                elif overflow == 0 and count == 0:
                    value = PREFIX_ONLY
                else:
                    value = _log(count_object) - self.logtotal
            elif count_object:
                value = _log(count_object) - self.logtotal
            else:
                value = PREFIX_ONLY
            kind = PyUnicode_KIND(word)
            data = PyUnicode_DATA(word)
            node = self.root
            for i in range(length):
                code = PyUnicode_READ(kind, data, i)
                next_node = child(self.slots, self.mask, self.shift, node, code)
                if next_node < 0:
                    if self.nodes >= limit:
                        return 0
                    next_node = add_child(self.slots, self.mask, self.shift, node, code)
                    self.slots[next_node].data.value = NOT_ENTRY
                    self.nodes += 1
                node = next_node
            self.slots[node].data.value = value
        return 1

    @property
    def nbytes(self):
        """Bytes of the table (the trie's whole memory, besides this object)."""
        return self.capacity * sizeof(Slot)

    def value(self, str word):
        """The value of a FREQ key as the route sees it (a log-probability or PREFIX_ONLY), None if the walk
        stops before its end (not a key, or a key past a missing prefix)."""
        cdef Py_ssize_t node = self.root, i
        cdef double value = NOT_ENTRY
        for i in range(len(word)):
            node = child(self.slots, self.mask, self.shift, node, word[i])
            if node < 0 or self.slots[node].data.value == NOT_ENTRY:
                return None
            value = self.slots[node].data.value
        return None if value == NOT_ENTRY else value


cdef void _route(str block, Trie trie, double *scores, Py_ssize_t *ends) noexcept:
    """ends[start]: the end of the word at start on jieba's most probable path (FastCut.route)."""
    cdef Py_ssize_t n = len(block)
    cdef Py_ssize_t start, end, best_end, node
    cdef double best, score, value
    cdef double unknown = -trie.logtotal  # log(1) - logtotal: a character that is no word on its own
    cdef int kind = PyUnicode_KIND(block)
    cdef void *data = PyUnicode_DATA(block)
    cdef const Slot *slots = trie.slots
    cdef uint64_t mask = trie.mask
    cdef int shift = trie.shift
    cdef Py_ssize_t root = trie.root
    scores[n] = 0.0
    ends[n] = 0
    start = n - 1
    while start >= 0:
        best = 0.0
        best_end = 0
        node = root
        end = start
        while end < n:  # the fragment block[start:end + 1], as long as it is a FREQ key
            node = child(slots, mask, shift, node, PyUnicode_READ(kind, data, end))
            if node < 0:
                break
            value = slots[node].data.value
            if value == NOT_ENTRY:
                break
            end += 1
            if value <= 0.0:
                score = value + scores[end]
                if best_end == 0 or score >= best:
                    best = score
                    best_end = end
        if best_end == 0:
            best = unknown + scores[start + 1]
            best_end = start + 1
        scores[start] = best
        ends[start] = best_end
        start -= 1


cdef Py_ssize_t *_route_ends(str block, Trie trie) except NULL:
    """_route's ends (n + 1 of them) in a malloc'd array the caller frees."""
    cdef Py_ssize_t n = len(block)
    cdef double *scores = <double *>malloc((n + 1) * sizeof(double))
    cdef Py_ssize_t *ends = <Py_ssize_t *>malloc((n + 1) * sizeof(Py_ssize_t))
    if scores is NULL or ends is NULL:
        free(scores)
        free(ends)
        raise MemoryError()
    _route(block, trie, scores, ends)
    free(scores)
    return ends


cdef int _cut_block(str block, Trie trie, object flush, list out) except -1:
    cdef Py_ssize_t n = len(block)
    cdef Py_ssize_t start, end, buf_start
    cdef Py_ssize_t *ends = _route_ends(block, trie)
    try:
        start = 0
        buf_start = -1
        while start < n:
            end = ends[start]
            if end - start == 1:
                if buf_start < 0:
                    buf_start = start
            else:
                if buf_start >= 0:
                    out.extend(flush(block[buf_start:start]))
                    buf_start = -1
                out.append(block[start:end])
            start = end
        if buf_start >= 0:
            out.extend(flush(block[buf_start:]))
    finally:
        free(ends)
    return 0


def route(str block, Trie trie):
    """FastCut.route's list (n + 1 ends) computed on the trie."""
    cdef Py_ssize_t i
    cdef Py_ssize_t *ends = _route_ends(block, trie)
    try:
        return [ends[i] for i in range(len(block) + 1)]
    finally:
        free(ends)


def cut_text(str text, Trie trie, object flush, object han_split, object skip_split):
    """jieba's words of text: `han_split` alternates non-block text (even) and dictionary blocks (odd);
    `flush(run)` cuts a run of single characters (a str is taken letter by letter, like `yield from`)."""
    cdef list out = []
    cdef Py_ssize_t index = 0, position
    cdef str block, piece
    for block in han_split(text):
        if index & 1:
            _cut_block(block, trie, flush, out)
        elif block:
            position = 0
            for piece in skip_split(block):
                if position & 1:
                    out.append(piece)
                else:
                    out.extend(piece)
                position += 1
        index += 1
    return out

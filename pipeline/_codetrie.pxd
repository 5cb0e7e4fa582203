# cython: language_level=3
"""The trie table shared by the compiled cores: trie edges keyed by (parent node, code point) in one
open-addressing table with linear probing. Slot i holds the edge into node i (so a node's id is its slot),
the root is node `capacity` (a power of two), which no slot holds, and each module keeps its per-node payload
in the slot: the segmenter's dictionary trie (pipeline/segment/_fastcut.pyx) a log-probability, the gazetteer
form matcher (pipeline/extract/_formindex.pyx) the range of its entries. 16 bytes a slot.
"""

from libc.stdint cimport int32_t, uint64_t

cdef extern from *:
    """
    #define CODETRIE_GOLDEN 0x9E3779B97F4A7C15ULL
    #define CODETRIE_CODE_BITS 21
    """
    const uint64_t GOLDEN "CODETRIE_GOLDEN"  # Fibonacci hashing: the high bits of key * GOLDEN
    const int CODE_BITS "CODETRIE_CODE_BITS"  # code points < 0x110000


cdef struct Entries:
    int32_t first  # entries first .. last - 1 end at this node (first == last: none)
    int32_t last


cdef union Payload:
    double value  # the segmenter
    Entries entries  # the form matcher


cdef struct Slot:
    uint64_t key  # 0: empty, else (parent + 1) << CODE_BITS | code point
    Payload data


cdef inline int table_shift(Py_ssize_t capacity) noexcept nogil:
    """64 minus log2(capacity): the shift that maps key * GOLDEN to a slot."""
    cdef int bits = 0
    while (<Py_ssize_t>1 << bits) < capacity:
        bits += 1
    return 64 - bits


cdef inline uint64_t edge_key(Py_ssize_t node, Py_UCS4 code) noexcept nogil:
    return ((<uint64_t>(node + 1)) << CODE_BITS) | <uint64_t>code


cdef inline Py_ssize_t child(const Slot *slots, uint64_t mask, int shift, Py_ssize_t node,
                             Py_UCS4 code) noexcept nogil:
    """The node reached from node by code, -1 if none."""
    cdef uint64_t key = edge_key(node, code)
    cdef uint64_t i = (key * GOLDEN) >> shift
    cdef uint64_t seen
    while True:
        seen = slots[i].key
        if seen == key:
            return <Py_ssize_t>i
        if seen == 0:
            return -1
        i = (i + 1) & mask


cdef inline Py_ssize_t add_child(Slot *slots, uint64_t mask, int shift, Py_ssize_t node,
                                 Py_UCS4 code) noexcept nogil:
    """Store the edge from node by code (absent, and a free slot left) and return the new node."""
    cdef uint64_t key = edge_key(node, code)
    cdef uint64_t i = (key * GOLDEN) >> shift
    while slots[i].key != 0:
        i = (i + 1) & mask
    slots[i].key = key
    return <Py_ssize_t>i

# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The compiled core of FastCut: jieba's route and walk over one text, as `fastcut.FastCut.cut_python` does it.

Same dictionary lookups, the same sums in the same order and the same tie-breaking as the Python code; the
log-probabilities come from Python's `math.log` and live in the same `known` cache. Only the loops are C.
`tests/segment/test_fastcut.py` checks this module and the Python code give the same words.
"""

from cpython.dict cimport PyDict_GetItem
from cpython.object cimport PyObject
from libc.stdlib cimport free, malloc
from math import log as _log

cdef double PREFIX_ONLY = 1.0


cdef inline double _value(str fragment, dict freq, dict known, double logtotal, bint *found) except? -2.0:
    """The cached log-probability of a dictionary entry (PREFIX_ONLY for a prefix), found[0] = 0 if none."""
    cdef PyObject *cached = PyDict_GetItem(known, fragment)
    cdef PyObject *count
    cdef double value
    if cached is not NULL:
        found[0] = 1
        return <double>(<object>cached)
    count = PyDict_GetItem(freq, fragment)
    if count is NULL:
        found[0] = 0
        return 0.0
    found[0] = 1
    if <object>count:
        value = _log(<object>count) - logtotal
    else:
        value = PREFIX_ONLY
    known[fragment] = value
    return value


cdef int _cut_block(str block, dict freq, dict known, double logtotal, object flush, list out) except -1:
    cdef Py_ssize_t n = len(block)
    cdef Py_ssize_t start, end, best_end, buf_start
    cdef double best, score, value
    cdef double unknown = -logtotal
    cdef bint found = 0
    cdef double *scores = <double *>malloc((n + 1) * sizeof(double))
    cdef Py_ssize_t *ends = <Py_ssize_t *>malloc((n + 1) * sizeof(Py_ssize_t))
    if scores is NULL or ends is NULL:
        free(scores)
        free(ends)
        raise MemoryError()
    try:
        scores[n] = 0.0
        ends[n] = 0
        start = n - 1
        while start >= 0:
            best = 0.0
            best_end = 0
            end = start + 1
            while True:
                value = _value(block[start:end], freq, known, logtotal, &found)
                if not found:
                    break
                if value <= 0.0:
                    score = value + scores[end]
                    if best_end == 0 or score >= best:
                        best = score
                        best_end = end
                if end >= n:
                    break
                end += 1
            if best_end == 0:
                best = unknown + scores[start + 1]
                best_end = start + 1
            scores[start] = best
            ends[start] = best_end
            start -= 1

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
        free(scores)
        free(ends)
    return 0


def cut_text(str text, dict freq, dict known, double logtotal, object flush, object han_split,
             object skip_split):
    """jieba's words of text: `han_split` alternates non-block text (even) and dictionary blocks (odd);
    `flush(run)` cuts a run of single characters (a str is taken letter by letter, like `yield from`)."""
    cdef list out = []
    cdef Py_ssize_t index = 0, position
    cdef str block, piece
    for block in han_split(text):
        if index & 1:
            _cut_block(block, freq, known, logtotal, flush, out)
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

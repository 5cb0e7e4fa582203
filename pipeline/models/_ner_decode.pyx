# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""spaCy's greedy NER decoder (transition_parser.pyx `greedy_parse` -> `_parseC`) without the GIL round trips.

spaCy's loop calls the BILUO `is_valid` functions through pointers that reacquire the GIL on every call
(Cython 3 exception checks); this module runs the same steps in plain C, for documents without preset
entities (ent_iob 0 everywhere, as `pipeline.models.ner.make_doc` builds them):

- the states of a sub-batch advance in lockstep, as in `_parseC` (the unseen-class minimum is taken over
  the whole step, and blis sees the same gemm shapes);
- a state's features are [B0, E0 when an entity is open, B0 - 1 when both exist] (`StateC.set_context_tokens`
  with n == 3) plus the document's offset in the sub-batch; a missing feature reads the padding row;
- hidden = (((0 + f0) + f1) + f2) + bias, element by element, then maxout with `Vec.arg_max`'s tie rule
  (`predict_states`, `sum_state_features`: saxpy with alpha 1 is one rounded addition per element);
- scores = hidden . W^T, + bias, unseen classes set to the step's minimum. spaCy multiplies with blis's sgemm
  (thinc's CBlas); here either that very function (from blis.cy's C API) or a sequential C loop, the loop
  only where it gives blis's bits on probe data (`loop_matches_blis`: blis's reference kernel adds the
  products in order, one rounding each; a kernel with fused multiply-adds does not, and then blis is used);
- validity of Begin/In/Last/Unit/Out/Missing as ner.pyx decides it (sentence starts and IS_SPACE included),
  `arg_max_if_valid` (the first best valid move), the transitions, and `force_final` when nothing is valid
  (an open entity is then dropped, as `set_annotations` drops it).
"""

from random import Random

from cpython.pycapsule cimport PyCapsule_GetName, PyCapsule_GetPointer
from libc.stdlib cimport free, malloc
from libc.string cimport memset

# Move kinds, as ner.pyx numbers them.
cdef enum:
    MISSING = 0
    BEGIN = 1
    IN = 2
    LAST = 3
    UNIT = 4
    OUT = 5

MOVE_KINDS = {"M": MISSING, "B": BEGIN, "I": IN, "L": LAST, "U": UNIT, "O": OUT}

# How the upper layer multiplies.
cdef enum:
    LOOP = 0
    BLIS = 1

ctypedef void (*sgemm_ptr)(int transA, int transB, int M, int N, int K, float alpha, const float* A, int lda,
                           const float* B, int ldb, float beta, float* C, int ldc) noexcept nogil

cdef sgemm_ptr _blis_sgemm = NULL
# The signature Cython writes into blis.cy's C API capsule for `sgemm` (bint is int).
SGEMM_SIGNATURE = b"void (int, int, int, int, int, float, float const *, int, float const *, int, float, float *, int)"


def _load_blis() -> bool:
    """Point at blis.cy.sgemm (what spaCy's greedy parser multiplies with) when its C API is the expected one."""
    global _blis_sgemm
    cdef const char* name
    try:
        import blis.cy
        capsule = blis.cy.__pyx_capi__["sgemm"]
        name = PyCapsule_GetName(capsule)
        if name == NULL or <bytes>name != SGEMM_SIGNATURE:
            return False
        _blis_sgemm = <sgemm_ptr>PyCapsule_GetPointer(capsule, name)
    except Exception:  # no blis, or a C API that changed: only the loop multiplies
        _blis_sgemm = NULL
    return _blis_sgemm != NULL


HAS_BLIS = _load_blis()


cdef struct State:
    int doc      # index of the document in the sub-batch
    int offset   # its first token in the concatenated sub-batch
    int length
    int b        # next buffer token (B0); the stack is empty between moves
    int ent_open
    int ent_start
    int ent_label


cdef inline int is_valid(int kind, int label, const State* st, const signed char* sent_start,
                         const unsigned char* is_space) noexcept nogil:
    """ner.pyx's is_valid for a token without preset entities (ent_iob 0 at B0 and B1)."""
    cdef int buffer_length = st.length - st.b
    cdef int b0 = st.offset + st.b
    if kind == BEGIN:
        if st.ent_open or buffer_length < 2 or label == 0:
            return 0
        if sent_start[b0 + 1] == 1:  # B1 exists (buffer_length >= 2)
            return 0
        return not is_space[b0]
    if kind == IN:
        if not st.ent_open or buffer_length < 2 or label == 0 or st.ent_label != label:
            return 0
        return sent_start[b0 + 1] != 1
    if kind == LAST:
        return label != 0 and st.ent_open and st.ent_label == label
    if kind == UNIT:
        if label == 0 or st.ent_open:
            return 0
        return not is_space[b0]
    if kind == OUT:
        return not st.ent_open
    return 0  # MISSING


cdef inline int arg_max(const float* scores, int n) noexcept nogil:
    """thinc's Vec.arg_max: the first maximum, but the second of two equal values."""
    if n == 2:
        return 0 if scores[0] > scores[1] else 1
    cdef int i, best = 0
    cdef float mode = scores[0]
    for i in range(1, n):
        if scores[i] > mode:
            mode = scores[i]
            best = i
    return best


cdef void hidden_vector(float* hidden, float* unmaxed, const float* cached, const float* bias,
                        const State* st, int n_hidden, int n_pieces) noexcept nogil:
    """predict_states for one state: unmaxed = zeros + each feature row (padding row 0 for a missing one) + bias,
    one element at a time in that order; then maxout."""
    cdef int width = n_hidden * n_pieces
    cdef int ids[3]
    cdef const float* rows[3]
    cdef int f, i, j
    cdef float v
    ids[0] = st.b
    ids[1] = st.ent_start if st.ent_open else -1
    ids[2] = ids[0] - 1 if ids[1] != -1 else -1
    for f in range(3):
        if ids[f] >= 0:
            rows[f] = &cached[((ids[f] + st.offset + 1) * 3 + f) * width]
        else:
            rows[f] = &cached[f * width]
    cdef const float* r0 = rows[0]
    cdef const float* r1 = rows[1]
    cdef const float* r2 = rows[2]
    for i in range(width):
        v = 0.0
        v = v + r0[i]
        v = v + r1[i]
        v = v + r2[i]
        unmaxed[i] = v + bias[i]
    if n_pieces == 2:
        for j in range(n_hidden):
            hidden[j] = unmaxed[2 * j] if unmaxed[2 * j] > unmaxed[2 * j + 1] else unmaxed[2 * j + 1]
    else:
        for j in range(n_hidden):
            hidden[j] = unmaxed[j * n_pieces + arg_max(&unmaxed[j * n_pieces], n_pieces)]


cdef inline int padded_width(int n_classes) noexcept nogil:
    """Score rows are padded to a multiple of 4 floats, so the loop below runs whole vectors."""
    return (n_classes + 3) & ~3


cdef void transpose_padded(float* WT, const float* W, int n_classes, int n_hidden) noexcept nogil:
    cdef int padded = padded_width(n_classes)
    cdef int c, k
    memset(WT, 0, n_hidden * padded * sizeof(float))
    for c in range(n_classes):
        for k in range(n_hidden):
            WT[k * padded + c] = W[c * n_hidden + k]


cdef void upper_scores(float* scores, const float* hiddens, const float* W, const float* WT, int n_states,
                       int n_classes, int n_hidden, int multiply) noexcept nogil:
    """scores = hiddens . W^T (W: classes x hidden), rows `padded_width` apart. BLIS: blis's sgemm. LOOP: per
    score, the products added in hidden order from zero, one rounding each, all classes at once along WT (W
    transposed and padded)."""
    cdef int s, c, k
    cdef int padded = padded_width(n_classes)
    cdef float h
    cdef float* out
    cdef const float* w
    if multiply == BLIS:
        _blis_sgemm(0, 1, n_states, n_classes, n_hidden, 1.0, hiddens, n_hidden, W, n_hidden, 0.0, scores, padded)
        return
    for s in range(n_states):
        out = &scores[s * padded]
        for c in range(padded):
            out[c] = 0.0
        for k in range(n_hidden):
            h = hiddens[s * n_hidden + k]
            w = &WT[k * padded]
            for c in range(padded):
                out[c] = out[c] + h * w[c]


cdef int decode_c(State* states, int n_states, const float* cached, const float* lower_bias, int n_hidden,
                  int n_pieces, const float* W, const float* upper_bias, const float* class_mask,
                  int n_classes, const int* kinds, const int* labels, const signed char* sent_start,
                  const unsigned char* is_space, int* ents, int* n_ents, int multiply) noexcept nogil:
    """Runs every state to the end; ents gets (doc, start, end, label) rows in the order entities close.
    Returns -1 when out of memory, else 0."""
    cdef int padded = padded_width(n_classes)
    cdef float* unmaxed = <float*>malloc(n_hidden * n_pieces * sizeof(float))
    cdef float* hiddens = <float*>malloc(n_states * n_hidden * sizeof(float))
    cdef float* scores = <float*>malloc(n_states * padded * sizeof(float))
    cdef float* WT = <float*>malloc(n_hidden * padded * sizeof(float))
    cdef int i, c, guess, kind, n_active = n_states, n_left
    cdef bint any_unseen = False
    cdef float min_
    cdef float* row
    cdef State* st
    if unmaxed == NULL or hiddens == NULL or scores == NULL or WT == NULL:
        free(unmaxed)
        free(hiddens)
        free(scores)
        free(WT)
        return -1
    transpose_padded(WT, W, n_classes, n_hidden)
    for c in range(n_classes):
        if not class_mask[c]:
            any_unseen = True
    while n_active >= 1:
        for i in range(n_active):
            hidden_vector(&hiddens[i * n_hidden], unmaxed, cached, lower_bias, &states[i], n_hidden, n_pieces)
        upper_scores(scores, hiddens, W, WT, n_active, n_classes, n_hidden, multiply)
        for i in range(n_active):
            for c in range(n_classes):
                scores[i * padded + c] = scores[i * padded + c] + upper_bias[c]
        if any_unseen:  # predict_states: the minimum over every score of the step
            min_ = scores[0]
            for i in range(n_active):
                for c in range(n_classes):
                    if scores[i * padded + c] < min_:
                        min_ = scores[i * padded + c]
            for i in range(n_active):
                for c in range(n_classes):
                    if not class_mask[c]:
                        scores[i * padded + c] = min_
        n_left = 0
        for i in range(n_active):
            st = &states[i]
            row = &scores[i * padded]
            guess = -1
            for c in range(n_classes):  # arg_max_if_valid
                if is_valid(kinds[c], labels[c], st, sent_start, is_space):
                    if guess == -1 or row[c] > row[guess]:
                        guess = c
            if guess == -1:
                st.b = st.length  # force_final: an open entity stays open and is not reported
            else:
                kind = kinds[guess]
                if kind == BEGIN:
                    st.ent_open, st.ent_start, st.ent_label = 1, st.b, labels[guess]
                elif kind == LAST or kind == UNIT:
                    if kind == UNIT:
                        st.ent_start, st.ent_label = st.b, labels[guess]
                    ents[4 * n_ents[0]] = st.doc
                    ents[4 * n_ents[0] + 1] = st.ent_start
                    ents[4 * n_ents[0] + 2] = st.b + 1
                    ents[4 * n_ents[0] + 3] = st.ent_label
                    n_ents[0] += 1
                    st.ent_open = 0
                if kind != MISSING:  # Missing's transition does nothing (it is never valid)
                    st.b += 1
            if st.b < st.length:  # not final
                states[n_left] = states[i]
                n_left += 1
        n_active = n_left
    free(unmaxed)
    free(hiddens)
    free(scores)
    free(WT)
    return 0


_LOOP_MATCHES = {}


def loop_matches_blis(int n_classes, int n_hidden) -> bool:
    """Whether the loop gives blis's sgemm's bits for these shapes, on pseudo-random data (1 and 67 rows,
    values over many magnitudes): a kernel that fuses multiply-adds or splits the sum differs on most scores."""
    key = (n_classes, n_hidden)
    if key in _LOOP_MATCHES:
        return _LOOP_MATCHES[key]
    if _blis_sgemm == NULL or n_classes <= 0 or n_hidden <= 0:
        return False
    rng = Random(20240611)
    cdef int padded = padded_width(n_classes)
    cdef int n_rows = 67, i, n
    cdef float* W = <float*>malloc(n_classes * n_hidden * sizeof(float))
    cdef float* WT = <float*>malloc(n_hidden * padded * sizeof(float))
    cdef float* hiddens = <float*>malloc(n_rows * n_hidden * sizeof(float))
    cdef float* by_blis = <float*>malloc(n_rows * padded * sizeof(float))
    cdef float* by_loop = <float*>malloc(n_rows * padded * sizeof(float))
    same = True
    try:
        if W == NULL or WT == NULL or hiddens == NULL or by_blis == NULL or by_loop == NULL:
            raise MemoryError()
        for i in range(n_classes * n_hidden):
            W[i] = rng.gauss(0.0, 1.0) * 2.0 ** rng.randint(-6, 2)
        for i in range(n_rows * n_hidden):
            hiddens[i] = rng.gauss(0.0, 1.0) * 2.0 ** rng.randint(-6, 4)
        transpose_padded(WT, W, n_classes, n_hidden)
        for n in (1, n_rows):
            memset(by_blis, 0, n_rows * padded * sizeof(float))
            memset(by_loop, 0, n_rows * padded * sizeof(float))
            upper_scores(by_blis, hiddens, W, WT, n, n_classes, n_hidden, BLIS)
            upper_scores(by_loop, hiddens, W, WT, n, n_classes, n_hidden, LOOP)
            for i in range(n * padded):
                if i % padded < n_classes and by_blis[i] != by_loop[i]:
                    same = False
    finally:
        free(W)
        free(WT)
        free(hiddens)
        free(by_blis)
        free(by_loop)
    _LOOP_MATCHES[key] = same
    return same


def decode(const float[:, ::1] cached, const float[::1] lower_bias, int n_feats, int n_hidden, int n_pieces,
           const float[:, ::1] W, const float[::1] upper_bias, const float[::1] class_mask,
           const int[::1] kinds, const int[::1] labels, const int[::1] lengths,
           const signed char[::1] sent_start, const unsigned char[::1] is_space, str multiply="auto"):
    """Greedy BILUO decoding of one sub-batch: docs of `lengths` tokens concatenated in that order.

    cached: the lower layer's precomputed features, (1 + n_tokens, n_feats * n_hidden * n_pieces), padding
    first; W, upper_bias: the upper layer; class_mask: 0 for an unseen class; kinds, labels: each class's move
    kind (MOVE_KINDS) and label id (0: no label); sent_start, is_space: per token. multiply: "blis", "loop",
    or "auto" (the loop where it matches blis, else blis). Returns per doc a list of (start, end, label id)
    in tokens.
    """
    cdef int n_docs = lengths.shape[0]
    cdef int n_tokens = 0, d, i, n_states = 0, n_ents = 0, status, offset = 0
    cdef int n_classes = W.shape[0]
    cdef int width = n_hidden * n_pieces
    cdef int how
    for d in range(n_docs):
        if lengths[d] < 0:
            raise ValueError("negative document length")
        n_tokens += lengths[d]
    if n_feats != 3:
        raise ValueError("only the NER state's three features are supported")
    if n_hidden <= 0 or n_pieces <= 0 or n_classes <= 0:
        raise ValueError("empty layers")
    if cached.shape[0] != n_tokens + 1 or cached.shape[1] != n_feats * width:
        raise ValueError(f"cached features {cached.shape[0]}x{cached.shape[1]} do not fit the documents")
    if lower_bias.shape[0] != width or W.shape[1] != n_hidden or upper_bias.shape[0] != n_classes:
        raise ValueError("layer shapes do not fit")
    if class_mask.shape[0] != n_classes or kinds.shape[0] != n_classes or labels.shape[0] != n_classes:
        raise ValueError("one move per class is needed")
    if sent_start.shape[0] != n_tokens or is_space.shape[0] != n_tokens:
        raise ValueError("one sentence-start and one space flag per token are needed")
    if multiply == "auto":
        how = LOOP if not HAS_BLIS or loop_matches_blis(n_classes, n_hidden) else BLIS
    elif multiply == "blis":
        if not HAS_BLIS:
            raise ValueError("blis's sgemm is not available")
        how = BLIS
    elif multiply == "loop":
        how = LOOP
    else:
        raise ValueError(f"multiply: 'auto', 'blis' or 'loop', not {multiply!r}")
    out = [[] for _ in range(n_docs)]
    if n_tokens == 0:
        return out
    cdef State* states = <State*>malloc(n_docs * sizeof(State))
    cdef int* ents = <int*>malloc(4 * n_tokens * sizeof(int))  # at most one entity per token
    if states == NULL or ents == NULL:
        free(states)
        free(ents)
        raise MemoryError()
    for d in range(n_docs):
        if lengths[d] > 0:  # an empty doc starts final and is left out, as in greedy_parse
            memset(&states[n_states], 0, sizeof(State))
            states[n_states].doc = d
            states[n_states].offset = offset
            states[n_states].length = lengths[d]
            n_states += 1
        offset += lengths[d]
    with nogil:
        status = decode_c(states, n_states, &cached[0, 0], &lower_bias[0], n_hidden, n_pieces, &W[0, 0],
                          &upper_bias[0], &class_mask[0], n_classes, &kinds[0], &labels[0], &sent_start[0],
                          &is_space[0], ents, &n_ents, how)
    try:
        if status != 0:
            raise MemoryError()
        for i in range(n_ents):
            out[ents[4 * i]].append((ents[4 * i + 1], ents[4 * i + 2], ents[4 * i + 3]))
    finally:
        free(states)
        free(ents)
    return out

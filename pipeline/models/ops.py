"""The matrix products of the shipped spaCy models, through numpy's BLAS instead of thinc's blis.

thinc's `NumpyOps.gemm` calls blis, which on the machines we measure runs a generic kernel: about 27
GFLOPS single-threaded, against about 80 for numpy's OpenBLAS on the same shapes (a sentence batch times
a 256x192 weight). The tok2vec layers and the parser's precomputed features are nearly all gemm, so the
NER costs 30% less with the same spans (tests/models/test_ops.py compares both on the corpus).

yanbao parallelises across documents (one process per worker), so BLAS gets one thread per process: a
second BLAS thread would only compete with the other workers for the same cores.
"""

from __future__ import annotations

from functools import lru_cache

import numpy
from spacy.language import Language
from thinc.api import NumpyOps


class MatmulOps(NumpyOps):
    """NumpyOps whose gemm is `numpy.matmul` (float32 in, float32 out); every other op is thinc's own."""

    name = "yanbao-matmul"

    def gemm(self, x, y, out=None, trans1: bool = False, trans2: bool = False):
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        if out is None:
            return numpy.ascontiguousarray(numpy.matmul(a, b))
        numpy.matmul(a, b, out=out)
        return out


@lru_cache(maxsize=1)
def single_threaded_blas() -> None:
    """Limit numpy's BLAS to one thread in this process (once; a no-op where threadpoolctl finds no BLAS)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def with_matmul_ops(nlp: Language) -> Language:
    """nlp with every layer of every pipe computing its matrix products through numpy (see module doc)."""
    single_threaded_blas()
    ops = MatmulOps()
    for _name, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is not None:
            for node in model.walk():
                node.ops = ops
    return nlp

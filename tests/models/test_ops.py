"""The NER's matrix products through numpy (MatmulOps) equal thinc's blis products and give the same spans
(corpus and training sentences)."""

from __future__ import annotations

from pathlib import Path

import numpy
import pytest
import spacy
from thinc.api import NumpyOps
from threadpoolctl import threadpool_info

from pipeline.ingest import ingest
from pipeline.ingest.sources import Source
from pipeline.models import model_dir
from pipeline.models.ner import load_model, load_training, predict_spans_batch
from pipeline.models.ops import MatmulOps, single_threaded_blas
from pipeline.normalize import normalize
from pipeline.segment import segment
from pipeline.segment.tokens import jieba_words

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
ARTICLES = sorted(p for p in CORPUS.iterdir() if p.suffix in {".txt", ".html"})


@pytest.mark.parametrize("trans1", [False, True])
@pytest.mark.parametrize("trans2", [False, True])
@pytest.mark.parametrize("with_out", [False, True])
def test_gemm_matches_thinc(trans1: bool, trans2: bool, with_out: bool) -> None:
    rng = numpy.random.default_rng(7)
    x = rng.standard_normal((31, 17) if not trans1 else (17, 31)).astype("float32")
    y = rng.standard_normal((17, 23) if not trans2 else (23, 17)).astype("float32")
    expected = NumpyOps().gemm(x, y, trans1=trans1, trans2=trans2)
    out = numpy.zeros((31, 23), dtype="float32") if with_out else None
    got = MatmulOps().gemm(x, y, out=out, trans1=trans1, trans2=trans2)
    assert got.dtype == numpy.float32 and got.flags["C_CONTIGUOUS"] and got.shape == (31, 23)
    numpy.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    if with_out:
        assert got is out


def test_blas_runs_one_thread_per_process() -> None:
    single_threaded_blas()
    blas = [info for info in threadpool_info() if info["user_api"] == "blas"]
    assert blas and all(info["num_threads"] == 1 for info in blas)


def test_ner_finds_the_same_spans_with_numpy_products_on_the_corpus() -> None:
    shipped = load_model()
    assert shipped is not None
    assert all(isinstance(node.ops, MatmulOps) for node in shipped.get_pipe("ner").model.walk())
    thinc_own = spacy.load(model_dir("ner"))  # a second copy, left on thinc's default ops
    sentences = []
    for path in ARTICLES:
        norm = normalize(ingest(Source(path, path.stem)).raw_text)
        sentences += [words for words in segment(path.stem, norm).words if words]
    sentences += [[w for w, _ in jieba_words(s.text)] for s in load_training()]  # the model's own sentences
    assert len(sentences) > 1000
    assert predict_spans_batch(shipped, sentences) == predict_spans_batch(thinc_own, sentences)

"""FastCut gives exactly jieba's words: on every corpus article, on generated text, after add_word."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest import ingest
from pipeline.ingest.sources import Source
from pipeline.normalize import normalize
from pipeline.segment.fastcut import FastCut, hmm_cut
from pipeline.segment.tokens import jieba_tokenizer, jieba_words, new_jieba_tokenizer

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
ARTICLES = sorted(p for p in CORPUS.iterdir() if p.suffix in {".txt", ".html"})

# Han characters common in the genre, rare ones, Latin, digits, jieba's block symbols, punctuation, spaces.
ALPHABET = st.sampled_from(
    list("公司的客户收入增长毛利率英伟达微软云计算数据中心算力租赁亿美元同比下降风险集中度较高")
    + list("鑫犇淼猋龘譶")
    + list("AIGPUCoreWeave0123456789.%+#&_-")
    + list("，。、：；！？（）“”《》 \n\t\r\u3000")
)


def test_corpus_articles_cut_exactly_as_jieba() -> None:
    tokenizer = jieba_tokenizer()
    fast = FastCut(tokenizer)
    assert ARTICLES
    for path in ARTICLES:
        raw = ingest(Source(path, path.stem)).raw_text
        for text in (raw, normalize(raw).text):
            assert list(fast.cut(text)) == list(tokenizer.cut(text, HMM=True)), path.name


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=80))
def test_generated_text_cut_exactly_as_jieba(text: str) -> None:
    tokenizer = jieba_tokenizer()
    assert list(FastCut(tokenizer).cut(text)) == list(tokenizer.cut(text, HMM=True))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=40))
def test_hmm_matches_jieba_finalseg(text: str) -> None:
    from jieba import finalseg

    assert list(hmm_cut(text)) == list(finalseg.cut(text))


def test_words_added_after_creation_are_used() -> None:
    tokenizer = new_jieba_tokenizer([])
    fast = FastCut(tokenizer)
    text = "犇淼科技的订单"
    before = list(fast.cut(text))
    tokenizer.add_word("犇淼科技", 50_000)
    after = list(fast.cut(text))
    assert after == list(tokenizer.cut(text, HMM=True))
    assert "犇淼科技" in after and after != before


@pytest.mark.parametrize("text", ["", "   ", "a  \n\n b", "英伟达  \u3000 GPU"])
def test_jieba_words_keep_offsets_and_merge_whitespace(text: str) -> None:
    words = jieba_words(text)
    assert "".join(w for w, _ in words) == text
    assert all(text[start : start + len(w)] == w for w, start in words)
    assert not any(a.isspace() and b.isspace() for (a, _), (b, _) in pairwise(words))


def test_compiled_core_is_built() -> None:
    """`pip install -e .` compiles pipeline/segment/_fastcut.pyx (Cython, a C compiler): a silent fallback to
    the Python loops would keep every word and lose a third of the segmentation speed."""
    from pipeline.segment import fastcut

    assert fastcut._compiled is not None, "the compiled segmenter is missing: reinstall with a C compiler"


def test_compiled_and_python_loops_give_the_same_words_on_the_corpus() -> None:
    fast = FastCut(jieba_tokenizer())
    for path in ARTICLES:
        raw = ingest(Source(path, path.stem)).raw_text
        for text in (raw, normalize(raw).text):
            assert list(fast.cut(text)) == list(fast.cut_python(text)), path.name


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=120))
def test_compiled_and_python_loops_give_the_same_words(text: str) -> None:
    fast = FastCut(jieba_tokenizer())
    assert list(fast.cut(text)) == list(fast.cut_python(text))


def test_dictionary_read_from_jiebas_cache_equals_jiebas_own_initialize() -> None:
    import jieba

    from pipeline.segment.tokens import initialize

    ours, theirs = jieba.Tokenizer(), jieba.Tokenizer()
    initialize(ours)
    theirs.initialize()
    assert ours.initialized and ours.total == theirs.total and ours.FREQ == theirs.FREQ


def test_an_unreadable_cache_falls_back_to_jieba(tmp_path) -> None:
    import jieba

    from pipeline.segment.tokens import initialize

    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(tmp_path)
    (tmp_path / "jieba.cache").write_bytes(b"not marshal data")
    initialize(tokenizer)  # jieba rebuilds the dictionary (and rewrites its cache in tmp_path)
    assert tokenizer.initialized and tokenizer.total > 0 and tokenizer.FREQ.get("公司")

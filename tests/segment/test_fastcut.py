"""FastCut gives exactly jieba's words: on every corpus article, on generated text, after add_word and del_word;
the compiled path's trie holds exactly the values the Python path computes."""

from __future__ import annotations

import math
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jieba import finalseg

from pipeline.ingest import ingest
from pipeline.ingest.sources import Source
from pipeline.normalize import normalize
from pipeline.segment import fastcut
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


# --- the compiled path's trie of FREQ's keys (pipeline/segment/_fastcut.pyx) ---

needs_compiled = pytest.mark.skipif(fastcut._compiled is None, reason="the compiled segmenter is missing")
ASTRAL = list("𠀀𠮷𡈽𪚥😀𝄞")  # outside the BMP: 4-byte str kind, code points above 0xFFFF


class _Dictionary:
    """The part of a jieba Tokenizer FastCut reads, over a hand-made FREQ."""

    def __init__(self, freq: dict[str, int]) -> None:
        self.FREQ = freq
        self.total = sum(freq.values())

    def check_initialized(self) -> None:
        pass


def _expected_value(count: int, logtotal: float) -> float:
    return math.log(count) - logtotal if count else 1.0  # fastcut._PREFIX_ONLY for a prefix-only entry


@needs_compiled
def test_trie_values_are_math_log_bit_for_bit_for_every_entry() -> None:
    fast = FastCut(jieba_tokenizer())
    trie = fast.trie()
    freq, logtotal = fast.freq, fast.logtotal
    assert trie.nodes == len(freq)  # jieba's FREQ holds every prefix of every word: one node a key
    wrong = [
        word
        for word, count in freq.items()
        if (value := trie.value(word)) is None or value.hex() != _expected_value(count, logtotal).hex()
    ]
    assert not wrong, wrong[:10]
    assert trie.value("公司犇淼") is None and trie.value("") is None
    assert trie.nbytes < 64 * 2**20


@needs_compiled
def test_trie_is_rebuilt_after_add_word_and_del_word() -> None:
    tokenizer = new_jieba_tokenizer([])
    fast = FastCut(tokenizer)
    text = "犇淼科技的订单来自鑫犇集团"
    assert list(fast.cut(text)) == list(tokenizer.cut(text, HMM=True))
    first = fast.trie()
    try:
        tokenizer.add_word("犇淼科技", 50_000)
        tokenizer.add_word("鑫犇集团", 80_000)
        added = list(fast.cut(text))
        assert added == list(tokenizer.cut(text, HMM=True))
        assert "犇淼科技" in added and "鑫犇集团" in added
        second = fast.trie()
        assert second is not first and second.value("犇淼科技") is not None
        tokenizer.del_word("犇淼科技")  # count 0, total unchanged: only Force_Split_Words says it changed
        deleted = list(fast.cut(text))
        assert deleted == list(tokenizer.cut(text, HMM=True))
        assert "犇淼科技" not in deleted and "鑫犇集团" in deleted
        assert fast.trie() is not second and fast.trie().value("犇淼科技") == 1.0  # now a prefix only
        assert deleted == list(fast.cut_python(text))
    finally:
        finalseg.Force_Split_Words.discard("犇淼科技")  # a module-wide set: leave other tests' HMM as it was


@needs_compiled
def test_a_word_longer_than_any_other_is_cut_whole_and_its_prefixes_end_the_walk() -> None:
    tokenizer = new_jieba_tokenizer([])
    longest = max(map(len, tokenizer.FREQ))
    word = "英伟达数据中心算力租赁与云计算客户收入增长毛利率同比下降风险集中度较高"
    assert len(word) > longest
    tokenizer.add_word(word, 10_000)
    fast = FastCut(tokenizer)
    texts = [word, "公司" + word + "的", word[:-1], word[: longest + 3] + "。" + word[5:], word + word]
    for text in texts:
        expected = list(tokenizer.cut(text, HMM=True))
        assert list(fast.cut(text)) == expected == list(fast.cut_python(text)), text
    assert word in fast.cut(texts[1])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(ALPHABET.elements) + ASTRAL), max_size=80))
def test_text_with_characters_outside_the_bmp_cut_exactly_as_jieba(text: str) -> None:
    tokenizer = jieba_tokenizer()
    fast = FastCut(tokenizer)
    assert list(fast.cut(text)) == list(tokenizer.cut(text, HMM=True)) == list(fast.cut_python(text))


# Keys of every str kind (1, 2 and 4 bytes a character), prefix-only entries (count 0), and keys whose
# prefixes are missing (the dict loop stops at 丁 before reaching 丁丁丁; the trie walk must stop there too).
# fmt: off
HAND_MADE = {
    "a": 3, "ab": 7, "abc": 0, "abcd": 2, "é": 1, "éa": 4,
    "公": 5, "公司": 40, "公司𠮷": 0, "公司𠮷a": 9, "𠮷": 2, "𠮷𠮷": 6, "𠮷公": 1,
    "丁丁丁": 30, "b公é": 8, "b": 0, "b公": 0,
}
# fmt: on
HAND_MADE_ALPHABET = st.sampled_from(list("abcé公司丁𠮷x"))


@needs_compiled
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=HAND_MADE_ALPHABET, max_size=40))
def test_compiled_route_equals_python_route_on_a_hand_made_dictionary(block: str) -> None:
    fast = FastCut(_Dictionary(dict(HAND_MADE)))
    assert fastcut._compiled.route(block, fast.trie()) == fast.route(block)


@needs_compiled
def test_trie_of_a_hand_made_dictionary() -> None:
    fast = FastCut(_Dictionary(dict(HAND_MADE)))
    trie = fast.trie()
    for word, count in HAND_MADE.items():
        expected = None if word == "丁丁丁" else _expected_value(count, fast.logtotal)
        assert trie.value(word) == expected, word
    assert trie.value("丁") is None and trie.value("x") is None
    # a key with no prefixes makes more nodes than the dict has keys: the table grows and keeps them all
    long_word = "abcdefghijklmnopqrstuvwxyz" * 2
    lonely = fastcut._compiled.Trie({long_word: 5}, 1.0)
    assert lonely.nodes == len(long_word) and lonely.capacity >= len(long_word) / 0.7
    assert lonely.value(long_word) is None and lonely.value("a") is None


def test_without_the_compiled_module_the_python_loops_cut(monkeypatch) -> None:
    tokenizer = jieba_tokenizer()
    text = "英伟达的数据中心收入同比增长，CoreWeave的算力租赁𠮷业务"
    monkeypatch.setattr(fastcut, "_compiled", None)
    assert list(FastCut(tokenizer).cut(text)) == list(tokenizer.cut(text, HMM=True))

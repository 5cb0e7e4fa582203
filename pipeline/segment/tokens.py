"""Words through spaCy's Chinese language class with the jieba segmenter and yanbao's user dictionary.

jieba and spaCy load once per process (they cost over a second); the Doc is built from jieba tokens
of each sentence so token boundaries never cross sentence boundaries and token.idx is a normalized
text offset.
"""

from __future__ import annotations

import logging
import marshal
import os
import re
import tempfile
import weakref
from functools import lru_cache
from importlib import resources
from itertools import accumulate

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.records import Sentence
from pipeline.segment.fastcut import FastCut

log = logging.getLogger(__name__)


def financial_terms_lines() -> list[str]:
    """The packaged `word [freq] [tag]` lines of financial terms (the user dictionary without the gazetteer)."""
    text = resources.files("pipeline.resources").joinpath("segment/financial_terms.txt").read_text("utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _user_dictionary_lines() -> list[str]:
    lines = financial_terms_lines()
    try:
        from pipeline.extract.gazetteer import load_gazetteer
    except ImportError:
        return lines
    return lines + load_gazetteer().jieba_user_dict_lines()


@lru_cache(maxsize=1)
def jieba_tokenizer():
    """A jieba Tokenizer with yanbao's user dictionary, initialised once per process."""
    return new_jieba_tokenizer(_user_dictionary_lines())


def new_jieba_tokenizer(lines: list[str]):
    """A fresh jieba Tokenizer with `word [freq] [tag]` user-dictionary lines (experiments pass their own)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    initialize(tokenizer)
    for line in lines:
        word, *rest = line.split()
        freq = int(rest[0]) if rest and rest[0].isdigit() else None
        tag = rest[-1] if rest and not rest[-1].isdigit() else None
        tokenizer.add_word(word, freq, tag)
    return tokenizer


def initialize(tokenizer) -> None:
    """`tokenizer.initialize()`, reading jieba's cache of its default dictionary in one read: jieba hands
    the open file to `marshal.load`, which then reads it object by object (0.8 s in a fresh process against
    0.2 s for `marshal.loads` of the same bytes). Anything else, or a cache that does not load, is left to
    jieba, which builds and writes the cache as before."""
    import jieba

    if tokenizer.dictionary == jieba.DEFAULT_DICT and not tokenizer.initialized:
        cache = os.path.join(tokenizer.tmp_dir or tempfile.gettempdir(), tokenizer.cache_file or "jieba.cache")
        try:
            with open(cache, "rb") as fh:
                freq, total = marshal.loads(fh.read())
        except (OSError, EOFError, ValueError, TypeError):
            pass
        else:
            if isinstance(freq, dict) and isinstance(total, int):
                tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
                return
    tokenizer.initialize()


@lru_cache(maxsize=1)
def blank_chinese() -> Language:
    """spaCy's Chinese language class configured for jieba (the tokenizer is bypassed: see build_doc)."""
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    nlp.max_length = 50_000_000
    return nlp


_SPACE_RUN = re.compile(r"\s\s")
_FAST_CUTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def fast_cut(tokenizer=None) -> FastCut:
    """The FastCut of a jieba tokenizer (default: the packaged one), one per tokenizer."""
    tokenizer = tokenizer or jieba_tokenizer()
    cut = _FAST_CUTS.get(tokenizer)
    if cut is None:
        cut = _FAST_CUTS[tokenizer] = FastCut(tokenizer)
    return cut


def words_of(text: str, tokenizer=None) -> list[str]:
    """jieba's default cut (HMM on) of text with each whitespace run as one token; joined they are text."""
    words = list(fast_cut(tokenizer).cut(text))
    if not _SPACE_RUN.search(text):
        return words  # jieba splits whitespace one character at a time: only runs need joining
    out: list[str] = []
    previous_space = False
    for word in words:
        space = word.isspace()
        if space and previous_space:
            out[-1] += word
        else:
            out.append(word)
        previous_space = space
    return out


def jieba_words(text: str, tokenizer=None) -> list[tuple[str, int]]:
    """(word, start) pairs of `words_of` (default: the packaged tokenizer)."""
    words = words_of(text, tokenizer)
    if not words:
        return []
    return list(zip(words, accumulate((len(w) for w in words[:-1]), initial=0), strict=True))


def sentence_words(text: str) -> list[str]:
    """The jieba words of one sentence (whitespace runs kept as single tokens); joined they are text."""
    return words_of(text)


def build_doc(text: str, sentences: list[Sentence], words: list[list[str]]) -> Doc:
    """A spaCy Doc whose text is exactly `text`: each sentence's words, and jieba words of the gaps between."""
    nlp = blank_chinese()
    tokens: list[str] = []
    starts: list[bool] = []
    cursor = 0
    for sentence, sentence_tokens in zip(sentences, words, strict=True):
        if cursor < sentence.norm_start:
            gap = sentence_words(text[cursor : sentence.norm_start])
            tokens.extend(gap)
            starts.extend([False] * len(gap))
        tokens.extend(sentence_tokens)
        starts.extend([True] + [False] * (len(sentence_tokens) - 1) if sentence_tokens else [])
        cursor = sentence.norm_end
    if cursor < len(text):
        tail = sentence_words(text[cursor:])
        tokens.extend(tail)
        starts.extend([False] * len(tail))
    if starts:
        starts[0] = True
    return Doc(nlp.vocab, words=tokens, spaces=[False] * len(tokens), sent_starts=starts)

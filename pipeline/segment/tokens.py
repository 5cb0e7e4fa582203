"""Words through spaCy's Chinese language class with the jieba segmenter and yanbao's user dictionary.

jieba and spaCy load once per process (they cost over a second); the Doc is built from jieba tokens
of each sentence so token boundaries never cross sentence boundaries and token.idx is a normalized
text offset.
"""

from __future__ import annotations

import logging
import weakref
from functools import lru_cache
from importlib import resources

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
    tokenizer.initialize()
    for line in lines:
        word, *rest = line.split()
        freq = int(rest[0]) if rest and rest[0].isdigit() else None
        tag = rest[-1] if rest and not rest[-1].isdigit() else None
        tokenizer.add_word(word, freq, tag)
    return tokenizer


@lru_cache(maxsize=1)
def blank_chinese() -> Language:
    """spaCy's Chinese language class configured for jieba (the tokenizer is bypassed: see build_doc)."""
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    nlp.max_length = 50_000_000
    return nlp


_FAST_CUTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def fast_cut(tokenizer=None) -> FastCut:
    """The FastCut of a jieba tokenizer (default: the packaged one), one per tokenizer."""
    tokenizer = tokenizer or jieba_tokenizer()
    cut = _FAST_CUTS.get(tokenizer)
    if cut is None:
        cut = _FAST_CUTS[tokenizer] = FastCut(tokenizer)
    return cut


def jieba_words(text: str, tokenizer=None) -> list[tuple[str, int]]:
    """(word, start) pairs of jieba's default cut (HMM on), whitespace runs kept as single tokens
    (default: the packaged tokenizer)."""
    out: list[tuple[str, int]] = []
    start = 0
    previous_space = False
    for word in fast_cut(tokenizer).cut(text):
        space = word.isspace()
        if space and previous_space:
            last, last_start = out[-1]
            out[-1] = (last + word, last_start)
        else:
            out.append((word, start))
        previous_space = space
        start += len(word)
    return out


def sentence_words(text: str) -> list[str]:
    """The jieba words of one sentence (whitespace runs kept as single tokens); joined they are text."""
    return [word for word, _start in jieba_words(text)]


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

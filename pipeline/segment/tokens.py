"""Words through spaCy's Chinese language class with the jieba segmenter and yanbao's user dictionary.

jieba and spaCy load once per process (they cost over a second); the Doc is built from jieba tokens
of each sentence so token boundaries never cross sentence boundaries and token.idx is a normalized
text offset.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.segment.sentences import TextSpan

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


def jieba_words(text: str, tokenizer=None) -> list[tuple[str, int]]:
    """(word, start) pairs for text, whitespace runs kept as their own tokens (default: the packaged tokenizer)."""
    out: list[tuple[str, int]] = []
    for word, start, _end in (tokenizer or jieba_tokenizer()).tokenize(text, HMM=True):
        if word.isspace() and out and out[-1][0].isspace() and out[-1][1] + len(out[-1][0]) == start:
            out[-1] = (out[-1][0] + word, out[-1][1])
        else:
            out.append((word, start))
    return out


def build_doc(text: str, sentences: list[TextSpan]) -> Doc:
    """A spaCy Doc whose text is exactly `text`, tokenized by jieba inside each sentence."""
    nlp = blank_chinese()
    words: list[str] = []
    starts: list[bool] = []
    cursor = 0

    def add(chunk_start: int, chunk_end: int, sentence_start: bool) -> None:
        first = True
        for word, offset in jieba_words(text[chunk_start:chunk_end]):
            words.append(word)
            starts.append(sentence_start and first)
            first = False

    for sentence in sentences:
        if cursor < sentence.start:
            add(cursor, sentence.start, False)
        add(sentence.start, sentence.end, True)
        cursor = sentence.end
    if cursor < len(text):
        add(cursor, len(text), False)
    if starts:
        starts[0] = True
    return Doc(nlp.vocab, words=words, spaces=[False] * len(words), sent_starts=starts)

"""FormIndex finds exactly what a per-form scan finds, and the gazetteer matcher built on it is unchanged."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import formindex
from pipeline.extract.formindex import FormIndex
from pipeline.extract.gazetteer import load_gazetteer
from pipeline.extract.mentions import (
    EXACT_CONFIDENCE,
    MISSPELLING_CONFIDENCE,
    Match,
    _context_words,
    fold,
    gazetteer_forms,
    gazetteer_matches,
    occurrences,
    select_longest,
    sentence_bounds,
)
from pipeline.ingest import ingest
from pipeline.ingest.sources import Source
from pipeline.normalize import normalize
from pipeline.segment import segment

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def scan(forms: list[tuple[str, bool, str]], text: str, folded: str) -> list[tuple[int, int, str]]:
    """The reference: every form's overlapping occurrences, one str.find loop per form."""
    out = []
    for form, sensitive, item in forms:
        haystack = text if sensitive else folded
        at = haystack.find(form)
        while at >= 0:
            out.append((at, at + len(form), item))
            at = haystack.find(form, at + 1)
    return out


def test_overlapping_and_repeated_occurrences_in_form_order() -> None:
    forms = [("英伟达", False, "nvidia"), ("伟达", False, "weida"), ("aa", False, "aa"), ("AMD", True, "amd")]
    text = "英伟达和AMD、amd，aaa"
    a, upper = text.index("aaa"), text.index("AMD")
    assert FormIndex(forms).find(text, fold(text)) == [
        (0, 3, "nvidia"), (1, 3, "weida"), (a, a + 2, "aa"), (a + 1, a + 3, "aa"), (upper, upper + 3, "amd"),
    ]


def test_forms_sharing_a_text_all_come_back() -> None:
    index = FormIndex([("meta", False, "meta-platforms"), ("meta", False, "meta-lab")])
    assert [item for _s, _e, item in index.find("Meta", "meta")] == ["meta-platforms", "meta-lab"]


def test_an_index_without_case_sensitive_forms() -> None:
    assert FormIndex([("云", False, "cloud")]).find("云A云", "云a云") == [(0, 1, "cloud"), (2, 3, "cloud")]
    assert FormIndex([]).find("text", "text") == []


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.text("abAB云达", min_size=1, max_size=3), st.booleans()), max_size=8, unique=True),
    st.text("abAB云达 ", max_size=30),
)
def test_same_occurrences_as_a_scan_per_form(pairs: list[tuple[str, bool]], text: str) -> None:
    forms = [(form, sensitive, f"item{i}") for i, (form, sensitive) in enumerate(pairs)]
    folded = fold(text)
    expected = scan(forms, text, folded)
    assert FormIndex(forms).find(text, folded) == sorted(expected, key=lambda o: (int(o[2][4:]), o[0]))


def reference_matches(text: str, sentences) -> list[Match]:
    """gazetteer_matches as it was before the index: one occurrences() loop per form."""
    gazetteer = load_gazetteer()
    folded = fold(text)
    candidates = []
    for form in gazetteer_forms(gazetteer):
        entry = gazetteer.entries[form.entity_id]
        for start in occurrences(text, folded, form):
            if entry.context:
                s, e = sentence_bounds(text, sentences, start)
                if not any(word in folded[s:e] for word in _context_words(entry.context)):
                    continue
            source, confidence = (("misspelling", MISSPELLING_CONFIDENCE) if form.misspelling
                                  else ("gazetteer", EXACT_CONFIDENCE))
            candidates.append(Match(start, start + len(form.text), entry.id, entry.type, source, confidence))
    return select_longest(candidates)


def test_gazetteer_matches_equal_the_per_form_scan_on_the_corpus() -> None:
    articles = sorted(p for p in CORPUS.iterdir() if p.suffix in {".txt", ".html"})
    assert len(articles) >= 9
    for path in articles:
        norm = normalize(ingest(Source(path, path.stem)).raw_text)
        sentences = segment(path.stem, norm).sentences
        assert gazetteer_matches(norm.text, load_gazetteer(), sentences) == reference_matches(norm.text, sentences)


def test_the_compiled_matcher_is_built() -> None:
    assert formindex._compiled is not None
    assert FormIndex([("云", False, "cloud")])._matcher is not None
    assert FormIndex([("云", False, "cloud")], compiled=False)._matcher is None


def corpus_texts() -> list[str]:
    articles = sorted(p for p in CORPUS.iterdir() if p.suffix in {".txt", ".html"})
    assert len(articles) >= 9
    return [normalize(ingest(Source(path, path.stem)).raw_text).text for path in articles]


def test_compiled_and_automaton_find_the_same_on_the_corpus() -> None:
    forms = [(f.text, f.case_sensitive, f) for f in gazetteer_forms(load_gazetteer())]
    compiled, automaton = FormIndex(forms), FormIndex(forms, compiled=False)
    assert compiled._matcher is not None
    found = 0
    for text in corpus_texts():
        folded = fold(text)
        expected = automaton.find(text, folded)
        assert compiled.find(text, folded) == expected
        found += len(expected)
    assert found > 100


ALPHABET = "abAB云达\U0001d538\U0001f600"  # two characters past the BMP


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.text(ALPHABET, max_size=4), st.booleans(), st.integers(0, 5)), max_size=10),
    st.text(ALPHABET + " ", max_size=40),
)
def test_compiled_and_automaton_agree(forms: list[tuple[str, bool, int]], text: str) -> None:
    """Prefixes of each other, repeated texts and repeated items (ranked by their last place), empty forms
    (never found), empty text and an empty index: the compiled matcher gives the automaton's list."""
    folded = fold(text)
    assert FormIndex(forms).find(text, folded) == FormIndex(forms, compiled=False).find(text, folded)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.text(ALPHABET, min_size=1, max_size=3), st.booleans()), max_size=8, unique=True),
    st.text(ALPHABET + " ", max_size=30),
)
def test_compiled_finds_what_a_scan_finds_past_the_bmp(pairs: list[tuple[str, bool]], text: str) -> None:
    forms = [(form, sensitive, f"item{i}") for i, (form, sensitive) in enumerate(pairs)]
    folded = fold(text)
    expected = sorted(scan(forms, text, folded), key=lambda o: (int(o[2][4:]), o[0]))
    assert FormIndex(forms).find(text, folded) == expected


def test_edge_cases_of_the_compiled_matcher() -> None:
    assert FormIndex([]).find("", "") == []
    assert FormIndex([("a", False, 1)]).find("", "") == []
    assert FormIndex([("", False, 1)]).find("aa", "aa") == []
    forms = [("a", False, 1), ("aa", False, 2), ("aaa", True, 3), ("a", False, 4),
             ("\U0001f600a", False, 1)]
    for text in ["aaaa", "\U0001f600aa", "AAAa"]:
        assert FormIndex(forms).find(text, fold(text)) == FormIndex(forms, compiled=False).find(text, fold(text))
    # one item under two texts, one a prefix of the other: at one start, the shorter occurrence first
    forms = [("a", False, 1), ("b", False, 2), ("aa", False, 1), ("ab", True, 1)]
    assert FormIndex(forms).find("aab", "aab") == [(2, 3, 2), (0, 1, 1), (0, 2, 1), (1, 2, 1), (1, 3, 1)]
    assert FormIndex(forms, compiled=False).find("aab", "aab") == FormIndex(forms).find("aab", "aab")

"""The analyst-claims extractor: lexicon rules and the trained claim classifier decide which body sentences
are the analyst's judgments (ANNOTATION_NOTES §5), with topic, stance, hedge, subject and evidence.

Rules reject headings, purely factual sentences (figures without evaluation) and industry-generic
framework sentences, and score evaluative language, the analyst's voice, conclusions and hedges; the
classifier (pipeline/models/claims.py) gives the claim probability, topic and stance. The combination
policy and its thresholds were chosen by cross-validation on the training sentences (docs/claims.md).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import ahocorasick

from pipeline.extract.figures import EntitySpan, entity_spans, main_entity
from pipeline.extract.quantities import find_quantities
from pipeline.extract.registry import ExtractionContext, Extractor, register
from pipeline.ids import stable_id
from pipeline.models.claims import TOPICS, Prediction, classify, load_model
from pipeline.records import Claim, Record, Sentence
from pipeline.resources import resource_yaml

_FINAL_PUNCTUATION = re.compile(r"[。！？!?；;…”」』）)]\s*$")
MAX_HEADING_CHARS = 30  # an unterminated line this short is a heading or a label, not a judgment
_FIGURE_KINDS = frozenset({"money", "percent", "share", "count", "duration", "multiple", "rate"})
_CLAUSE_END = re.compile(r"[,，;；:：。]")
_LEAD_IN = re.compile(r"[:：]\s*$")
# A section number opening a line: 一、 / 三. / 2、 / 2.3、 / 1.1 + space (not 3.5倍 or 5G)
_SECTION_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|\d{1,2}(?:[.．]\d{1,2})*\s*、|\d{1,2}(?:[.．]\d{1,2})+\s)")

# Policy (measured on out-of-fold training predictions and the team corpus, never the seed; see
# docs/claims.md): a sentence that survives the rejections is a claim when the classifier's probability
# plus RULE_WEIGHT x the rule score clears THRESHOLD; the stance cues decide the stance when they are
# clear (unless the classifier is sure the judgment is neutral), the classifier otherwise.
RULE_WEIGHT = 1.0
THRESHOLD = 0.5
# The classifier's neutral wins over the one-sided cues when it is this sure (train CV stance 0.729 -> 0.737,
# team corpus unchanged; 0.8 cost the team corpus a claim).
NEUTRAL_CONFIDENCE = 0.9
# A sentence with no judgment language (no evaluative, voice, conclusion or hedge word) is a claim only when the
# classifier alone is this sure (round 4, long-form dev set: F1 0.79 -> 0.82, team corpus unchanged; 0.6-1.0
# tried, docs/claims.md).
CLASSIFIER_ALONE = 0.9
NEGATION_GAP = 4  # characters allowed between a negator and the positive cue it turns around


def lexicon() -> dict:
    return resource_yaml("claims/lexicon.yaml")


@lru_cache(maxsize=128)
def _lexicon_index(words: tuple[str, ...]) -> tuple[tuple[str, ...], ahocorasick.Automaton]:
    """The words longest first (equal lengths in lexicon order, the same in every process), and an
    Aho-Corasick automaton that tells in one pass which of them occur in a text."""
    ordered = tuple(sorted((w for w in dict.fromkeys(words) if w), key=len, reverse=True))
    automaton = ahocorasick.Automaton()
    for word in ordered:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return ordered, automaton


def find_spans(text: str, words: list[str] | tuple[str, ...]) -> list[tuple[int, str]]:
    """(start, word) of the lexicon words found in text, longest first and non-overlapping, in text order."""
    ordered, automaton = _lexicon_index(tuple(words))
    if not ordered:
        return []
    present = {word for _, word in automaton.iter(text)}  # usually none or a few of the lexicon's words
    if not present:
        return []
    taken = [False] * len(text)
    found: list[tuple[int, str]] = []
    for word in ordered:
        if word not in present:
            continue
        start = text.find(word)
        while start != -1:
            end = start + len(word)
            if not any(taken[start:end]):
                taken[start:end] = [True] * len(word)
                found.append((start, word))
            start = text.find(word, end)
    return sorted(found)


def find_words(text: str, words: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The lexicon words found in text, longest first and non-overlapping, in text order."""
    return tuple(word for _, word in find_spans(text, words))


def looks_like_heading(text: str) -> bool:
    """Short and unterminated, or short and opening with a section number (a question heading such as
    2.3、护城河在哪里？ ends in punctuation)."""
    stripped = text.strip()
    return len(stripped) <= MAX_HEADING_CHARS and (not _FINAL_PUNCTUATION.search(stripped)
                                                   or bool(_SECTION_NUMBER.match(stripped)))


def count_figures(text: str) -> int:
    return sum(q.kind in _FIGURE_KINDS for q in find_quantities(text))


@dataclass(frozen=True)
class Signals:
    """What the rules see in one sentence."""

    evaluative: tuple[str, ...]
    strong: tuple[str, ...]
    voice: tuple[str, ...]
    conclusion: tuple[str, ...]
    hedges: tuple[str, ...]
    generic: tuple[str, ...]
    heading: bool
    figures: int
    refers: bool  # names an entity or refers to one (公司, 其 ...)
    meta: tuple[str, ...] = ()
    information_question: bool = False
    definition: tuple[str, ...] = ()
    reported: bool = False  # a speaker and a speech verb: someone else's words reported as a fact
    lead_in: bool = False  # ends in a colon: it announces what follows
    boilerplate: bool = False  # opens with a page-furniture label (风险提示：…)

    @property
    def judgment(self) -> int:
        """How many kinds of judgment language the sentence has (0-4)."""
        return sum(bool(x) for x in (self.evaluative, self.voice, self.conclusion, self.hedges))

    @property
    def factual(self) -> bool:
        """Figures and nothing that evaluates them."""
        return self.figures > 0 and not self.judgment

    @property
    def generic_framework(self) -> bool:
        """Industry framework talk: generic wording, no company, no analyst voice."""
        return bool(self.generic) and not self.refers and not self.voice

    @property
    def not_the_analysts(self) -> bool:
        """A definition or reported speech, with no analyst voice to make it a judgment."""
        return bool(self.definition or self.reported) and not self.voice

    @property
    def rejected(self) -> bool:
        return (self.heading or self.factual or self.generic_framework or bool(self.meta)
                or self.information_question or self.lead_in or self.not_the_analysts or self.boilerplate)

    @property
    def score(self) -> float:
        """Rule evidence for a claim in [0, 1]."""
        if self.rejected:
            return 0.0
        evaluative = len(self.evaluative) + len(self.strong)  # a strong word also counts as evaluative
        return min(1.0, 0.25 * min(evaluative, 2) + 0.3 * bool(self.voice)
                   + 0.2 * bool(self.conclusion) + 0.2 * bool(self.hedges))


def refers_to_company(text: str) -> bool:
    lex = lexicon()
    return bool(set(find_words(text, lex["anaphora"] + lex["not_anaphora"])) & set(lex["anaphora"]))


def is_information_question(text: str) -> bool:
    return bool(re.search(r"[?？]\s*$", text)) and bool(find_words(text, lexicon()["information_questions"]))


def definition_words(text: str) -> tuple[str, ...]:
    """The definition cues of text: 是指, 指的是 ... anywhere, 所谓 only as the sentence's opening word."""
    lex = lexicon()
    opener = tuple(w for w in lex["definition_openers"] if text.lstrip().startswith(w))
    return opener + find_words(text, lex["definition"])


def is_boilerplate(text: str) -> bool:
    stripped = text.lstrip()
    return any(stripped.startswith(label) for label in lexicon()["boilerplate_openers"])


def is_reported_speech(text: str) -> bool:
    lex = lexicon()
    return bool(find_words(text, lex["speakers"])) and bool(find_words(text, lex["speech_verbs"]))


def signals(text: str, *, heading: bool, figures: int, names_entity: bool) -> Signals:
    lex = lexicon()
    return Signals(
        evaluative=find_words(text, lex["evaluative"]),
        strong=find_words(text, lex["strong_evaluative"]),
        voice=find_words(text, lex["voice"]),
        conclusion=find_words(text, lex["conclusion"]),
        hedges=find_words(text, lex["hedges"]),
        generic=find_words(text, lex["generic"]),
        heading=heading or looks_like_heading(text),
        figures=figures,
        refers=names_entity or refers_to_company(text),
        meta=find_words(text, lex["meta"]),
        information_question=is_information_question(text),
        definition=definition_words(text),
        reported=is_reported_speech(text),
        lead_in=bool(_LEAD_IN.search(text)),
        boilerplate=is_boilerplate(text),
    )


def is_claim(sig: Signals, p_claim: float) -> bool:
    """Not rejected, enough evidence, and judgment language unless the classifier is sure on its own."""
    return (not sig.rejected and p_claim + RULE_WEIGHT * sig.score >= THRESHOLD
            and (sig.judgment > 0 or p_claim >= CLASSIFIER_ALONE))


def cue_topics(text: str) -> tuple[str, ...]:
    """The topics whose cues occur in text."""
    return tuple(topic for topic, cues in lexicon()["topic_cues"].items() if find_words(text, cues))


def claim_topic(text: str, prediction: Prediction) -> str:
    """The classifier's most probable topic among those whose cues occur (the single cue topic when the
    prediction carries no topic distribution); the classifier's best when no cue occurs."""
    hits = cue_topics(text)
    if not hits:
        return prediction.topic
    if not prediction.topics:
        return hits[0] if len(hits) == 1 else prediction.topic
    probability = dict(zip(TOPICS, prediction.topics, strict=True))
    return max(hits, key=lambda topic: probability[topic])


@lru_cache(maxsize=4)
def _negation(negators: tuple[str, ...]) -> re.Pattern[str]:
    """A negator at most NEGATION_GAP characters of the same clause before the end of the text."""
    return re.compile(f"(?:{'|'.join(map(re.escape, negators))})[^，,；;。：:]{{0,{NEGATION_GAP}}}$")


def _polarity(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The positive and the negative stance cues of text, searched together so that the longest cue wins
    (影响有限, a limited impact, is positive and hides the negative 有限); a negated positive cue (没有明显优势)
    counts as negative."""
    lex = lexicon()
    cues = lex["stance_cues"]
    positive_cues = set(cues["positive"])
    negated = _negation(tuple(lex["negators"]))
    positive: list[str] = []
    negative: list[str] = []
    for start, word in find_spans(text, cues["positive"] + cues["negative"]):
        is_positive = word in positive_cues and not negated.search(text, 0, start)
        (positive if is_positive else negative).append(word)
    return tuple(positive), tuple(negative)


def _main_clause(text: str) -> str | None:
    """For a concessive sentence (虽然 / 尽管 … 但 …), the part from its last contrast marker on: the
    concession is granted and the main clause carries the verdict. None for any other sentence."""
    lex = lexicon()
    if not any(text.lstrip().startswith(w) for w in lex["concessive"]):
        return None
    contrast = [text.rfind(w) for w in find_words(text, lex["contrast"])]
    return text[max(contrast):] if contrast else None


def rule_stance(text: str) -> str | None:
    """neutral for a balancing / conditional / open-verdict cue or for both sides in a contrast (a concessive
    sentence takes the side of its main clause when that clause is one-sided); else positive / negative
    when only that side's cues occur."""
    lex = lexicon()
    if find_words(text, lex["stance_cues"]["neutral"]):
        return "neutral"
    positive, negative = _polarity(text)
    if positive and negative:
        if not find_words(text, lex["contrast"]):
            return None
        main = _main_clause(text)
        if main is not None:
            main_positive, main_negative = _polarity(main)
            if bool(main_positive) != bool(main_negative):
                return "positive" if main_positive else "negative"
        return "neutral"
    if positive or negative:
        return "positive" if positive else "negative"
    return None


def claim_stance(text: str, prediction: Prediction) -> str:
    """A confidently neutral classifier, else the stance cues, else the classifier."""
    if prediction.stance == "neutral" and prediction.stance_p >= NEUTRAL_CONFIDENCE:
        return "neutral"
    return rule_stance(text) or prediction.stance


def claim_subject(text: str, local: list[EntitySpan], main: str) -> str:
    """The main entity when the sentence names it or names no organisation; else the organisation named in
    the sentence's first clause; else the main entity."""
    orgs = [e for e in local if e.type == "ORG"]
    if not orgs or any(e.entity_id == main for e in orgs):
        return main
    first_clause = _CLAUSE_END.search(text)
    limit = first_clause.start() if first_clause else len(text)
    leading = [e for e in orgs if e.start < limit]
    return leading[0].entity_id if leading else main


def _heading_spans(ctx: ExtractionContext) -> list[tuple[int, int]]:
    return [(s.norm_start, s.norm_end) for s in ctx.seg.sections]


def _overlaps_heading(sentence: Sentence, headings: list[tuple[int, int]]) -> bool:
    """The sentence is (mostly) a section heading: a heading covers half of it or more."""
    length = sentence.norm_end - sentence.norm_start
    return any(min(e, sentence.norm_end) - max(s, sentence.norm_start) >= length / 2 for s, e in headings)


class _Headings:
    """`_overlaps_heading` over one document's headings, looking only at those that reach into the sentence
    when the headings are in order and disjoint (section heading lines always are); else all of them."""

    def __init__(self, headings: list[tuple[int, int]]) -> None:
        self.headings = headings
        self.starts = [s for s, _ in headings]
        self.ordered = all(a[1] <= b[0] for a, b in pairwise(headings)) and all(s <= e for s, e in headings)

    def overlap(self, sentence: Sentence) -> bool:
        if not self.ordered or sentence.norm_end <= sentence.norm_start:
            return _overlaps_heading(sentence, self.headings)
        # a heading covering half of a non-empty sentence intersects it: starts before its end, ends after its
        # start; in order and disjoint, those are the last headings starting before its end
        reaching = []
        index = bisect_left(self.starts, sentence.norm_end) - 1
        while index >= 0 and self.headings[index][1] > sentence.norm_start:
            reaching.append(self.headings[index])
            index -= 1
        return _overlaps_heading(sentence, reaching)


def _is_title(sentence: Sentence, title: tuple[int, int] | None) -> bool:
    """The sentence is (mostly) the document title (raw offsets): a title is a heading, never a claim (§5),
    even when it is phrased as a judgment or a 能否 question."""
    if title is None:
        return False
    overlap = min(title[1], sentence.end) - max(title[0], sentence.start)
    return overlap >= (sentence.end - sentence.start) / 2


def _inside(records: list[Record], start: int, end: int) -> list[str]:
    return [r.id for r in records if start <= r.norm_start and r.norm_end <= end]  # type: ignore[attr-defined]


def _predictions(texts: list[str]) -> list[Prediction]:
    model = load_model()
    if model is None:
        raise RuntimeError("the claims model is not trained: run `yanbao train claims`")
    return classify(model, texts)


def _candidates(ctx: ExtractionContext, entities: list[EntitySpan]) -> list[tuple[Sentence, list[EntitySpan], Signals]]:
    """The body sentences that survive the rule rejections, with their entities (sentence offsets) and
    signals; only these go to the classifier (a rejected sentence is no claim whatever it scores)."""
    headings = _Headings(_heading_spans(ctx))
    by_start = sorted(range(len(entities)), key=lambda i: entities[i].start)
    starts = [entities[i].start for i in by_start]
    out = []
    for sentence in ctx.seg.sentences:
        if not sentence.in_body or not sentence.text.strip():
            continue
        if any(cs < sentence.norm_end and sentence.norm_start < ce for cs, ce in ctx.norm.corrupt):
            continue
        # the entities inside the sentence, in their own order
        inside = sorted(i for i in by_start[bisect_left(starts, sentence.norm_start):
                                              bisect_right(starts, sentence.norm_end)]
                        if entities[i].end <= sentence.norm_end)
        local = [EntitySpan(e.start - sentence.norm_start, e.end - sentence.norm_start, e.entity_id, e.type)
                 for e in (entities[i] for i in inside)]
        heading = headings.overlap(sentence) or _is_title(sentence, ctx.norm.title_span)
        figure_count = sum(q.kind in _FIGURE_KINDS for q in ctx.quantities(sentence.text))  # cached by figures
        sig = signals(sentence.text, heading=heading, figures=figure_count, names_entity=bool(local))
        if not sig.rejected:
            out.append((sentence, local, sig))
    return out


@register("claims", version="3", produces="claims", requires=("mentions", "figures"))
def extract_claims(ctx: ExtractionContext, extractor: Extractor) -> list[Record]:
    entities = entity_spans(ctx)
    candidates = _candidates(ctx, entities)
    if not candidates:
        return []
    main = main_entity(entities)
    figures = ctx.results.get("figures", [])
    mentions = ctx.results.get("mentions", [])
    predictions = _predictions([sentence.text for sentence, _, _ in candidates])
    claims: list[Record] = []
    for (sentence, local, sig), prediction in zip(candidates, predictions, strict=True):
        if not is_claim(sig, prediction.p_claim):
            continue
        start, end = ctx.norm.alignment.to_raw(sentence.norm_start, sentence.norm_end)
        claims.append(
            Claim(
                id=stable_id(ctx.doc_id, "claim", start, end),
                doc_id=ctx.doc_id, start=start, end=end,
                norm_start=sentence.norm_start, norm_end=sentence.norm_end,
                topic=claim_topic(sentence.text, prediction),  # type: ignore[arg-type]
                stance=claim_stance(sentence.text, prediction),  # type: ignore[arg-type]
                subject=claim_subject(sentence.text, local, main),
                hedged=bool(sig.hedges), hedge="、".join(sig.hedges),
                evidence_figure_ids=_inside(figures, sentence.norm_start, sentence.norm_end),
                evidence_mention_ids=_inside(mentions, sentence.norm_start, sentence.norm_end),
                extractor=extractor.label,
                confidence=round(min(1.0, (prediction.p_claim + sig.score) / 2), 4),
            )
        )
    return claims

"""Entity mentions: gazetteer matches over the whole normalized text, plus the trained NER's unknown names.

Matching runs on the normalized (Simplified, artefact-free) text and maps back through the alignment,
so a raw mention covers converter artefacts inside or right after a name (`英偉達(dá)`). Rules: Latin
forms need ASCII letter/digit boundaries (`Meta` is not in `Bare Metal`), the longest match wins, no
overlaps, context-restricted names need a context word in their sentence, and a match through a known
misspelling gets a lower confidence. The NER runs on body sentences; a span it finds that no gazetteer
match overlaps becomes an unknown entity (`known: false`), and every later occurrence of that name is
a mention too. The `extractor` field says which matcher produced a row: `mentions@1/gazetteer`,
`mentions@1/misspelling` or `mentions@1/ner`.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from pipeline.extract.gazetteer import Gazetteer, load_gazetteer, to_simplified
from pipeline.extract.registry import ExtractionContext, Extractor, register
from pipeline.ids import stable_id
from pipeline.records import Entity, Mention, Record, Sentence
from pipeline.resources import parse_yaml

EXACT_CONFIDENCE = 0.95
MISSPELLING_CONFIDENCE = 0.7
NER_CONFIDENCE = 0.6
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_SHORT_LATIN = re.compile(r"^[\x21-\x7e]{1,3}$")
_WORD_CHAR = re.compile(r"[A-Za-z0-9]")
# A model span must hold a CJK character or a Latin letter.
_NAME_LIKE = re.compile(r"[\u4e00-\u9fffA-Za-z]")
# Fiscal-period labels look like names to the model (FY24, 3Q25, H1'25) but are periods.
_PERIOD_LABEL = re.compile(
    r"^(?:(?:FY|CY)['’]?\d{2,4}|[1-4]Q\d{2,4}|[12]H\d{2,4}|[QH]\d(?:['’]\d{2,4})?|\d{2,4}(?:Q[1-4]|H[12]))$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Match:
    """An entity found in the normalized text."""

    start: int
    end: int
    entity_id: str
    type: str
    source: str  # gazetteer | misspelling | ner
    confidence: float


@dataclass(frozen=True)
class Form:
    text: str  # as compared: ascii-lowered unless short Latin
    entity_id: str
    case_sensitive: bool
    misspelling: bool


def fold(text: str) -> str:
    """ASCII-only lowercase, so offsets never move."""
    return text.translate(_ASCII_LOWER)


_FORMS: dict[int, tuple[Gazetteer, tuple[Form, ...]]] = {}


def gazetteer_forms(gazetteer: Gazetteer) -> tuple[Form, ...]:
    """The gazetteer's matchable forms, longest first (cached per gazetteer object)."""
    cached = _FORMS.get(id(gazetteer))
    if cached is not None and cached[0] is gazetteer:
        return cached[1]
    forms = []
    for form, entity_id in gazetteer.surface_forms().items():
        if len(form) < 2:
            continue
        short = bool(_SHORT_LATIN.match(form))
        forms.append(Form(form if short else fold(form), entity_id, short, gazetteer.is_misspelling(form)))
    ordered = tuple(sorted(forms, key=lambda f: (-len(f.text), f.text)))
    _FORMS[id(gazetteer)] = (gazetteer, ordered)
    return ordered


def _bounded(text: str, start: int, end: int) -> bool:
    """Latin edges of a match must not continue a Latin word."""
    if _WORD_CHAR.match(text[start]) and start > 0 and _WORD_CHAR.match(text[start - 1]):
        return False
    return not (_WORD_CHAR.match(text[end - 1]) and end < len(text) and _WORD_CHAR.match(text[end]))


def occurrences(text: str, folded: str, form: Form) -> Iterable[int]:
    haystack = text if form.case_sensitive else folded
    start = haystack.find(form.text)
    while start >= 0:
        if _bounded(text, start, start + len(form.text)):
            yield start
        start = haystack.find(form.text, start + 1)


def select_longest(candidates: list[Match]) -> list[Match]:
    """Non-overlapping matches, longest first (then leftmost, then most confident)."""
    taken: list[Match] = []
    occupied: set[int] = set()
    for match in sorted(candidates, key=lambda m: (-(m.end - m.start), m.start, -m.confidence)):
        if not occupied.intersection(range(match.start, match.end)):
            taken.append(match)
            occupied.update(range(match.start, match.end))
    return sorted(taken, key=lambda m: m.start)


@lru_cache(maxsize=512)
def _context_words(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(w) for w in words) | frozenset(fold(to_simplified(w)) for w in words)


def sentence_bounds(text: str, sentences: list[Sentence], pos: int) -> tuple[int, int]:
    """The normalized span of the sentence holding pos, else its line."""
    for sentence in sentences:
        if sentence.norm_start <= pos < sentence.norm_end:
            return sentence.norm_start, sentence.norm_end
    return text.rfind("\n", 0, pos) + 1, (text.find("\n", pos) + 1 or len(text) + 1) - 1


def gazetteer_matches(text: str, gazetteer: Gazetteer, sentences: list[Sentence] | None = None) -> list[Match]:
    """Every gazetteer entity in text: longest match wins, context-restricted names only in context."""
    folded = fold(text)
    candidates = []
    for form in gazetteer_forms(gazetteer):
        entry = gazetteer.entries[form.entity_id]
        for start in occurrences(text, folded, form):
            end = start + len(form.text)
            if entry.context:
                s, e = sentence_bounds(text, sentences or [], start)
                if not any(word in folded[s:e] for word in _context_words(entry.context)):
                    continue
            source, confidence = ("misspelling", MISSPELLING_CONFIDENCE) if form.misspelling else ("gazetteer",
                                                                                                   EXACT_CONFIDENCE)
            candidates.append(Match(start, end, entry.id, entry.type, source, confidence))
    return select_longest(candidates)


def slug(name: str, entity_type: str) -> str:
    """Id of an unknown entity: the ASCII slug of a Latin name, else `<type>-` + a short hash of the name."""
    ascii_slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")
    if name.isascii() and ascii_slug:
        return ascii_slug
    return f"{entity_type.lower()}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]}"


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Span without leading/trailing whitespace and punctuation (`Observability:`)."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


@lru_cache(maxsize=1)
def not_entities() -> frozenset[str]:
    from pipeline.models import model_dir

    path = model_dir("ner") / "not_entities.yaml"
    return frozenset(fold(w) for w in parse_yaml(path.read_text("utf-8")))


def plausible_name(name: str, tokenizer=None) -> bool:
    """A model span worth keeping: a name, not a generic term or a common dictionary word (in `tokenizer`'s
    dictionary, default the packaged one)."""
    from pipeline.segment.tokens import jieba_tokenizer

    if len(name) < 2 or not _NAME_LIKE.search(name) or fold(name) in not_entities() or _PERIOD_LABEL.match(name):
        return False
    if name.isascii():
        return any(c.isupper() for c in name)
    return not (tokenizer or jieba_tokenizer()).FREQ.get(name)


def body_sentence_words(ctx: ExtractionContext) -> list[tuple[Sentence, list[str]]]:
    """Each body sentence with its jieba words (from the segmented Doc, whose tokens never cross sentences)."""
    body = [s for s in ctx.seg.sentences if s.in_body]
    starts = [s.norm_start for s in body]
    words: list[list[str]] = [[] for _ in body]
    for token in ctx.seg.doc:
        i = bisect.bisect_right(starts, token.idx) - 1
        if i >= 0 and token.idx < body[i].norm_end:
            words[i].append(token.text)
    return list(zip(body, words, strict=True))


_ORG_SUFFIXES = ("公司", "集团", "科技", "研究", "资本", "证券", "银行", "基金", "控股", "实验室", "智能", "智算", "电子",
                 "半导体", "云", "网络", "数据", "能源", "汽车", "医药", "微电子", "传媒", "股份", "算力")
# Sentences about business links are where organisations outside any list turn up.
_LINK_CUES = ("客户", "供应商", "供货", "采购", "合作", "伙伴", "竞争", "对手", "收购", "并购", "投资", "入股", "持股",
              "旗下", "子公司", "代工", "订单", "签约", "合同", "创始", "CEO", "董事长")


def may_name_unknown(words: list[str], occupied: set[int], sentence: Sentence) -> bool:
    """Is the sentence worth the NER model? The model is the pipeline's most expensive step, and most
    sentences name only gazetteer entities or none: run it where a business-link cue appears, or where a
    word outside the gazetteer's matches looks like a name (capitalised Latin, an organisation suffix)."""
    if any(cue in sentence.text for cue in _LINK_CUES):
        return True
    offset = sentence.norm_start
    for word in words:
        start = offset
        offset += len(word)
        if len(word) < 2 or occupied.intersection(range(start, offset)):
            continue
        if word.isascii() and any(c.isupper() for c in word) and fold(word) not in not_entities():
            return True
        if not word.isascii() and word.endswith(_ORG_SUFFIXES):
            return True
    return False


def model_matches(ctx: ExtractionContext, taken: list[Match], gazetteer: Gazetteer) -> list[Match]:
    """NER spans in body sentences that no gazetteer match overlaps, then every occurrence of those names."""
    from pipeline.models.ner import load_model, predict_spans_batch

    nlp = load_model()
    if nlp is None:
        return []
    occupied = {i for m in taken for i in range(m.start, m.end)}
    found: dict[str, tuple[str, str]] = {}  # name -> (entity id, type)
    pairs = [(sentence, words) for sentence, words in body_sentence_words(ctx) if may_name_unknown(words, occupied,
                                                                                                  sentence)]
    predictions = predict_spans_batch(nlp, [words for _, words in pairs])
    for (sentence, _words), spans in zip(pairs, predictions, strict=True):
        for raw_start, raw_end, label in spans:
            start, end = trim(sentence.text, raw_start, raw_end)
            name = sentence.text[start:end]
            if not plausible_name(name) or gazetteer.lookup(name) is not None:
                continue
            span = range(sentence.norm_start + start, sentence.norm_start + end)
            if not occupied.intersection(span):
                found.setdefault(name, (slug(name, label), label))
    text, folded = ctx.norm.text, fold(ctx.norm.text)
    candidates = []
    for name, (entity_id, label) in found.items():
        form = Form(name if _SHORT_LATIN.match(name) else fold(name), entity_id, bool(_SHORT_LATIN.match(name)), False)
        for start in occurrences(text, folded, form):
            if not occupied.intersection(range(start, start + len(name))):
                candidates.append(Match(start, start + len(name), entity_id, label, "ner", NER_CONFIDENCE))
    return select_longest(candidates)


def to_mention(ctx: ExtractionContext, match: Match, extractor: Extractor) -> Mention:
    start, end = ctx.norm.alignment.to_raw(match.start, match.end)
    sentence = next((s for s in ctx.seg.sentences if s.norm_start <= match.start < s.norm_end), None)
    return Mention(
        id=stable_id(ctx.doc_id, "mention", start, end, match.entity_id),
        doc_id=ctx.doc_id, start=start, end=end, norm_start=match.start, norm_end=match.end,
        entity_id=match.entity_id, type=match.type,  # type: ignore[arg-type]
        surface=ctx.norm.raw_text[start:end], name=ctx.norm.text[match.start : match.end],
        sentence_id=sentence.id if sentence else None,
        extractor=f"{extractor.label}/{match.source}", confidence=match.confidence,
    )


@register("mentions", version="1", produces="mentions")
def extract_mentions(ctx: ExtractionContext, extractor: Extractor) -> list[Record]:
    gazetteer = load_gazetteer()
    known = gazetteer_matches(ctx.norm.text, gazetteer, ctx.seg.sentences)
    unknown = model_matches(ctx, known, gazetteer)
    matches = sorted(known + unknown, key=lambda m: m.start)
    return [to_mention(ctx, m, extractor) for m in matches if not _in_corrupt(ctx, m)]


def _in_corrupt(ctx: ExtractionContext, match: Match) -> bool:
    """Mojibake runs are never annotated (ANNOTATION_NOTES §1)."""
    return any(s < match.end and match.start < e for s, e in ctx.norm.corrupt)


def entity_rows(mentions: list[Mention], gazetteer: Gazetteer) -> list[Entity]:
    """One Entity per entity id: names as written here (raw and normalized), aliases from the gazetteer."""
    by_id: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_id.setdefault(mention.entity_id, []).append(mention)
    rows = []
    for entity_id, group in by_id.items():
        names = list(dict.fromkeys(n for m in group for n in (m.surface, m.name)))
        entry = gazetteer.entries.get(entity_id)
        aliases = [f for f in (entry.names + entry.tickers if entry else ()) if f not in names]
        rows.append(Entity(entity_id=entity_id, type=group[0].type, names=names, aliases=aliases,
                           known=entry is not None))
    return rows


@register("entities", version="1", produces="entities", requires=("mentions",))
def extract_entities(ctx: ExtractionContext, extractor: Extractor) -> list[Record]:
    mentions = [m for m in ctx.results.get("mentions", []) if isinstance(m, Mention)]
    return list(entity_rows(mentions, load_gazetteer()))

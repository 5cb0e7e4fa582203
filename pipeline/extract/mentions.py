"""Entity mentions: gazetteer matches over the whole normalized text, plus the trained NER's unknown names.

Matching runs on the normalized (Simplified, artefact-free) text and maps back through the alignment,
so a raw mention covers converter artefacts inside or right after a name (`英偉達(dá)`). Rules: Latin
forms need ASCII letter/digit boundaries (`Meta` is not in `Bare Metal`), the longest match wins, no
overlaps, context-restricted names need a context word in their sentence, and a match through a known
misspelling gets a lower confidence. The NER runs on body sentences; a span it finds that no gazetteer
match overlaps becomes an unknown entity (`known: false`), and every later occurrence of that name is
a mention too. The `extractor` field says which matcher produced a row: `mentions@2/gazetteer`,
`mentions@2/misspelling` or `mentions@2/ner`.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from pipeline.extract.formindex import FormIndex, fold
from pipeline.extract.gazetteer import Gazetteer, load_gazetteer, to_simplified
from pipeline.extract.registry import ExtractionContext, Extractor, register
from pipeline.ids import stable_id
from pipeline.records import Entity, Mention, Record, Sentence
from pipeline.resources import parse_yaml
from pipeline.segment.tokens import jieba_tokenizer

EXACT_CONFIDENCE = 0.95
MISSPELLING_CONFIDENCE = 0.7
NER_CONFIDENCE = 0.6
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


_INDEXES: dict[int, tuple[Gazetteer, FormIndex[Form]]] = {}


def form_index(gazetteer: Gazetteer) -> FormIndex[Form]:
    """One Aho-Corasick index of the gazetteer's forms (cached per gazetteer object)."""
    cached = _INDEXES.get(id(gazetteer))
    if cached is None or cached[0] is not gazetteer:
        forms = gazetteer_forms(gazetteer)
        cached = _INDEXES[id(gazetteer)] = (gazetteer, FormIndex([(f.text, f.case_sensitive, f) for f in forms]))
    return cached[1]


def gazetteer_matches(text: str, gazetteer: Gazetteer, sentences: list[Sentence] | None = None,
                      folded: str | None = None) -> list[Match]:
    """Every gazetteer entity in text (`folded`: `fold(text)` when the caller has it): longest match wins,
    context-restricted names only in context."""
    folded = fold(text) if folded is None else folded
    candidates = []
    for start, end, form in form_index(gazetteer).find(text, folded):
        if not _bounded(text, start, end):
            continue
        entry = gazetteer.entries[form.entity_id]
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


def plausible_name(name: str, tokenizer=None, *, in_name_position: bool = False) -> bool:
    """A model span worth keeping: a name, not a generic term, and not a common dictionary word (in
    `tokenizer`'s dictionary, default the packaged one) unless it stands where names stand
    (`in_name_position`: many companies are called after common words, 小米 millet, 甲骨文 oracle bones)."""
    if len(name) < 2 or not _NAME_LIKE.search(name) or fold(name) in not_entities() or _PERIOD_LABEL.match(name):
        return False
    if name.isascii():
        return any(c.isupper() for c in name)
    return in_name_position or not dictionary_word(name, tokenizer)


def dictionary_word(name: str, tokenizer=None) -> bool:
    """A common word or phrase: in the dictionary, or made only of dictionary words of two or more characters
    (芯片依赖, 大量数据) without a company ending; a name has a rare part (澜岳科技, 中际旭创) or ends like one
    (蓝鲸科技)."""
    tokenizer = tokenizer or jieba_tokenizer()
    if tokenizer.FREQ.get(name):
        return True
    pieces = tokenizer.lcut(name, HMM=False)
    return (len(pieces) > 1 and not name.endswith(_ORG_SUFFIXES)
            and all(len(p) > 1 and tokenizer.FREQ.get(p) for p in pieces))


# Where a common word tagged by the model is a company: a business-link cue right before it (客户包括小米,
# 收购小米; a role noun alone is not enough: 对供应商举足轻重),
# a corporate cue or a period right after it (小米旗下, 腾讯(0700.HK), 小米2025年), or a list joining it
# to a name (腾讯、阿里巴巴). A heading colon (`电动汽车：`) or the model tagging the word twice is no such cue.
_CUE_BEFORE = re.compile(r"(?:(?:客户|供应商|伙伴|对手|股东|代工厂|厂商)(?:包括|为|是|有|如|主要有|主要为|[:：])"
                         r"|收购|并购|入股|投资|供货给|对标)$")
_CUE_AFTER = re.compile(r"^(?:旗下|董事长|创始人|CEO|首席|公告|股价|市值|[（(][A-Za-z]*[:：]?[A-Z0-9.]+[)）]|\d{4}年|"
                        r"\d{2}Q[1-4]|[1-4]Q\d{2}|[一二三四]季度|[上下]半年)")
_LIST_SEPARATORS = frozenset({"、", "和", "与", "及", "以及", "或", "/", "&"})  # a comma ends a clause, not a list item


def name_position(text: str, start: int, end: int, names: Iterable[tuple[int, int]]) -> bool:
    """Does text[start:end] stand where a company name stands: after a link cue, before a corporate cue or a
    period, or in a list next to one of `names` (other spans of the sentence known to be names)?"""
    if _CUE_BEFORE.search(text[max(0, start - 8):start]) or _CUE_AFTER.match(text[end:end + 16]):
        return True
    for s, e in names:
        gap = text[e:start] if e <= start else text[end:s] if s >= end else None
        if gap is not None and gap.strip() in _LIST_SEPARATORS:
            return True
    return False


@dataclass(frozen=True)
class ModelSpan:
    """A trimmed model span: normalized offsets, the name, its label."""

    start: int
    end: int
    name: str
    label: str


def filter_model_spans(sentences: list[tuple[int, str]], spans: list[list[tuple[int, int, str]]],
                       gazetteer: Gazetteer, occupied: set[int], tokenizer=None,
                       ) -> tuple[list[ModelSpan], list[tuple[ModelSpan, str]]]:
    """The model spans worth keeping, and the dropped ones with the reason. `sentences`: (normalized start,
    text) of each sentence the model ran on, `spans` its (start, end, label) per sentence; `occupied`: the
    normalized offsets of gazetteer matches. A dictionary word tagged ORG survives only in a name position."""
    kept: list[ModelSpan] = []
    dropped: list[tuple[ModelSpan, str]] = []
    for (offset, text), sentence_spans in zip(sentences, spans, strict=True):
        trimmed = [(*trim(text, s, e), label) for s, e, label in sentence_spans]
        # plausible_name may segment the name (dictionary_word): judge each span once.
        plausible = [plausible_name(text[s:e], tokenizer) for s, e, _ in trimmed]
        names = [(s - offset, e - offset) for s, e in _runs(occupied, offset, offset + len(text))]
        names += [(s, e) for (s, e, _), ok in zip(trimmed, plausible, strict=True) if ok]
        for (start, end, label), ok in zip(trimmed, plausible, strict=True):
            span = ModelSpan(offset + start, offset + end, text[start:end], label)
            if gazetteer.lookup(span.name) is not None or occupied.intersection(range(span.start, span.end)):
                dropped.append((span, "gazetteer"))
            elif ok:
                kept.append(span)
            elif not plausible_name(span.name, tokenizer, in_name_position=True):
                dropped.append((span, "not name-like"))
            elif label == "ORG" and name_position(text, start, end, [n for n in names if n != (start, end)]):
                kept.append(span)
            else:
                dropped.append((span, "jieba word"))
    return kept, dropped


def _runs(offsets: set[int], start: int, end: int) -> list[tuple[int, int]]:
    """Maximal runs of consecutive offsets in [start, end) (the gazetteer matches of a sentence)."""
    runs: list[tuple[int, int]] = []
    for i in range(start, end):
        if i in offsets:
            if runs and runs[-1][1] == i:
                runs[-1] = (runs[-1][0], i + 1)
            else:
                runs.append((i, i + 1))
    return runs


def body_sentence_words(ctx: ExtractionContext) -> list[tuple[Sentence, list[str]]]:
    """Each body sentence with its jieba words (segmentation keeps them per sentence)."""
    return [(s, words) for s, words in zip(ctx.seg.sentences, ctx.seg.words, strict=True) if s.in_body]


_ORG_SUFFIXES = ("公司", "集团", "科技", "研究", "资本", "证券", "银行", "基金", "控股", "实验室", "智能", "智算", "电子",
                 "半导体", "云", "网络", "数据", "能源", "汽车", "医药", "微电子", "传媒", "股份", "算力", "信息", "通信")
# Sentences about business links are where organisations outside any list turn up.
_LINK_CUES = ("客户", "供应商", "供货", "采购", "合作", "伙伴", "竞争", "对手", "收购", "并购", "投资", "入股", "持股",
              "旗下", "子公司", "代工", "订单", "签约", "合同", "创始", "CEO", "董事长")


def may_name_unknown(words: list[str], occupied: set[int], sentence: Sentence, tokenizer=None) -> bool:
    """Is the sentence worth the NER model? The model is the pipeline's most expensive step, and most
    sentences name only gazetteer entities or none. A span it finds is kept only when it looks like a name
    (a capitalised Latin word, a Chinese word outside the dictionary or ending like a company) or stands in
    a name position (`name_position`): run it where a word outside the gazetteer's matches looks like a name,
    and in sentences about business links (where unlisted organisations turn up) that hold an unknown word,
    a link cue before a name, or a list joined to a known name."""
    has_cue = _LINK_CUE.search(sentence.text) is not None
    if not has_cue and _NAME_HINT.search(sentence.text) is None:
        return False  # no word below can be a capitalised Latin word or end like a company, and no cue
    freq = (tokenizer or jieba_tokenizer()).FREQ
    unknown = stem = False  # stem: the previous word could begin a name (not a match, punctuation or space)
    offset = sentence.norm_start
    has_match = not occupied.isdisjoint(range(sentence.norm_start, sentence.norm_end))
    for word in words:
        start = offset
        offset += len(word)
        free = not has_match or occupied.isdisjoint(range(start, offset))
        if len(word) >= 2 and free:
            if word.isascii():
                if any(c.isupper() for c in word) and fold(word) not in not_entities():
                    return True
            elif not freq.get(word):
                if word.endswith(_ORG_SUFFIXES):
                    return True
                unknown = True
            elif word.endswith(_ORG_SUFFIXES) and stem:  # a dictionary word names nothing alone: 公司, 电动汽车
                return True
        stem = free and _NAME_LIKE.search(word) is not None
    if not has_cue:
        return False
    return unknown or bool(_CUE_BEFORE_ANYWHERE.search(sentence.text)) or _listed_with_match(sentence, occupied)


_LINK_CUE = re.compile("|".join(map(re.escape, _LINK_CUES)))
# What a word that makes the gate say yes at once must contain: an ASCII capital or a company-like ending.
_NAME_HINT = re.compile("[A-Z]|" + "|".join(map(re.escape, _ORG_SUFFIXES)))
_CUE_BEFORE_ANYWHERE = re.compile(_CUE_BEFORE.pattern.removesuffix("$"))
_LIST_SEPARATOR = re.compile("|".join(sorted(map(re.escape, _LIST_SEPARATORS), key=len, reverse=True)))


def _listed_with_match(sentence: Sentence, occupied: set[int]) -> bool:
    """Does a list separator touch a gazetteer match in the sentence (腾讯、X)?"""
    offset = sentence.norm_start
    return any(offset + m.start() - 1 in occupied or offset + m.end() in occupied
               for m in _LIST_SEPARATOR.finditer(sentence.text))


def model_matches(ctx: ExtractionContext, taken: list[Match], gazetteer: Gazetteer, folded: str) -> list[Match]:
    """NER spans in body sentences that no gazetteer match overlaps, then every occurrence of those names."""
    from pipeline.models.ner import load_model, predict_spans_batch

    nlp = load_model()
    if nlp is None:
        return []
    occupied = {i for m in taken for i in range(m.start, m.end)}
    pairs = [(sentence, words) for sentence, words in body_sentence_words(ctx) if may_name_unknown(words, occupied,
                                                                                                  sentence)]
    predictions = predict_spans_batch(nlp, [words for _, words in pairs])
    kept, _ = filter_model_spans([(s.norm_start, s.text) for s, _ in pairs], predictions, gazetteer, occupied)
    found = {span.name: (slug(span.name, span.label), span.label) for span in reversed(kept)}
    text = ctx.norm.text
    candidates = []
    for name, (entity_id, label) in found.items():
        form = Form(name if _SHORT_LATIN.match(name) else fold(name), entity_id, bool(_SHORT_LATIN.match(name)), False)
        for start in occurrences(text, folded, form):
            if not occupied.intersection(range(start, start + len(name))):
                candidates.append(Match(start, start + len(name), entity_id, label, "ner", NER_CONFIDENCE))
    return select_longest(candidates)


def to_mention(ctx: ExtractionContext, match: Match, extractor: Extractor, sentence: Sentence | None) -> Mention:
    start, end = ctx.norm.alignment.to_raw(match.start, match.end)
    return Mention(
        id=stable_id(ctx.doc_id, "mention", start, end, match.entity_id),
        doc_id=ctx.doc_id, start=start, end=end, norm_start=match.start, norm_end=match.end,
        entity_id=match.entity_id, type=match.type,  # type: ignore[arg-type]
        surface=ctx.norm.raw_text[start:end], name=ctx.norm.text[match.start : match.end],
        sentence_id=sentence.id if sentence else None,
        extractor=f"{extractor.label}/{match.source}", confidence=match.confidence,
    )


def sentence_at(sentences: list[Sentence], starts: list[int], pos: int) -> Sentence | None:
    """The sentence whose normalized span holds pos (`starts`: the sentences' norm_start, ascending)."""
    index = bisect_right(starts, pos) - 1
    if index >= 0 and pos < sentences[index].norm_end:
        return sentences[index]
    return None


@register("mentions", version="2", produces="mentions")
def extract_mentions(ctx: ExtractionContext, extractor: Extractor) -> list[Record]:
    gazetteer = load_gazetteer()
    folded = fold(ctx.norm.text)
    known = gazetteer_matches(ctx.norm.text, gazetteer, ctx.seg.sentences, folded)
    unknown = model_matches(ctx, known, gazetteer, folded)
    matches = sorted(known + unknown, key=lambda m: m.start)
    sentences = ctx.seg.sentences
    starts = [s.norm_start for s in sentences]
    return [to_mention(ctx, m, extractor, sentence_at(sentences, starts, m.start)) for m in matches
            if not _in_corrupt(ctx, m)]


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

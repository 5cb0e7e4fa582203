"""The rule figure extractor: quantities that are facts, with qualifier, metric, subject and period.

`find_quantities` finds every quantity; this module decides which are figures (ANNOTATION_NOTES §2:
no bare numbers, years, ordinals, taxonomy or back-reference counts) and attributes each one:
period from its clause, else its sentence, else its paragraph or the list it belongs to; subject from
an entity that owns the figure (`微软智能云板块60%`), else the document's main entity when the sentence
is about it, else none.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from functools import lru_cache
from typing import NamedTuple

from pipeline.extract.periods import Period, find_periods
from pipeline.extract.quantities import Quantity
from pipeline.extract.registry import ExtractionContext, Extractor, register
from pipeline.ids import stable_id
from pipeline.records import Figure, Record, Sentence
from pipeline.resources import resource_yaml

_CLAUSE_BREAK = re.compile(r"[,，;；:：。!?！？]")


def lexicon() -> dict:
    return resource_yaml("figures/attribution.yaml")


class EntitySpan(NamedTuple):
    """An entity mention in text or sentence coordinates (a tuple: documents make thousands of them)."""

    start: int
    end: int
    entity_id: str
    type: str


@lru_cache(maxsize=64)
def _breaks(text: str) -> list[int]:
    """Positions of the clause-break characters of a sentence (each figure asks several times)."""
    return [m.start() for m in _CLAUSE_BREAK.finditer(text)]


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause (between , ; : and sentence ends) of text that holds [start, end)."""
    breaks = _breaks(text)
    before = bisect_left(breaks, start)  # breaks are one character: those before `start` end by it
    after = bisect_left(breaks, end)
    return (breaks[before - 1] + 1 if before else 0), (breaks[after] if after < len(breaks) else len(text))


def figure_kind_unit(q: Quantity) -> tuple[str, str]:
    """GOLD_FORMAT vocabulary: growth/change rates and percentage points are kind `rate`."""
    if q.kind == "percentage_point" or q.unit in ("pp", "bp"):
        return "rate", q.unit
    if q.change and q.kind == "percent":
        return "rate", q.unit
    return q.kind, q.unit


_APPOSITION_BREAK = re.compile(r"[,，、。:：—\-(（]")


def _apposition(sentence_text: str, q: Quantity, entities: list[EntitySpan]) -> bool:
    """`两家服务器供应商Dell和Super Micro`: a count directly followed by the names it counts."""
    return any(
        q.end <= e.start <= q.end + 8 and not _APPOSITION_BREAK.search(sentence_text[q.end : e.start])
        for e in entities
    )


def is_figure(q: Quantity, sentence_text: str, quantities: list[Quantity], entities: list[EntitySpan]) -> bool:
    lex = lexicon()
    if q.kind not in lex["figure_kinds"]:
        return False
    if q.start and sentence_text[q.start - 1] in "数几" and sentence_text[q.start] in "十百千万亿":
        return False  # 数十亿美元, 几百家: vague amounts with no number (ANNOTATION_NOTES 2.6)
    if q.kind != "count":
        return True
    if q.unit in lex["physical_count_units"]:
        return True
    if q.low == q.high == 1 and not sentence_text[q.start].isdigit():
        return False  # emphatic or determiner 一 (微软一家就占了…)
    if _apposition(sentence_text, q, entities):
        return False
    before = sentence_text[max(0, q.start - 2) : q.start]
    after = sentence_text[q.end : q.end + 4]
    if any(before.endswith(w) for w in lex["back_reference_before"]):
        return False
    if any(after.startswith(w) for w in lex["apposition_after"]):
        return False
    lo, hi = 0, len(sentence_text)
    if after.startswith("大"):  # 三大云巨头 names a group; 另两大占…1~2成, 前五大客户占比… count one
        lo, hi = _clause(sentence_text, q.start, q.end)
    measured = [o for o in quantities if o is not q and o.kind in ("percent", "share", "money")
                and lo <= o.start and o.end <= hi]
    return bool(measured) and any(w in sentence_text[lo:hi] for w in lex["concentration_words"])


_COMPARISON_BASE = re.compile(r"(?:较|比|相比|对比|较之|高于|低于)\s*$")


def _candidates(periods: list[Period], text: str) -> list[Period]:
    """Periods that can date a figure: not the base of a comparison (较上季度, 相比2024年)."""
    return [p for p in periods if not _COMPARISON_BASE.search(text[max(0, p.start - 3) : p.start])]


def attribute_period(q: Quantity, sentence_text: str, periods: list[Period], inherited: str) -> str:
    """Nearest period before the figure in its clause, else after it in the clause, else the same in
    its sentence, else what its paragraph or list established; durations only take their clause's."""
    if not periods:
        return "" if q.kind == "duration" else inherited  # what the search below finds without periods
    usable = _candidates(periods, sentence_text)
    c_start, c_end = _clause(sentence_text, q.start, q.end)
    for lo, hi in ((c_start, c_end), (0, len(sentence_text))):
        before = [p for p in usable if lo <= p.start and p.end <= q.start]
        after = [p for p in usable if q.end <= p.start and p.end <= hi]
        if before:
            return before[-1].value
        if after:
            return after[0].value
        if q.kind == "duration":
            return ""
    return inherited


_REPORT_PERIOD = re.compile(r"(20\d{2})\s*年?\s*(中报|半年报|年报|一季报|三季报)")
_REPORT_SUFFIX = {"中报": "H1", "半年报": "H1", "一季报": "Q1", "三季报": "Q3", "年报": ""}
_BARE_QUARTER = re.compile(r"(?:(20\d{2})\s*年\s*)?(?:第([一二三四1-4])(?:财)?季(?:度)?|(?<![\d年Q第本当单该下上])([一二三四])季度)")
_BARE_HALF = re.compile(r"(?<![年\d])(上|下)半年")
_QUARTER_NUMBER = {"一": "1", "二": "2", "三": "3", "四": "4"}
_RELATIVE_QUARTER = re.compile(r"(本|当|该|下|上)(?:一)?(?:财)?季(?:度)?(?!度)")
_QUARTER_PERIOD = re.compile(r"\d{4}Q[1-4]")


def document_period(title: str | None) -> str:
    """The period a headline announces (英伟达3Q25业绩点评, 小米2025年中报点评), or ''."""
    if not title:
        return ""
    report = _REPORT_PERIOD.search(title)
    if report:
        return report.group(1) + _REPORT_SUFFIX[report.group(2)]
    periods = find_periods(title)
    return periods[0].value if periods else ""


def _shift_quarter(period: str, delta: int) -> str:
    year, quarter = int(period[:4]), int(period[5]) - 1 + delta
    return f"{year + quarter // 4}Q{quarter % 4 + 1}"


def bare_periods(sentence_text: str, doc_period: str) -> list[Period]:
    """Quarters and halves the period grammar leaves to context: 2025年第二季 (Taiwan/HK usage), 第三季度 or
    上半年 without a year (dated by the headline's year), 本季度/下季度 (relative to the headline's quarter)."""
    year = doc_period[:4] if doc_period[:4].isdigit() else ""
    out: list[Period] = []
    if "季" not in sentence_text and "半年" not in sentence_text:
        return out  # every pattern below needs one of them
    for m in _BARE_QUARTER.finditer(sentence_text):
        quarter_year = m.group(1) or year
        if quarter_year:
            digit = m.group(2) or m.group(3)
            number = _QUARTER_NUMBER.get(digit, digit)
            out.append(Period(m.start(), m.end(), m.group(), f"{quarter_year}Q{number}"))
    if year:
        out += [Period(m.start(), m.end(), m.group(), f"{year}H{1 if m.group(1) == '上' else 2}")
                for m in _BARE_HALF.finditer(sentence_text)]
    if _QUARTER_PERIOD.fullmatch(doc_period):
        for m in _RELATIVE_QUARTER.finditer(sentence_text):
            delta = {"本": 0, "当": 0, "该": 0, "下": 1, "上": -1}[m.group(1)]
            out.append(Period(m.start(), m.end(), m.group(), _shift_quarter(doc_period, delta)))
    return out


def merge_periods(grammar: list[Period], context: list[Period]) -> list[Period]:
    """Context periods win over grammar periods they overlap (2025年第二季 over 2025年)."""
    kept = [g for g in grammar if not any(c.start < g.end and g.start < c.end for c in context)]
    return sorted(kept + context, key=lambda p: p.start)


def main_entity(entities: list[EntitySpan]) -> str:
    counts = Counter(e.entity_id for e in entities if e.type == "ORG")
    return counts.most_common(1)[0][0] if counts else ""


_LINK_TAIL = re.compile(r"(?:约为|约|大约|近|接近|超过|逾|仅|只有|为|达到|达|提升至|降至|维持在|在)*\s*$")
_OWNER_BREAK = re.compile(r"[,，。;；:：]|(?<!市)占|来自|贡献|持有|[这那]?[一二两三四五六七八九十\d]+家")
_OWNER_WORDS = ("板块", "业务", "部门", "分部", "的")


def owns(entity: EntitySpan, between: str) -> bool:
    """Does `between` (the text from an entity to a figure) make the entity the figure's owner?

    `微软智能云板块60%`, `Bare Metal的用户100%`, `博通市占率约8~9成`, `CoreWeave约$19亿` are; `微软一家就占了…62%`
    (the counterparty of a share) and `来自OpenAI…三家` are not.
    """
    core = between[: _LINK_TAIL.search(between).start()]
    if len(core) > 10 or _OWNER_BREAK.search(core):
        return False
    if not core.strip():
        return True
    metric = any(word in core for word in _owner_metric_words())
    return metric or any(word in core for word in _OWNER_WORDS)


@lru_cache(maxsize=1)
def _owner_metric_words() -> tuple[str, ...]:
    return tuple(lexicon()["metric_words"] + lexicon()["company_metrics"])


_COMPARED_TO = re.compile(r"(?:为|是|于|较|比)\s*$")


def attribute_subject(
    q: Quantity, sentence_text: str, sentence_entities: list[EntitySpan], main: str, paragraph_mentions_main: bool
) -> str:
    c_start, _ = _clause(sentence_text, q.start, q.end)
    owners = [e for e in sentence_entities if c_start <= e.start and e.end <= q.start]
    if q.kind == "multiple" and owners and _COMPARED_TO.search(sentence_text[: owners[-1].start]):
        owners = owners[:-1]  # 昇腾的出货量约为寒武纪的3倍: the base of the comparison is not the owner
    if owners and owns(owners[-1], sentence_text[owners[-1].end : q.start]):
        return owners[-1].entity_id
    if not main:
        return ""
    if any(e.entity_id == main for e in sentence_entities) or any(w in sentence_text for w in _anaphora()):
        return main
    others = [e for e in owners if e.type == "ORG" and e.entity_id != main]
    if others:
        return ""
    if paragraph_mentions_main:
        return main
    return main if any(w in sentence_text for w in lexicon()["company_metrics"]) else ""


@lru_cache(maxsize=1)
def _anaphora() -> tuple[str, ...]:
    """Anaphora of more than one character (其 alone is too common to decide anything)."""
    return tuple(w for w in lexicon()["anaphora"] if len(w) > 1)


@lru_cache(maxsize=1)
def _metric_words() -> tuple[str, ...]:
    return tuple(sorted(lexicon()["metric_words"], key=len, reverse=True))


@lru_cache(maxsize=1)
def _any_metric_word() -> re.Pattern[str]:
    """Finds a metric word if the text holds one (most figures' surroundings hold none)."""
    return re.compile("|".join(re.escape(word) for word in _metric_words() if word) or "(?!)")


_METRIC_OF = re.compile(r"^(?:以上|以下|左右)?的([^,，。的]{1,10})")


def attribute_metric(q: Quantity, sentence_text: str) -> str:
    words = _metric_words()
    c_start, c_end = _clause(sentence_text, q.start, q.end)
    after = sentence_text[q.end : c_end]
    match = _METRIC_OF.match(after)
    if match and match.group(1).rstrip("中里内上"):
        return match.group(1).rstrip("中里内上")
    before, near = sentence_text[c_start : q.start], after[:8]
    if not _any_metric_word().search(before) and not _any_metric_word().search(near):
        return ""  # what the loop below would answer
    for word in words:
        if word in before or word in near:
            return word
    return ""


def entity_spans(ctx: ExtractionContext) -> list[EntitySpan]:
    """Entity mentions (normalized offsets) from the mentions table, else from the gazetteer matcher."""
    mentions = ctx.results.get("mentions")
    if mentions:
        return [EntitySpan(m.norm_start, m.norm_end, m.entity_id, m.type) for m in mentions]  # type: ignore[attr-defined]
    from pipeline.extract.gazetteer import load_gazetteer
    from pipeline.extract.mentions import gazetteer_matches

    matches = gazetteer_matches(ctx.norm.text, load_gazetteer(), ctx.seg.sentences)
    return [EntitySpan(m.start, m.end, m.entity_id, m.type) for m in matches]


_LIST_ITEM = re.compile(r"^\s*(?:[a-z][.)．]|\d{1,2}[)）]|[(（]\d{1,2}[)）]|[-*•·])")


def inherited_periods(text: str, sentences: list[Sentence], periods: dict[str, list[Period]]) -> dict[str, str]:
    """sentence id -> the period its paragraph established before it, or that a lead-in gave its list.

    A paragraph's period carries to the following list items (a. b. 1) ...) and stops at the next
    ordinary paragraph.
    """
    out: dict[str, str] = {}
    carried = ""  # the period of the last ordinary paragraph, offered to the list items after it
    current = ""  # the period established so far in the current paragraph
    paragraph = -1
    for sentence in sentences:
        line_start = text.rfind("\n", 0, sentence.norm_start) + 1
        is_item = bool(_LIST_ITEM.match(text[line_start : sentence.norm_end]))
        if sentence.paragraph != paragraph:
            paragraph = sentence.paragraph
            if not is_item:
                carried = ""
            current = carried if is_item else ""
        out[sentence.id] = current
        if periods[sentence.id]:
            current = periods[sentence.id][-1].value
            if not is_item:
                carried = current
    return out


@register("figures", version="1", produces="figures", requires=("mentions",))
def extract_figures(ctx: ExtractionContext, extractor: Extractor) -> list[Record]:
    sentences = [s for s in ctx.seg.sentences if s.in_body]
    entities = entity_spans(ctx)
    main = main_entity(entities)
    doc_period = document_period(ctx.norm.title)
    periods_by_sentence = {s.id: merge_periods(ctx.periods(s.text), bare_periods(s.text, doc_period))
                           for s in sentences}
    inherited = inherited_periods(ctx.norm.text, sentences, periods_by_sentence)
    entities = sorted(entities, key=lambda e: e.start)
    entity_starts = [e.start for e in entities]
    paragraphs_with_main = {s.paragraph for s in sentences
                            for e in entities[bisect_left(entity_starts, s.norm_start):
                                              bisect_left(entity_starts, s.norm_end)] if e.entity_id == main}
    figures: list[Record] = []
    for sentence in sentences:
        quantities = ctx.quantities(sentence.text)
        if not quantities:
            continue
        local_entities = [
            EntitySpan(e.start - sentence.norm_start, e.end - sentence.norm_start, e.entity_id, e.type)
            for e in entities[bisect_left(entity_starts, sentence.norm_start):
                              bisect_left(entity_starts, sentence.norm_end)]
            if e.end <= sentence.norm_end
        ]
        for q in quantities:
            if not is_figure(q, sentence.text, quantities, local_entities):
                continue
            norm_start, norm_end = sentence.norm_start + q.start, sentence.norm_start + q.end
            if ctx.norm.corrupt and any(cs < norm_end and norm_start < ce for cs, ce in ctx.norm.corrupt):
                continue
            start, end = ctx.norm.alignment.to_raw(norm_start, norm_end)
            kind, unit = figure_kind_unit(q)
            period = attribute_period(q, sentence.text, periods_by_sentence[sentence.id],
                                      inherited[sentence.id])
            subject = attribute_subject(q, sentence.text, local_entities, main,
                                        sentence.paragraph in paragraphs_with_main)
            if not period and subject and subject == main and q.kind != "duration":
                period = doc_period
            figures.append(
                Figure(
                    id=stable_id(ctx.doc_id, "figure", start, end, kind, q.low, q.high, unit),
                    doc_id=ctx.doc_id, start=start, end=end, norm_start=norm_start, norm_end=norm_end,
                    surface=ctx.norm.raw_text[start:end], kind=kind, low=q.low, high=q.high, unit=unit,
                    qualifier=q.qualifier, metric=attribute_metric(q, sentence.text), subject=subject,
                    period=period, sentence_id=sentence.id, extractor=extractor.label,
                    confidence=0.9 if q.kind != "count" else 0.75,
                )
            )
    return figures

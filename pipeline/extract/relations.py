"""Business relations between entities, by rules over each body sentence's mentions and cue words.

Read a relation as "tail is head's <relation>". Per sentence, explicit patterns (both ends written:
`A旗下的B`, `A向B投资`) run first, then tail-only patterns (`由A供应`, `向A采购`) whose head is the
sentence subject, then cue words (客户, 供应商, 竞争对手 ...) that link the subject to every other
organisation near the cue. The subject is the document's main entity when the sentence names it or
refers to it (公司, 其), else the first organisation before the cue. One record per (head, relation,
tail) per document, the most confident and earliest evidence kept; customer/supplier converses collapse
to one record. The lexicon is pipeline/resources/relations/cues.yaml.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from pipeline.extract.gazetteer import Gazetteer, load_gazetteer
from pipeline.extract.registry import ExtractionContext, Extractor, register
from pipeline.ids import stable_id
from pipeline.records import Figure, Mention, Record, Relation, Section, Sentence
from pipeline.resources import resource_yaml

EXPLICIT_CONFIDENCE = 0.8
TAIL_ONLY_CONFIDENCE = 0.75
CUE_CONFIDENCE = 0.6
PARENT_CONFIDENCE = 0.5
_PLACEHOLDER = re.compile(r"〔(\d+)〕")
_CLAUSE_BREAK = re.compile(r"[,，;；:：。!?！？]")
_QUANTIFYING_KINDS = ("money", "percent", "share")


def lexicon() -> dict:
    return resource_yaml("relations/cues.yaml")


class Local(NamedTuple):
    """A mention in sentence coordinates (a tuple: a document makes one per mention)."""

    start: int
    end: int
    entity_id: str
    type: str


@dataclass(frozen=True)
class Link:
    head: str
    relation: str
    tail: str
    confidence: float


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace("{head}", r"〔(?P<head>\d+)〕").replace("{tail}", r"〔(?P<tail>\d+)〕"))


@lru_cache(maxsize=1)
def compiled_patterns() -> tuple[tuple[tuple[str, re.Pattern[str]], ...], tuple[tuple[str, re.Pattern[str]], ...]]:
    lex = lexicon()
    explicit = tuple((p["relation"], _compile(p["pattern"])) for p in lex["explicit"])
    tail_only = tuple((p["relation"], _compile(p["pattern"])) for p in lex["tail_only"])
    return explicit, tail_only


@lru_cache(maxsize=1)
def _any_pattern() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """One alternation of the explicit patterns and one of the tail-only ones, without groups: when it
    finds nothing in a template, none of its patterns does, and the per-pattern scans are skipped."""
    lex = lexicon()

    def gate(patterns: list[dict]) -> re.Pattern[str]:
        alternatives = [p["pattern"].replace("{head}", r"〔\d+〕").replace("{tail}", r"〔\d+〕") for p in patterns]
        return re.compile("|".join(f"(?:{a})" for a in alternatives) or "(?!)")

    return gate(lex["explicit"]), gate(lex["tail_only"])


def template(text: str, mentions: list[Local]) -> str:
    """The sentence with mention i replaced by 〔i〕."""
    parts, cursor = [], 0
    for i, m in enumerate(mentions):
        parts += [text[cursor : m.start], f"〔{i}〕"]
        cursor = m.end
    return "".join(parts) + text[cursor:]


@lru_cache(maxsize=1)
def _separator_run() -> re.Pattern[str]:
    separators = sorted(lexicon()["enumeration_separators"], key=len, reverse=True)
    return re.compile("^(?:" + "|".join(re.escape(s) for s in separators) + ")*$")


def enumeration(text: str, mentions: list[Local], first: int, exclude: int = -1) -> list[int]:
    """Mention `first` and the mentions listed with it (微软、OpenAI和Meta), never `exclude`."""
    sep = _separator_run()
    out = [first]
    for step in (1, -1):
        j = first + step
        while 0 <= j < len(mentions) and j != exclude:
            a, b = (mentions[j - 1], mentions[j]) if step == 1 else (mentions[j], mentions[j + 1])
            if not sep.match(text[a.end : b.start]):
                break
            out.append(j)
            j += step
    return sorted(out)


def is_author(entity_id: str, names: Iterable[str]) -> bool:
    return any(n.endswith(_author_suffixes()) for n in names)


@lru_cache(maxsize=1)
def _author_suffixes() -> tuple[str, ...]:
    return tuple(lexicon()["author_suffixes"])


def main_entity(mentions: list[Mention], authors: set[str]) -> str:
    """The most mentioned organisation of the body that is not the article's author."""
    counts = Counter(m.entity_id for m in mentions if m.type == "ORG" and m.entity_id not in authors)
    return counts.most_common(1)[0][0] if counts else ""


@lru_cache(maxsize=1)
def _cue_words() -> tuple[tuple[str, str], ...]:
    """(word, relation) for every cue word, longest first."""
    return tuple(sorted(((w, rel) for rel, ws in lexicon()["cues"].items() for w in ws), key=lambda x: -len(x[0])))


@lru_cache(maxsize=1)
def _any_cue() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(word) for word, _ in _cue_words()))


def cue_positions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, relation) of non-overlapping cue words, longest first."""
    if not _any_cue().search(text):
        return []  # most sentences hold no cue word: one scan instead of one per word
    taken: set[int] = set()
    out = []
    for word, relation in _cue_words():
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            if not taken.intersection(range(start, end)):
                taken.update(range(start, end))
                out.append((start, end, relation))
            start = text.find(word, end)
    return sorted(out)


def continued_cue(text: str, carried: str | None) -> list[tuple[int, int, str]]:
    """The carried relation placed at a continuation word (其中包括), if the sentence has one."""
    for word in lexicon()["continuation"] if carried else ():
        at = text.find(word)
        if at >= 0:
            return [(at, at + len(word), carried)]
    return []


@lru_cache(maxsize=1)
def _anaphora() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in lexicon()["anaphora"]) or "(?!)")


def refers_to_main(text: str) -> bool:
    return _anaphora().search(text) is not None


def subject(text: str, mentions: list[Local], main: str, first_cue: int, skip: set[int]) -> str:
    """The sentence's head: the main entity when named or referred to, else the first organisation
    before the first cue that is not one item of a list, else the main entity."""
    if any(m.entity_id == main for m in mentions) or refers_to_main(text):
        return main
    listed = {j for i in range(len(mentions)) for j in enumeration(text, mentions, i) if j != i}
    before = [m for i, m in enumerate(mentions)
              if m.type == "ORG" and i not in skip | listed and m.start < first_cue]
    return before[0].entity_id if before else main


def _distance(m: Local, start: int, end: int) -> int:
    return max(start - m.end, m.start - end, 0)


def sentence_links(text: str, mentions: list[Local], main: str, authors: set[str], heading: str,
                   parents: dict[str, str | None] | None = None, carried: str | None = None,
                   cues: list[tuple[int, int, str]] | None = None) -> list[Link]:
    """Every relation stated in one sentence, from its mentions (sorted, non-overlapping). `parents`
    (entity -> known owner) vetoes a subsidiary link to another owner; `carried` is the relation of the
    previous sentence's last cue, used when this one only continues it (其中包括…); `cues` is
    cue_positions(text) when the caller already has it."""
    parents = parents or {}
    explicit, tail_only = compiled_patterns()
    any_explicit, any_tail_only = _any_pattern()
    shape = template(text, mentions)
    if "〔" not in shape:
        return []  # no pattern can match, and a cue word needs a counterparty
    if not any_explicit.search(shape):
        explicit = ()
    if not any_tail_only.search(shape):
        tail_only = ()
    links: list[Link] = []
    linked: set[int] = set()  # mentions already placed by a pattern
    party = [m.type == "ORG" and m.entity_id not in authors for m in mentions]
    for relation, pattern in explicit:
        for match in pattern.finditer(shape):
            head = int(match.group("head"))
            if not party[head]:
                continue
            for t in enumeration(text, mentions, int(match.group("tail")), exclude=head):
                owner = parents.get(mentions[t].entity_id)
                if relation == "subsidiary" and owner and owner != mentions[head].entity_id:
                    continue
                if party[t]:
                    links.append(Link(mentions[head].entity_id, relation, mentions[t].entity_id, EXPLICIT_CONFIDENCE))
                    linked.update((head, t))
    tail_found: list[tuple[str, int]] = []
    for relation, pattern in tail_only:
        for match in pattern.finditer(shape):
            tail_found += [(relation, t) for t in enumeration(text, mentions, int(match.group("tail")))
                           if party[t] and t not in linked]
    cues = (cue_positions(text) if cues is None else cues) or continued_cue(text, carried)
    first_cue = cues[0][0] if cues else len(text)
    not_heads = linked | {t for _, t in tail_found} | {i for i, m in enumerate(mentions) if m.entity_id in authors}
    head_id = subject(text, mentions, main, first_cue, not_heads)
    if not head_id:
        return links
    for relation, t in tail_found:
        if t not in linked and mentions[t].entity_id != head_id:
            links.append(Link(head_id, relation, mentions[t].entity_id, TAIL_ONLY_CONFIDENCE))
            linked.add(t)
    links += cue_links(text, mentions, head_id, cues, [i for i, p in enumerate(party) if p and i not in linked], heading)
    return [link for link in links if link.head != link.tail]


def cue_links(text: str, mentions: list[Local], head_id: str, cues: list[tuple[int, int, str]],
              candidates: list[int], heading: str) -> list[Link]:
    """Each counterparty takes its nearest cue word, unless the named head stands between them
    (`AWS等…,而CoreWeave…向上游供应商` does not make AWS a supplier)."""
    named = [m.start for m in mentions if m.entity_id == head_id]
    candidates = [i for i in candidates if mentions[i].entity_id != head_id]
    if not cues:
        return []
    max_distance = lexicon()["max_cue_distance"] if len({mentions[i].entity_id for i in candidates}) > 1 else len(text)
    links = []
    for i in candidates:
        m = mentions[i]
        start, end, relation = min(cues, key=lambda c: _distance(m, c[0], c[1]))
        if named and m.end <= named[0] < start:
            continue
        if _distance(m, start, end) <= max_distance:
            links.append(Link(head_id, _override(relation, heading), m.entity_id, CUE_CONFIDENCE))
    return links


def _override(relation: str, heading: str) -> str:
    for rule in lexicon()["section_overrides"]:
        if rule["relation"] == relation and rule["heading_word"] in heading:
            return rule["becomes"]
    return relation


def canonical(link: Link) -> tuple[str, str, str]:
    """customer and supplier are converses: (A supplier B) is keyed as (B customer A)."""
    if link.relation == "supplier":
        return (link.tail, "customer", link.head)
    return (link.head, link.relation, link.tail)


def _clause(text: str, pos: int) -> tuple[int, int]:
    left = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, pos)), default=0)
    right = next((m.start() for m in _CLAUSE_BREAK.finditer(text, pos)), len(text))
    return left, right


def link_figure(link: Link, sentence: Sentence, mentions: list[Local], links: list[Link],
                figures: list[Figure]) -> str | None:
    """A figure that quantifies this link: in a clause with the tail and no other counterparty, or for
    a deal (acquired, investor) the sentence's only amount of money."""
    local = [f for f in figures if f.kind in _QUANTIFYING_KINDS]
    others = {x.tail for x in links if x.tail != link.tail} | {x.head for x in links if x.head != link.head}
    for m in (m for m in mentions if m.entity_id == link.tail):
        left, right = _clause(sentence.text, m.start)
        in_clause = [f for f in local if left <= f.norm_start - sentence.norm_start < right]
        crowded = any(o.entity_id in others and left <= o.start < right for o in mentions)
        if in_clause and not crowded:
            return min(in_clause, key=lambda f: abs(f.norm_start - sentence.norm_start - m.start)).id
    money = [f for f in local if f.kind == "money"]
    if link.relation in ("acquired", "investor") and len(money) == 1:
        return money[0].id
    return None


def _headings(sections: list[Section]) -> dict[str, str]:
    """section id -> its heading joined with its ancestors' headings."""
    by_id = {s.id: s for s in sections}
    out = {}
    for section in sections:
        chain, current = [], section
        while current is not None:
            chain.append(current.heading)
            current = by_id.get(current.parent_id) if current.parent_id else None
        out[section.id] = " ".join(chain)
    return out


@register("relations", version="1", produces="relations", requires=("mentions", "figures"))
def extract_relations(ctx: ExtractionContext, extractor: Extractor) -> list[Record]:
    mentions = [m for m in ctx.results.get("mentions", []) if isinstance(m, Mention)]
    figures = [f for f in ctx.results.get("figures", []) if isinstance(f, Figure)]
    body = [s for s in ctx.seg.sentences if s.in_body]
    body_ids = {s.id for s in body}
    names: dict[str, set[str]] = {}
    for m in mentions:
        names.setdefault(m.entity_id, set()).add(m.name)
    authors = {e for e, ns in names.items() if is_author(e, ns)}
    main = main_entity([m for m in mentions if m.sentence_id in body_ids], authors)
    headings = _headings(ctx.seg.sections)
    gazetteer = load_gazetteer()
    parents = {e: gazetteer.entries[e].parent for e in names if e in gazetteer.entries}
    carried: str | None = None
    paragraph = -1
    best: dict[tuple[str, str, str], tuple[float, int, Link, Sentence, str | None]] = {}
    mentions_in: dict[str | None, list[Mention]] = {}
    for m in mentions:
        mentions_in.setdefault(m.sentence_id, []).append(m)
    figures_in: dict[str | None, list[Figure]] = {}
    for f in figures:
        figures_in.setdefault(f.sentence_id, []).append(f)
    for sentence in body:
        local = [Local(m.norm_start - sentence.norm_start, m.norm_end - sentence.norm_start, m.entity_id, m.type)
                 for m in mentions_in.get(sentence.id, [])]
        if sentence.paragraph != paragraph:
            carried, paragraph = None, sentence.paragraph
        heading = headings.get(sentence.section_id or "", "")
        own_cues = cue_positions(sentence.text)
        links = sentence_links(sentence.text, local, main, authors, heading, parents, carried, own_cues)
        carried = own_cues[-1][2] if own_cues else None
        sentence_figures = figures_in.get(sentence.id, [])
        for link in links:
            key = canonical(link)
            figure_id = link_figure(link, sentence, local, links, sentence_figures)
            rank = (link.confidence + (0.05 if figure_id else 0.0), -sentence.index)
            if key not in best or rank > best[key][:2]:
                best[key] = (*rank, link, sentence, figure_id)
    best.update(parent_links(mentions, body, main, best, gazetteer))
    return [_record(ctx, extractor, link, sentence, figure_id) for _, _, link, sentence, figure_id in best.values()]


def parent_links(mentions: list[Mention], body: list[Sentence], main: str, found: dict,
                 gazetteer: Gazetteer | None = None) -> dict[tuple[str, str, str], tuple[float, int, Link, Sentence, None]]:
    """The main entity's own organisations named in the body (騰訊雲 of 騰訊), from the gazetteer's parent
    (`gazetteer`: the packaged one unless given)."""
    gazetteer = gazetteer or load_gazetteer()
    by_id = {s.id: s for s in body}
    out: dict[tuple[str, str, str], tuple[float, int, Link, Sentence, None]] = {}
    for m in mentions:
        entry = gazetteer.entries.get(m.entity_id)
        if m.type != "ORG" or entry is None or entry.parent != main or not main or m.sentence_id not in by_id:
            continue
        link = Link(main, "subsidiary", m.entity_id, PARENT_CONFIDENCE)
        key = canonical(link)
        if key not in found and key not in out:
            sentence = by_id[m.sentence_id]
            out[key] = (PARENT_CONFIDENCE, -sentence.index, link, sentence, None)
    return out


def _record(ctx: ExtractionContext, extractor: Extractor, link: Link, sentence: Sentence,
            figure_id: str | None) -> Relation:
    return Relation(
        id=stable_id(ctx.doc_id, "relation", sentence.start, sentence.end, link.head, link.relation, link.tail),
        doc_id=ctx.doc_id, start=sentence.start, end=sentence.end,
        norm_start=sentence.norm_start, norm_end=sentence.norm_end,
        head=link.head, relation=link.relation, tail=link.tail,  # type: ignore[arg-type]
        figure_id=figure_id, extractor=extractor.label, confidence=link.confidence,
    )

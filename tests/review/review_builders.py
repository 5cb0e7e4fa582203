"""Build small run folders for the review tests from record models: a two-document corpus, its run, a run
with a changed lexicon, and a run over an edited article (every offset and id recomputed by code)."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

from pipeline.ids import stable_id
from pipeline.records import Claim, Document, Figure, Mention, Record, Relation, Sentence

FACTS = (
    "CoreWeave 2024年收入19亿美元，同比增长737%。"
    "公司预计2025年收入约50亿美元。"
    "微软贡献了62%的收入。"
    "毛利率约为74%，积压订单达到151亿美元。"
)
XSS = (
    "恶意文章<script>window.__xss=1</script>收入10亿美元。"
    '<img src=x onerror="window.__xss=1">'
    '<a href="javascript:window.__xss=1">点击</a></textarea>结束。'
)
# A whole hostile article for real runs: every payload inside ordinary report sentences.
XSS_ARTICLE = (
    "恶意样本:英伟达收入分析\n\n"
    "一、业绩概览\n\n"
    "公司2025年收入达到100亿美元,同比增长25%。<script>window.__xss=1</script>\n\n"
    '毛利率约为70%。<img src=x onerror="window.__xss=1"> 详见<a href="javascript:window.__xss=1">链接</a>。\n\n'
    "客户集中度较高,前五大客户贡献了60%的收入。</textarea><b>粗体</b>\n"
)
EDIT_PREFIX = "【编者按】本文有删改，数据以公司公告为准。\n\n"

Run = tuple[list[Document], dict[str, list[Record]]]


def span_of(text: str, surface: str, nth: int = 0) -> tuple[int, int]:
    """The raw span of the nth occurrence of `surface` in `text` (found by code, never by hand)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return start, start + len(surface)


def document(doc_id: str, text: str) -> Document:
    return Document(
        doc_id=doc_id,
        path=f"corpus/{doc_id}.txt",
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        size_bytes=len(text.encode("utf-8")),
        encoding="utf-8",
        format="txt",
        script="simplified",
        title=None,
        raw_text=text,
        text=text,
        body=[(0, len(text))],
        quality={},
    )


def sentences(doc_id: str, text: str) -> list[Sentence]:
    out, start = [], 0
    for index, piece in enumerate(text.split("。")[:-1]):
        stripped = piece.lstrip()
        begin = text.index(stripped, start) if stripped else start
        end = begin + len(stripped) + 1
        out.append(
            Sentence(
                doc_id=doc_id, start=begin, end=end, norm_start=begin, norm_end=end,
                id=stable_id(doc_id, "sentence", begin, end), index=index, paragraph=0,
                text=text[begin:end], in_body=True, n_tokens=len(stripped),
            )
        )
        start = end
    return out


def sentence_at(sents: list[Sentence], start: int) -> str:
    return next(s.id for s in sents if s.start <= start < s.end)


def figure(doc_id: str, text: str, sents: list[Sentence], surface: str, kind: str, value: str, unit: str,
           qualifier: str = "exact", high: str | None = None) -> Figure:
    start, end = span_of(text, surface)
    low, top = Decimal(value), Decimal(high or value)
    return Figure(
        doc_id=doc_id, start=start, end=end, norm_start=start, norm_end=end,
        id=stable_id(doc_id, "figure", start, end, kind, low, top, unit),
        surface=surface, kind=kind, low=low, high=top, unit=unit, qualifier=qualifier,
        sentence_id=sentence_at(sents, start), extractor="figures@1", confidence=0.9,
    )


def mention(doc_id: str, text: str, sents: list[Sentence], surface: str, entity_id: str) -> Mention:
    start, end = span_of(text, surface)
    return Mention(
        doc_id=doc_id, start=start, end=end, norm_start=start, norm_end=end,
        id=stable_id(doc_id, "mention", start, end, entity_id), entity_id=entity_id, type="ORG",
        surface=surface, name=surface, sentence_id=sentence_at(sents, start), extractor="mentions@1",
        confidence=0.95,
    )


def relation(doc_id: str, text: str, evidence: str, head: str, label: str, tail: str,
             figure_id: str | None) -> Relation:
    start, end = span_of(text, evidence)
    return Relation(
        doc_id=doc_id, start=start, end=end, norm_start=start, norm_end=end,
        id=stable_id(doc_id, "relation", start, end, head, label, tail), head=head, relation=label, tail=tail,
        figure_id=figure_id, extractor="relations@1", confidence=0.8,
    )


def claim(doc_id: str, text: str, evidence: str, subject: str, figure_ids: list[str]) -> Claim:
    start, end = span_of(text, evidence)
    return Claim(
        doc_id=doc_id, start=start, end=end, norm_start=start, norm_end=end,
        id=stable_id(doc_id, "claim", start, end, "growth", "positive"), topic="growth", stance="positive",
        subject=subject, hedged=True, hedge="预计", evidence_figure_ids=figure_ids, extractor="claims@1",
        confidence=0.6,
    )


def facts_run(text: str = FACTS, lexicon: str = "v1") -> Run:
    """The facts document (and the hostile one) as a run would extract them with lexicon v1 or v2.

    v2 changes 19亿美元's high bound, 50亿美元's unit and 74%'s qualifier, no longer extracts 62% (so the
    relation loses its figure), newly extracts 151亿美元, and gives the claim a subject."""
    doc_id = "facts"
    sents = sentences(doc_id, text)
    v2 = lexicon == "v2"
    figs = {
        "19亿美元": figure(doc_id, text, sents, "19亿美元", "money", "1.9e9", "USD", high="2.0e9" if v2 else None),
        "737%": figure(doc_id, text, sents, "737%", "rate", "737", "percent"),
        "50亿美元": figure(doc_id, text, sents, "50亿美元", "money", "5.0e9", "CNY" if v2 else "USD", "approx"),
        "62%": figure(doc_id, text, sents, "62%", "share", "62", "percent"),
        "74%": figure(doc_id, text, sents, "74%", "percent", "74", "percent", "exact" if v2 else "approx"),
        "151亿美元": figure(doc_id, text, sents, "151亿美元", "money", "1.51e10", "USD"),
    }
    del figs["151亿美元" if not v2 else "62%"]
    figures = list(figs.values())
    mentions = [mention(doc_id, text, sents, "CoreWeave", "coreweave"), mention(doc_id, text, sents, "微软", "microsoft")]
    relations = [
        relation(doc_id, text, "微软贡献了62%的收入", "microsoft", "customer", "coreweave",
                 None if v2 else figs["62%"].id)
    ]
    claims = [claim(doc_id, text, "公司预计2025年收入约50亿美元", "coreweave" if v2 else "", [figs["50亿美元"].id])]
    xss_sents = sentences("xss", XSS)
    tables: dict[str, list[Record]] = {
        "sentences": [*sents, *xss_sents],
        "figures": [*figures, figure("xss", XSS, xss_sents, "10亿美元", "money", "1e9", "USD")],
        "mentions": mentions,
        "relations": relations,
        "claims": claims,
    }
    return [document(doc_id, text), document("xss", XSS)], tables


def write_run(out: Path, run: Run) -> Path:
    """A run folder as `yanbao run` writes it (JSONL tables and a manifest)."""
    documents, tables = run
    out.mkdir(parents=True, exist_ok=True)
    rows = {"documents": documents, **tables}
    for table in ("documents", "sections", "sentences", "figures", "mentions", "entities", "relations", "claims",
                  "errors"):
        lines = [r.model_dump_json() + "\n" for r in rows.get(table, [])]
        (out / f"{table}.jsonl").write_text("".join(lines), encoding="utf-8")
    manifest = {"counts": {t: len(r) for t, r in rows.items()}, "input_paths": ["corpus"]}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return out

"""Gold annotation files (shared/corpus/GOLD_FORMAT.md): loading them as plain typed rows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path


@dataclass(frozen=True)
class GoldFigure:
    start: int
    end: int
    surface: str
    kind: str
    low: Decimal
    high: Decimal
    unit: str
    qualifier: str
    metric: str
    subject: str
    period: str


@dataclass(frozen=True)
class GoldMention:
    start: int
    end: int
    entity_id: str
    type: str


@dataclass(frozen=True)
class GoldRelation:
    head: str
    relation: str
    tail: str
    evidence: tuple[int, int]
    figure: str


@dataclass(frozen=True)
class GoldClaim:
    start: int
    end: int
    topic: str
    stance: str
    subject: str


@dataclass(frozen=True)
class GoldDocument:
    doc_id: str
    script: str
    figures: list[GoldFigure]
    mentions: list[GoldMention]
    relations: list[GoldRelation]
    claims: list[GoldClaim] | None
    entity_types: dict[str, str]


def _decimal(value: float | str) -> Decimal:
    return Decimal(str(value)).normalize()


def load_gold(path: Path) -> GoldDocument:
    data = json.loads(path.read_text(encoding="utf-8"))
    doc_id = path.name.removesuffix(".gold.json")
    figures = [
        GoldFigure(
            start=f["start"], end=f["end"], surface=f["surface"], kind=f["kind"], low=_decimal(f["low"]),
            high=_decimal(f["high"]), unit=f["unit"], qualifier=f["qualifier"], metric=f.get("metric", ""),
            subject=f.get("subject", ""), period=f.get("period", ""),
        )
        for f in data.get("figures", [])
    ]
    mentions = [
        GoldMention(start, end, e["id"], e["type"]) for e in data.get("entities", []) for start, end in e["mentions"]
    ]
    relations = [
        GoldRelation(r["head"], r["relation"], r["tail"], tuple(r["evidence"]), r.get("figure", ""))
        for r in data.get("relations", [])
    ]
    claims = data.get("claims")
    return GoldDocument(
        doc_id=doc_id,
        script=data.get("script", ""),
        figures=sorted(figures, key=lambda f: f.start),
        mentions=sorted(mentions, key=lambda m: m.start),
        relations=relations,
        claims=None if claims is None else [GoldClaim(c["start"], c["end"], c["topic"], c["stance"], c["subject"])
                                            for c in claims],
        entity_types={e["id"]: e["type"] for e in data.get("entities", [])},
    )


def find_gold(gold_dir: Path) -> dict[str, Path]:
    """doc_id -> gold file, for every `<doc_id>.gold.json` under the folder (recursively)."""
    return {
        p.relative_to(gold_dir).as_posix().removesuffix(".gold.json"): p
        for p in sorted(gold_dir.rglob("*.gold.json"))
    }

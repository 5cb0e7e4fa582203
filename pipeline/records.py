"""The record models: the single definition of every table yanbao writes (schemas/ is generated from them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Script = Literal["traditional", "simplified", "mixed", "unknown"]
FigureKind = Literal["money", "percent", "share", "count", "duration", "multiple", "rate"]
Qualifier = Literal["approx", "at_least", "at_most", "more_than", "less_than", "nearly", "exact"]
EntityType = Literal["ORG", "PRODUCT", "PERSON"]
RelationLabel = Literal["customer", "supplier", "competitor", "acquired", "investor", "partner", "subsidiary"]
Topic = Literal[
    "customer_concentration",
    "supplier_concentration",
    "margin",
    "moat",
    "risk",
    "growth",
    "valuation",
    "business_model",
    "other",
]
Stance = Literal["positive", "negative", "neutral"]


class Record(BaseModel):
    """Base of every output row: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(Record):
    """A record grounded in the raw text: raw_text[start:end] is its source."""

    doc_id: str
    start: int = Field(ge=0, description="Raw-text start offset (Python str index).")
    end: int = Field(ge=0, description="Raw-text end offset, exclusive.")
    norm_start: int = Field(ge=0, description="Normalized-text start offset.")
    norm_end: int = Field(ge=0, description="Normalized-text end offset, exclusive.")


class Document(Record):
    doc_id: str = Field(description="Input path relative to the input root, without extension.")
    path: str
    sha256: str
    size_bytes: int
    encoding: str
    format: Literal["txt", "md", "html"]
    script: Script
    title: str | None = Field(description="Normalized (Simplified) title, if one was found.")
    title_start: int | None = None
    title_end: int | None = None
    raw_text: str = Field(description="Decoded source text; every offset indexes into it.")
    text: str = Field(description="Normalized Simplified text used for processing.")
    body: list[tuple[int, int]] = Field(description="Raw ranges of the article body (page furniture excluded).")
    quality: dict[str, int] = Field(description="Counts of every normalization repair and finding.")


class Section(Span):
    id: str
    level: int = Field(ge=1, description="1 for 一、, 2 for 1.1、 / 1), 3 for a. and deeper markers.")
    marker: str = Field(description="The numbering marker as written (一、 1.1、 1) a.), or '' for markdown/HTML headings.")
    heading: str = Field(description="Normalized heading text without the marker.")
    parent_id: str | None = None
    content_end: int = Field(description="Raw offset where this section's content ends (next heading of same or higher level).")


class Sentence(Span):
    id: str
    index: int = Field(description="Order of the sentence in the document.")
    paragraph: int = Field(description="Index of the paragraph (blank-line or line separated block).")
    section_id: str | None = None
    text: str = Field(description="Normalized text of the sentence.")
    in_body: bool = Field(description="False for page furniture.")
    n_tokens: int


class Figure(Span):
    id: str
    surface: str
    kind: FigureKind
    low: Decimal
    high: Decimal
    unit: str
    qualifier: Qualifier
    metric: str = ""
    subject: str = ""
    period: str = ""
    sentence_id: str | None = None
    extractor: str
    confidence: float = Field(ge=0, le=1)


class Mention(Span):
    id: str
    entity_id: str
    type: EntityType
    surface: str
    name: str = Field(description="Normalized (artefact-free, Simplified) form of the surface.")
    sentence_id: str | None = None
    extractor: str
    confidence: float = Field(ge=0, le=1)


class Entity(Record):
    entity_id: str
    type: EntityType
    names: list[str]
    aliases: list[str]
    known: bool = Field(description="True when the entity is in the gazetteer.")


class Relation(Span):
    id: str
    head: str
    relation: RelationLabel
    tail: str
    figure_id: str | None = None
    extractor: str
    confidence: float = Field(ge=0, le=1)


class Claim(Span):
    id: str
    topic: Topic
    stance: Stance
    subject: str = ""
    hedged: bool
    hedge: str = ""
    evidence_figure_ids: list[str] = []
    evidence_mention_ids: list[str] = []
    extractor: str
    confidence: float = Field(ge=0, le=1)


class ErrorRecord(Record):
    id: str
    path: str
    doc_id: str | None
    stage: str
    error_type: str
    message: str


TABLES: dict[str, type[Record]] = {
    "documents": Document,
    "sections": Section,
    "sentences": Sentence,
    "figures": Figure,
    "mentions": Mention,
    "entities": Entity,
    "relations": Relation,
    "claims": Claim,
    "errors": ErrorRecord,
}

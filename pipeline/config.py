"""The one configuration model of a run, built from CLI flags or a TOML file alike."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Config(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IngestConfig(_Config):
    extensions: tuple[str, ...] = (".txt", ".md", ".html", ".htm")
    max_bytes: int = Field(default=16 * 1024 * 1024, description="Files larger than this become error rows.")


class NormalizeConfig(_Config):
    opencc_config: Literal["t2s", "hk2s", "tw2s", "tw2sp"] = "t2s"
    fold_fullwidth: bool = True
    strip_pinyin: bool = True
    repair_html_remnants: bool = True
    repair_mojibake: bool = True
    detect_furniture: bool = True


class SegmentConfig(_Config):
    user_dictionary: bool = True


class ExtractConfig(_Config):
    extractors: tuple[str, ...] = ("mentions", "entities", "figures", "relations", "claims")
    default_dollar_currency: str = "USD"


class ExportConfig(_Config):
    formats: tuple[Literal["jsonl", "parquet", "csv", "duckdb"], ...] = ("jsonl", "parquet", "duckdb")


class RunConfig(_Config):
    ingest: IngestConfig = IngestConfig()
    normalize: NormalizeConfig = NormalizeConfig()
    segment: SegmentConfig = SegmentConfig()
    extract: ExtractConfig = ExtractConfig()
    export: ExportConfig = ExportConfig()
    workers: int = Field(default=1, ge=1, description="Documents processed in parallel (1: in-process).")
    executor: Literal["local", "dask"] = "local"
    scheduler: str | None = Field(default=None, description="tcp://HOST:PORT of a Dask scheduler (dask executor).")
    cache: bool = Field(default=True, description="Reuse per-document results of earlier runs into the same folder.")

    @classmethod
    def from_toml(cls, path: Path) -> RunConfig:
        import tomllib

        with open(path, "rb") as fh:
            return cls.model_validate(tomllib.load(fh))

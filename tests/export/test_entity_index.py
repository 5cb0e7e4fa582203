"""EntityIndex merges the per-document entity rows into one row per entity id."""

from __future__ import annotations

from pipeline.export.entities import EntityIndex
from pipeline.records import Entity


def entity(entity_id: str, names: list[str], aliases: list[str], known: bool, type_: str = "ORG") -> Entity:
    return Entity(entity_id=entity_id, type=type_, names=names, aliases=aliases, known=known)


def test_rows_of_one_entity_merge_names_aliases_and_known() -> None:
    index = EntityIndex()
    index.add([entity("nvidia", ["英伟达", "NVIDIA"], ["辉达"], False), entity("amd", ["AMD"], [], True)])
    index.add([entity("nvidia", ["輝達", "英伟达"], ["NVDA", "辉达"], True, type_="PRODUCT")])
    merged = index.merged()
    assert [row.entity_id for row in merged] == ["amd", "nvidia"]
    nvidia = merged[1]
    assert nvidia.names == sorted({"英伟达", "NVIDIA", "輝達"})
    assert nvidia.aliases == ["NVDA", "辉达"]
    assert nvidia.known and nvidia.type == "ORG"  # the first row's type


def test_a_single_row_comes_back_with_sorted_unique_names() -> None:
    index = EntityIndex()
    index.add([entity("x", ["b", "a", "b"], ["z", "y"], False)])
    assert index.merged() == [entity("x", ["a", "b"], ["y", "z"], False)]


def test_jsonl_blocks_from_workers_merge_like_records() -> None:
    from pipeline.export.jsonl import jsonl_block

    first = [entity("nvidia", ["英伟达", "NVIDIA"], ["辉达"], False), entity("amd", ["AMD"], [], True)]
    second = [entity("nvidia", ["輝達"], ["NVDA"], True, type_="PRODUCT")]
    from_records, from_blocks, mixed = EntityIndex(), EntityIndex(), EntityIndex()
    for rows in (first, second):
        from_records.add(rows)
        from_blocks.add_jsonl(jsonl_block(rows))
    mixed.add_jsonl(jsonl_block(first))
    mixed.add(second)
    assert from_records.merged() == from_blocks.merged() == mixed.merged()
    assert from_blocks.merged()[1].type == "ORG"

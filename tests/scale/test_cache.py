"""The incremental cache: an unchanged corpus is not reprocessed, a changed file is, and entries round-trip."""

from __future__ import annotations

import gzip
import io
import json
import shutil
from pathlib import Path

import pytest
from scale_helpers import N_DOCS, jsonl_config, table_files

from pipeline.cache import DocumentCache, dump_entry, load_entry, run_fingerprint, run_lock
from pipeline.errors import UsageError
from pipeline.ingest.sources import discover
from pipeline.process import process_source, serialized
from pipeline.run import execute


def _cached_flags(out: Path) -> dict[str, bool]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {entry["doc_id"]: entry["cached"] for entry in manifest["inputs"]}


def test_a_rerun_reprocesses_only_what_changed(small_corpus: Path, reference_tables: dict, tmp_path: Path) -> None:
    batch, out = tmp_path / "batch", tmp_path / "out"
    shutil.copytree(small_corpus, batch)
    config = jsonl_config(workers=1)
    assert execute([batch], out, config).n_cached == 0
    again = execute([batch], out, config)
    assert (again.n_inputs, again.n_cached) == (N_DOCS, N_DOCS)
    assert set(_cached_flags(out).values()) == {True}

    changed = batch / "doc_000005.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n营收同比增长12%。\n", encoding="utf-8")
    third = execute([batch], out, config)
    assert third.n_cached == N_DOCS - 1
    assert [doc for doc, cached in _cached_flags(out).items() if not cached] == ["doc_000005"]
    assert len(list((out / ".cache" / "docs").glob("*.jsonl.gz"))) == N_DOCS  # the stale entry was pruned

    fresh = tmp_path / "fresh"
    execute([batch], fresh, jsonl_config(workers=1, cache=False))
    assert table_files(out) == table_files(fresh)


def test_tables_rebuilt_from_the_cache_equal_a_fresh_run(small_corpus: Path, reference_tables: dict, tmp_path: Path) -> None:
    out = tmp_path / "out"
    execute([small_corpus], out, jsonl_config(workers=1))
    for path in out.glob("*.jsonl"):
        path.unlink()
    assert execute([small_corpus], out, jsonl_config(workers=1)).n_cached == N_DOCS
    assert table_files(out) == reference_tables


def test_a_config_change_invalidates_every_entry(small_corpus: Path) -> None:
    base = jsonl_config()
    other = base.model_copy(update={"normalize": base.normalize.model_copy(update={"opencc_config": "tw2s"})})
    assert run_fingerprint(base, ["figures@1"]) != run_fingerprint(other, ["figures@1"])
    assert run_fingerprint(base, ["figures@1"]) != run_fingerprint(base, ["figures@2"])
    assert run_fingerprint(base, ["figures@1"]) == run_fingerprint(base.model_copy(update={"workers": 8}), ["figures@1"])


def test_an_entry_round_trips_every_record(small_corpus: Path) -> None:
    config = jsonl_config()
    source = discover([small_corpus], config.ingest.extensions)[0][0]
    result = serialized(process_source(source, config))
    buffer = io.BytesIO()
    dump_entry(result, buffer)
    buffer.seek(0)
    restored = load_entry(source, buffer)
    assert restored.jsonl == result.jsonl and not restored.tables  # every table as the block written
    assert restored.sha256 == result.sha256 and restored.timings == result.timings and restored.error is None


def test_an_entry_without_a_digest_is_validated_and_a_tampered_one_is_a_miss(small_corpus: Path,
                                                                              tmp_path: Path) -> None:
    config = jsonl_config()
    source = discover([small_corpus], config.ingest.extensions)[0][0]
    result = process_source(source, config)
    buffer = io.BytesIO()
    dump_entry(serialized(result), buffer)
    header, body = buffer.getvalue().decode("utf-8").split("\n", 1)
    old_header = {k: v for k, v in json.loads(header).items() if k != "rows_sha256"}
    restored = load_entry(source, io.BytesIO((json.dumps(old_header) + "\n" + body).encode("utf-8")))
    assert restored.tables == result.tables and not restored.jsonl  # an older entry: every row validated
    cache = DocumentCache(tmp_path, "fingerprint")
    key = cache.key(source)
    assert key is not None
    cache.store(key, serialized(result))
    assert cache.load(key, source) is not None
    tampered = header + "\n" + body.replace('"start":', '"start": 1', 1)
    with gzip.open(cache.dir / f"{key}.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(tampered)
    assert cache.load(key, source) is None  # the document is redone


def test_an_unreadable_entry_is_a_miss(small_corpus: Path, tmp_path: Path) -> None:
    cache = DocumentCache(tmp_path, "fingerprint")
    source = discover([small_corpus], (".txt",))[0][0]
    key = cache.key(source)
    assert key is not None and not cache.has(key)
    (cache.dir / f"{key}.jsonl.gz").write_bytes(b"not gzip")
    assert cache.has(key) and cache.load(key, source) is None


def test_two_runs_cannot_write_one_folder_at_once(tmp_path: Path) -> None:
    with run_lock(tmp_path, ["a"]), pytest.raises(UsageError, match="another yanbao run"), run_lock(tmp_path, ["a"]):
        pass

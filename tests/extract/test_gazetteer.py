"""The packaged entity gazetteer covers the seed gold and is consistent; the loader validates and indexes it."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import jieba
import pytest
import yaml

from pipeline.extract.gazetteer import (
    ENTITY_TYPES,
    SLUG_RE,
    GazetteerError,
    load_gazetteer,
    parse_gazetteer,
    to_simplified,
)
from pipeline.extract.mentions import gazetteer_matches

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SEED = "coreweave_part1"
TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
PINYIN_RE = re.compile(rf"\((?=[a-zü]*[{TONES}])[a-zü{TONES}]+\)")  # as in shared/corpus/validate_gold.py
SENTENCE_END = "。！？!?\n"
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
JIEBA_LINE_RE = re.compile(r"^(\S+) ([1-9][0-9]*) (nt|nz|nr)$")


def clean(text: str) -> str:
    return PINYIN_RE.sub("", text)


def seed_gold() -> dict:
    return json.loads((CORPUS / f"{SEED}.gold.json").read_text(encoding="utf-8"))


def seed_raw() -> str:
    return (CORPUS / f"{SEED}.txt").read_text(encoding="utf-8")


def sentence_around(raw: str, start: int, end: int) -> str:
    left = max(raw.rfind(ch, 0, start) for ch in SENTENCE_END) + 1
    rights = [i for i in (raw.find(ch, end) for ch in SENTENCE_END) if i != -1]
    return raw[left : min(rights, default=len(raw))]


GOLD_ENTITIES = seed_gold()["entities"]
GOLD_MENTIONS = [(e["id"], s, t) for e in GOLD_ENTITIES for s, t in e["mentions"]]


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def minimal(**overrides) -> dict:
    entry = {"id": "acme", "type": "ORG", "names": ["Acme"]}
    entry.update(overrides)
    return entry


def test_packaged_gazetteer_is_large_and_uses_the_type_vocabulary(gaz):
    assert len(gaz.entries) >= 320
    assert {e.type for e in gaz.entries.values()} == set(ENTITY_TYPES)


def test_ids_are_slugs_and_parents_exist(gaz):
    for entry in gaz.entries.values():
        assert SLUG_RE.match(entry.id), entry.id
        assert entry.parent is None or entry.parent in gaz.entries, entry.id
        assert entry.role is None or entry.type == "PERSON", entry.id


@pytest.mark.parametrize("gold", GOLD_ENTITIES, ids=lambda g: g["id"])
def test_every_seed_gold_entity_exists_with_its_type_and_role(gaz, gold):
    entry = gaz.entries.get(gold["id"])
    assert entry is not None
    assert entry.type == gold["type"]
    if "role" in gold:
        assert to_simplified(entry.role) == to_simplified(gold["role"])


@pytest.mark.parametrize("gold_id,start,end", GOLD_MENTIONS)
def test_every_seed_mention_resolves_to_its_gold_id(gaz, gold_id, start, end):
    surface = clean(seed_raw()[start:end])
    entry = gaz.lookup(surface)
    assert entry is not None and entry.id == gold_id, (surface, entry)


def test_every_seed_gold_name_resolves(gaz):
    for gold in GOLD_ENTITIES:
        for name in gold["names"]:
            assert gaz.lookup(clean(name)).id == gold["id"], name


def test_context_words_are_present_around_every_seed_mention_that_needs_them(gaz):
    raw = seed_raw()
    for gold_id, start, end in GOLD_MENTIONS:
        context = gaz.entries[gold_id].context
        if context:
            sentence = clean(sentence_around(raw, start, end))
            assert any(word in sentence for word in context), (gold_id, sentence)


def test_no_surface_form_names_two_entities(gaz):
    for entry in gaz.entries.values():
        for form in entry.forms():
            for variant in (form, to_simplified(form)):
                assert gaz.lookup(variant).id == entry.id, (variant, entry.id)
    forms = gaz.surface_forms()
    assert all(gaz.lookup(form).id == entity_id for form, entity_id in forms.items())


def test_chinese_names_are_listed_in_both_scripts(gaz):
    for entry in gaz.entries.values():
        for name in entry.names:
            if CJK_RE.search(name):
                assert to_simplified(name) in entry.names, (entry.id, name)
    assert {"微软", "微軟"} <= set(gaz.entries["microsoft"].names)
    assert {"台积电", "台積電", "臺積電"} <= set(gaz.entries["tsmc"].names)


@pytest.mark.parametrize(
    "surface,entity_id",
    [("輝達", "nvidia"), ("英偉達", "nvidia"), ("超微", "amd"), ("美超微", "supermicro"), ("台積電", "tsmc"),
     ("鴻海", "foxconn"), ("廣達", "quanta"), ("緯創", "wistron"), ("英業達", "inventec"), ("聯發科", "mediatek"),
     ("微軟", "microsoft"), ("谷歌", "google"), ("Google", "google"), ("亞馬遜", "amazon"), ("甲骨文", "oracle"),
     ("騰訊", "tencent"), ("阿里巴巴", "alibaba"), ("美團", "meituan"), ("聯想", "lenovo"), ("小米", "xiaomi"),
     ("港交所", "hkex"), ("大摩", "morgan-stanley"), ("中金", "cicc"), ("集邦", "trendforce"),
     ("深度求索", "deepseek"), ("黃仁勳", "jensen-huang"), ("騰訊云", "tencent-cloud"), ("0700.HK", "tencent")],
)
def test_regional_names_and_tickers_resolve(gaz, surface, entity_id):
    assert gaz.lookup(surface).id == entity_id


TEAM_GOLD = sorted(p for p in CORPUS.glob("*.gold.json") if p.name != f"{SEED}.gold.json")


@pytest.mark.parametrize("path", TEAM_GOLD, ids=lambda p: p.name.split(".")[0])
def test_every_team_gold_organisation_and_product_resolves_to_its_gold_id(gaz, path):
    # Authors (PERSON) of the invented articles are left to the NER.
    for gold in json.loads(path.read_text(encoding="utf-8"))["entities"]:
        if gold["type"] != "PERSON":
            for name in gold["names"]:
                entry = gaz.lookup(clean(name))
                assert entry is not None and (entry.id, entry.type) == (gold["id"], gold["type"]), name


@pytest.mark.parametrize(
    "surface,entity_id",
    [("WeChat", "wechat"), ("微信", "wechat"), ("TPU", "google-tpu"), ("MI350", "mi350"), ("MI355X", "mi355x"),
     ("Blackwell Ultra", "blackwell-ultra"), ("B300", "b300"), ("OCI", "oci"), ("Oracle Cloud", "oracle"),
     ("創意電子", "guc"), ("弗迪電池", "findreams-battery"), ("寧德時代", "catl"), ("蘇州旭創", "suzhou-innolight"),
     ("旭創", "innolight"), ("三菱電機", "mitsubishi-electric"), ("思元590", "siyuan-590")],
)
def test_id_decisions_for_the_team_corpus(gaz, surface, entity_id):
    assert gaz.lookup(surface).id == entity_id


def test_vendor_prefixed_products_are_two_mentions(gaz):
    # ANNOTATION_NOTES §3.1: the vendor prefix is its own mention (谷歌 + TPU, 小米 + SU7).
    for surface in ("谷歌TPU", "Google TPU", "小米SU7"):
        assert gaz.lookup(surface) is None, surface


@pytest.mark.parametrize(
    "text,entity_id,found",
    [("联发科与世芯、创意等台厂仍属追赶者。", "guc", True), ("这个广告创意很好。", "guc", False),
     ("视频号与小程序广告的投放效率提升。", "mini-programs", True), ("支付宝小程序的交易额增长。", "mini-programs", False),
     ("天玑9400系列在中国高端手机市场放量。", "dimensity-9400", True), ("天玑科技发布公告。", "dimensity", False)],
)
def test_common_word_names_need_their_context(gaz, text, entity_id, found):
    assert (entity_id in {m.entity_id for m in gazetteer_matches(text, gaz)}) is found


def test_short_latin_is_case_sensitive_and_longer_latin_is_not(gaz):
    assert gaz.lookup("AWS").id == "aws"
    assert gaz.lookup("aws") is None
    assert gaz.lookup("MS").id == "morgan-stanley"
    assert gaz.lookup("ms") is None
    assert gaz.lookup("coreweave").id == "coreweave"
    assert gaz.lookup("ＮＶＩＤＩＡ").id == "nvidia"
    assert gaz.lookup("不存在的公司") is None


def test_misspellings_resolve_and_are_flagged(gaz):
    assert gaz.lookup("Slum").id == "slurm" and gaz.is_misspelling("Slum")
    assert gaz.lookup("Databrick").id == "databricks" and gaz.is_misspelling("Databrick")
    assert not gaz.is_misspelling("Slurm") and not gaz.is_misspelling("英偉達")


def test_jieba_lines_are_well_formed_and_load_into_jieba(gaz):
    lines = gaz.jieba_user_dict_lines()
    assert len(lines) > 1000
    tags = {"ORG": "nt", "PRODUCT": "nz", "PERSON": "nr"}
    for line in lines:
        match = JIEBA_LINE_RE.match(line)
        assert match, line
        assert tags[gaz.lookup(match[1]).type] == match[3], line
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(io.StringIO("\n".join(lines)))
    words = tokenizer.lcut("台积电与中芯国际扩产，宁德时代不在名单", HMM=False)
    assert "台积电" in words and "中芯国际" in words


def test_load_is_cached_per_path(gaz, tmp_path):
    assert load_gazetteer() is gaz
    path = tmp_path / "g.yaml"
    path.write_text(yaml.safe_dump([minimal()]), encoding="utf-8")
    assert load_gazetteer(path) is load_gazetteer(path)
    assert load_gazetteer(path).lookup("acme").id == "acme"


@pytest.mark.parametrize(
    "entries,message",
    [
        ([minimal(), minimal()], "duplicate ids: acme"),
        ([minimal(), minimal(id="other", names=["ACME"])], "'ACME' -> acme, other"),
        ([minimal(), minimal(id="other", names=["Other"], misspellings=["Acme"])], "-> acme, other"),
        ([minimal(names=["微软"]), minimal(id="other", names=["微軟"])], "'微软' -> acme, other"),
        ([minimal(id="Acme Corp")], "lowercase ascii slug"),
        ([minimal(type="COMPANY")], "'COMPANY' is not one of"),
        ([minimal(role="CEO")], "only a PERSON may carry a role"),
        ([minimal(parent="nobody")], "parent 'nobody' is not a gazetteer id"),
        ([minimal(names=[True])], "names must be a list of non-empty strings"),
        ([minimal(names=[])], "names must not be empty"),
        ([minimal(alias=["x"])], "unknown key 'alias'"),
        ([{"id": "acme", "type": "ORG"}], "missing key 'names'"),
        ([minimal(parent="other"), minimal(id="other", names=["O"], parent="acme")], "loops"),
        ({"acme": minimal()}, "expected a YAML list"),
    ],
)
def test_invalid_gazetteers_are_refused_with_the_offending_names(entries, message):
    with pytest.raises(GazetteerError, match=re.escape(message)):
        parse_gazetteer(entries)


def test_unreadable_file_is_a_gazetteer_error(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("- {id: acme, names: [", encoding="utf-8")
    with pytest.raises(GazetteerError, match="cannot read gazetteer"):
        load_gazetteer(path)

"""Every corpus article has a gold file, and every gold file is consistent with its article's raw text.

The checks re-implement shared/corpus/validate_gold.py generically: any article, both character scripts,
raw text decoded the way yanbao defines it (BOM removed, line endings unified, HTML body extracted).
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from pathlib import Path

import pytest

TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
PINYIN_RE = re.compile(rf"\((?=[a-zü]*[{TONES}])[a-zü{TONES}]+\)")
END_MARKER_RE = re.compile(r"<正文(結|结)(\(jié\))?束>|^- END -$", re.MULTILINE)

KINDS_UNITS = {
    "money": {"USD", "CNY", "HKD", "TWD", "JPY", "EUR"},
    "percent": {"percent"},
    "share": {"percent"},
    "rate": {"percent", "pp"},
    "count": {"GPU", "company", "person", "user", "vehicle"},
    "duration": {"year", "quarter", "month", "week", "day"},
    "multiple": {"x"},
}
QUALIFIERS = {"approx", "at_least", "at_most", "more_than", "less_than", "nearly", "exact"}
RELATIONS = {"customer", "supplier", "competitor", "acquired", "investor", "partner", "subsidiary"}
TOPICS = {"customer_concentration", "supplier_concentration", "margin", "moat", "risk", "growth",
          "valuation", "business_model", "other"}
STANCES = {"positive", "negative", "neutral"}
ENTITY_TYPES = {"ORG", "PRODUCT", "PERSON"}
PERIOD_RE = re.compile(r"FY\d{4}|\d{4}Q[1-4]|\d{4}H[12]|\d{4}|\d{4}-\d{4}|")
SLUG_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
HEDGES = ("約", "约", "大約", "大约", "接近", "近乎", "超過", "超过", "以上", "以下", "左右", "上下",
          "不到", "至少", "至多", "逾", "內", "内")
SENTENCE_FINAL = "。?!;?!"

DIGITS = {"零": 0, "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
          "八": 8, "九": 9, "十": 10}
SCALES = {"百": 1e2, "千": 1e3, "萬": 1e4, "万": 1e4, "百萬": 1e6, "百万": 1e6, "千萬": 1e7, "千万": 1e7,
          "億": 1e8, "亿": 1e8, "萬億": 1e12, "万亿": 1e12, "兆": 1e12}
# Stripped before parsing: currency markers and units, longest first.
UNIT_WORDS = ("個百分點", "个百分点", "個季度", "个季度", "百分點", "百分点", "張GPU", "张GPU", "個月", "个月", "美元", "港元", "港幣",
              "港币", "新台幣", "新臺幣", "人民幣", "人民币", "日圓", "日元", "歐元", "欧元", "元", "HK$", "NT$",
              "US$", "RMB", "$", "¥", "€", "年", "家", "張", "张", "位", "名", "辆", "輛", "%", "成", "倍", "x", "X")


def clean(text: str) -> str:
    """Remove converter pinyin annotations such as 個(gè)."""
    return PINYIN_RE.sub("", text)


def _number(part: str) -> float | None:
    part = part.strip().replace(",", "")
    scale = 1.0
    for word in sorted(SCALES, key=len, reverse=True):
        if part.endswith(word):
            scale, part = SCALES[word], part[: -len(word)]
            break
    if part == "":
        return scale if scale != 1.0 else None
    if re.fullmatch(r"\d+(\.\d+)?", part):
        return float(part) * scale
    if part in DIGITS:
        return DIGITS[part] * scale
    return None


def parse_surface(surface: str, kind: str) -> tuple[float, float] | None:
    """Value range implied by a figure surface (成 counts 10 percent), or None if unparsable."""
    text = clean(surface).replace("~", "~")
    for word in UNIT_WORDS:
        text = text.replace(word, "")
    values = [_number(p) for p in re.split(r"~|-|至|到", text)]
    if len(values) not in (1, 2) or any(v is None for v in values):
        return None
    low, high = values[0], values[-1]
    factor = 10 if kind == "share" else 1
    return low * factor, high * factor


def decode_candidates(data: bytes) -> list[str]:
    """Decodings in yanbao's order: UTF-8 (BOM optional), UTF-16 with BOM, GB18030, Big5."""
    out = []
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        out.append(data.decode("utf-16"))
    for enc in ("utf-8-sig", "gb18030", "big5"):
        try:
            out.append(data.decode(enc))
        except UnicodeDecodeError:
            continue
    return [t.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n") for t in out]


def surfaces_match(gold: dict, raw: str) -> bool:
    return all(raw[f["start"]:f["end"]] == f["surface"] for f in gold["figures"])


def raw_text_for(path: Path, gold: dict) -> str:
    """Raw text of an article; legacy byte encodings are ambiguous (Big5 bytes also decode as GB18030),
    so the first candidate under which the gold surfaces line up wins."""
    data = path.read_bytes()
    if path.suffix in (".html", ".htm"):
        from pipeline.ingest.html import extract_article

        return extract_article(data.decode("utf-8")).text
    candidates = decode_candidates(data)
    return next((t for t in candidates if surfaces_match(gold, t)), candidates[0])


def body_bounds(raw: str) -> tuple[int, int]:
    end = END_MARKER_RE.search(raw)
    return 0, end.start() if end else len(raw)


def _span_ok(span: object, raw: str) -> bool:
    return (isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span)
            and 0 <= span[0] < span[1] <= len(raw))


def _name_pattern(form: str) -> str:
    pat = re.escape(form)
    if re.match(r"[A-Za-z]", form[0]):
        pat = r"(?<![A-Za-z])" + pat
    if re.match(r"[A-Za-z]", form[-1]):
        pat += r"(?![A-Za-z])"
    return pat


def check_entities(gold: dict, raw: str) -> tuple[list[str], list[tuple[int, int, str]]]:
    errors, mentions, ids = [], [], set()
    for ent in gold["entities"]:
        eid = ent.get("id", "")
        allowed = {"id", "type", "names", "mentions"} | ({"role"} if ent.get("type") == "PERSON" else set())
        if not {"id", "type", "names", "mentions"} <= set(ent) <= allowed:
            errors.append(f"entity {eid}: keys {sorted(ent)}")
        if not SLUG_RE.fullmatch(eid) or eid in ids:
            errors.append(f"entity {eid}: bad or duplicate id")
        ids.add(eid)
        if ent.get("type") not in ENTITY_TYPES:
            errors.append(f"entity {eid}: type {ent.get('type')}")
        seen = set()
        for span in ent.get("mentions", []):
            if not _span_ok(span, raw):
                errors.append(f"entity {eid}: bad mention span {span}")
                continue
            text = raw[span[0]:span[1]]
            if text not in ent["names"] and clean(text) not in ent["names"]:
                errors.append(f"entity {eid}: mention {text!r} not among names")
            seen |= {text, clean(text)}
            mentions.append((span[0], span[1], eid))
        errors += [f"entity {eid}: name {n!r} has no mention" for n in ent["names"] if n not in seen]
    mentions.sort()
    for (s1, e1, i1), (s2, _, i2) in itertools.pairwise(mentions):
        if s2 < e1:
            errors.append(f"overlapping mentions {i1}@{s1} {i2}@{s2}")
    for ent in gold["entities"]:
        for form in {raw[s:e] for s, e in ent["mentions"] if _span_ok([s, e], raw)}:
            for m in re.finditer(_name_pattern(form), raw):
                if not any(s <= m.start() and m.end() <= e for s, e, _ in mentions):
                    errors.append(f"entity {ent['id']}: uncovered {form!r} at {m.start()}")
    return errors, mentions


def check_figures(gold: dict, raw: str, ids: set[str]) -> list[str]:
    errors, prev_end = [], -1
    lo_body, hi_body = body_bounds(raw)
    keys = {"start", "end", "surface", "kind", "low", "high", "unit", "qualifier", "metric", "subject", "period"}
    for i, f in enumerate(gold["figures"]):
        tag = f"figure[{i}] {f.get('surface')!r}"
        if set(f) != keys:
            errors.append(f"{tag}: keys")
            continue
        if not _span_ok([f["start"], f["end"]], raw) or raw[f["start"]:f["end"]] != f["surface"]:
            errors.append(f"{tag}: surface does not match raw text")
            continue
        if not (lo_body <= f["start"] and f["end"] <= hi_body):
            errors.append(f"{tag}: outside article body")
        if f["start"] < prev_end:
            errors.append(f"{tag}: overlaps or unsorted")
        prev_end = f["end"]
        if f["unit"] not in KINDS_UNITS.get(f["kind"], set()):
            errors.append(f"{tag}: kind/unit {f['kind']}/{f['unit']}")
        if f["qualifier"] not in QUALIFIERS:
            errors.append(f"{tag}: qualifier {f['qualifier']}")
        if f["low"] > f["high"]:
            errors.append(f"{tag}: low > high")
        parsed = parse_surface(f["surface"], f["kind"])
        if parsed is None or any(abs(p - v) > 1e-6 * max(1.0, abs(p)) for p, v in zip(parsed, (f["low"], f["high"]))):
            errors.append(f"{tag}: value {f['low']}..{f['high']} != parsed {parsed}")
        if clean(f["surface"]).startswith(HEDGES) or clean(f["surface"]).endswith(HEDGES):
            errors.append(f"{tag}: hedge inside surface")
        if f["subject"] and f["subject"] not in ids:
            errors.append(f"{tag}: unknown subject {f['subject']}")
        if not PERIOD_RE.fullmatch(f["period"]):
            errors.append(f"{tag}: period {f['period']!r}")
        if PINYIN_RE.search(f["metric"]):
            errors.append(f"{tag}: artefact in metric")
    return errors


def check_relations(gold: dict, raw: str, mentions: list[tuple[int, int, str]]) -> list[str]:
    errors, seen = [], set()
    ids = {m[2] for m in mentions}
    _, hi_body = body_bounds(raw)
    for i, r in enumerate(gold["relations"]):
        tag = f"relation[{i}]"
        if set(r) != {"head", "relation", "tail", "evidence", "figure"}:
            errors.append(f"{tag}: keys")
            continue
        triple = (r["head"], r["relation"], r["tail"])
        if r["relation"] not in RELATIONS or r["head"] not in ids or r["tail"] not in ids or triple in seen:
            errors.append(f"{tag}: bad or duplicate triple {triple}")
        seen.add(triple)
        if not _span_ok(r["evidence"], raw) or r["evidence"][1] > hi_body:
            errors.append(f"{tag}: bad evidence span")
            continue
        s, e = r["evidence"]
        if not any(s <= ms and me <= e for ms, me, mid in mentions if mid == r["tail"]):
            errors.append(f"{tag}: evidence has no mention of tail {r['tail']}")
        if r["figure"]:
            inside = [f for f in gold["figures"] if s <= f["start"] and f["end"] <= e and f["surface"] == r["figure"]]
            if len(inside) != 1:
                errors.append(f"{tag}: figure {r['figure']!r} is not one figure inside the evidence")
    return errors


def check_claims(gold: dict, raw: str, ids: set[str]) -> list[str]:
    errors, prev_end = [], -1
    _, hi_body = body_bounds(raw)
    for i, c in enumerate(gold["claims"]):
        tag = f"claim[{i}]"
        if set(c) != {"start", "end", "topic", "stance", "subject"} or not _span_ok([c["start"], c["end"]], raw):
            errors.append(f"{tag}: keys or span")
            continue
        text = raw[c["start"]:c["end"]]
        if c["start"] < prev_end or c["end"] > hi_body:
            errors.append(f"{tag}: overlaps, unsorted or outside body")
        prev_end = c["end"]
        if text != text.strip() or "\n" in text or text[-1] not in SENTENCE_FINAL:
            errors.append(f"{tag}: not one sentence ending in final punctuation: {text[-5:]!r}")
        if c["topic"] not in TOPICS or c["stance"] not in STANCES:
            errors.append(f"{tag}: topic/stance {c['topic']}/{c['stance']}")
        if c["subject"] and c["subject"] not in ids:
            errors.append(f"{tag}: unknown subject {c['subject']}")
    return errors


def check_gold(gold: dict, raw: str) -> list[str]:
    """All problems found in one gold annotation against its raw text (empty list = valid)."""
    top = {"article_id", "source_url", "script", "figures", "entities", "relations", "claims"}
    errors = [] if set(gold) == top else [f"top-level keys {sorted(set(gold) ^ top)}"]
    if gold.get("script") not in ("traditional", "simplified", "mixed"):
        errors.append(f"script {gold.get('script')}")
    entity_errors, mentions = check_entities(gold, raw)
    ids = {e["id"] for e in gold["entities"]}
    return (errors + entity_errors + check_figures(gold, raw, ids) + check_relations(gold, raw, mentions)
            + check_claims(gold, raw, ids))

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
ARTICLE_SUFFIXES = {".txt", ".md", ".html", ".htm"}
GOLD_PATHS = sorted(CORPUS.glob("*.gold.json"))


def article_path(gold_path: Path) -> Path:
    doc_id = gold_path.name.removesuffix(".gold.json")
    matches = [p for p in CORPUS.iterdir() if p.stem == doc_id and p.suffix in ARTICLE_SUFFIXES]
    assert len(matches) == 1, f"{doc_id}: expected one article file, found {matches}"
    return matches[0]


def load(gold_path: Path) -> tuple[dict, str]:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    return gold, raw_text_for(article_path(gold_path), gold)


def test_corpus_is_not_empty() -> None:
    assert len(GOLD_PATHS) >= 8


def test_every_article_has_gold() -> None:
    articles = {p.stem for p in CORPUS.iterdir() if p.suffix in ARTICLE_SUFFIXES}
    golds = {p.name.removesuffix(".gold.json") for p in GOLD_PATHS}
    assert articles == golds


@pytest.mark.parametrize("gold_path", GOLD_PATHS, ids=lambda p: p.name)
def test_gold_is_consistent(gold_path: Path) -> None:
    gold, raw = load(gold_path)
    assert gold["article_id"] == gold_path.name.removesuffix(".gold.json")
    assert check_gold(gold, raw) == []


@pytest.mark.parametrize(
    ("surface", "kind", "expected"),
    [("$19億", "money", (1.9e9, 1.9e9)), ("1.2万亿元", "money", (1.2e12, 1.2e12)), ("8~9成", "share", (80, 90)),
     ("3个百分点", "rate", (3, 3)), ("2.5倍", "multiple", (2.5, 2.5)), ("HK$1,200億", "money", (1.2e11, 1.2e11)),
     ("3~5個(gè)月", "duration", (3, 5)), ("两家", "count", (2, 2))],
)
def test_parse_surface(surface: str, kind: str, expected: tuple[float, float]) -> None:
    assert parse_surface(surface, kind) == expected


def _mutations(gold: dict) -> list[tuple[str, dict]]:
    def mutate(fn):
        g = copy.deepcopy(gold)
        fn(g)
        return g

    return [
        ("shifted figure", mutate(lambda g: g["figures"][0].update(start=g["figures"][0]["start"] + 1))),
        ("low > high", mutate(lambda g: g["figures"][0].update(low=g["figures"][0]["high"] + 1))),
        ("wrong value", mutate(lambda g: g["figures"][0].update(low=-7.5, high=-7.5))),
        ("removed mention", mutate(lambda g: g["entities"][0]["mentions"].pop())),
        ("unknown tail", mutate(lambda g: g["relations"][0].update(tail="no-such-entity"))),
        ("bad topic", mutate(lambda g: g["claims"][0].update(topic="weather"))),
        ("bad period", mutate(lambda g: g["figures"][0].update(period="Q3 2025"))),
        ("claim cut mid-sentence", mutate(lambda g: g["claims"][0].update(end=g["claims"][0]["end"] - 1))),
    ]


def test_checks_catch_mutations() -> None:
    gold, raw = load(GOLD_PATHS[0])
    for name, bad in _mutations(gold):
        assert check_gold(bad, raw), f"mutation not caught: {name}"

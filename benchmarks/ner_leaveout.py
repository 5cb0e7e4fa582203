"""NER leave-out: how well the model finds organisations that are in no list (gazetteer or user dictionary).

    python benchmarks/ner_leaveout.py [--seed 0] [--out docs/ner-leaveout.md]

Twenty ORG ids that the corpus gold mentions (HELD_OUT) are removed from the gazetteer; jieba's user
dictionary is rebuilt from the reduced gazetteer in a fresh Tokenizer (the packaged, cached one is left
alone). The NER is trained twice with that tokenizer and the same seed: (a) on every training sentence,
(b) without the training sentences that mention one of the twenty (the strict leave-out). Each model runs
on every body sentence of the corpus (seed + team articles); its spans go through the pipeline's filters
(`filter_model_spans`: trim, no reduced-gazetteer name or match, `plausible_name` against the reduced
dictionary, a dictionary word only in a name position) and are compared with the gold mentions of the
twenty: exact, overlapping, and exact after the pipeline's document-wide propagation of a found name.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.config import RunConfig
from pipeline.eval.gold import find_gold, load_gold
from pipeline.extract.gazetteer import SHORT_LATIN_RE, Gazetteer, load_gazetteer
from pipeline.extract.mentions import Form, filter_model_spans, fold, gazetteer_matches, occurrences
from pipeline.ingest import ingest
from pipeline.ingest.sources import discover
from pipeline.models.ner import (
    TrainingSentence,
    normalized_sentence,
    predict_spans_batch,
    train_model,
    training_paths,
)
from pipeline.normalize import NormalizedText, normalize
from pipeline.segment import segment
from pipeline.segment.tokens import financial_terms_lines, jieba_words, new_jieba_tokenizer

ROOT = Path(__file__).resolve().parent.parent
# Twenty organisations the seed or the team articles mention: Latin and Chinese names, large and small,
# one to 48 gold mentions each (coreweave is the seed's subject; the others are counterparties).
HELD_OUT = (
    "coreweave", "nebius", "cohere", "poolside", "equinix", "applied-digital", "core-scientific", "dell",
    "databricks", "cambricon", "innolight", "quanta", "mediatek", "tencent", "meituan", "xiaomi", "oracle",
    "foxconn", "tsmc", "hygon",
)

Span = tuple[int, int]


def reduced_gazetteer(gazetteer: Gazetteer, held_out: Iterable[str]) -> Gazetteer:
    """The gazetteer without the held-out entries; entries whose parent is held out lose the parent."""
    gone = set(held_out)
    entries = {
        entity_id: replace(entry, parent=None if entry.parent in gone else entry.parent)
        for entity_id, entry in gazetteer.entries.items()
        if entity_id not in gone
    }
    return Gazetteer(entries)


def reduced_tokenizer(gazetteer: Gazetteer):
    """A fresh jieba Tokenizer whose user dictionary is the financial terms plus this gazetteer's forms."""
    return new_jieba_tokenizer(financial_terms_lines() + gazetteer.jieba_user_dict_lines())


def held_out_forms(gazetteer: Gazetteer, held_out: Iterable[str]) -> set[str]:
    """Every surface form (Simplified included) of the held-out entries in the full gazetteer."""
    gone = set(held_out)
    return {form for form, entity_id in gazetteer.surface_forms().items() if entity_id in gone}


def recall_counts(gold: Iterable[Span], predicted: Iterable[Span]) -> tuple[int, int]:
    """(exactly covered, overlapped) gold spans: exact = a predicted span with the same start and end."""
    spans = set(predicted)
    exact = overlap = 0
    for start, end in gold:
        exact += (start, end) in spans
        overlap += any(s < end and start < e for s, e in spans)
    return exact, overlap


@dataclass(frozen=True)
class TrainingRow:
    sentence: TrainingSentence
    slugs: frozenset[str]


def training_rows(paths: tuple[Path, ...] | None = None) -> list[TrainingRow]:
    """The NER's training sentences (every file it trains on) with the ids they annotate."""
    rows = []
    for path in paths or training_paths():
        with open(path, encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    return [TrainingRow(normalized_sentence(row), frozenset(e[3] for e in row["entities"])) for row in rows]


def mentions_held_out(row: TrainingRow, full: Gazetteer, held_out: set[str]) -> bool:
    """An annotated span with a held-out id, or a full-gazetteer match of one in the text."""
    if row.slugs & held_out:
        return True
    return any(m.entity_id in held_out for m in gazetteer_matches(row.sentence.text, full))


@dataclass(frozen=True)
class Article:
    doc_id: str
    norm: NormalizedText
    body: list[tuple[int, str]]  # (normalized start, normalized text) of each body sentence
    gold: dict[str, list[Span]]  # held-out id -> raw gold spans
    gold_in_body: set[Span]


def load_articles(held_out: set[str]) -> list[Article]:
    config = RunConfig()
    sources, _ = discover([ROOT / "corpus"], config.ingest.extensions)
    gold_files = find_gold(ROOT / "corpus")
    articles = []
    for source in sources:
        raw = ingest(source, config.ingest)
        norm = normalize(raw.raw_text, config.normalize)
        seg = segment(source.doc_id, norm)
        gold: dict[str, list[Span]] = {}
        for mention in load_gold(gold_files[source.doc_id]).mentions:
            if mention.entity_id in held_out:
                gold.setdefault(mention.entity_id, []).append((mention.start, mention.end))
        body = [s for s in seg.sentences if s.in_body]
        in_body = {g for spans in gold.values() for g in spans if any(s.start <= g[0] < s.end for s in body)}
        articles.append(Article(source.doc_id, norm, [(s.norm_start, s.text) for s in body], gold, in_body))
    return articles


@dataclass
class Prediction:
    kept: list[tuple[int, int, str]] = field(default_factory=list)  # normalized start, end, name
    dropped: list[tuple[int, int, str, str]] = field(default_factory=list)  # ... and the filter's reason


def filter_spans(article: Article, spans_per_sentence: list[list[tuple[int, int, str]]], reduced: Gazetteer,
                 tokenizer, occupied: set[int]) -> Prediction:
    """The pipeline's filters on model spans (mentions.filter_model_spans), keeping the reason of each drop."""
    kept, dropped = filter_model_spans(article.body, spans_per_sentence, reduced, occupied, tokenizer)
    return Prediction([(k.start, k.end, k.name) for k in kept],
                      [(d.start, d.end, d.name, why) for d, why in dropped])


def propagated(article: Article, names: Iterable[str], occupied: set[int]) -> list[Span]:
    """Every occurrence in the document of the kept names (normalized offsets), as the pipeline does."""
    text, folded = article.norm.text, fold(article.norm.text)
    found = []
    for name in dict.fromkeys(names):
        short = bool(SHORT_LATIN_RE.match(name))
        form = Form(name if short else fold(name), "", short, False)
        found += [(s, s + len(name)) for s in occurrences(text, folded, form)
                  if not occupied.intersection(range(s, s + len(name)))]
    return found


def to_raw(article: Article, spans: Iterable[Span]) -> list[Span]:
    return [article.norm.alignment.to_raw(s, e) for s, e in spans]


def miss_reason(article: Article, gold: Span, prediction: Prediction) -> str:
    if gold not in article.gold_in_body:
        return "not in a body sentence"
    for start, end, name, reason in prediction.dropped:
        raw = article.norm.alignment.to_raw(start, end)
        if raw[0] < gold[1] and gold[0] < raw[1]:
            return f"span {name!r} dropped ({reason})"
    for start, end, name in prediction.kept:
        raw = article.norm.alignment.to_raw(start, end)
        if raw[0] < gold[1] and gold[0] < raw[1]:
            return f"boundary: model span {name!r}"
    return "no model span"


def evaluate(nlp, articles: list[Article], reduced: Gazetteer, tokenizer) -> dict:
    """Per held-out id: gold mentions, exact hits of the unfiltered model spans, exact / overlap /
    exact-after-propagation hits of the filtered ones, and the misses."""
    per_id: dict[str, Counter] = {}
    misses = []
    for article in articles:
        occupied = {i for m in gazetteer_matches(article.norm.text, reduced) for i in range(m.start, m.end)}
        words = [[w for w, _ in jieba_words(text, tokenizer)] for _, text in article.body]
        prediction = filter_spans(article, predict_spans_batch(nlp, words), reduced, tokenizer, occupied)
        direct = to_raw(article, [(s, e) for s, e, _ in prediction.kept])
        unfiltered = to_raw(article, [(s, e) for s, e, *_ in prediction.kept + prediction.dropped])
        spread = set(to_raw(article, propagated(article, [n for _, _, n in prediction.kept], occupied)))
        for entity_id, gold in article.gold.items():
            exact, overlap = recall_counts(gold, direct)
            counts = per_id.setdefault(entity_id, Counter())
            counts.update(gold=len(gold), model=recall_counts(gold, unfiltered)[0], exact=exact, overlap=overlap, propagated=sum(g in spread for g in gold))
            surface = article.norm.raw_text
            misses += [{"doc": article.doc_id, "id": entity_id, "surface": surface[g[0]:g[1]],
                        "why": miss_reason(article, g, prediction)} for g in gold if g not in direct]
    return {"per_id": {k: dict(v) for k, v in sorted(per_id.items())}, "misses": misses}


def summary(per_id: dict[str, dict[str, int]]) -> dict[str, float]:
    gold = sum(c["gold"] for c in per_id.values())
    out = {"gold": gold}
    for key in ("model", "exact", "overlap", "propagated"):
        out[key] = round(sum(c[key] for c in per_id.values()) / gold, 3)
        out[f"{key}_macro"] = round(sum(c[key] / c["gold"] for c in per_id.values()) / len(per_id), 3)
    return out


def markdown(report: dict) -> str:
    header = ("| variant | training sentences | gold mentions | model exact (unfiltered) | exact | overlap |"
              " exact after propagation | macro exact |")
    lines = [header, "|---|---|---|---|---|---|---|---|"]
    for name, variant in report["variants"].items():
        s = variant["summary"]
        lines.append(f"| {name} | {variant['train']} | {s['gold']} | {s['model']:.3f} | {s['exact']:.3f} | {s['overlap']:.3f} | "
                     f"{s['propagated']:.3f} | {s['exact_macro']:.3f} |")
    names = list(report["variants"])
    lines += ["", "| id | gold | " + " | ".join(f"{n} exact / overlap / propagated" for n in names) + " |",
              "|---|---|" + "---|" * len(names)]
    for entity_id in report["variants"][names[0]]["per_id"]:
        cells = [report["variants"][n]["per_id"][entity_id] for n in names]
        lines.append(f"| {entity_id} | {cells[0]['gold']} | "
                     + " | ".join(f"{c['exact']} / {c['overlap']} / {c['propagated']}" for c in cells) + " |")
    for name in names:
        lines += ["", f"Misses of {name}:", "", "| id | surface | why | n |", "|---|---|---|---|"]
        misses = Counter((m["id"], m["surface"], m["why"]) for m in report["variants"][name]["misses"])
        lines += [f"| {i} | {surface} | {why} | {n} |" for (i, surface, why), n in sorted(misses.items())]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="also write the markdown tables here")
    parser.add_argument("--json", type=Path, help="also write the full report (misses included) here")
    args = parser.parse_args()
    held_out = set(HELD_OUT)
    full = load_gazetteer()
    reduced = reduced_gazetteer(full, held_out)
    tokenizer = reduced_tokenizer(reduced)
    rows = training_rows()
    touching = {r.sentence.id for r in rows if mentions_held_out(r, full, held_out)}
    articles = load_articles(held_out)
    report = {"held_out": list(HELD_OUT), "seed": args.seed, "training_sentences": len(rows),
              "training_mentioning_held_out": len(touching),
              "held_out_names_in_jieba_base": sorted(f for f in held_out_forms(full, held_out)
                                                     if tokenizer.FREQ.get(f)), "variants": {}}
    variants = {"a (all sentences)": [r.sentence for r in rows],
                "b (strict leave-out)": [r.sentence for r in rows if r.sentence.id not in touching]}
    for name, sentences in variants.items():
        nlp = train_model(sentences, args.seed, tokenizer=tokenizer)
        result = evaluate(nlp, articles, reduced, tokenizer)
        report["variants"][name] = {"train": len(sentences), "summary": summary(result["per_id"]), **result}
        print(name, json.dumps(report["variants"][name]["summary"]), flush=True)
    text = markdown(report)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

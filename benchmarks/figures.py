"""Figure extraction throughput on ~1 MB of corpus text, next to a plain regex number finder, in one run.

    python benchmarks/figures.py [--mb 1.0] [--out docs/benchmarks-figures.md]

Three measurements over the same text: a plain `re.finditer` number regex (the floor: no grammar, no
values), `find_quantities` (grammar + exact values + hedges), and the figure extractor as the pipeline
runs it (normalize + segment + quantities + figure/not-figure rules + attribution).
"""

from __future__ import annotations

import argparse
import re
import time
from datetime import UTC, datetime
from pathlib import Path

from pipeline.config import RunConfig
from pipeline.extract.figures import extract_figures
from pipeline.extract.quantities import find_quantities
from pipeline.extract.registry import ExtractionContext, available
from pipeline.ingest import ingest
from pipeline.ingest.sources import discover
from pipeline.normalize import normalize
from pipeline.segment import segment

ROOT = Path(__file__).resolve().parent.parent
PLAIN_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")


def corpus_texts(mb: float) -> list[str]:
    sources, _ = discover([ROOT / "corpus"], RunConfig().ingest.extensions)
    texts = [ingest(s).raw_text for s in sources]
    out: list[str] = []
    while sum(len(t.encode("utf-8")) for t in out) < mb * 1e6:
        out.extend(texts)
    return out


def timed(fn) -> tuple[float, int]:
    start = time.perf_counter()
    found = fn()
    return time.perf_counter() - start, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0)
    parser.add_argument("--out", type=Path, help="also write the markdown report here")
    args = parser.parse_args()
    texts = corpus_texts(args.mb)
    size = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    find_quantities("预热 1.5亿美元")  # load lexicons outside the timing
    config = RunConfig()
    extractor = available()["figures"]

    def pipeline_figures() -> int:
        count = 0
        for i, text in enumerate(texts):
            norm = normalize(text, config.normalize)
            seg = segment(f"d{i}", norm)
            count += len(extract_figures(ExtractionContext(f"d{i}", norm, seg, config.extract), extractor))
        return count

    pipeline_figures_warm = texts[:1]
    for text in pipeline_figures_warm:  # gazetteer, jieba and lexicons load outside the timing
        norm = normalize(text, config.normalize)
        extract_figures(ExtractionContext("warm", norm, segment("warm", norm), config.extract), extractor)
    rows = [
        ("plain regex `\\d+(?:[.,]\\d+)*%?` (spans only)", *timed(lambda: sum(1 for t in texts for _ in PLAIN_NUMBER.finditer(t)))),
        ("`find_quantities` (spans, values, units, hedges)", *timed(lambda: sum(len(find_quantities(t)) for t in texts))),
        ("figure extractor (normalize + segment + figures)", *timed(pipeline_figures)),
    ]
    base = rows[0][1]
    heading = (
        f"# Figure extraction throughput\n\n`python benchmarks/figures.py --mb {args.mb}` on "
        f"{datetime.now(UTC).date()}: {size:.2f} MB of corpus text (the 9 corpus articles repeated), one process.\n"
    )
    lines = [
        heading,
        "| what | found | seconds | MB/s | time vs plain regex |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [f"| {name} | {found} | {secs:.2f} | {size / secs:.2f} | {secs / base:.0f}× |" for name, secs, found in rows]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()

"""`yanbao train [MODEL...]`: train the model extractors from the project's own annotations, reproducibly."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pipeline.errors import UsageError


def cmd_train(args: argparse.Namespace) -> int:
    from pipeline.models import model_dir, trainers

    available = trainers()
    names = args.models or sorted(available)
    unknown = [n for n in names if n not in available]
    if unknown:
        raise UsageError(f"unknown model(s) {', '.join(unknown)}; available: {', '.join(sorted(available)) or 'none'}")
    for name in names:
        out_dir = Path(args.out) / name if args.out else model_dir(name)
        metrics = available[name].train(out_dir, seed=args.seed)
        print(f"{name}: trained → {out_dir} {json.dumps(metrics, ensure_ascii=False)}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("train", help="train the model extractors (NER, claim classifier) from pipeline/resources/training")
    parser.add_argument("models", nargs="*", help="which models (default: all)")
    parser.add_argument("--out", help="write models here instead of the packaged location")
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(func=cmd_train)

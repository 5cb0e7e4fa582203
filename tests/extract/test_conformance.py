"""Recognizers-Text Chinese specs run through find_quantities (see docs/conformance.md for the rules)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
import yaml

from pipeline.extract.numbers import load_resource
from pipeline.extract.quantities import Quantity, find_quantities

SUITE = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "recognizers-text-zh"
KNOWN_FAILURES = yaml.safe_load((Path(__file__).with_name("conformance_known_failures.yaml")).read_text("utf-8"))
TARGET_MODELS = ("number", "percent", "currency")
INFORMATIONAL_MODELS = ("number_range", "ordinal", "dimension", "age", "temperature")
PERCENT_KINDS = {"percent", "share", "discount", "percentage_point"}
# R-T writes non-terminating values with 15 significant digits (350.333333333333)
RELATIVE_TOLERANCE = Decimal("1e-12")

_numeral_lexicon = load_resource("numerals")
NUMERAL_CHARS = set(_numeral_lexicon["digits"]) | set(_numeral_lexicon["units"]) | set(_numeral_lexicon["scales"])


def load_cases(model: str) -> list[dict]:
    with open(SUITE / f"{model}.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def expected_number(item: dict) -> Decimal | None:
    """R-T's value string as a number: '90%' -> 90, '[20,35)' -> None (ranges are compared by bounds)."""
    value = item["value"]
    if value is None:
        return None
    try:
        return Decimal(value.rstrip("%"))
    except InvalidOperation:
        return None


def expected_bounds(item: dict) -> tuple[Decimal | None, Decimal | None] | None:
    value = item["value"] or ""
    if value[:1] not in "([" or "," not in value:
        return None
    low, high = value[1:-1].split(",")
    return (Decimal(low) if low else None, Decimal(high) if high else None)


def same_number(found: Decimal, expected: Decimal) -> bool:
    if found == expected:
        return True
    return abs(found - expected) <= abs(expected) * RELATIVE_TOLERANCE


def item_matches(model: str, text: str, item: dict, quantity: Quantity) -> bool:
    """One expected item against one quantity, by the model's rule (docs/conformance.md)."""
    if quantity.start != item["start"]:
        return False
    if model == "number":
        # R-T's number model reports the numeral inside a quantity (199个 -> 199): the quantity may carry a
        # unit after the numeral, but no further numeral characters (百分点 is a unit word)
        tail = text[item["end"] : quantity.end].replace("百分点", "").replace("百分點", "")
        if quantity.end < item["end"] or any(ch.isdigit() or ch in NUMERAL_CHARS for ch in tail):
            return False
    elif quantity.end != item["end"]:
        return False
    if model == "number_range":
        bounds = expected_bounds(item)
        if bounds is None:
            return False
        return all(b is None or same_number(v, b) for v, b in zip((quantity.low, quantity.high), bounds))
    expected = expected_number(item)
    if expected is None or not same_number(quantity.low, expected):
        return False
    if model == "percent":
        return quantity.kind in PERCENT_KINDS
    if model == "currency":
        iso = (item.get("extra") or {}).get("isoCurrency")
        return quantity.kind == "money" and (iso is None or quantity.unit == iso)
    return True


def negative_violations(model: str, quantities: list[Quantity]) -> list[Quantity]:
    """Quantities of the model's own kind in a case that expects none."""
    if model == "number":
        return [q for q in quantities if q.kind == "number"]
    if model == "percent":
        return [q for q in quantities if q.kind in PERCENT_KINDS]
    if model == "currency":
        return [q for q in quantities if q.kind == "money"]
    return quantities


def case_passes(case: dict) -> bool:
    quantities = find_quantities(case["input"])
    model = case["model"]
    if not case["expected"]:
        return not negative_violations(model, quantities)
    return all(
        any(item_matches(model, case["input"], item, q) for q in quantities) for item in case["expected"]
    )


def _params(models: tuple[str, ...]) -> list:
    params = []
    for model in models:
        for case in load_cases(model):
            marks = []
            if case["id"] in KNOWN_FAILURES["cases"]:
                marks.append(pytest.mark.xfail(reason=KNOWN_FAILURES["cases"][case["id"]], strict=True))
            elif model in KNOWN_FAILURES["informational"]:
                marks.append(pytest.mark.xfail(reason=KNOWN_FAILURES["informational"][model], strict=False))
            params.append(pytest.param(case, id=case["id"], marks=marks))
    return params


@pytest.mark.parametrize("case", _params(TARGET_MODELS))
def test_target_model_case(case: dict) -> None:
    assert case_passes(case), [
        (q.surface, str(q.low), str(q.high), q.kind, q.unit) for q in find_quantities(case["input"])
    ]


@pytest.mark.parametrize("case", _params(INFORMATIONAL_MODELS))
def test_informational_model_case(case: dict) -> None:
    assert case_passes(case)


def test_known_failures_name_real_cases_and_give_reasons() -> None:
    ids = {case["id"] for model in TARGET_MODELS + INFORMATIONAL_MODELS for case in load_cases(model)}
    for case_id, reason in KNOWN_FAILURES["cases"].items():
        assert case_id in ids, case_id
        assert isinstance(reason, str) and len(reason) > 10, case_id


# Regression floors at the rates recorded in docs/conformance.md (the project target is 97%; percent and
# currency miss it only through the deliberate differences listed in conformance_known_failures.yaml).
PASS_RATE_FLOORS = {"number": 0.975, "percent": 0.965, "currency": 0.91}


@pytest.mark.parametrize("model", TARGET_MODELS)
def test_target_pass_rate_floor(model: str) -> None:
    cases = load_cases(model)
    passed = sum(case_passes(case) for case in cases)
    assert passed / len(cases) >= PASS_RATE_FLOORS[model], f"{model}: {passed}/{len(cases)}"


def pass_rates() -> dict[str, tuple[int, int]]:
    """(passed, total) per model file; used to write docs/conformance.md."""
    return {m: (sum(case_passes(c) for c in load_cases(m)), len(load_cases(m))) for m in TARGET_MODELS + INFORMATIONAL_MODELS}


if __name__ == "__main__":
    for name, (passed, total) in pass_rates().items():
        print(f"{name}: {passed}/{total} = {100 * passed / total:.1f}%")

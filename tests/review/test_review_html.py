"""The review page without a browser: self-contained, data escaped inside JSON script elements, lazy per document."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

from review_builders import XSS, document, write_run

from pipeline.review.diff import diff_runs
from pipeline.review.html import render_review, script_json
from pipeline.review.runs import load_run


def _json_blocks(page: str) -> dict[str, object]:
    blocks = re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', page, re.DOTALL)
    return {name: json.loads(body) for name, body in blocks}


def test_script_json_escapes_everything_that_could_end_the_element() -> None:
    text = script_json({"t": "</script><!-- & \u2028\u2029 >"})
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == {"t": "</script><!-- & \u2028\u2029 >"}


def test_page_is_self_contained_and_carries_raw_text_intact(lexicon_runs: tuple[Path, Path]) -> None:
    page = render_review(load_run(lexicon_runs[0]))
    assert page.count("<script") == 2 + 2  # index, two documents, the page script: none from the article
    assert "<img" not in page and "</textarea>" not in page
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)  # no network
    blocks = _json_blocks(page)
    index = blocks["yb-index"]
    assert [d["doc_id"] for d in index["docs"]] == ["facts", "xss"]
    xss = blocks["yb-doc-1"]
    assert xss["text"] == XSS  # the payload survives as data, byte for byte
    assert [r["label"] for r in xss["records"] if r["type"] == "figures"] == ["10亿美元"]


def test_only_the_page_script_may_run(lexicon_runs: tuple[Path, Path]) -> None:
    page = render_review(load_run(lexicon_runs[0]))
    script = re.search(r"<script>(.*?)</script>", page, re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page
    assert "default-src 'none'" in page
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "document.write" not in script


def test_article_text_cannot_fill_template_slots(tmp_path: Path) -> None:
    page = render_review(load_run(write_run(tmp_path / "run", ([document("slots", "正文__YANBAO_JS__与__YANBAO_DOCS__。")], {}))))
    assert page.count("__YANBAO_JS__") == 1 and page.count("(function ()") == 1


def test_diff_page_colours_records_by_status(lexicon_runs: tuple[Path, Path]) -> None:
    a, b = load_run(lexicon_runs[0]), load_run(lexicon_runs[1])
    blocks = _json_blocks(render_review(b, diff_runs(a, b)))
    facts = blocks["yb-doc-0"]
    statuses = {r["label"]: r["status"] for r in facts["records"] if r["type"] == "figures"}
    assert statuses == {"19亿美元": "changed", "737%": "unchanged", "50亿美元": "changed", "62%": "removed",
                        "74%": "changed", "151亿美元": "added"}
    changed = next(r for r in facts["records"] if r["label"] == "50亿美元")
    assert changed["changes"] == [["unit", "USD", "CNY"]] and changed["fields"]["unit"] == "CNY"
    assert blocks["yb-index"]["docs"][0]["differences"] == {"added": 1, "removed": 1, "changed": 5}

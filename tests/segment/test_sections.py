"""Segment: headings and outline levels from numbering markers."""

from __future__ import annotations

from pipeline.segment.sections import find_headings
from pipeline.segment.sentences import paragraphs

ARTICLE = """一、看待云计算商业模式的一种视角

首先,公司所属行业的商业模式很简单。

1.1、需求的整合

这部分简单来说,就是共享机房。

1)第一层——土建 & 能源:简单来说,找到土地,建设厂房,创造一个能放服务器的地方。这是很长的一段话,所以不是标题本身。

a. 服务器:数据中心中最重要的部分,基本可以理解为更大块头的电脑,同样由高性能芯片组成。

1.2、供给的整合

二、CoreWeave的核心优势

## Markdown 标题
"""


def _headings() -> list[tuple[str, str, int]]:
    found = find_headings(ARTICLE, paragraphs(ARTICLE))
    return [(h.marker, ARTICLE[h.heading_start : h.end], h.level) for h in found]


def test_markers_levels_and_heading_text() -> None:
    assert _headings() == [
        ("一、", "看待云计算商业模式的一种视角", 1),
        ("1.1、", "需求的整合", 2),
        ("1)", "第一层——土建 & 能源", 3),
        ("a.", "服务器", 4),
        ("1.2、", "供给的整合", 2),
        ("二、", "CoreWeave的核心优势", 1),
        ("##", "Markdown 标题", 2),
    ]


def test_prose_and_numbers_are_not_headings() -> None:
    text = "1.5亿美元的订单来自微软。\n2024年营收增长很快,这是一个长句子,不是标题,因为它有句号。\n"
    assert find_headings(text, paragraphs(text)) == []

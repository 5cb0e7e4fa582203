"""Title and body detection on normalized text: navigation, end markers, widgets, confirmations."""

from __future__ import annotations

from pipeline.normalize.furniture import find_layout

ARTICLE = """订阅
纠错 | 登录

英伟达财报点评:数据中心收入再创新高

英伟达本季度数据中心收入同比增长112%,超出市场预期。
点击查看大图
我们维持买入评级。

- END -
责任编辑:张三
免责声明:本文仅供参考。"""


def body_text(text: str, body: tuple[tuple[int, int], ...]) -> str:
    return "".join(text[s:e] for s, e in body)


def test_title_body_and_furniture() -> None:
    layout = find_layout(ARTICLE)
    assert layout.title == "英伟达财报点评:数据中心收入再创新高"
    assert layout.title_span is not None and ARTICLE[slice(*layout.title_span)] == layout.title
    assert layout.body[0][0] == layout.title_span[0]
    assert layout.body[-1][1] == ARTICLE.index("- END -")
    body = body_text(ARTICLE, layout.body)
    assert "我们维持买入评级。" in body and "112%" in body
    for furniture in ("订阅", "登录", "点击查看大图", "END", "责任编辑", "免责声明"):
        assert furniture not in body


def test_confirmation_line_picks_the_title() -> None:
    text = "首页\n2024-05-01 来源:某网\n公司深度:护城河在哪里\n正文第一段。\n原文标题:公司深度:护城河在哪里\n"
    layout = find_layout(text)
    assert layout.title == "公司深度:护城河在哪里"
    assert layout.body == ((text.index("公司深度"), text.index("原文标题")),)


def test_plain_text_is_all_body() -> None:
    text = "英伟达本季度数据中心收入同比增长112%,超出市场预期。\n我们维持买入评级。\n"
    layout = find_layout(text)
    assert layout.title is None and layout.body == ((0, len(text)),)


def test_markers_only_end_the_body_at_line_start() -> None:
    text = "标题在这里吗\n文中提到免责声明和版权所有等字样,并非页脚。\n结尾段落。\n"
    layout = find_layout(text)
    assert layout.body == ((0, len(text)),)
    assert layout.title == "标题在这里吗"


def test_empty_or_navigation_only_text() -> None:
    assert find_layout("").body == ((0, 0),)
    assert find_layout("订阅\n登录\n").title is None

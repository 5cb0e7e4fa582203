"""Ingest: HTML pages give their article text and title, without scripts, navigation or comments."""

from __future__ import annotations

from pipeline.ingest.html import extract_article

PAGE = """<!doctype html><html><head><title>英伟达财报点评 - 某网站</title>
<style>.x{color:red}</style><script>var fake = "营收999亿美元";</script></head>
<body><header><nav><a href="/">首页</a><a href="/sub">订阅</a></nav></header>
<div class="main-content"><article><h1>英伟达：数据中心继续狂奔</h1>
<p>公司第三季度营收&nbsp;$351亿，同比增长94%，&ldquo;超预期&rdquo;。</p>
<p>我们认为<strong>毛利率</strong>仍有上行空间。</p>
<div class="comment-box"><p>发表评论</p><p>0条评论</p></div>
<!-- tracking comment 123亿 -->
<ul class="related-list"><li>相关阅读：某某</li></ul></article></div>
<footer>京ICP备12345678号 免责声明</footer><script>track("4.5亿")</script></body></html>"""


def test_article_text_without_furniture() -> None:
    article = extract_article(PAGE)
    assert article.title == "英伟达财报点评 - 某网站"
    assert "英伟达：数据中心继续狂奔" in article.text
    assert "营收\u00a0$351亿" in article.text or "营收 $351亿" in article.text
    assert "“超预期”" in article.text
    assert "我们认为毛利率仍有上行空间。" in article.text
    for junk in ("999亿", "首页", "订阅", "发表评论", "123亿", "相关阅读", "ICP", "4.5亿", "color"):
        assert junk not in article.text


def test_blocks_become_lines() -> None:
    text = extract_article(PAGE).text
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[0] == "英伟达：数据中心继续狂奔"
    assert len(lines) == 3


def test_page_without_body_gives_empty_text() -> None:
    assert extract_article("<html><head><title>t</title></head></html>").text.strip() == ""

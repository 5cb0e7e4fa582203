"""HTML pages to article text: a real HTML5 parser (selectolax/lexbor) and a main-content heuristic.

Scripts, styles, navigation, forms, comment widgets, share bars and related-article lists are
dropped; block elements become line breaks so sentence and section segmentation still work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "svg", "canvas", "form", "button",
    "input", "select", "textarea", "nav", "aside", "footer", "header", "menu", "dialog", "object", "embed",
)
_BLOCK_TAGS = frozenset({
    "address", "article", "blockquote", "caption", "dd", "div", "dl", "dt", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section", "table",
    "tbody", "tfoot", "thead", "tr", "ul",
})
_JUNK_ATTR = re.compile(
    r"(^|[\s_-])(comment|comments|reply|share|social|related|recommend|breadcrumb|sidebar|footer|header|"
    r"nav|navbar|menu|advert|ads?|banner|popup|modal|login|subscribe|toolbar|copyright|disclaimer-box)"
    r"($|[\s_-])",
    re.IGNORECASE,
)
_CONTENT_ATTR = re.compile(r"(article|content|post|entry|story|main|body|text|detail)", re.IGNORECASE)


@dataclass(frozen=True)
class HtmlArticle:
    title: str | None
    text: str


def _attr_text(node: LexborNode) -> str:
    attrs = node.attributes
    return f"{attrs.get('id') or ''} {attrs.get('class') or ''}"


def _drop_junk(root: LexborNode) -> None:
    for tag in _DROP_TAGS:
        for node in root.css(tag):
            node.decompose()
    for node in root.css("[class], [id]"):
        if node.tag not in ("html", "body", "article", "main") and _JUNK_ATTR.search(_attr_text(node)):
            node.decompose()


def _main_container(root: LexborNode) -> LexborNode:
    for selector in ("article", "main", "[role=main]"):
        found = [n for n in root.css(selector) if len(n.text(strip=True)) > 80]
        if found:
            return max(found, key=lambda n: len(n.text(strip=True)))
    candidates = [n for n in root.css("div, section") if _CONTENT_ATTR.search(_attr_text(n))]
    body_len = len(root.text(strip=True))
    rich = [n for n in candidates if len(n.text(strip=True)) > 0.3 * body_len]
    if rich:
        return min(rich, key=lambda n: len(n.text(strip=True)))
    return root


def _render(node: LexborNode, out: list[str]) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            out.append(child.text_content or "")
        elif tag == "br":
            out.append("\n")
        elif tag in ("-comment", "_comment"):
            continue
        elif tag in _BLOCK_TAGS:
            out.append("\n")
            _render(child, out)
            out.append("\n")
        else:
            _render(child, out)


def _tidy(text: str) -> str:
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip(" ") for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


def extract_article(markup: str) -> HtmlArticle:
    """Return the page's <title> and the text of its article body."""
    tree = LexborHTMLParser(markup)
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else None
    root = tree.body or tree.root
    if root is None:
        return HtmlArticle(title or None, "")
    _drop_junk(root)
    parts: list[str] = []
    _render(_main_container(root), parts)
    return HtmlArticle(title or None, _tidy("".join(parts)))

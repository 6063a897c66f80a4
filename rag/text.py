"""Text clean-up shared by ingestion, indexing and question understanding."""

from __future__ import annotations

import html
import re
import unicodedata

_BLOCK_TAGS = re.compile(
    r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr|/blockquote|/ul|/ol)\b[^>]*>", re.IGNORECASE
)
_LIST_ITEM = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_INVISIBLE = re.compile(
    r"<\s*(script|style|template|noscript)\b[^>]*>.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL
)
_TAG = re.compile(r"<[^>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# OpenAgenda descriptions mix HTML with Markdown emphasis and links: a link or an image
# keeps its text whatever its target (a `javascript:` one too); reference definitions go.
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\((?:[^()\n]|\([^()\n]*\))*\)|!?\[([^\]\n]+)\]\[[^\]\n]*\]")
_MD_REFERENCE = re.compile(r"^[ \t]*\[[^\]\n]+\]:[ \t]*\S.*$", re.MULTILINE)
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+", re.MULTILINE)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_NEWLINES = re.compile(r"\s*\n\s*")


def clean_html(value: str | None) -> str:
    """Plain text from OpenAgenda's HTML/Markdown-ish descriptions, keeping paragraph breaks."""
    if not value:
        return ""
    text = _COMMENT.sub(" ", value)
    text = _INVISIBLE.sub(" ", text)
    text = _LIST_ITEM.sub("\n- ", text)
    text = _BLOCK_TAGS.sub("\n", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(html.unescape(text))
    return normalize_space(strip_markdown(text))


def strip_markdown(text: str) -> str:
    """Plain text from Markdown emphasis, links and headings; other asterisks stay."""
    text = _MD_REFERENCE.sub("", text)
    text = _MD_LINK.sub(lambda link: link[1] or link[2] or "", text)
    text = _MD_STRONG.sub(r"\2", text)
    text = _MD_EMPHASIS.sub(r"\1", text)
    return _MD_HEADING.sub("", text)


def normalize_space(text: str) -> str:
    """Collapse runs of blanks, keep single line breaks between paragraphs."""
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text)
    text = _NEWLINES.sub("\n", text)
    return text.strip()


class _FoldTable(dict[int, str]):
    """Per-character folding, computed once per character seen (str.translate is fast)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        decomposed = unicodedata.normalize("NFKD", char)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        folded = {"œ": "oe", "æ": "ae", "’": "'"}.get(folded, folded)
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lowercase without accents, so "Théâtre" and "theatre" compare equal."""
    return text.casefold().translate(_FOLD_TABLE)


def truncate(text: str, limit: int) -> str:
    """Cut at a word boundary and mark the cut, for snippets."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-–")
    return cut + "…"

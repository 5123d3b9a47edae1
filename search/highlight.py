"""Snippets with the matched words marked (<mark>), for result lists."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .chinese import query_tokens, raw_tokens

ELLIPSIS = "…"


def highlight_terms(query: str) -> list[str]:
    """Words to mark for a query: its jieba words and its raw pieces (as typed and normalised),
    longest first. The text itself is shown as written (full-width punctuation kept)."""
    typed = [piece for piece in re.split(r"[\W_]+", query or "") if piece]
    terms = {term for term in query_tokens(query) + raw_tokens(query) + typed if term.strip()}
    return sorted(terms, key=lambda term: (-len(term), term))


def _pattern(terms: list[str]) -> re.Pattern | None:
    if not terms:
        return None
    return re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)


def _mark(text: str, pattern: re.Pattern | None) -> str:
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last:match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def highlight(text: str, query: str) -> SafeString:
    """The whole text, escaped, with the query's words marked."""
    # Safe: _mark() escapes every piece of text; only our <mark> tags are raw.
    return mark_safe(_mark(text or "", _pattern(highlight_terms(query))))


def snippet(text: str, query: str, *, width: int = 120) -> SafeString:
    """About `width` characters of `text` around the first match, escaped, matches marked.

    Starts at the beginning of the text when nothing matches (e.g. the match was in the title)."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return mark_safe("")
    pattern = _pattern(highlight_terms(query))
    match = pattern.search(text) if pattern else None
    start = 0
    if match and match.start() > width // 3:
        start = match.start() - width // 3
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    piece = text[start:end]
    html = _mark(piece, pattern)
    if start > 0:
        html = ELLIPSIS + html
    if end < len(text):
        html += ELLIPSIS
    return mark_safe(html)  # every piece of text went through escape() in _mark()

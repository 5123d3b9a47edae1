"""Reads behind the public search page, its autocomplete and GraphQL `searchKnowledge`.

Searched: live, public knowledge articles (知识社区 and 普法阵地) and the extracted text of
documents (knowledge.DocumentText). Articles come first, by relevance, then documents; the two
result sets are paginated as one sequence without loading either in full.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString

from knowledge.models import ArticlePage, DocumentText, Kind, Section, Tier

from .highlight import snippet

MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class SearchFilters:
    section: str | None = None
    tier: str | None = None
    kind: str | None = None
    community: str | None = None  # accepted and kept in links; knowledge pages are not per community

    @classmethod
    def from_params(cls, params) -> SearchFilters:
        """Valid values only; anything else is ignored rather than an error."""

        def pick(name, choices):
            value = (params.get(name) or "").strip()
            return value if value in choices.values else None

        community = (params.get("community") or "").strip()[:50] or None
        return cls(section=pick("section", Section), tier=pick("tier", Tier), kind=pick("kind", Kind), community=community)

    @property
    def narrows_articles(self) -> bool:
        """Filters that only articles have (documents carry no section, tier or kind)."""
        return bool(self.section or self.tier or self.kind)


@dataclass
class SearchHit:
    type: str  # "article" | "document"
    title: str
    url: str
    snippet: SafeString
    tier: str | None = None
    kind: str | None = None
    section: str | None = None
    obj: Any = None

    @property
    def tier_label(self) -> str:
        return Tier(self.tier).label if self.tier else ""

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label if self.kind else ""

    @property
    def section_label(self) -> str:
        return Section(self.section).label if self.section else ""


class ChainedResults:
    """Several search results (or querysets) read as one sequence: count() and slicing only."""

    def __init__(self, parts):
        self.parts = list(parts)
        self._counts = None

    def counts(self) -> list[int]:
        if self._counts is None:
            self._counts = [part.count() for part in self.parts]
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, int):
            items = self[key:key + 1]
            if not items:
                raise IndexError(key)
            return items[0]
        start = key.start or 0
        stop = self.count() if key.stop is None else key.stop
        items, offset = [], 0
        for part, size in zip(self.parts, self.counts()):
            low, high = max(start - offset, 0), min(stop - offset, size)
            if low < high:
                items.extend(part[low:high])
            offset += size
            if offset >= stop:
                break
        return items


def article_queryset(filters: SearchFilters | None = None):
    filters = filters or SearchFilters()
    queryset = ArticlePage.objects.live().public()
    if filters.section:
        queryset = queryset.filter(section=filters.section)
    if filters.tier:
        queryset = queryset.filter(tier=filters.tier)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return queryset


def clean_query(q: str | None) -> str:
    return " ".join((q or "").split())[:MAX_QUERY_LENGTH]


def search_knowledge(q: str, filters: SearchFilters | None = None) -> ChainedResults:
    """Articles (by relevance) then documents matching `q`. An empty `q` with filters lists the
    filtered articles, newest first; an empty `q` without filters finds nothing."""
    filters = filters or SearchFilters()
    q = clean_query(q)
    articles = article_queryset(filters)
    if not q:
        if not filters.narrows_articles:
            return ChainedResults([])
        return ChainedResults([articles.order_by("-first_published_at", "-pk")])
    parts = [articles.search(q)]
    if not filters.narrows_articles:
        parts.append(DocumentText.objects.select_related("document").search(q))
    return ChainedResults(parts)


def hit_for(obj, q: str, *, request=None) -> SearchHit:
    """Turn a result object into what the list shows: title, link, marked snippet, labels."""
    if isinstance(obj, DocumentText):
        return SearchHit(
            type="document", title=obj.document.title, url=obj.document.url,
            snippet=snippet(obj.text, q), obj=obj,
        )
    page = obj.specific if type(obj) is not ArticlePage else obj
    text = page.plain_text() or page.summary
    return SearchHit(
        type="article", title=page.title, url=page.get_url(request) or page.url_path,
        snippet=snippet(text, q), tier=page.tier, kind=page.kind, section=page.section, obj=page,
    )


def autocomplete_knowledge(q: str, *, limit: int = 8, request=None) -> list[dict]:
    """Suggestions while typing: articles, then documents, by title or text prefix."""
    q = clean_query(q)
    if not q:
        return []
    suggestions = []
    for page in ArticlePage.objects.live().public().autocomplete(q)[:limit]:
        suggestions.append(
            {"type": "article", "title": page.title, "url": page.get_url(request) or page.url_path,
             "kind": str(Kind(page.kind).label)}
        )
    room = limit - len(suggestions)
    if room > 0:
        for row in DocumentText.objects.select_related("document").autocomplete(q)[:room]:
            suggestions.append({"type": "document", "title": row.document.title, "url": row.document.url, "kind": "文档"})
    return suggestions

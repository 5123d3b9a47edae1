"""Reads behind the public search page, its autocomplete and GraphQL `searchKnowledge`.

Searched: live, public knowledge articles (知识社区 and 普法阵地), the extracted text of documents
(knowledge.DocumentText) and, on the page and in autocomplete, the visible questions of 业委会问答
(knowledge.qa.Question: title, body and the text of its visible answers). Articles come first, by
relevance, then documents, then questions; the result sets are paginated as one sequence without
loading any in full. `search_knowledge()` (GraphQL `searchKnowledge`) keeps to articles and documents;
`search_site()` (the page) adds the questions and the "问答" section filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from knowledge.models import ArticlePage, DocumentText, Kind, Section, Tier
from knowledge.qa.models import Question, visible_answers_prefetch

from search.highlight import snippet
from search.query import clean_query

QA_SECTION = "qa"
QA_LABEL = _("问答")
#: The 栏目 filter of the search page: the knowledge sections, then 问答 (questions only).
SECTION_CHOICES = [*Section.choices, (QA_SECTION, QA_LABEL)]


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
        section = (params.get("section") or "").strip()
        section = section if section == QA_SECTION else pick("section", Section)
        return cls(section=section, tier=pick("tier", Tier), kind=pick("kind", Kind), community=community)

    @property
    def questions_only(self) -> bool:
        """The 问答 section: questions of 业委会问答 only."""
        return self.section == QA_SECTION

    @property
    def narrows_articles(self) -> bool:
        """Filters that only articles have (documents and questions carry no section, tier or kind)."""
        return bool((self.section and not self.questions_only) or self.tier or self.kind)

    @property
    def any(self) -> bool:
        return bool(self.section or self.tier or self.kind)


@dataclass
class SearchHit:
    type: str  # "article" | "document" | "question"
    title: str
    url: str
    snippet: SafeString
    tier: str | None = None
    kind: str | None = None
    section: str | None = None
    obj: Any = None
    community: str | None = None  # questions: the asker's community ("来自 ××小区")
    solved: bool = False  # questions: an accepted answer is shown
    answer_count: int = 0  # questions

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
    if filters.questions_only:
        return queryset.none()
    if filters.section:
        queryset = queryset.filter(section=filters.section)
    if filters.tier:
        queryset = queryset.filter(tier=filters.tier)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return queryset


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


def question_queryset():
    """Visible questions of 业委会问答, with what a hit shows (community, visible answers' text) loaded."""
    return (Question.objects.visible().select_related("community")
            .prefetch_related(visible_answers_prefetch("visible_answers_for_index")))


def search_site(q: str, filters: SearchFilters | None = None) -> ChainedResults:
    """What the search page lists: `search_knowledge()` plus the questions of 业委会问答 after them.

    Section 问答: questions only (by relevance; without words, the most recently active first). Filters that
    only articles have (a knowledge section, tier, kind) leave the questions out, as they do documents."""
    filters = filters or SearchFilters()
    q = clean_query(q)
    if filters.questions_only:
        if filters.tier or filters.kind:
            return ChainedResults([])
        questions = question_queryset()
        return ChainedResults([questions.search(q) if q else questions.order_by("-last_activity_at", "-pk")])
    results = search_knowledge(q, filters)
    if q and not filters.narrows_articles:
        results.parts.append(question_queryset().search(q))
    return results


def hit_for(obj, q: str, *, request=None) -> SearchHit:
    """Turn a result object into what the list shows: title, link, marked snippet, labels."""
    if isinstance(obj, Question):
        text = "\n".join(part for part in (obj.body, obj.answers_text()) if part)
        return SearchHit(
            type="question", title=obj.title, url=obj.get_absolute_url(), snippet=snippet(text, q), obj=obj,
            community=obj.community.name, solved=obj.solved, answer_count=obj.answer_count,
        )
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
    """Suggestions while typing: articles, then documents, then questions, by title or text prefix."""
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
    room = limit - len(suggestions)
    if room > 0:
        for question in Question.objects.visible().autocomplete(q)[:room]:
            suggestions.append({"type": "question", "title": question.title, "url": question.get_absolute_url(),
                                "kind": str(QA_LABEL)})
    return suggestions

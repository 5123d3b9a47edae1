"""GraphQL for the knowledge area: public reads of sections and articles, and Chinese search.

Add `KnowledgeQuery` to the bases of `Query` in portal/api.py. Everything here is public
(live pages without view restrictions), like the web pages. List fields load their rows with
one query each plus one prefetch for tags."""

from __future__ import annotations

import graphene
from django.utils.html import strip_tags

from knowledge.search.selectors import SearchFilters, article_queryset, hit_for, search_knowledge
from portal.graphql.enums import enum_from_choices
from portal.graphql.loaders import prefetched
from portal.params import parse_id
from search.query import clean_query

from .models import ArticlePage, Kind, KnowledgeSectionPage, Section, Tier

MAX_FIRST = 100

KnowledgeTierEnum = enum_from_choices("KnowledgeTier", Tier, "知识层级：基础、进阶、高级")
KnowledgeKindEnum = enum_from_choices("KnowledgeKind", Kind, "知识类型")
KnowledgeAreaEnum = enum_from_choices("KnowledgeArea", Section, "文章所在栏目：知识社区或普法阵地")


def _url(page, info) -> str:
    return page.get_url(request=info.context) or page.url_path


class KnowledgeSectionType(graphene.ObjectType):
    """知识社区下的一个分层栏目"""

    class Meta:
        name = "KnowledgeSection"

    id = graphene.ID(required=True, description="栏目页面 ID")
    title = graphene.String(required=True, description="栏目名称")
    tier = graphene.Field(KnowledgeTierEnum, required=True, description="层级")
    kind = graphene.Field(KnowledgeKindEnum, required=True, description="类型")
    url = graphene.String(required=True, description="栏目页面地址")
    intro = graphene.String(required=True, description="简介（纯文本）")

    @staticmethod
    def resolve_id(page, info):
        return page.pk

    @staticmethod
    def resolve_url(page, info):
        return _url(page, info)

    @staticmethod
    def resolve_intro(page, info):
        return strip_tags(page.intro or "").strip()


class KnowledgeArticleType(graphene.ObjectType):
    """一篇已发布的知识文章"""

    class Meta:
        name = "KnowledgeArticle"

    id = graphene.ID(required=True, description="文章页面 ID")
    title = graphene.String(required=True, description="标题")
    url = graphene.String(required=True, description="文章页面地址")
    area = graphene.Field(KnowledgeAreaEnum, required=True, description="所在栏目：知识社区或普法阵地")
    tier = graphene.Field(KnowledgeTierEnum, required=True, description="层级")
    kind = graphene.Field(KnowledgeKindEnum, required=True, description="类型")
    summary = graphene.String(required=True, description="摘要")
    tags = graphene.List(graphene.NonNull(graphene.String), required=True, description="标签")
    body_text = graphene.String(required=True, description="正文纯文本")
    body_html = graphene.String(required=True, description="正文 HTML（已渲染的内容块）")
    first_published_at = graphene.DateTime(description="首次发布时间")
    last_published_at = graphene.DateTime(description="最近发布时间")

    @staticmethod
    def resolve_id(page, info):
        return page.pk

    @staticmethod
    def resolve_url(page, info):
        return _url(page, info)

    @staticmethod
    def resolve_area(page, info):
        return str(page.section)

    @staticmethod
    def resolve_tier(page, info):
        return str(page.tier)

    @staticmethod
    def resolve_kind(page, info):
        return str(page.kind)

    @staticmethod
    def resolve_tags(page, info):
        return sorted(tag.name for tag in prefetched(page, "tags"))

    @staticmethod
    def resolve_body_text(page, info):
        return page.plain_text()

    @staticmethod
    def resolve_body_html(page, info):
        return str(page.body.render_as_block())


class KnowledgeSearchHitType(graphene.ObjectType):
    """一条搜索结果：文章或文档"""

    class Meta:
        name = "KnowledgeSearchHit"

    type = graphene.String(required=True, description="结果类型：article（文章）或 document（文档）")
    title = graphene.String(required=True, description="标题")
    snippet = graphene.String(required=True, description="摘录（HTML，命中的词用 <mark> 标出，其余已转义）")
    url = graphene.String(required=True, description="地址")
    tier = graphene.Field(KnowledgeTierEnum, description="层级（文档为空）")
    kind = graphene.Field(KnowledgeKindEnum, description="类型（文档为空）")

    @staticmethod
    def resolve_snippet(hit, info):
        return str(hit.snippet)


def _first(value: int | None, default: int) -> int:
    return max(1, min(value or default, MAX_FIRST))


class KnowledgeQuery(graphene.ObjectType):
    knowledge_sections = graphene.List(
        graphene.NonNull(KnowledgeSectionType), required=True, description="知识社区的分层栏目（已发布）"
    )
    articles = graphene.List(
        graphene.NonNull(KnowledgeArticleType),
        required=True,
        section=graphene.Argument(KnowledgeAreaEnum, description="栏目：知识社区或普法阵地"),
        tier=graphene.Argument(KnowledgeTierEnum, description="层级"),
        kind=graphene.Argument(KnowledgeKindEnum, description="类型"),
        first=graphene.Int(default_value=20, description=f"返回条数，1–{MAX_FIRST}"),
        offset=graphene.Int(default_value=0, description="跳过条数"),
        description="已发布的知识文章，最新的在前",
    )
    article = graphene.Field(KnowledgeArticleType, id=graphene.ID(required=True), description="一篇已发布的知识文章")
    search_knowledge = graphene.List(
        graphene.NonNull(KnowledgeSearchHitType),
        required=True,
        q=graphene.String(required=True, description="搜索词（支持中文分词，如“维修基金”）"),
        first=graphene.Int(default_value=10, description=f"返回条数，1–{MAX_FIRST}"),
        description="搜索知识文章和文档（文章在前，按相关度排序）",
    )

    @staticmethod
    def resolve_knowledge_sections(root, info):
        return list(KnowledgeSectionPage.objects.live().public().order_by("path"))

    @staticmethod
    def resolve_articles(root, info, section=None, tier=None, kind=None, first=20, offset=0):
        filters = SearchFilters(section=_value(section), tier=_value(tier), kind=_value(kind))
        offset = max(offset or 0, 0)
        queryset = article_queryset(filters).order_by("-first_published_at", "-pk").prefetch_related("tags")
        return list(queryset[offset:offset + _first(first, 20)])

    @staticmethod
    def resolve_article(root, info, id):
        pk = parse_id(id)
        if pk is None:
            return None
        return ArticlePage.objects.live().public().filter(pk=pk).prefetch_related("tags").first()

    @staticmethod
    def resolve_search_knowledge(root, info, q, first=10):
        q = clean_query(q)
        if not q:
            return []
        results = search_knowledge(q)[0:_first(first, 10)]
        return [hit_for(obj, q, request=info.context) for obj in results]


def _value(enum_value):
    """Graphene hands enum arguments over as Python enum members (or None)."""
    if enum_value is None:
        return None
    return getattr(enum_value, "value", enum_value)

"""知识社区 and 普法阵地: the page types editors manage, and the extracted text of documents.

Tree: HomePage ─┬─ KnowledgeIndexPage (知识社区) ─┬─ KnowledgeSectionPage ─┬─ ArticlePage
                │                                 ├─ ArticlePage          └─ TopicPackPage
                │                                 └─ TopicPackPage
                └─ LegalAidIndexPage (普法阵地) ──── ArticlePage (法条解读、争议案例)

Editing goes through Wagtail's moderation workflow (the default "Moderators approval" workflow
attached to the root applies to every page here).
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from search.index import ChineseAutocompleteField, ChineseSearchField, chinese_page_search_fields

from .blocks import ArticleBodyBlock, TopicItemsBlock


class Tier(models.TextChoices):
    BASIC = "basic", _("基础")
    ADVANCED = "advanced", _("进阶")
    EXPERT = "expert", _("高级")


class Kind(models.TextChoices):
    LAW = "law", _("法规政策")
    BYLAWS = "bylaws", _("规约解读")
    GUIDE = "guide", _("运作指南")
    CASE = "case", _("案例")
    EXPERT_SOLUTION = "expert_solution", _("专家方案")
    DISPUTE = "dispute", _("争议处理")
    TEMPLATE = "template", _("文档模板")
    LESSON = "lesson", _("微课")
    TOPIC = "topic", _("专题")


class Section(models.TextChoices):
    KNOWLEDGE = "knowledge", _("知识社区")
    LEGAL = "legal", _("普法阵地")


class KnowledgeIndexPage(Page):
    """知识社区首页：分层栏目、最新文章与专题包。"""

    intro = RichTextField(_("简介"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = chinese_page_search_fields(ChineseSearchField("intro"))
    parent_page_types = ["home.HomePage"]
    subpage_types = ["knowledge.KnowledgeSectionPage", "knowledge.ArticlePage", "knowledge.TopicPackPage"]
    max_count = 1

    class Meta:
        verbose_name = _("知识社区")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = KnowledgeSectionPage.objects.child_of(self).live().public()
        context["latest_articles"] = (
            ArticlePage.objects.descendant_of(self).live().public().order_by("-first_published_at", "-pk")[:12]
        )
        context["topic_packs"] = TopicPackPage.objects.descendant_of(self).live().public()[:12]
        context["tiers"] = Tier.choices
        return context


class LegalAidIndexPage(Page):
    """普法阵地：民法典物业条款、物业管理条例、争议案例。"""

    intro = RichTextField(_("简介"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = chinese_page_search_fields(ChineseSearchField("intro"))
    parent_page_types = ["home.HomePage"]
    subpage_types = ["knowledge.ArticlePage"]
    max_count = 1

    class Meta:
        verbose_name = _("普法阵地")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = ArticlePage.objects.child_of(self).live().public().order_by("path")
        context["law_articles"] = [a for a in articles if a.kind == Kind.LAW]
        context["case_articles"] = [a for a in articles if a.kind in (Kind.CASE, Kind.DISPUTE)]
        context["other_articles"] = [a for a in articles if a.kind not in (Kind.LAW, Kind.CASE, Kind.DISPUTE)]
        return context


class KnowledgeSectionPage(Page):
    """一个分层栏目，例如“基础 · 法规政策”“进阶 · 案例”。"""

    tier = models.CharField(_("层级"), max_length=16, choices=Tier.choices, default=Tier.BASIC)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.GUIDE)
    intro = RichTextField(_("简介"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("tier"), FieldPanel("kind")], heading=_("分类")),
        FieldPanel("intro"),
    ]
    search_fields = chinese_page_search_fields(
        ChineseSearchField("intro"), index.FilterField("tier"), index.FilterField("kind")
    )
    parent_page_types = ["knowledge.KnowledgeIndexPage"]
    subpage_types = ["knowledge.ArticlePage", "knowledge.TopicPackPage"]

    class Meta:
        verbose_name = _("知识栏目")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = ArticlePage.objects.child_of(self).live().public().order_by("path")
        context["topic_packs"] = TopicPackPage.objects.child_of(self).live().public()
        return context


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey("knowledge.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("文章标签")


class ArticlePage(Page):
    """知识文章：法条解读、运作指南、案例、文书模板、微课……"""

    tier = models.CharField(_("层级"), max_length=16, choices=Tier.choices, default=Tier.BASIC, db_index=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.GUIDE, db_index=True)
    section = models.CharField(
        _("栏目"), max_length=16, choices=Section.choices, default=Section.KNOWLEDGE, editable=False, db_index=True,
        help_text=_("由所在位置决定：普法阵地下为 legal，其余为 knowledge"),
    )
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    body = StreamField(ArticleBodyBlock(), verbose_name=_("正文"), blank=True)
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True, verbose_name=_("标签"))

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("tier"), FieldPanel("kind"), FieldPanel("tags")], heading=_("分类")),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = chinese_page_search_fields(
        ChineseSearchField("summary"),
        ChineseSearchField("body"),
        # Wagtail's admin page search runs autocomplete(): body text must be an autocomplete field too.
        ChineseAutocompleteField("summary"),
        ChineseAutocompleteField("body"),
        index.RelatedFields("tags", [ChineseSearchField("name"), ChineseAutocompleteField("name")]),
        index.FilterField("tier"),
        index.FilterField("kind"),
        index.FilterField("section"),
    )
    parent_page_types = ["knowledge.KnowledgeIndexPage", "knowledge.KnowledgeSectionPage", "knowledge.LegalAidIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("知识文章")
        verbose_name_plural = _("知识文章")

    def save(self, *args, **kwargs):
        if self.path:
            self.section = self.section_from_tree()
        return super().save(*args, **kwargs)

    def section_from_tree(self) -> str:
        """普法阵地 when a LegalAidIndexPage is an ancestor, else 知识社区."""
        ancestors = [self.path[:end] for end in range(self.steplen, len(self.path), self.steplen)]
        if ancestors and LegalAidIndexPage.objects.filter(path__in=ancestors).exists():
            return Section.LEGAL
        return Section.KNOWLEDGE

    def plain_text(self) -> str:
        """The body as plain text (what search indexes before segmentation), for snippets."""
        parts = []
        for child in self.body:
            parts.extend(str(piece) for piece in child.block.get_searchable_content(child.value) if piece)
        return "\n".join(parts)

    @cached_property
    def documents(self) -> list:
        """Documents attached in template and video blocks."""
        found = []
        for child in self.body:
            if child.block_type in ("template_document", "video_lesson") and child.value.get("document"):
                found.append(child.value["document"])
        return found


class TopicPackPage(Page):
    """专题包：围绕一个主题（停车、电梯维修、维修资金……）把文章、模板、案例串起来。"""

    tier = models.CharField(_("层级"), max_length=16, choices=Tier.choices, default=Tier.BASIC)
    intro = RichTextField(_("简介"), blank=True, features=["bold", "italic", "link", "ol", "ul"])
    items = StreamField(TopicItemsBlock(), verbose_name=_("专题内容"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("tier"), FieldPanel("intro"), FieldPanel("items")]
    search_fields = chinese_page_search_fields(ChineseSearchField("intro"), index.FilterField("tier"))
    parent_page_types = ["knowledge.KnowledgeIndexPage", "knowledge.KnowledgeSectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("专题包")

    def grouped_items(self) -> dict[str, list]:
        """Items by kind (article / template / case / document), unpublished pages left out."""
        groups: dict[str, list] = {"article": [], "template": [], "case": [], "document": []}
        for child in self.items:
            value = child.value
            if value is None:
                continue
            if child.block_type != "document":
                value = value.specific
                if not value.live:
                    continue
            groups[child.block_type].append(value)
        return groups


class DocumentTextQuerySet(SearchableQuerySetMixin, models.QuerySet):
    pass


class DocumentText(index.Indexed, models.Model):
    """The text extracted from a Wagtail document (PDF via pypdf, plain text, .docx), searchable.

    Filled by `knowledge.documents.index_document_text` — called by `import_knowledge` and the
    `index_documents` command, never by a signal."""

    document = models.OneToOneField(
        get_document_model_string(), on_delete=models.CASCADE, related_name="extracted_text", verbose_name=_("文档")
    )
    text = models.TextField(_("提取的文字"), blank=True)
    extracted_at = models.DateTimeField(_("提取时间"), auto_now=True)

    objects = DocumentTextQuerySet.as_manager()

    search_fields = [
        ChineseSearchField("title", boost=2),
        ChineseSearchField("text"),
        ChineseAutocompleteField("title"),
        index.FilterField("document_id"),
    ]

    class Meta:
        verbose_name = _("文档文字")
        verbose_name_plural = _("文档文字")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.document.title

    @classmethod
    def get_indexed_objects(cls):
        return super().get_indexed_objects().select_related("document")

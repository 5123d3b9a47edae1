"""The page tree: the site root, one home per community, its disclosures (公示) and help pages."""

from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.coreutils import resolve_model_string
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, get_page_models

from home import blocks
from home.forms import DisclosurePageForm
from portal.access import refuse_members_only


class HomePage(Page):
    """The site root: the slogan and the list of communities on the platform."""

    intro = RichTextField(_("简介"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = [
        "home.CommunityPage",
        "home.HelpPage",
        "knowledge.KnowledgeIndexPage",
        "knowledge.LegalAidIndexPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("首页")

    def get_context(self, request, *args, **kwargs):
        from governance.registry.selectors import community_summaries

        context = super().get_context(request, *args, **kwargs)
        context["communities"] = community_summaries(
            self.get_children().live().type(CommunityPage).specific().select_related("community")
        )
        return context


class CommunityPage(RoutablePageMixin, Page):
    """A community's home on the portal. Its figures are read live from the registry.

    Children: disclosure pages (公示), help pages and notice pages. A notice page type of another app
    is allowed here when its class sets ``is_notice = True`` and lists ``"home.CommunityPage"`` in its
    ``parent_page_types``; the home lists its live ones in the "通知公告" section.
    """

    community = models.OneToOneField(
        "registry.Community", on_delete=models.PROTECT, related_name="page", verbose_name=_("小区")
    )
    intro = RichTextField(_("小区简介"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("community"),
        FieldPanel("intro"),
        InlinePanel("carousel_items", label=_("轮播图"), max_num=8),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.DisclosurePage", "home.HelpPage"]

    class Meta:
        verbose_name = _("小区主页")

    @classmethod
    def clean_subpage_models(cls):
        """The explicit subpage types plus every page type that declares itself a notice (is_notice)."""
        if cls._clean_subpage_models is None:
            explicit = [resolve_model_string(name, cls._meta.app_label) for name in cls.subpage_types]
            notices = [model for model in get_page_models()
                       if getattr(model, "is_notice", False) and model not in explicit]
            cls._clean_subpage_models = explicit + notices
        return cls._clean_subpage_models

    def get_context(self, request, *args, **kwargs):
        from home.selectors import community_home_context

        context = super().get_context(request, *args, **kwargs)
        # A preview shows the page being edited (its carousel included), never the cached live one.
        context.update(community_home_context(self, request.user, cached=not getattr(request, "is_preview", False)))
        return context

    @path("buildings/<id:building_id>/", name="building_grid")
    def building_grid_view(self, request, building_id: int):
        """楼栋可视化 for members of this community only; a visitor is asked to sign in, a non-member gets a 404."""
        from governance.registry.models import Building
        from governance.registry.selectors import building_grid
        from governance.registry.roles import is_member

        if not (request.user.is_authenticated and is_member(request.user, self.community)):
            return refuse_members_only(request)
        building = get_object_or_404(Building, pk=building_id, community=self.community)
        return self.render(
            request,
            context_overrides={"building": building, "grid": building_grid(building)},
            template="home/building_grid.html",
        )

    # --- archive (小区档案) --------------------------------------------------------------------

    @path("archive/", name="archive")
    def archive_view(self, request):
        from home import views

        return views.archive_index(self, request)

    @path("archive/<id:document_id>/", name="archive_detail")
    def archive_detail_view(self, request, document_id: int):
        from home import views

        return views.archive_detail(self, request, document_id)

    @path("archive/<id:document_id>/file/", name="archive_file")
    def archive_file_view(self, request, document_id: int):
        from home import views

        return views.archive_file(self, request, document_id)

    # --- bylaws (三项规约) ----------------------------------------------------------------------

    @path("bylaws/<slug:kind>/", name="bylaw")
    def bylaw_view(self, request, kind: str):
        from home import views

        return views.bylaw_detail(self, request, kind)

    @path("bylaws/<slug:kind>/file/", name="bylaw_file")
    def bylaw_file_view(self, request, kind: str):
        from home import views

        return views.bylaw_file(self, request, kind)

    # --- bulletin board (宣传栏) ------------------------------------------------------------------

    @path("bulletin/", name="bulletin")
    def bulletin_view(self, request):
        from home import views

        return views.bulletin_index(self, request)

    @path("bulletin/<id:item_id>/", name="bulletin_item")
    def bulletin_item_view(self, request, item_id: int):
        from home import views

        return views.bulletin_detail(self, request, item_id)

    # --- feedback (意见反馈) and the activation checklist (开启条件) --------------------------------

    @path("feedback/", name="feedback")
    def feedback_view(self, request):
        from home import views

        return views.feedback(self, request)

    @path("checklist/", name="checklist")
    def checklist_view(self, request):
        from home import views

        return views.checklist(self, request)


class CarouselItem(Orderable):
    """One slide of a community home's carousel, shown as a 750×540 rendition."""

    page = ParentalKey(CommunityPage, on_delete=models.CASCADE, related_name="carousel_items")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("图片"))
    caption = models.CharField(_("说明文字"), max_length=100, blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True, help_text=_("站内路径（以 / 开头）或 https 地址"))

    panels = [FieldPanel("image"), FieldPanel("caption"), FieldPanel("link")]

    class Meta(Orderable.Meta):
        verbose_name = _("轮播图")
        verbose_name_plural = _("轮播图")

    RENDITION = "fill-750x540"


class DisclosurePage(Page):
    """公示: composed by editors from blocks that read live governance data at render time."""

    body = StreamField(
        [
            ("roster_statistics", blocks.RosterStatisticsBlock()),
            ("vote_result", blocks.VoteResultBlock()),
            ("text", blocks.DisclosureTextBlock()),
        ],
        verbose_name=_("内容"),
        blank=True,
    )
    members_only = models.BooleanField(
        _("仅本小区成员可见"), default=False, help_text=_("勾选后，非本小区成员访问时显示“页面不存在”"),
    )

    content_panels = Page.content_panels + [FieldPanel("body"), FieldPanel("members_only")]
    parent_page_types = ["home.CommunityPage"]
    subpage_types: list[str] = []
    base_form_class = DisclosurePageForm

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")

    @cached_property
    def community_page(self) -> CommunityPage | None:
        return CommunityPage.objects.ancestor_of(self).select_related("community").first()

    @property
    def community(self):
        page = self.community_page
        return page.community if page is not None else None

    def visible_to(self, user) -> bool:
        from home.permissions import can_view_disclosure

        return can_view_disclosure(user, self)

    def serve(self, request, *args, **kwargs):
        if not self.visible_to(request.user):
            return refuse_members_only(request)
        return super().serve(request, *args, **kwargs)


class HelpPage(Page):
    """使用帮助: questions and answers, site-wide (under the home page) or for one community."""

    intro = RichTextField(_("简介"), blank=True)
    body = StreamField(
        [
            ("heading", blocks.HeadingBlock()),
            ("qa", blocks.QuestionAnswerBlock()),
            ("text", blocks.DisclosureTextBlock()),
        ],
        verbose_name=_("内容"),
        blank=True,
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["home.HomePage", "home.CommunityPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("使用帮助")
        verbose_name_plural = _("使用帮助")

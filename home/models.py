from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The site root: the slogan and the list of communities on the platform."""

    intro = RichTextField(_("简介"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["home.CommunityPage"]
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
    """A community's home on the portal. Its figures are read live from the registry."""

    community = models.OneToOneField(
        "registry.Community", on_delete=models.PROTECT, related_name="page", verbose_name=_("小区")
    )
    intro = RichTextField(_("小区简介"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("community"), FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("小区主页")

    def get_context(self, request, *args, **kwargs):
        from governance.registry.selectors import community_overview
        from portal.accounts.roles import is_member

        context = super().get_context(request, *args, **kwargs)
        context["overview"] = community_overview(self.community)
        context["is_member"] = request.user.is_authenticated and is_member(request.user, self.community)
        return context

    @path("buildings/<int:building_id>/", name="building_grid")
    def building_grid_view(self, request, building_id: int):
        """楼栋可视化 for members of this community only; anyone else gets a 404, not a hint."""
        from governance.registry.models import Building
        from governance.registry.selectors import building_grid
        from portal.accounts.roles import is_member

        if not (request.user.is_authenticated and is_member(request.user, self.community)):
            raise Http404
        building = get_object_or_404(Building, pk=building_id, community=self.community)
        return self.render(
            request,
            context_overrides={"building": building, "grid": building_grid(building)},
            template="home/building_grid.html",
        )

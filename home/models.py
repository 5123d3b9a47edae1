from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
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


class CommunityPage(Page):
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

"""StreamField blocks of the community pages.

The disclosure blocks store only a choice (a motion, a heading) and read the figures when the page
is rendered: a disclosure never shows a number that has gone stale since it was published.
"""

from __future__ import annotations

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks


def _page_community(parent_context):
    """The community of the page being rendered (a CommunityPage, or a page below one)."""
    page = (parent_context or {}).get("page")
    if page is None:
        return None
    community = getattr(page, "community", None)
    if community is not None:
        return community
    from home.models import CommunityPage

    owner = CommunityPage.objects.ancestor_of(page).select_related("community").first()
    return owner.community if owner else None


class RosterStatisticsBlock(blocks.StructBlock):
    """业主名册统计: buildings, units, verified share and total area, read live from the registry."""

    heading = blocks.CharBlock(label=_("标题"), required=False, default="业主名册统计")
    show_buildings = blocks.BooleanBlock(label=_("显示各楼栋明细"), required=False, default=True)

    class Meta:
        icon = "table"
        label = _("名册统计（实时）")
        template = "home/blocks/roster_statistics.html"

    def get_context(self, value, parent_context=None):
        from governance.registry.selectors import community_overview

        context = super().get_context(value, parent_context=parent_context)
        community = _page_community(parent_context)
        context["overview"] = community_overview(community) if community is not None else None
        return context


class MotionChooserBlock(blocks.ChooserBlock):
    """Chooses a closed or announced motion (议事事项) through the scoped admin chooser."""

    @cached_property
    def target_model(self):
        from governance.decisions.models import Motion

        return Motion

    @cached_property
    def widget(self):
        from home.choosers import motion_chooser_viewset

        return motion_chooser_viewset.widget_class()

    class Meta:
        icon = "tasks"


class VoteResultBlock(blocks.StructBlock):
    """表决结果: the verdict and per-choice area and heads of a motion of this community, counted live."""

    motion = MotionChooserBlock(label=_("议事事项"))
    note = blocks.TextBlock(label=_("说明"), required=False)

    class Meta:
        icon = "tasks"
        label = _("表决结果（实时）")
        template = "home/blocks/vote_result.html"

    def get_context(self, value, parent_context=None):
        from governance.decisions.models import MotionStatus
        from governance.decisions.selectors import motion_result

        context = super().get_context(value, parent_context=parent_context)
        motion = value.get("motion")
        community = _page_community(parent_context)
        context.update({"motion": None, "result": None, "pending": False})
        if motion is None or community is None or motion.community_id != community.pk:
            return context  # never show another community's motion
        context["motion"] = motion
        if motion.status in (MotionStatus.CLOSED, MotionStatus.ANNOUNCED):
            result = motion_result(motion)
            context["result"] = result
            context["rows"] = [
                (_("同意"), "agree", result.agree),
                (_("反对"), "oppose", result.oppose),
                (_("弃权"), "abstain", result.abstain),
                (_("无效票"), "void", result.void),
            ]
        else:
            context["pending"] = True
        return context


class DisclosureTextBlock(blocks.RichTextBlock):
    class Meta:
        icon = "doc-full"
        label = _("正文")


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = _("小标题")
        template = "home/blocks/heading.html"


class QuestionAnswerBlock(blocks.StructBlock):
    """One question of 使用帮助 and its answer."""

    question = blocks.CharBlock(label=_("问题"), max_length=200)
    answer = blocks.RichTextBlock(label=_("回答"))

    class Meta:
        icon = "help"
        label = _("问答")
        template = "home/blocks/question_answer.html"

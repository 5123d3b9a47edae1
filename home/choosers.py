"""The motion chooser of the vote-result block: closed or announced motions of the user's communities."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from governance.decisions.models import Motion, MotionStatus
from governance.registry.admin_scoping import ScopedChooseResultsView, ScopedChooserViewSet, ScopedChooseView

RESULT_STATUSES = (MotionStatus.CLOSED, MotionStatus.ANNOUNCED)


class _ResultMotionsMixin:
    def get_object_list(self):
        return super().get_object_list().filter(status__in=RESULT_STATUSES).select_related("community").order_by(
            "-closes_at", "-pk")


class MotionChooseView(_ResultMotionsMixin, ScopedChooseView):
    pass


class MotionChooseResultsView(_ResultMotionsMixin, ScopedChooseResultsView):
    pass


class MotionChooserViewSet(ScopedChooserViewSet):
    model = Motion
    name = "home_motion_chooser"
    url_prefix = "home/choose/motion"
    icon = "tasks"
    choose_one_text = _("选择议事事项")
    choose_another_text = _("重新选择议事事项")
    choose_view_class = MotionChooseView
    choose_results_view_class = MotionChooseResultsView


motion_chooser_viewset = MotionChooserViewSet()

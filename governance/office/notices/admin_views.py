"""通知阅读统计 in the Wagtail admin: one row per sent notice (recipients, read, read rate), and per notice the
delivered/read/confirmed figures, each channel's figures and the unread list (names and masked phones only).

Read-only and scoped through `governance.registry.admin_scoping`: staff (committee, secretary, RC, street, property) see
their communities' notices; a notice of another community is a 404 on every URL. Notices themselves are
written in the page editor (页面 → 小区主页 → 通知公告).
"""

from __future__ import annotations

import django_filters
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permissions import policy_registry

from governance.registry.models import Community
from governance.registry.admin_scoping import ReadOnlyScopedModelViewSet, ScopedInspectView, limit_to_scope

from ..models import Delivery, NoticeDispatch, NoticeReminder
from . import permissions, selectors

UNREAD_SHOWN = 500


def _notice_communities(request):
    if request is None:
        return Community.objects.none()
    ids = policy_registry.get_by_type(NoticeDispatch).community_ids(request.user, "view")
    return limit_to_scope(Community.objects.order_by("code"), ids)


class NoticeStatsFilterSet(WagtailFilterSet):
    community = django_filters.ModelChoiceFilter(label=_("小区"), queryset=_notice_communities)

    class Meta:
        model = NoticeDispatch
        fields = ["community"]


class NoticeStatsInspectView(ScopedInspectView):
    template_name = "office/notice_admin_stats.html"

    def get_page_subtitle(self):
        return self.object.notice.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dispatch = self.object
        notice = dispatch.notice
        stats = selectors.notice_stats(notice, dispatch.message) if dispatch.message_id else selectors.NoticeStats()
        unread = selectors.notice_unread(notice, limit=UNREAD_SHOWN)
        context.update({
            "dispatch": dispatch,
            "notice": notice,
            "stats": stats,
            "unread": unread,
            "unread_more": max(stats.unread - len(unread), 0),
            "reminder": NoticeReminder.objects.filter(notice=notice).first(),
            "reminder_due_at": _reminder_due(dispatch),
            "edit_url": reverse("wagtailadmin_pages:edit", args=[notice.pk]),
            "live_url": notice.get_url(request=self.request) if notice.live else "",
        })
        return context


def _reminder_due(dispatch):
    from .services import reminder_due_at

    return reminder_due_at(dispatch, dispatch.notice)


def _read_count(dispatch) -> int:
    return getattr(dispatch, "read_count", 0) or 0


def _read_rate(dispatch) -> str:
    return f"{selectors.percent(_read_count(dispatch), dispatch.recipients)}%"


class NoticeStatsViewSet(ReadOnlyScopedModelViewSet):
    model = NoticeDispatch
    name = "office_notice_stats"
    url_prefix = "office/notices"
    icon = "mail"
    menu_label = _("通知阅读统计")
    menu_order = 330
    add_to_admin_menu = True
    community_path = "community"
    scopes = {"view": permissions.can_view_notice_stats.communities}
    inspect_view_class = NoticeStatsInspectView
    ordering = ["-dispatched_at", "-pk"]
    list_display = [
        "notice",
        "community",
        DateColumn("dispatched_at", label=_("发送时间")),
        Column("recipients", label=_("接收人数")),
        Column("read", label=_("已读"), accessor=_read_count),
        Column("rate", label=_("阅读率"), accessor=_read_rate),
    ]
    filterset_class = NoticeStatsFilterSet
    search_fields = None
    inspect_view_fields = ["notice", "community", "dispatched_at", "recipients"]

    def get_scoped_queryset(self, queryset, request):
        read = (Delivery.objects.filter(message=OuterRef("message"), read_at__isnull=False).order_by()
                .values("message").annotate(n=Count("recipient", distinct=True)).values("n"))
        return (queryset.select_related("notice", "community", "message")
                .annotate(read_count=Coalesce(Subquery(read, output_field=IntegerField()), 0)))

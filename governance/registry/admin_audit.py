"""The audit trail in the admin (留痕记录): read-only, scoped by `roles.can_view_audit`, with chain verification.

It lives in the registry because its screens are scoped by community; the audit app itself knows no domain."""

from __future__ import annotations

import json

import django_filters
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import policy_registry

from governance.audit.models import AuditChain, AuditEvent
from governance.audit.services import GLOBAL_CHAIN_KEY, verify_chain
from portal.params import parse_id

from . import roles
from .admin_scoping import (
    ALL,
    READ_ACTIONS,
    ReadOnlyScopedModelViewSet,
    ScopedIndexView,
    ScopedInspectView,
    limit_to_scope,
)
from .models import Community


def _audit_communities(request):
    if request is None:
        return Community.objects.none()
    ids = policy_registry.get_by_type(AuditEvent).community_ids(request.user, "view")
    return limit_to_scope(Community.objects.order_by("code"), ids)


class AuditEventFilterSet(WagtailFilterSet):
    community = django_filters.ModelChoiceFilter(label=_("小区"), queryset=_audit_communities)
    action = django_filters.ChoiceFilter(label=_("动作"), choices=[])

    class Meta:
        model = AuditEvent
        fields = ["community", "action"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        actions = []
        if request is not None:
            events = policy_registry.get_by_type(AuditEvent).instances_user_has_any_permission_for(
                request.user, READ_ACTIONS
            )
            actions = sorted(set(events.order_by().values_list("action", flat=True)))
        self.filters["action"].extra["choices"] = [(action, action) for action in actions]


class AuditIndexView(ScopedIndexView):
    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(_("校验"), url=reverse(f"{self.scoped_viewset.url_namespace}:verify"), icon_name="success"),
        ]


class AuditInspectView(ScopedInspectView):
    def get_summary_display_value(self):
        return format_html("<pre>{}</pre>", json.dumps(self.object.summary, ensure_ascii=False, indent=2))


class AuditVerifyView(WagtailAdminTemplateMixin, TemplateView):
    """Runs `verify_chain` on one community's chain (the global chain for superusers)."""

    template_name = "audit/verify.html"
    page_title = _("留痕校验")
    header_icon = "success"
    index_url_name = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        ids = policy_registry.get_by_type(AuditEvent).community_ids(user, "view")
        if ids is not ALL and not ids:
            raise PermissionDenied
        communities = limit_to_scope(Community.objects.order_by("code"), ids)
        raw = self.request.GET.get("community", "")
        chain, label, checked = None, "", False
        if raw == GLOBAL_CHAIN_KEY and user.is_superuser:
            chain, label, checked = AuditChain.objects.filter(key=GLOBAL_CHAIN_KEY).first(), _("全平台"), True
        elif raw:
            if parse_id(raw) is None:
                raise PermissionDenied
            community = get_object_or_404(communities, pk=parse_id(raw))
            chain, label, checked = AuditChain.objects.filter(community=community).first(), community.name, True
        problem = verify_chain(chain) if chain is not None else None
        context.update({
            "communities": communities,
            "selected": raw,
            "show_global": user.is_superuser,
            "checked": checked,
            "label": label,
            "chain": chain,
            "problem": problem,
            "index_url": reverse(f"{self.index_url_name}") if self.index_url_name else "",
        })
        return context


class AuditEventViewSet(ReadOnlyScopedModelViewSet):
    model = AuditEvent
    name = "audit_event"
    url_prefix = "audit/events"
    icon = "history"
    menu_label = _("留痕记录")
    menu_order = 900
    add_to_admin_menu = True
    community_path = "community"
    scopes = {"view": roles.can_view_audit.communities}
    index_view_class = AuditIndexView
    inspect_view_class = AuditInspectView
    ordering = ["-created_at", "-pk"]
    list_display = [
        Column("event", label=_("记录"), accessor=str),
        "community",
        "action",
        "actor_label",
        "object_repr",
        DateColumn("created_at", label=_("时间")),
    ]
    filterset_class = AuditEventFilterSet
    search_fields = ["object_repr", "actor_label"]
    inspect_view_fields = ["seq", "community", "actor_label", "action", "object_type", "object_id", "object_repr",
                           "summary", "created_at", "prev_hash", "hash"]

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("community")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("verify/", AuditVerifyView.as_view(index_url_name=self.get_url_name("index")), name="verify"),
        ]


audit_viewset = AuditEventViewSet()  # built at import: registers its policy early


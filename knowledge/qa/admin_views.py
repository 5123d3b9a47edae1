"""问答管理 in the Wagtail admin: questions, answers and the report queue (open reports first), with the hide
(with a reason) / restore / dismiss actions. Editors and superusers only.

Committee members use the Wagtail admin for their own community's records, so access to these views is not
"can use the admin" but `permissions.is_moderator`: a permission policy that grants "view" to moderators and
nothing else to anyone (no add, edit or delete URL exists), and action views that answer 403 to anyone else.
Every action goes through `knowledge.qa.moderation`, which logs it with `wagtail.log_actions.log`.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import ModelLogEntry
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from governance.errors import DomainError
from portal.accounts.models import Role

from . import moderation, permissions
from .models import Answer, PostStatus, Question, Report, ReportReason, ReportStatus


class ModeratorPermissionPolicy(BasePermissionPolicy):
    """Moderators may view (and act through the moderation views); nobody adds, edits or deletes here."""

    def user_has_permission(self, user, action):
        if action != "view":
            return False
        # asked once per row by the listing's buttons: remembered on this request's user object
        cached = user.__dict__.get("_qa_moderator")
        if cached is None:
            cached = user.__dict__["_qa_moderator"] = permissions.is_moderator(user)
        return cached

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        User = get_user_model()
        if "view" not in actions:
            return User.objects.none()
        return User.objects.filter(is_active=True).filter(
            Q(is_superuser=True) | Q(memberships__role=Role.EDITOR, memberships__active=True)).distinct()

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


for _model in (Question, Answer, Report):
    if policy_registry.get_by_type(_model, fallback=False) is None:
        register_permission_policy(_model, ModeratorPermissionPolicy(_model), exact_class=True)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return fallback


# --- actions -----------------------------------------------------------------------------------------------


class PostActionView(View):
    """POST hide / restore / dismiss on one question or answer, then back to where the button was."""

    http_method_names = ["post"]
    model = None
    action = ""
    inspect_url_name = ""

    def post(self, request, pk):
        if not permissions.is_moderator(request.user):
            raise PermissionDenied
        post = get_object_or_404(self.model, pk=pk)
        try:
            if self.action == "hide":
                moderation.post_hide(post=post, actor=request.user, reason=request.POST.get("reason", ""))
                messages.success(request, _("已隐藏，作者会收到站内消息。"))
            elif self.action == "restore":
                moderation.post_restore(post=post, actor=request.user)
                messages.success(request, _("已恢复显示。"))
            else:
                count = moderation.reports_dismiss(post=post, actor=request.user)
                messages.success(request, _("已驳回 %(count)s 条举报。") % {"count": count})
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(_safe_next(request, reverse(self.inspect_url_name, args=[post.pk])))


def _moderation_context(post, *, viewset_name: str) -> dict:
    reports = list(post.reports.select_related("reporter", "resolved_by").order_by("status", "-created_at", "-pk"))
    return {
        "post": post,
        "kind": _("回答") if isinstance(post, Answer) else _("问题"),
        "question": post.question if isinstance(post, Answer) else post,
        "reports": reports,
        "open_reports": sum(1 for report in reports if report.is_open),
        "log_entries": list(ModelLogEntry.objects.for_instance(post).select_related("user").order_by("-timestamp")),
        "hide_url": reverse(f"{viewset_name}:hide", args=[post.pk]),
        "restore_url": reverse(f"{viewset_name}:restore", args=[post.pk]),
        "dismiss_url": reverse(f"{viewset_name}:dismiss", args=[post.pk]),
        "inspect_url": reverse(f"{viewset_name}:inspect", args=[post.pk]),
        "public_url": post.get_absolute_url(),
    }


class PostInspectView(InspectView):
    template_name = "knowledge/qa/admin/post_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_moderation_context(self.object, viewset_name=self.index_url_name.split(":")[0]))
        context["next_url"] = self.request.get_full_path()
        return context


class ReportInspectView(InspectView):
    template_name = "knowledge/qa/admin/report_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        post = report.post
        viewset_name = AnswerViewSet.name if report.answer_id else QuestionViewSet.name
        context.update(_moderation_context(post, viewset_name=viewset_name))
        context.update({"report": report, "next_url": self.request.get_full_path()})
        return context


# --- viewsets ------------------------------------------------------------------------------------------------


class _ModerationViewSet(ModelViewSet):
    """List and inspect only, plus the moderation actions; no add / edit / delete / copy / usage / history."""

    pk_path_converter = "id"
    add_to_admin_menu = False
    inspect_view_enabled = True
    search_backend_name = None  # the ORM: the search index leaves hidden questions out, moderators need them
    list_per_page = 30
    has_actions = True

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for key in ("add_url_name", "edit_url_name", "delete_url_name", "usage_url_name", "history_url_name",
                    "copy_url_name"):
            view_kwargs[key] = None
        return view_kwargs

    def list_queryset(self):
        return self.model.objects.all()

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=self.list_queryset(), **kwargs)

    def get_permissions_to_register(self):
        return Permission.objects.none()  # access follows roles (editors, superusers), not group permissions

    def register_admin_url_finder(self):
        pass  # no edit view to link to

    def get_urlpatterns(self):
        urls = [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<id:pk>/", self.inspect_view, name="inspect"),
        ]
        if self.has_actions:
            for action in ("hide", "restore", "dismiss"):
                view = PostActionView.as_view(model=self.model, action=action,
                                              inspect_url_name=self.get_url_name("inspect"))
                urls.append(path(f"{action}/<id:pk>/", view, name=action))
        return urls


class QuestionFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=PostStatus.choices)
    pending_review = django_filters.BooleanFilter(label=_("待审核"))
    solved = django_filters.BooleanFilter(label=_("已解决"))

    class Meta:
        model = Question
        fields = ["status", "pending_review", "solved"]


class QuestionViewSet(_ModerationViewSet):
    model = Question
    name = "qa_questions"
    url_prefix = "qa/questions"
    icon = "help"
    menu_label = _("问题")
    inspect_view_class = PostInspectView
    list_display = [
        "title", "community", "author",
        Column("status", label=_("状态"), accessor="get_status_display"),
        BooleanColumn("pending_review", label=_("待审核")),
        BooleanColumn("solved", label=_("已解决")),
        Column("answer_count", label=_("回答数")),
        DateColumn("created_at", label=_("发布时间")),
    ]
    filterset_class = QuestionFilterSet
    search_fields = ["title", "body"]
    ordering = ["-created_at", "-pk"]
    inspect_view_fields = ["title", "body", "community", "author", "status", "hidden_reason", "hidden_at",
                           "hidden_by", "pending_review", "accepted_answer", "solved", "answer_count", "created_at",
                           "last_activity_at"]

    def list_queryset(self):
        return Question.objects.select_related("community", "author")


class AnswerFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=PostStatus.choices)
    pending_review = django_filters.BooleanFilter(label=_("待审核"))

    class Meta:
        model = Answer
        fields = ["status", "pending_review"]


class AnswerViewSet(_ModerationViewSet):
    model = Answer
    name = "qa_answers"
    url_prefix = "qa/answers"
    icon = "comment"
    menu_label = _("回答")
    inspect_view_class = PostInspectView
    list_display = [
        TitleColumn("excerpt", label=_("回答"), accessor=str, url_name="qa_answers:inspect"),
        "question", "author",
        Column("status", label=_("状态"), accessor="get_status_display"),
        BooleanColumn("pending_review", label=_("待审核")),
        DateColumn("created_at", label=_("发布时间")),
    ]
    filterset_class = AnswerFilterSet
    search_fields = ["body"]
    ordering = ["-created_at", "-pk"]
    inspect_view_fields = ["body", "question", "author", "status", "hidden_reason", "hidden_at", "hidden_by",
                           "pending_review", "created_at"]

    def list_queryset(self):
        return Answer.objects.select_related("question", "author")


class ReportFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ReportStatus.choices)
    reason = django_filters.ChoiceFilter(label=_("举报原因"), choices=ReportReason.choices)

    class Meta:
        model = Report
        fields = ["status", "reason"]


def _report_target(report) -> str:
    prefix = _("回答") if report.answer_id else _("问题")
    return f"{prefix}：{report.post}"


class ReportViewSet(_ModerationViewSet):
    model = Report
    name = "qa_reports"
    url_prefix = "qa/reports"
    icon = "warning"
    menu_label = _("举报处理")
    inspect_view_class = ReportInspectView
    has_actions = False  # acting on a report acts on its post (the question / answer actions)
    list_display = [
        TitleColumn("target", label=_("被举报的内容"), accessor=_report_target, url_name="qa_reports:inspect"),
        Column("reason", label=_("举报原因"), accessor="get_reason_display"),
        "reporter",
        Column("status", label=_("状态"), accessor="get_status_display"),
        Column("resolution", label=_("处理结果"), accessor="get_resolution_display"),
        DateColumn("created_at", label=_("举报时间")),
    ]
    filterset_class = ReportFilterSet
    search_fields = ["note"]
    ordering = ["status", "-created_at", "-pk"]  # open ("open" < "resolved") first, newest first
    inspect_view_fields = ["reason", "note", "reporter", "status", "resolution", "resolved_by", "resolved_at",
                           "created_at"]

    def list_queryset(self):
        return Report.objects.select_related("reporter", "question", "answer", "answer__question")


class QAMenuGroup(ViewSetGroup):
    menu_label = _("问答管理")
    menu_icon = "help"
    menu_name = "qa"
    menu_order = 420
    items = (ReportViewSet, QuestionViewSet, AnswerViewSet)

"""Wagtail admin for surveys (问卷调查), scoped by community membership through `governance.registry.admin_scoping`.

Templates and surveys are written through the services (create, edit, open, close); the results screen
shows the same charts as the portal and exports the .xlsx. A survey or template of another community is
a 404 on every URL. Platform-wide templates (no community) are readable by every publisher and editable
by superusers only.
"""

from __future__ import annotations

import django_filters
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets.button import HeaderButton

from governance.errors import DomainError
from governance.registry.models import Community
from governance.surveys import permissions as survey_rules
from governance.registry.admin_scoping import (
    ALL,
    READ_ACTIONS,
    CommunityScopedPermissionPolicy,
    ScopedEditView,
    ScopedInspectView,
    ScopedModelViewSet,
    ScopedViewMixin,
    limit_to_scope,
)

from . import selectors, services
from .exports import survey_xlsx, xlsx_filename
from .forms import SurveyCreateForm, SurveyEditForm, SurveyTemplateForm
from .models import Survey, SurveyStatus, SurveyTemplate
from .results import survey_result

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def survey_publishers(user):
    """Communities where `survey_rules.can_publish_surveys(user, c)` holds."""
    return survey_rules.can_publish_surveys.communities(user)


def _scoped_communities(request):
    if request is None:
        return Community.objects.none()
    from wagtail.permissions import policy_registry

    ids = policy_registry.get_by_type(Survey).community_ids_any(request.user, READ_ACTIONS)
    return limit_to_scope(Community.objects.order_by("code"), ids)


# --- templates ---------------------------------------------------------------------------------------


class TemplatePolicy(CommunityScopedPermissionPolicy):
    """Platform-wide templates (no community) are readable by anyone who may view templates somewhere."""

    def _reads_globals(self, user, actions) -> bool:
        return "view" in actions and self.community_ids(user, "view") not in (ALL, frozenset())

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = super().instances_user_has_any_permission_for(user, actions)
        if self._reads_globals(user, actions):
            queryset = queryset | self.model._default_manager.filter(community__isnull=True)
        return queryset

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "view" and instance.community_id is None and self._reads_globals(user, ["view"]):
            return True
        return super().user_has_permission_for_instance(user, action, instance)


class TemplateEditView(ScopedEditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.template_edit(template=self.object, actor=self.request.user, title=data["title"],
                                      description=data.get("description", ""), questions=data["questions_text"])


def _question_count(obj) -> int:
    return getattr(obj, "question_count", 0)


class SurveyTemplateViewSet(ScopedModelViewSet):
    model = SurveyTemplate
    name = "surveys_template"
    url_prefix = "surveys/templates"
    icon = "form"
    menu_label = _("问卷模板")
    policy_class = TemplatePolicy
    scopes = {"view": survey_publishers, "add": survey_publishers, "change": survey_publishers,
              "delete": survey_publishers}
    audit_action = "survey.template"
    list_display = [
        "title",
        Column("community", label=_("小区"), accessor=lambda t: t.community or _("全平台通用")),
        Column("questions", label=_("题数"), accessor=_question_count),
        DateColumn("updated_at", label=_("更新时间")),
    ]
    search_fields = ["title"]
    form_class = SurveyTemplateForm
    edit_view_class = TemplateEditView
    inspect_view_fields = ["title", "community", "description", "created_by", "created_at", "updated_at"]
    has_custom_create = True

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("community").annotate(question_count=Count("questions"))

    def create_instance(self, *, form, user):
        data = form.cleaned_data
        return services.template_create(actor=user, community=data.get("community"), title=data["title"],
                                        description=data.get("description", ""), questions=data["questions_text"])


# --- surveys -------------------------------------------------------------------------------------------


class SurveyFilterSet(WagtailFilterSet):
    community = django_filters.ModelChoiceFilter(label=_("小区"), queryset=_scoped_communities)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=SurveyStatus.choices)

    class Meta:
        model = Survey
        fields = ["community", "status"]


class SurveyEditView(ScopedEditView):
    def dispatch(self, request, *args, **kwargs):
        survey = get_object_or_404(self.scoped_queryset(), pk=kwargs.get("pk"))
        if survey.status != SurveyStatus.DRAFT:
            messages.error(request, _("问卷发布后不能再修改。"))
            return redirect(reverse(f"{self.scoped_viewset.url_namespace}:inspect", args=[survey.pk]))
        return super().dispatch(request, *args, **kwargs)

    def save_instance(self):
        data = self.form.cleaned_data
        return services.survey_edit(
            survey=self.object, actor=self.request.user, title=data["title"], description=data.get("description", ""),
            audience=data["audience"], scope_kind=data["scope_kind"], answer_per=data["answer_per"],
            opens_at=data["opens_at"], closes_at=data["closes_at"], scope_buildings=list(data["scope_buildings"]),
            questions=data["questions_text"],
        )


class SurveyInspectView(ScopedInspectView):
    template_name = "surveys/admin/survey_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        survey = self.object
        namespace = self.scoped_viewset.url_namespace
        context.update({
            "survey": survey,
            "questions": selectors.survey_questions(survey),
            "responses": survey.responses.count(),
            "can_manage": survey_rules.can_manage_survey(self.request.user, survey),
            "open_url": reverse(f"{namespace}:open", args=[survey.pk]),
            "close_url": reverse(f"{namespace}:close", args=[survey.pk]),
            "results_url": reverse(f"{namespace}:results", args=[survey.pk]),
            "export_url": reverse(f"{namespace}:export", args=[survey.pk]),
        })
        return context


class _SurveyObjectMixin(ScopedViewMixin):
    model = Survey

    def get_survey(self, pk) -> Survey:
        return get_object_or_404(self.scoped_queryset(READ_ACTIONS).select_related("community"), pk=pk)

    def inspect_url(self, survey) -> str:
        return reverse(f"{self.scoped_viewset.url_namespace}:inspect", args=[survey.pk])


class SurveyOpenView(_SurveyObjectMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        survey = self.get_survey(pk)
        try:
            services.survey_open(survey=survey, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("问卷已发布。"))
        return redirect(self.inspect_url(survey))


class SurveyCloseView(_SurveyObjectMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        survey = self.get_survey(pk)
        try:
            services.survey_close(survey=survey, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("问卷已结束。"))
        return redirect(self.inspect_url(survey))


class SurveyResultsView(_SurveyObjectMixin, WagtailAdminTemplateMixin, TemplateView):
    """Publishers see results at any time (the viewset's scope is the publishers')."""

    template_name = "surveys/admin/survey_results.html"
    header_icon = "table"

    @cached_property
    def survey(self) -> Survey:
        return self.get_survey(self.kwargs["pk"])

    def get_page_title(self):
        return _("问卷结果")

    def get_page_subtitle(self):
        return self.survey.title

    @cached_property
    def header_buttons(self):
        return [HeaderButton(_("导出 xlsx"), url=reverse(f"{self.scoped_viewset.url_namespace}:export",
                                                         args=[self.survey.pk]), icon_name="download")]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"survey": self.survey, "result": survey_result(self.survey),
                        "inspect_url": self.inspect_url(self.survey),
                        "export_url": reverse(f"{self.scoped_viewset.url_namespace}:export", args=[self.survey.pk])})
        return context


class SurveyExportView(_SurveyObjectMixin, View):
    http_method_names = ["get"]

    def get(self, request, pk):
        survey = self.get_survey(pk)
        response = HttpResponse(survey_xlsx(survey), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{xlsx_filename(survey)}"'
        return response


def _response_count(survey) -> int:
    return getattr(survey, "response_count", 0)


class SurveyViewSet(ScopedModelViewSet):
    model = Survey
    name = "surveys_survey"
    url_prefix = "surveys/surveys"
    icon = "list-ul"
    menu_label = _("问卷调查")
    scopes = {"view": survey_publishers, "add": survey_publishers, "change": survey_publishers,
              "delete": survey_publishers}
    audit_action = "survey"
    list_display = [
        "title", "community",
        Column("publisher_kind", label=_("发布单位"), accessor="get_publisher_kind_display"),
        Column("status", label=_("状态"), accessor="get_status_display"),
        DateColumn("closes_at", label=_("截止时间")),
        Column("responses", label=_("答卷数"), accessor=_response_count),
    ]
    filterset_class = SurveyFilterSet
    search_fields = ["title"]
    form_class = SurveyCreateForm
    edit_form_class = SurveyEditForm
    edit_view_class = SurveyEditView
    inspect_view_class = SurveyInspectView
    inspect_view_fields = ["title", "community", "publisher_kind", "publisher", "audience", "scope_kind",
                           "answer_per", "opens_at", "closes_at", "status", "description"]
    has_custom_create = True

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("community", "publisher").annotate(response_count=Count("responses"))

    def create_instance(self, *, form, user):
        data = form.cleaned_data
        common = dict(
            community=data["community"], actor=user, publisher_kind=data["publisher_kind"],
            description=data.get("description", ""), audience=data["audience"], scope_kind=data["scope_kind"],
            scope_buildings=list(data.get("scope_buildings") or []), answer_per=data["answer_per"],
            opens_at=data["opens_at"], closes_at=data["closes_at"],
        )
        if data.get("questions_text"):
            return services.survey_create(title=data.get("title") or (data["template"].title if data.get("template")
                                                                        else ""),
                                          template=data.get("template"), questions=data["questions_text"], **common)
        return services.survey_create_from_template(template=data["template"], title=data.get("title") or None,
                                                    **common)

    def delete_refusal(self, instance):
        if instance.status != SurveyStatus.DRAFT:
            return _("已发布的问卷不能删除。")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("open/<id:pk>/", self.construct_view(SurveyOpenView), name="open"),
            path("close/<id:pk>/", self.construct_view(SurveyCloseView), name="close"),
            path("results/<id:pk>/", self.construct_view(SurveyResultsView), name="results"),
            path("export/<id:pk>/", self.construct_view(SurveyExportView), name="export"),
        ]


class SurveysMenuGroup(ViewSetGroup):
    menu_label = _("问卷调查")
    menu_icon = "list-ul"
    menu_name = "surveys"
    menu_order = 320
    items = (SurveyViewSet, SurveyTemplateViewSet)

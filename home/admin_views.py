"""Wagtail admin for the community pages (小区主页), scoped by community membership.

Every viewset reads through `governance.registry.admin_scoping`: another community's bylaws, archive documents,
bulletin posts, feedback and checklists are a 404 on every URL and never appear in a list, filter
or form choice. Files go through the services (`validate_upload`), never straight to a FileField.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.viewsets.base import ViewSetGroup

from governance.registry.models import Community
from governance.registry.admin_scoping import ALL, ScopedEditView, ScopedInspectView, ScopedModelForm, ScopedModelViewSet

from . import selectors, services
from .models import (
    ActivationChecklist,
    ArchiveCategory,
    ArchiveDocument,
    BulletinItem,
    BulletinType,
    Bylaw,
    Feedback,
    FeedbackCategory,
    FeedbackStatus,
)
from .permissions import can_handle_feedback, can_manage_community_content

MAX_UPLOAD_MB = 50


def _communities(request):
    """Every community; the scoped index view narrows a filter's choices to the user's own."""
    return Community.objects.all()


class _ServiceEditView(ScopedEditView):
    """An edit view whose save is the viewset's `update_instance` (a service), audited by the service."""

    def save_instance(self):
        return self.scoped_viewset.update_instance(instance=self.object, form=self.form, user=self.request.user)


# --- bylaws (三项规约) --------------------------------------------------------------------------------


class BylawCreateForm(ScopedModelForm):
    upload = forms.FileField(label=_("规约文件（PDF 或图片）"), required=False)

    class Meta(ScopedModelForm.Meta):
        model = Bylaw
        fields = ["community", "kind", "body", "adopted_on"]


class BylawEditForm(ScopedModelForm):
    upload = forms.FileField(label=_("替换文件（PDF 或图片）"), required=False)
    remove_file = forms.BooleanField(label=_("删除已上传的文件"), required=False)

    class Meta(ScopedModelForm.Meta):
        model = Bylaw
        fields = ["body", "adopted_on"]


class BylawViewSet(ScopedModelViewSet):
    model = Bylaw
    name = "home_bylaw"
    url_prefix = "home/bylaws"
    icon = "doc-full"
    menu_label = _("三项规约")
    scopes = {"view": can_manage_community_content.communities, "add": can_manage_community_content.communities, "change": can_manage_community_content.communities, "delete": None}
    list_display = [
        Column("kind", label=_("规约"), accessor="get_kind_display"),
        "community",
        BooleanColumn("has_file", label=_("已上传文件"), accessor=lambda b: bool(b.file)),
        BooleanColumn("has_text", label=_("有正文"), accessor="has_text"),
        DateColumn("updated_at", label=_("更新时间")),
    ]
    form_class = BylawCreateForm
    edit_form_class = BylawEditForm
    edit_view_class = _ServiceEditView
    inspect_view_fields = ["community", "kind", "adopted_on", "content_type", "updated_by", "updated_at"]
    has_custom_create = True

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("community", "updated_by")

    def create_instance(self, *, form, user):
        data = form.cleaned_data
        return services.bylaw_save(community=data["community"], kind=data["kind"], actor=user,
                                   upload=data.get("upload"), body=data.get("body") or "",
                                   adopted_on=data.get("adopted_on"))

    def update_instance(self, *, instance, form, user):
        data = form.cleaned_data
        return services.bylaw_save(community=instance.community, kind=instance.kind, actor=user,
                                   upload=data.get("upload"), body=data.get("body") or "",
                                   adopted_on=data.get("adopted_on"), remove_file=bool(data.get("remove_file")))


# --- archive (小区档案) ---------------------------------------------------------------------------


class ArchiveFilterSet(WagtailFilterSet):
    community = django_filters.ModelChoiceFilter(label=_("小区"), queryset=_communities)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=ArchiveCategory.choices)
    year = django_filters.NumberFilter(label=_("年份"))
    is_public = django_filters.BooleanFilter(label=_("公开"))

    class Meta:
        model = ArchiveDocument
        fields = ["community", "category", "year", "is_public"]


class ArchiveUploadForm(ScopedModelForm):
    upload = forms.FileField(label=_("文件（PDF 或图片）"), help_text=_("不超过 %(mb)s MB") % {"mb": MAX_UPLOAD_MB})

    class Meta(ScopedModelForm.Meta):
        model = ArchiveDocument
        fields = ["community", "title", "category", "year", "is_public"]


class ArchiveEditForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = ArchiveDocument
        fields = ["title", "category", "year", "is_public"]


class ArchiveInspectView(ScopedInspectView):
    def get_file_display_value(self):
        url = selectors.archive_file_url(self.object)
        if not url:
            return "—"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("预览"))


class ArchiveDocumentViewSet(ScopedModelViewSet):
    model = ArchiveDocument
    name = "home_archive"
    url_prefix = "home/archive"
    icon = "folder-open-inverse"
    menu_label = _("小区档案")
    scopes = {"view": can_manage_community_content.communities, "add": can_manage_community_content.communities, "change": can_manage_community_content.communities, "delete": None}
    list_display = [
        "title", "community",
        Column("category", label=_("类别"), accessor="get_category_display"),
        "year",
        BooleanColumn("is_public", label=_("公开")),
        DateColumn("uploaded_at", label=_("上传时间")),
    ]
    filterset_class = ArchiveFilterSet
    search_fields = ["title", "extracted_text"]
    form_class = ArchiveUploadForm
    edit_form_class = ArchiveEditForm
    edit_view_class = _ServiceEditView
    inspect_view_class = ArchiveInspectView
    inspect_view_fields = ["title", "community", "category", "year", "is_public", "file", "content_type",
                           "original_name", "size", "uploaded_by", "uploaded_at"]
    inspect_field_labels = {"file": _("文件")}
    has_custom_create = True

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("community", "uploaded_by").defer("extracted_text")

    def create_instance(self, *, form, user):
        data = form.cleaned_data
        return services.archive_upload(community=data["community"], actor=user, title=data["title"],
                                       category=data["category"], year=data["year"], upload=data["upload"],
                                       is_public=data.get("is_public", False))

    def update_instance(self, *, instance, form, user):
        data = form.cleaned_data
        document = services.archive_update(document=instance, actor=user, title=data["title"],
                                           category=data["category"], year=data["year"])
        return services.archive_set_public(document=document, actor=user, is_public=data.get("is_public", False))


# --- bulletin board (宣传栏) ------------------------------------------------------------------------


class BulletinTypeForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = BulletinType
        fields = ["community", "name", "sort_order"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("community") is None and not getattr(self.for_user, "is_superuser", False):
            self.add_error("community", _("请选择小区（全平台通用类别只能由平台管理员设置）。"))
        return cleaned


class BulletinTypeViewSet(ScopedModelViewSet):
    model = BulletinType
    name = "home_bulletin_type"
    url_prefix = "home/bulletin-types"
    icon = "tag"
    menu_label = _("宣传栏类别")
    scopes = {"view": can_manage_community_content.communities, "add": can_manage_community_content.communities, "change": can_manage_community_content.communities,
              "delete": can_manage_community_content.communities}
    audit_action = "home.bulletin_type"
    list_display = ["name", Column("community", label=_("小区"), accessor=lambda t: t.community or _("全平台")),
                    "sort_order"]
    form_class = BulletinTypeForm
    inspect_view_fields = ["name", "community", "sort_order"]

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("community")

    def delete_refusal(self, instance):
        if instance.items.exists():
            return _("该类别下还有宣传内容，不能删除。")


class BulletinItemFilterSet(WagtailFilterSet):
    community = django_filters.ModelChoiceFilter(label=_("小区"), queryset=_communities)
    published = django_filters.BooleanFilter(label=_("展示"))

    class Meta:
        model = BulletinItem
        fields = ["community", "published"]


class BulletinItemForm(ScopedModelForm):
    """Types: the community's own and the platform-wide ones; images come from the image library."""

    unscoped_fields = ("type", "image")

    class Meta(ScopedModelForm.Meta):
        model = BulletinItem
        fields = ["community", "type", "title", "image", "body", "date", "sort_order", "published"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = BulletinType.objects.select_related("community").order_by("community__name", "sort_order", "name")
        if self.scope_ids is not ALL:
            types = types.filter(Q(community__isnull=True) | Q(community__in=sorted(self.scope_ids)))
        self.fields["type"].queryset = types
        self.fields["type"].label_from_instance = lambda t: f"{t.name}（{t.community or '全平台'}）"

    def clean(self):
        cleaned = super().clean()
        bulletin_type, community = cleaned.get("type"), cleaned.get("community") or getattr(
            self.instance, "community", None)
        if bulletin_type is not None and community is not None and bulletin_type.community_id not in (
                None, community.pk):
            self.add_error("type", _("该类别不属于所选小区。"))
        return cleaned


class BulletinItemViewSet(ScopedModelViewSet):
    model = BulletinItem
    name = "home_bulletin_item"
    url_prefix = "home/bulletin"
    icon = "image"
    menu_label = _("宣传栏")
    scopes = {"view": can_manage_community_content.communities, "add": can_manage_community_content.communities, "change": can_manage_community_content.communities,
              "delete": can_manage_community_content.communities}
    audit_action = "home.bulletin_item"
    list_display = ["title", "community", "type", DateColumn("date", label=_("日期")),
                    BooleanColumn("published", label=_("展示")), "sort_order"]
    filterset_class = BulletinItemFilterSet
    search_fields = ["title"]
    form_class = BulletinItemForm
    inspect_view_fields = ["title", "community", "type", "date", "published", "sort_order", "created_at"]

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("community", "type")


# --- feedback (意见反馈) ----------------------------------------------------------------------------


class FeedbackFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=FeedbackStatus.choices)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=FeedbackCategory.choices)
    community = django_filters.ModelChoiceFilter(label=_("小区"), queryset=_communities)

    class Meta:
        model = Feedback
        fields = ["status", "category", "community"]


class FeedbackReplyForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = Feedback
        fields = ["reply"]
        widgets = {"reply": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply"].required = True
        self.fields["reply"].help_text = _("保存后，提交人会收到站内消息。")


class FeedbackReplyView(_ServiceEditView):
    template_name = "home/admin/feedback_reply.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["feedback"] = self.object
        return context


class FeedbackViewSet(ScopedModelViewSet):
    model = Feedback
    name = "home_feedback"
    url_prefix = "home/feedback"
    icon = "mail"
    menu_label = _("意见反馈")
    scopes = {"view": can_handle_feedback.communities, "add": None, "change": can_handle_feedback.communities, "delete": None}
    list_display = [
        Column("summary", label=_("反馈"), accessor=str),
        "community",
        Column("user", label=_("提交人"), accessor="user"),
        Column("status", label=_("状态"), accessor="get_status_display"),
        DateColumn("created_at", label=_("提交时间")),
    ]
    filterset_class = FeedbackFilterSet
    search_fields = ["content"]
    edit_form_class = FeedbackReplyForm
    form_class = FeedbackReplyForm
    edit_view_class = FeedbackReplyView
    inspect_view_fields = ["community", "user", "category", "content", "status", "reply", "replied_by", "replied_at",
                           "created_at"]

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("community", "user", "replied_by")

    def update_instance(self, *, instance, form, user):
        return services.feedback_reply(feedback=instance, actor=user, reply=form.cleaned_data["reply"])


# --- activation checklist (开启条件) ---------------------------------------------------------------


class ChecklistForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = ActivationChecklist
        fields = ["community", "nda_signed", "roster_authorized"]


class ChecklistEditForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = ActivationChecklist
        fields = ["nda_signed", "roster_authorized"]


def _computed(key):
    def accessor(checklist):
        status = selectors.activation_status(checklist.community)
        if key == "complete":
            return status.complete
        return next(item.done for item in status.items if item.key == key)

    return accessor


class ActivationChecklistViewSet(ScopedModelViewSet):
    model = ActivationChecklist
    name = "home_checklist"
    url_prefix = "home/checklist"
    icon = "tick-inverse"
    menu_label = _("开启条件")
    scopes = {"view": can_manage_community_content.communities, "add": can_manage_community_content.communities, "change": can_manage_community_content.communities, "delete": None}
    list_display = [
        "community",
        BooleanColumn("nda_signed", label=_("保密协议已签署")),
        BooleanColumn("roster_authorized", label=_("名册使用已授权")),
        BooleanColumn("bylaws_uploaded", label=_("三项规约已上传"), accessor=_computed("bylaws_uploaded")),
        BooleanColumn("manager_invited", label=_("物业经理已邀请"), accessor=_computed("manager_invited")),
        BooleanColumn("complete", label=_("已满足"), accessor=_computed("complete")),
    ]
    form_class = ChecklistForm
    edit_form_class = ChecklistEditForm
    edit_view_class = _ServiceEditView
    inspect_view_fields = ["community", "nda_signed", "nda_signed_at", "roster_authorized", "roster_authorized_at",
                           "updated_by", "updated_at"]
    has_custom_create = True

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("community", "updated_by")

    def create_instance(self, *, form, user):
        data = form.cleaned_data
        return services.checklist_set(community=data["community"], actor=user, nda_signed=data["nda_signed"],
                                      roster_authorized=data["roster_authorized"])

    def update_instance(self, *, instance, form, user):
        data = form.cleaned_data
        return services.checklist_set(community=instance.community, actor=user, nda_signed=data["nda_signed"],
                                      roster_authorized=data["roster_authorized"])


# --- the menu ------------------------------------------------------------------------------------------


class HomeMenuGroup(ViewSetGroup):
    menu_label = _("小区主页")
    menu_icon = "home"
    menu_name = "community_home"
    menu_order = 250
    items = (
        BylawViewSet,
        ArchiveDocumentViewSet,
        BulletinItemViewSet,
        BulletinTypeViewSet,
        FeedbackViewSet,
        ActivationChecklistViewSet,
    )


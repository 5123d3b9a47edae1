"""Wagtail admin for the registry (小区登记), scoped by community membership.

Every viewset reads through `governance.registry.admin_scoping`: a record of another community is a 404 on
every URL and never appears in a list, a filter, an export or a form choice. Phones and ID numbers
are shown masked everywhere; a person's phone is only ever typed in, never echoed back.
"""

from __future__ import annotations

import mimetypes

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.permissions import policy_registry

from governance.errors import DomainError
from governance.registry import roles
from portal.accounts.models import Membership, Role
from governance.registry.admin_scoping import (
    READ_ACTIONS,
    ScopedChooserViewSet,
    ScopedInspectView,
    ScopedModelForm,
    ScopedModelViewSet,
    ScopedObjectActionView,
    ScopedViewMixin,
    superusers_only,
)
from portal.masking import mask_id_number, mask_phone
from portal.params import int_param

from . import permissions, services
from .models import (
    ApplicationStatus,
    Building,
    Community,
    Ownership,
    Person,
    Residency,
    ResidentsCommittee,
    Street,
    Unit,
    UnitApplication,
    UnitKind,
)
from .private_files import file_response
from .selectors import building_grid, community_overview

def scoped(model, user, actions=READ_ACTIONS):
    """The rows of `model` a user reaches, through the model's registered scoped policy."""
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, actions)


def _scoped_choices(model):
    def queryset(request):
        if request is None:
            return model.objects.none()
        return scoped(model, request.user)

    return queryset


STATUS_LABELS = {
    "verified": _("已认证"),
    "unverified": _("未认证"),
    "developer": _("开发商持有"),
    "empty": _("无业主登记"),
}


# --- streets, residents' committees, communities ---------------------------------------------


class StreetViewSet(ScopedModelViewSet):
    model = Street
    name = "registry_street"
    url_prefix = "registry/streets"
    icon = "site"
    community_path = "committees__communities"
    scopes = {"view": roles.can_view_registry.communities, "add": superusers_only, "change": superusers_only,
              "delete": superusers_only}
    audit_action = "registry.street"
    list_display = ["name"]
    search_fields = ["name"]
    form_fields = ["name"]
    inspect_view_fields = ["name"]

    def delete_refusal(self, instance):
        if instance.committees.exists():
            return _("该街道下还有居委会，不能删除。")


class ResidentsCommitteeViewSet(ScopedModelViewSet):
    model = ResidentsCommittee
    name = "registry_committee"
    url_prefix = "registry/committees"
    icon = "group"
    community_path = "communities"
    scopes = {"view": roles.can_view_registry.communities, "add": superusers_only, "change": superusers_only,
              "delete": superusers_only}
    audit_action = "registry.committee"
    list_display = ["name", "street"]
    search_fields = ["name"]
    form_fields = ["street", "name"]
    inspect_view_fields = ["name", "street"]

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("street")

    def delete_refusal(self, instance):
        if instance.communities.exists():
            return _("该居委会下还有小区，不能删除。")


class CommunityCreateForm(ScopedModelForm):
    """A new community goes through `services.community_create` under a committee the user may use."""

    unscoped_fields = ("residents_committee",)

    class Meta(ScopedModelForm.Meta):
        model = Community
        fields = ["code", "name", "residents_committee", "address"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        committees = ResidentsCommittee.objects.select_related("street").order_by("street__name", "name")
        user = self.for_user
        if not getattr(user, "is_superuser", False):
            streets = Membership.objects.filter(
                user=user, active=True, role=Role.STREET_STAFF, street__isnull=False
            ).values("street")
            committees = committees.filter(street__in=streets)
        self.fields["residents_committee"].queryset = committees


class CommunityEditForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = Community
        fields = ["name", "address", "requires_rc_approval"]


class CommunityViewSet(ScopedModelViewSet):
    model = Community
    name = "registry_community"
    url_prefix = "registry/communities"
    icon = "home"
    community_path = "pk"
    scopes = {"view": roles.can_view_registry.communities, "add": roles.can_add_communities.communities, "change": roles.can_set_community_rules.communities, "delete": None}
    gates = {"add": roles.can_create_community}
    audit_action = "registry.community"
    list_display = [
        "code", "name", "residents_committee",
        Column("street", label=_("街道"), accessor="residents_committee.street"),
    ]
    search_fields = ["code", "name"]
    form_class = CommunityCreateForm
    edit_form_class = CommunityEditForm
    inspect_view_fields = ["code", "name", "residents_committee", "street", "address", "requires_rc_approval",
                           "created_at"]
    inspect_field_labels = {"street": _("街道")}
    has_custom_create = True

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("residents_committee__street")

    def create_instance(self, *, form, user):
        committee = form.cleaned_data["residents_committee"]
        return services.community_create(
            code=form.cleaned_data["code"], name=form.cleaned_data["name"], street_name=committee.street.name,
            committee_name=committee.name, actor=user, address=form.cleaned_data.get("address", ""),
        )


# --- buildings and units ---------------------------------------------------------------------


class BuildingFilterSet(WagtailFilterSet):
    community = django_filters.ModelChoiceFilter(label=_("小区"), queryset=_scoped_choices(Community))

    class Meta:
        model = Building
        fields = ["community"]


class BuildingViewSet(ScopedModelViewSet):
    model = Building
    name = "registry_building"
    url_prefix = "registry/buildings"
    icon = "table"
    scopes = {"view": roles.can_view_registry.communities, "add": roles.can_manage_registry.communities, "change": roles.can_manage_registry.communities,
              "delete": roles.can_manage_registry.communities}
    audit_action = "registry.building"
    list_display = ["name", "community", "sort_key"]
    filterset_class = BuildingFilterSet
    search_fields = ["name"]
    form_fields = ["community", "name", "sort_key"]
    inspect_view_fields = ["name", "community", "sort_key"]

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("community")

    def delete_refusal(self, instance):
        if instance.units.exists():
            return _("该楼栋下还有房屋，不能删除。")


class UnitFilterSet(WagtailFilterSet):
    building = django_filters.ModelChoiceFilter(label=_("楼栋"), queryset=_scoped_choices(Building))
    kind = django_filters.ChoiceFilter(label=_("房屋类型"), choices=UnitKind.choices)
    developer_held = django_filters.BooleanFilter(label=_("开发商持有"))

    class Meta:
        model = Unit
        fields = ["building", "kind", "developer_held"]


class UnitForm(ScopedModelForm):
    """The unit's community is always its building's community."""

    class Meta(ScopedModelForm.Meta):
        model = Unit
        fields = ["building", "entrance", "floor", "room", "area", "kind", "developer_held"]

    def clean(self):
        cleaned = super().clean()
        building = cleaned.get("building")
        if building is not None:
            self.instance.community = building.community
        return cleaned


class UnitViewSet(ScopedModelViewSet):
    model = Unit
    name = "registry_unit"
    url_prefix = "registry/units"
    icon = "doc-full"
    scopes = {"view": roles.can_view_registry.communities, "add": roles.can_manage_registry.communities, "change": roles.can_manage_registry.communities,
              "delete": roles.can_manage_registry.communities}
    audit_action = "registry.unit"
    list_display = [
        Column("label", label=_("房屋"), accessor="label"),
        "community", "building", "entrance", "floor", "room", "area", "kind",
        BooleanColumn("developer_held", label=_("开发商持有")),
    ]
    list_export = ["community", "building", "entrance", "floor", "room", "area", "kind", "developer_held"]
    export_headings = {"community": "小区", "building": "楼栋", "entrance": "单元", "floor": "楼层",
                       "room": "房号", "area": "专有面积(㎡)", "kind": "房屋类型", "developer_held": "开发商持有"}
    filterset_class = UnitFilterSet
    search_fields = ["room"]
    form_class = UnitForm
    inspect_view_fields = ["community", "building", "entrance", "floor", "room", "area", "kind", "developer_held",
                           "updated_at"]

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("community", "building")

    @staticmethod
    def update_service(*, instance, actor, changes):
        return services.unit_update(unit=instance, actor=actor, changes=changes)

    def delete_refusal(self, instance):
        if instance.ownerships.exists() or instance.residencies.exists() or instance.applications.exists():
            return _("该房屋已有产权、住户或申请记录，不能删除；过户请终止原产权关系。")


# --- persons -----------------------------------------------------------------------------------


class PersonFilterSet(WagtailFilterSet):
    community = django_filters.ModelChoiceFilter(label=_("小区"), queryset=_scoped_choices(Community))
    vulnerable = django_filters.BooleanFilter(label=_("重点关怀"))

    class Meta:
        model = Person
        fields = ["community", "vulnerable"]


def _valid_mobile(phone: str) -> bool:
    return phone.isdigit() and len(phone) == 11 and phone.startswith("1")


class PersonForm(ScopedModelForm):
    """The phone and ID number are typed in, never shown back: the form carries only their masks."""

    new_phone = forms.CharField(label=_("手机号"), max_length=11, required=False)
    id_number = forms.CharField(label=_("证件号"), max_length=18, required=False,
                                help_text=_("只保存哈希值和掩码，不保存原号码。"))

    class Meta(ScopedModelForm.Meta):
        model = Person
        fields = ["community", "name", "vulnerable"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["new_phone"].help_text = _("当前：%(phone)s；留空则不修改。") % {
                "phone": self.instance.masked_phone or "—"}
            self.fields["id_number"].help_text = _("当前：%(id)s；留空则不修改。只保存哈希值和掩码。") % {
                "id": self.instance.id_number_masked or "未登记"}
        else:
            self.fields["new_phone"].required = True

    def clean_new_phone(self):
        phone = (self.cleaned_data.get("new_phone") or "").strip()
        if phone and not _valid_mobile(phone):
            raise ValidationError(_("请填写 11 位手机号。"))
        return phone

    def clean(self):
        cleaned = super().clean()
        phone = cleaned.get("new_phone")
        community = cleaned.get("community") or getattr(self.instance, "community", None)
        if phone and community is not None:
            taken = Person.objects.filter(community=community, phone=phone).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("new_phone", _("该小区名册中已有使用此手机号的人员。"))
            else:
                self.instance.phone = phone
        if cleaned.get("id_number"):
            self.instance.set_id_number(cleaned["id_number"])
        return cleaned


class PersonViewSet(ScopedModelViewSet):
    model = Person
    name = "registry_person"
    url_prefix = "registry/persons"
    icon = "user"
    scopes = {"view": roles.can_view_registry.communities, "add": roles.can_manage_registry.communities, "change": roles.can_manage_registry.communities,
              "delete": roles.can_manage_registry.communities}
    audit_action = "registry.person"
    audit_masks = {"new_phone": mask_phone, "id_number": mask_id_number}
    list_display = [
        "name",
        Column("masked_phone", label=_("手机号"), accessor="masked_phone"),
        Column("id_number_masked", label=_("证件号"), accessor="id_number_masked"),
        "community",
        BooleanColumn("vulnerable", label=_("重点关怀")),
        BooleanColumn("linked", label=_("已关联账户"), accessor=lambda person: person.user_id is not None),
    ]
    list_export = ["name", "masked_phone", "id_number_masked", "community", "vulnerable"]
    export_headings = {"name": "姓名", "masked_phone": "手机号", "id_number_masked": "证件号",
                       "community": "小区", "vulnerable": "重点关怀"}
    filterset_class = PersonFilterSet
    search_fields = ["name"]
    form_class = PersonForm
    inspect_view_fields = ["name", "masked_phone", "id_number_masked", "community", "user", "vulnerable"]
    inspect_field_labels = {"masked_phone": _("手机号"), "id_number_masked": _("证件号")}

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("community", "user")

    def delete_refusal(self, instance):
        if instance.ownerships.exists():
            return _("该人员有产权记录，不能删除。")


# --- ownerships and residencies -------------------------------------------------------------


class OwnershipFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=[("active", _("有效")), ("ended", _("已终止"))], method="filter_status",
    )
    verified = django_filters.BooleanFilter(label=_("已认证"))
    role = django_filters.ChoiceFilter(label=_("身份"), choices=Ownership._meta.get_field("role").choices)
    building = django_filters.ModelChoiceFilter(
        label=_("楼栋"), queryset=_scoped_choices(Building), field_name="unit__building"
    )

    class Meta:
        model = Ownership
        fields = ["status", "verified", "role", "building"]

    def filter_status(self, queryset, name, value):
        if value == "active":
            return queryset.filter(ends_on__isnull=True)
        if value == "ended":
            return queryset.filter(ends_on__isnull=False)
        return queryset


class OwnershipCreateForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = Ownership
        fields = ["unit", "person", "role", "position", "starts_on"]


class OwnershipEditForm(ScopedModelForm):
    """Who and which unit never change: a transfer ends this link and starts a new one."""

    class Meta(ScopedModelForm.Meta):
        model = Ownership
        fields = ["role", "position", "starts_on", "ends_on"]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("终止日期不能早于起始日期。"))
        return cleaned


def _ownership_status(ownership) -> str:
    return _("有效") if ownership.ends_on is None else _("已终止")


class OwnershipViewSet(ScopedModelViewSet):
    model = Ownership
    name = "registry_ownership"
    url_prefix = "registry/ownerships"
    icon = "key"
    community_path = "unit__community"
    consistency_paths = ("person__community",)
    scopes = {"view": roles.can_view_registry.communities, "add": roles.can_manage_registry.communities, "change": roles.can_manage_registry.communities, "delete": None}
    audit_action = "registry.ownership"
    list_display = [
        Column("unit", label=_("房屋"), accessor="unit"),
        Column("person_name", label=_("业主"), accessor="person.name"),
        Column("person_phone", label=_("手机号"), accessor="person.masked_phone"),
        "role",
        BooleanColumn("verified", label=_("已认证")),
        DateColumn("starts_on", label=_("起始日期")),
        DateColumn("ends_on", label=_("终止日期")),
        Column("status", label=_("状态"), accessor=_ownership_status),
    ]
    list_export = ["unit", "person.name", "person.masked_phone", "role", "verified", "starts_on", "ends_on"]
    export_headings = {"unit": "房屋", "person.name": "业主", "person.masked_phone": "手机号", "role": "身份",
                       "verified": "已认证", "starts_on": "起始日期", "ends_on": "终止日期"}
    filterset_class = OwnershipFilterSet
    search_fields = ["person__name", "unit__room"]
    form_class = OwnershipCreateForm
    edit_form_class = OwnershipEditForm
    inspect_view_fields = ["unit", "person", "role", "position", "verified", "verified_at", "starts_on", "ends_on",
                           "created_at"]

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("unit__building", "unit__community", "person")

    @staticmethod
    def update_service(*, instance, actor, changes):
        return services.ownership_update(ownership=instance, actor=actor, changes=changes)


class ResidencyFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=Residency.Kind.choices)
    verified = django_filters.BooleanFilter(label=_("已审核"))
    building = django_filters.ModelChoiceFilter(
        label=_("楼栋"), queryset=_scoped_choices(Building), field_name="unit__building"
    )

    class Meta:
        model = Residency
        fields = ["kind", "verified", "building"]


class ResidencyViewSet(ScopedModelViewSet):
    model = Residency
    name = "registry_residency"
    url_prefix = "registry/residencies"
    icon = "group"
    community_path = "unit__community"
    scopes = {"view": roles.can_view_registry.communities, "add": None, "change": roles.can_manage_registry.communities, "delete": None}
    audit_action = "registry.residency"
    list_display = [
        Column("unit", label=_("房屋"), accessor="unit"),
        "name", "kind",
        Column("account", label=_("账户"), accessor="user"),
        BooleanColumn("verified", label=_("已审核")),
        DateColumn("starts_on", label=_("起始日期")),
        DateColumn("ends_on", label=_("终止日期")),
    ]
    filterset_class = ResidencyFilterSet
    search_fields = ["name", "unit__room"]
    form_fields = ["name", "kind", "verified", "starts_on", "ends_on"]
    inspect_view_fields = ["unit", "name", "kind", "user", "verified", "starts_on", "ends_on", "created_at"]

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("unit__building", "unit__community", "user")


# --- applications: the review queue -------------------------------------------------------------


class ApplicationFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ApplicationStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=UnitApplication.Kind.choices)
    community = django_filters.ModelChoiceFilter(label=_("小区"), queryset=_scoped_choices(Community))

    class Meta:
        model = UnitApplication
        fields = ["status", "kind", "community"]


class ApplicationInspectView(ScopedInspectView):
    template_name = "registry/admin/application_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.object
        namespace = self.scoped_viewset.url_namespace
        proof_name = application.proof.name if application.proof else ""
        context.update({
            "application": application,
            "proof_url": reverse(f"{namespace}:proof", args=[application.pk]) if proof_name else "",
            "proof_is_image": (mimetypes.guess_type(proof_name)[0] or "").startswith("image/"),
            "can_review": application.status == ApplicationStatus.PENDING
            and roles.can_review_applications(self.request.user, application.community),
            "approve_url": reverse(f"{namespace}:approve", args=[application.pk]),
            "reject_url": reverse(f"{namespace}:reject", args=[application.pk]),
        })
        return context


class _ApplicationObjectView(ScopedObjectActionView):
    model = UnitApplication


class ApplicationApproveView(_ApplicationObjectView):
    def post(self, request, pk):
        application = self.get_scoped_object(pk)
        try:
            services.application_approve(application=application, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已通过该申请。"))
        return self.back(application)


class ApplicationRejectView(_ApplicationObjectView):
    def post(self, request, pk):
        application = self.get_scoped_object(pk)
        try:
            services.application_reject(application=application, actor=request.user,
                                        reason=request.POST.get("reason", ""))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已驳回该申请。"))
        return self.back(application)


class ApplicationProofView(ScopedViewMixin, View):
    """Serves the proof (房产证/结婚证) to the community's reviewers (a private file, no public address)."""

    model = UnitApplication
    http_method_names = ["get"]

    def get(self, request, pk):
        application = get_object_or_404(self.scoped_queryset(READ_ACTIONS), pk=pk)
        if not permissions.can_view_application_proof(request.user, application):
            raise Http404
        return file_response(application.proof)


def _status_tag(application) -> str:
    return application.get_status_display()


class UnitApplicationViewSet(ScopedModelViewSet):
    model = UnitApplication
    name = "registry_application"
    url_prefix = "registry/applications"
    icon = "tasks"
    scopes = {"view": roles.can_manage_registry.communities, "add": None, "change": None, "delete": None}
    list_display = [
        Column("summary", label=_("申请"), accessor=str),
        "kind",
        Column("unit", label=_("房屋"), accessor="unit"),
        "name",
        Column("masked_phone", label=_("手机号"), accessor="masked_phone"),
        Column("status", label=_("状态"), accessor=_status_tag),
        DateColumn("created_at", label=_("提交时间")),
    ]
    filterset_class = ApplicationFilterSet
    search_fields = ["name", "unit__room"]
    inspect_view_class = ApplicationInspectView
    inspect_view_fields = ["kind", "community", "unit", "name", "masked_phone", "note", "status", "reviewer",
                           "review_reason", "reviewed_at", "created_at"]
    inspect_field_labels = {"masked_phone": _("手机号")}

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("unit__building", "community").annotate(
            pending_first=Case(When(status=ApplicationStatus.PENDING, then=Value(0)), default=Value(1),
                               output_field=IntegerField())
        ).order_by("pending_first", "-created_at")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("approve/<id:pk>/", self.construct_view(ApplicationApproveView), name="approve"),
            path("reject/<id:pk>/", self.construct_view(ApplicationRejectView), name="reject"),
            path("proof/<id:pk>/", self.construct_view(ApplicationProofView), name="proof"),
        ]


# --- the building grid (楼栋可视化) --------------------------------------------------------------


class BuildingGridView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "registry/admin/building_grid.html"
    page_title = _("楼栋可视化")
    header_icon = "grid"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        communities = scoped(Community, user).order_by("code")
        if not communities.exists():
            raise PermissionDenied
        community = self._pick(communities, "community")
        buildings = scoped(Building, user).filter(community=community).order_by("sort_key", "name")
        building = self._pick(buildings, "building") if buildings.exists() else None
        rows = []
        if building is not None:
            rows = [
                (floor, [(cell, STATUS_LABELS[cell.status]) for cell in cells])
                for floor, cells in building_grid(building)
            ]
        context.update({
            "communities": communities, "community": community, "buildings": buildings, "building": building,
            "rows": rows, "legend": list(STATUS_LABELS.items()), "overview": community_overview(community),
        })
        return context

    def _pick(self, queryset, param):
        """The requested row when it is in scope (404 when it is not), else the first one."""
        pk = int_param(self.request, param)
        if pk is not None:
            return get_object_or_404(queryset, pk=pk)
        return queryset.first()


class BuildingGridViewSet(ViewSet):
    name = "registry_grid"
    url_prefix = "registry/grid"
    icon = "grid"
    menu_label = _("楼栋可视化")

    def get_urlpatterns(self):
        return [path("", BuildingGridView.as_view(), name="index")]

    @cached_property
    def menu_item_class(self):
        def is_shown(_self, request):
            return policy_registry.get_by_type(Community).user_has_permission(request.user, "view")

        return type("BuildingGridMenuItem", (MenuItem,), {"is_shown": is_shown})


# --- roster import (screens in governance.registry.admin_roster, written separately) ----------

def roster_urls():
    """The roster screens' admin URLs (upload, preview, progress, template download)."""
    from .admin_roster import roster_admin_urls

    return roster_admin_urls()


class RosterMenuItem(MenuItem):
    def is_shown(self, request):
        return policy_registry.get_by_type(Person).user_has_permission(request.user, "add")


# --- choosers -----------------------------------------------------------------------------------


class UnitChooserViewSet(ScopedChooserViewSet):
    model = Unit
    name = "registry_unit_chooser"
    url_prefix = "registry/choose/unit"
    icon = "doc-full"
    choose_one_text = _("选择房屋")
    choose_another_text = _("重新选择房屋")


class PersonChooserViewSet(ScopedChooserViewSet):
    model = Person
    name = "registry_person_chooser"
    url_prefix = "registry/choose/person"
    icon = "user"
    choose_one_text = _("选择人员")
    choose_another_text = _("重新选择人员")


# --- the menu -------------------------------------------------------------------------------------


class RegistryMenuGroup(ViewSetGroup):
    menu_label = _("小区登记")
    menu_icon = "home"
    menu_name = "registry"
    menu_order = 200
    items = (
        StreetViewSet,
        ResidentsCommitteeViewSet,
        CommunityViewSet,
        BuildingViewSet,
        UnitViewSet,
        PersonViewSet,
        OwnershipViewSet,
        ResidencyViewSet,
        UnitApplicationViewSet,
        BuildingGridViewSet,
    )

    def get_submenu_items(self):
        items = super().get_submenu_items()
        items.append(RosterMenuItem(
            _("名册导入"), reverse_lazy("roster_upload"), name="roster_upload", icon_name="upload",
            order=len(items) + 1,
        ))
        return items

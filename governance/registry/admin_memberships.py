"""Roles in the admin (角色成员): superusers and street offices manage memberships in their scope."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.permissions import policy_registry

from governance.registry.admin_scoping import (
    CommunityScopedPermissionPolicy,
    ScopedEditView,
    ScopedModelForm,
    ScopedModelViewSet,
)
from portal.accounts.models import Membership, Role, User
from portal.accounts.signals import announce_memberships_changed
from portal.masking import mask_phone

from . import roles
from .memberships import membership_grant
from .models import Community

#: Roles a street office may grant (in one of its communities); the others need a superuser.
COMMUNITY_ROLES = (Role.COMMITTEE_MEMBER, Role.COMMITTEE_SECRETARY, Role.PROPERTY_STAFF)


class MembershipPolicy(CommunityScopedPermissionPolicy):
    """A membership is scoped to a community, a residents' committee or a street."""

    multi_valued = True

    def scope_q(self, ids):
        ids = sorted(ids)
        return (
            Q(community__in=ids)
            | Q(residents_committee__communities__in=ids)
            | Q(street__committees__communities__in=ids)
        )

    def community_id_of(self, instance, path=None):
        return instance.community_id


def _membership_communities(request):
    if request is None:
        return Community.objects.none()
    return policy_registry.get_by_type(Community).instances_user_has_any_permission_for(request.user, ["view"])


class MembershipFilterSet(WagtailFilterSet):
    role = django_filters.ChoiceFilter(label=_("角色"), choices=Role.choices)
    active = django_filters.BooleanFilter(label=_("有效"))
    community = django_filters.ModelChoiceFilter(label=_("小区"), queryset=_membership_communities)

    class Meta:
        model = Membership
        fields = ["role", "active", "community"]


class MembershipCreateForm(ScopedModelForm):
    """The grantee is named by phone (no list of users is ever shown); the grant goes through the service."""

    phone = forms.CharField(label=_("手机号"), max_length=11, help_text=_("被授权人注册账户时使用的手机号。"))

    class Meta(ScopedModelForm.Meta):
        model = Membership
        fields = ["role", "community", "residents_committee", "street", "title", "team"]

    field_order = ["phone", "role", "community", "residents_committee", "street", "title", "team"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.grantee = None
        if not getattr(self.for_user, "is_superuser", False):
            del self.fields["residents_committee"]
            del self.fields["street"]
            self.fields["community"].required = True
            self.fields["role"].choices = [(role.value, role.label) for role in COMMUNITY_ROLES]

    def clean_phone(self):
        phone = (self.cleaned_data.get("phone") or "").strip()
        self.grantee = User.objects.filter(phone=phone).first()
        if self.grantee is None:
            raise ValidationError(_("该手机号尚未注册账户，请先让对方注册。"))
        return phone

    def clean(self):
        cleaned = super().clean()
        scopes = [cleaned.get(name) for name in ("community", "residents_committee", "street") if cleaned.get(name)]
        if len(scopes) > 1:
            self.add_error(None, _("角色只能属于一个范围（小区、居委会或街道）。"))
        elif not scopes and cleaned.get("role") not in (Role.EDITOR, Role.EXPERT):
            self.add_error(None, _("该角色必须指定小区、居委会或街道。"))
        return cleaned

    def _get_validation_exclusions(self):
        # The scope check constraint is checked above with a Chinese message.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("role")
        return exclusions


class MembershipEditForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = Membership
        fields = ["title", "team", "active", "starts_on", "ends_on"]


def _scope_label(membership) -> str:
    return str(membership.community or membership.residents_committee or membership.street or _("全平台"))


def _user_phone(membership) -> str:
    return mask_phone(membership.user.phone)


class MembershipEditView(ScopedEditView):
    """Deactivating or ending a role also takes away the page permissions it carried."""

    def save_instance(self):
        instance = super().save_instance()
        announce_memberships_changed(user=instance.user)
        return instance


class MembershipViewSet(ScopedModelViewSet):
    model = Membership
    name = "accounts_membership"
    url_prefix = "accounts/memberships"
    icon = "group"
    menu_label = _("角色成员")
    menu_order = 950
    add_to_admin_menu = True
    policy_class = MembershipPolicy
    edit_view_class = MembershipEditView
    community_path = "community"
    scopes = {"view": roles.can_grant_memberships.communities, "add": roles.can_grant_memberships.communities, "change": roles.can_grant_memberships.communities, "delete": None}
    audit_action = "accounts.membership"
    list_display = [
        Column("user", label=_("用户"), accessor="user"),
        Column("phone", label=_("手机号"), accessor=_user_phone),
        "role",
        Column("scope", label=_("范围"), accessor=_scope_label),
        "title",
        BooleanColumn("active", label=_("有效")),
    ]
    filterset_class = MembershipFilterSet
    search_fields = ["user__display_name", "title"]
    form_class = MembershipCreateForm
    edit_form_class = MembershipEditForm
    inspect_view_fields = ["user", "role", "community", "residents_committee", "street", "team", "title", "active",
                           "starts_on", "ends_on", "created_at"]
    has_custom_create = True

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("user", "community", "residents_committee", "street")

    def create_instance(self, *, form, user):
        data = form.cleaned_data
        return membership_grant(
            user=form.grantee, role=data["role"], actor=user, community=data.get("community"),
            residents_committee=data.get("residents_committee"), street=data.get("street"),
            title=data.get("title", ""), team=data.get("team", ""),
        )


membership_viewset = MembershipViewSet()  # built at import: registers its policy early

"""GraphQL for accounts: `me`, the signed-in user with roles, units and communities.

The phone number is only ever shown masked. Every list under `me` is loaded by one
prefetching selector at its resolver, so the number of queries does not grow with the
number of units or memberships.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import graphene

from portal.accounts.models import Membership, PropertyTeam, Role
from portal.graphql.auth import current_user
from portal.graphql.enums import enum_from_choices
from portal.graphql.loaders import per_request

from . import roles
from .schema import (
    CommunityType,
    MyUnitType,
    UnitApplicationType,
    my_applications,
    my_unit_links,
)

StaffRoleEnum = enum_from_choices("StaffRole", Role, "工作人员角色")
PropertyTeamEnum = enum_from_choices("PropertyTeam", PropertyTeam, "物业班组")


class ScopeKind(enum.Enum):
    COMMUNITY = "community"
    RESIDENTS_COMMITTEE = "residents_committee"
    STREET = "street"
    PLATFORM = "platform"


SCOPE_KIND_LABELS = {"community": "小区", "residents_committee": "居委会", "street": "街道", "platform": "全平台"}

ScopeKindEnum = graphene.Enum.from_enum(
    ScopeKind,
    name="ScopeKind",
    description=lambda v: "角色的范围" if v is None else SCOPE_KIND_LABELS[v.value],
)


@dataclass(frozen=True)
class Scope:
    kind: str
    name: str
    community: object | None = None
    residents_committee_name: str | None = None
    street_name: str | None = None


def _scope_of(membership: Membership) -> Scope:
    if membership.community_id:
        community = membership.community
        committee = community.residents_committee
        return Scope("community", community.name, community, committee.name, committee.street.name)
    if membership.residents_committee_id:
        committee = membership.residents_committee
        return Scope("residents_committee", committee.name, None, committee.name, committee.street.name)
    if membership.street_id:
        return Scope("street", membership.street.name, None, None, membership.street.name)
    return Scope("platform", "全平台")


class MembershipScopeType(graphene.ObjectType):
    """角色的范围：一个小区、一个居委会、一个街道，或全平台（内容编辑、专家）"""

    class Meta:
        name = "MembershipScope"

    kind = graphene.Field(ScopeKindEnum, required=True, description="范围类型")
    name = graphene.String(required=True, description="范围名称：小区名、居委会名、街道名或“全平台”")
    community = graphene.Field(CommunityType, description="小区（范围为小区时）")
    residents_committee_name = graphene.String(description="居委会名称（范围为小区或居委会时）")
    street_name = graphene.String(description="街道名称（范围为小区、居委会或街道时）")


class MembershipType(graphene.ObjectType):
    """用户在某一范围内担任的工作人员角色（业主、共有人、租户身份见 units）"""

    class Meta:
        name = "Membership"

    id = graphene.ID(required=True, description="角色记录 ID")
    role = graphene.Field(StaffRoleEnum, required=True, description="角色代码")
    role_label = graphene.String(required=True, description="角色中文名称，如“业委会委员”")
    title = graphene.String(required=True, description="职务，如“主任”；未填写时为空字符串")
    team = graphene.Field(PropertyTeamEnum, description="物业班组（仅物业人员）")
    team_label = graphene.String(description="物业班组中文名称，如“客服”")
    scope = graphene.Field(MembershipScopeType, required=True, description="角色的范围")

    @staticmethod
    def resolve_role(membership: Membership, info):
        return str(membership.role)

    @staticmethod
    def resolve_role_label(membership: Membership, info):
        return str(membership.get_role_display())

    @staticmethod
    def resolve_team(membership: Membership, info):
        return str(membership.team) if membership.team else None

    @staticmethod
    def resolve_team_label(membership: Membership, info):
        return str(membership.get_team_display()) if membership.team else None

    @staticmethod
    def resolve_scope(membership: Membership, info):
        return _scope_of(membership)


def active_memberships(user):
    """The user's active staff roles with every scope object the types read (one query)."""
    return (
        Membership.objects.filter(user=user, active=True)
        .select_related("community__residents_committee__street", "residents_committee__street", "street")
        .order_by("pk")
    )


class MeType(graphene.ObjectType):
    """当前登录的用户"""

    class Meta:
        name = "Me"

    id = graphene.ID(required=True, description="用户 ID")
    masked_phone = graphene.String(required=True, description="手机号（已脱敏，如 138****1234）；未绑定时为空字符串")
    # never falls back to the username: for phone sign-ups it is the full phone number
    display_name = graphene.String(required=True, description="显示名称；未设置时为脱敏手机号")
    memberships = graphene.List(
        graphene.NonNull(MembershipType), required=True, description="有效的工作人员角色"
    )
    units = graphene.List(
        graphene.NonNull(MyUnitType), required=True,
        description="我的房屋：每一条有效的产权关系（业主/共有人，含未认证的）和已审核的租住登记",
    )
    communities = graphene.List(
        graphene.NonNull(CommunityType), required=True,
        description="我所属的小区（任一身份：业主、共有人、租户、工作人员）",
    )
    applications = graphene.List(
        graphene.NonNull(UnitApplicationType), required=True,
        description="我提交的认证申请（共有人、租户登记、手机号更正），最新的在前",
    )

    @staticmethod
    def resolve_masked_phone(user, info):
        return user.masked_phone

    @staticmethod
    def resolve_display_name(user, info):
        return user.display_name or user.masked_phone or f"用户{user.pk}"

    @staticmethod
    def resolve_memberships(user, info):
        return active_memberships(user)

    @staticmethod
    def resolve_units(user, info):
        return my_unit_links(user)

    @staticmethod
    def resolve_communities(user, info):
        return per_request(info, "communities_for", lambda: list(roles.communities_for(user).order_by("code")))

    @staticmethod
    def resolve_applications(user, info):
        return my_applications(user)


class AccountsQuery(graphene.ObjectType):
    me = graphene.Field(MeType, description="当前登录的用户；未登录时为 null")

    @staticmethod
    def resolve_me(root, info):
        return current_user(info)

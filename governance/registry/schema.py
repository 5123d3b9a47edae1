"""GraphQL for the registry: the public pickers of the verification flow, scoped unit reads,
and the verification / application mutations. Mutations only parse input, call a service
and render its result; list fields load their rows with one prefetching selector each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import graphene
from django.urls import reverse

from governance.errors import DomainError, ErrorCode
from portal.accounts.ratelimit import client_ip
from portal.graphql.auth import current_user
from portal.graphql.enums import enum_from_choices
from portal.graphql.errors import not_authenticated
from portal.graphql.mutations import DomainMutation
from portal.graphql.upload import Upload
from portal.params import parse_id

from . import selectors, services
from .models import (
    ApplicationStatus,
    Building,
    Community,
    Ownership,
    Residency,
    Unit,
    UnitApplication,
    UnitKind,
)

# --- enums -----------------------------------------------------------------------------

UnitKindEnum = enum_from_choices("UnitKind", UnitKind, "房屋类型")
UnitApplicationKindEnum = enum_from_choices("UnitApplicationKind", UnitApplication.Kind, "认证申请类型")
ApplicationStatusEnum = enum_from_choices("ApplicationStatus", ApplicationStatus, "审核状态")


UNIT_ROLE_LABELS = {"primary": "业主", "co_owner": "共有人", "tenant": "租户", "resident": "住户"}


class UnitRoleChoices(graphene.Enum):
    """当前用户与房屋的关系（业主、共有人来自产权关系，租户、住户来自租住登记）"""

    PRIMARY = "primary"
    CO_OWNER = "co_owner"
    TENANT = "tenant"
    RESIDENT = "resident"

    class Meta:
        name = "UnitRole"

    @property
    def description(self):
        return UNIT_ROLE_LABELS[self.value]


# --- types -----------------------------------------------------------------------------


class CommunityType(graphene.ObjectType):
    """小区（公开信息：编码与名称）"""

    class Meta:
        name = "Community"

    id = graphene.ID(required=True, description="小区 ID")
    code = graphene.String(required=True, description="小区编码")
    name = graphene.String(required=True, description="小区名称")


class BuildingType(graphene.ObjectType):
    """楼栋"""

    class Meta:
        name = "Building"

    id = graphene.ID(required=True, description="楼栋 ID")
    name = graphene.String(required=True, description="楼栋名称，如“3栋”")


class UnitOptionType(graphene.ObjectType):
    """认证时选择房屋用的房号条目：不含任何业主信息"""

    class Meta:
        name = "UnitOption"

    id = graphene.ID(required=True, description="房屋 ID")
    label = graphene.String(required=True, description="房屋名称，如“3栋-1单元-502”")
    entrance = graphene.String(required=True, description="单元，无单元时为空字符串")
    floor = graphene.Int(description="楼层")
    room = graphene.String(required=True, description="房号")


class UnitType(graphene.ObjectType):
    """房屋（专有部分）：仅对所属小区的成员可见"""

    class Meta:
        name = "Unit"

    id = graphene.ID(required=True, description="房屋 ID")
    label = graphene.String(required=True, description="房屋名称，如“3栋-1单元-502”")
    community = graphene.Field(CommunityType, required=True, description="所属小区")
    building = graphene.String(required=True, description="楼栋名称")
    entrance = graphene.String(required=True, description="单元，无单元时为空字符串")
    floor = graphene.Int(description="楼层")
    room = graphene.String(required=True, description="房号")
    area = graphene.Decimal(required=True, description="专有面积（㎡），两位小数的十进制字符串，如 \"89.25\"")
    kind = graphene.Field(UnitKindEnum, required=True, description="房屋类型")

    @staticmethod
    def resolve_building(unit: Unit, info):
        return unit.building.name

    @staticmethod
    def resolve_kind(unit: Unit, info):
        return str(unit.kind)


@dataclass(frozen=True)
class UnitLink:
    """One unit of the current user: an active ownership link or a verified residency."""

    unit: Unit
    role: str
    verified: bool


class MyUnitType(graphene.ObjectType):
    """当前用户的一套房屋：有效的产权关系（业主/共有人）或已审核的租住登记"""

    class Meta:
        name = "MyUnit"

    unit_id = graphene.ID(required=True, description="房屋 ID（可用于 unit(id) 查询）")
    label = graphene.String(required=True, description="房屋名称，如“3栋-1单元-502”")
    community = graphene.Field(CommunityType, required=True, description="所属小区")
    community_code = graphene.String(required=True, description="小区编码")
    community_name = graphene.String(required=True, description="小区名称")
    building = graphene.String(required=True, description="楼栋名称")
    entrance = graphene.String(required=True, description="单元，无单元时为空字符串")
    floor = graphene.Int(description="楼层")
    room = graphene.String(required=True, description="房号")
    area = graphene.Decimal(required=True, description="专有面积（㎡），两位小数的十进制字符串，如 \"89.25\"")
    role = graphene.Field(UnitRoleChoices, required=True, description="与房屋的关系")
    role_label = graphene.String(required=True, description="关系的中文名称：业主/共有人/租户/住户")
    verified = graphene.Boolean(required=True, description="是否已认证（业主/共有人）或已审核（租户/住户）")

    @staticmethod
    def resolve_unit_id(link: UnitLink, info):
        return link.unit.pk

    @staticmethod
    def resolve_label(link: UnitLink, info):
        return link.unit.label

    @staticmethod
    def resolve_community(link: UnitLink, info):
        return link.unit.community

    @staticmethod
    def resolve_community_code(link: UnitLink, info):
        return link.unit.community.code

    @staticmethod
    def resolve_community_name(link: UnitLink, info):
        return link.unit.community.name

    @staticmethod
    def resolve_building(link: UnitLink, info):
        return link.unit.building.name

    @staticmethod
    def resolve_entrance(link: UnitLink, info):
        return link.unit.entrance

    @staticmethod
    def resolve_floor(link: UnitLink, info):
        return link.unit.floor

    @staticmethod
    def resolve_room(link: UnitLink, info):
        return link.unit.room

    @staticmethod
    def resolve_area(link: UnitLink, info):
        return link.unit.area

    @staticmethod
    def resolve_role_label(link: UnitLink, info):
        return UNIT_ROLE_LABELS[link.role]


class UnitApplicationType(graphene.ObjectType):
    """提交给工作人员审核的申请：共有人认证、租户登记或名册手机号更正"""

    class Meta:
        name = "UnitApplication"

    id = graphene.ID(required=True, description="申请 ID")
    kind = graphene.Field(UnitApplicationKindEnum, required=True, description="申请类型")
    status = graphene.Field(ApplicationStatusEnum, required=True, description="审核状态")
    unit = graphene.Field(UnitType, required=True, description="房屋")
    name = graphene.String(required=True, description="申请人填写的姓名")
    masked_phone = graphene.String(required=True, description="申请人填写的手机号（已脱敏）")
    has_proof = graphene.Boolean(required=True, description="是否附有证明材料")
    proof_url = graphene.String(description="证明材料的查看地址（需登录，仅申请人和审核人可打开）；未附时为 null")
    review_reason = graphene.String(required=True, description="驳回理由，未驳回时为空字符串")
    created_at = graphene.DateTime(required=True, description="提交时间")

    @staticmethod
    def resolve_kind(application: UnitApplication, info):
        return str(application.kind)

    @staticmethod
    def resolve_status(application: UnitApplication, info):
        return str(application.status)

    @staticmethod
    def resolve_has_proof(application: UnitApplication, info):
        return bool(application.proof)

    @staticmethod
    def resolve_proof_url(application: UnitApplication, info):
        if not application.proof:
            return None
        path = reverse("application_proof", args=[application.pk])
        return info.context.build_absolute_uri(path) if info.context is not None else path


# --- selectors used by the resolvers (one query per list) -------------------------------


def my_unit_links(user) -> list[UnitLink]:
    """Every active ownership of the user (verified or not) and every verified, active residency."""
    links = [
        UnitLink(
            unit=ownership.unit,
            role=str(ownership.role),
            verified=ownership.verified,
        )
        for ownership in selectors.my_ownerships(user)
    ]
    residencies = (
        Residency.objects.filter(user=user, verified=True, ends_on__isnull=True)
        .select_related("unit__building", "unit__community")
        .order_by("unit__community__code", "unit__building__sort_key", "unit__room")
    )
    links += [UnitLink(unit=r.unit, role=str(r.kind), verified=r.verified) for r in residencies]
    return links


def my_applications(user):
    return (
        UnitApplication.objects.filter(user=user)
        .select_related("unit__building", "unit__community")
        .order_by("-created_at", "-pk")
    )


def _require_user(info):
    user = current_user(info)
    if user is None:
        raise not_authenticated()
    return user


# --- queries ---------------------------------------------------------------------------


class RegistryQuery(graphene.ObjectType):
    communities = graphene.List(
        graphene.NonNull(CommunityType), required=True,
        description="全部小区（公开：只有编码和名称），用于业主认证时选择小区",
    )
    buildings = graphene.List(
        graphene.NonNull(BuildingType), required=True,
        community_code=graphene.String(required=True, description="小区编码"),
        description="某小区的楼栋（需登录），用于业主认证时选择楼栋；小区不存在时为空列表",
    )
    units = graphene.List(
        graphene.NonNull(UnitOptionType), required=True,
        community_code=graphene.String(required=True, description="小区编码"),
        building=graphene.String(required=True, description="楼栋名称"),
        description="某楼栋的房号（需登录），用于业主认证时选择房屋；不含业主信息",
    )
    unit = graphene.Field(
        UnitType,
        id=graphene.ID(required=True, description="房屋 ID"),
        description="一套房屋：仅当您属于该房屋所在小区时返回，否则为 null 并给出 NOT_FOUND 错误",
    )

    @staticmethod
    def resolve_communities(root, info) -> Iterable[Community]:
        return Community.objects.only("id", "code", "name").order_by("code")

    @staticmethod
    def resolve_buildings(root, info, community_code: str):
        _require_user(info)
        return Building.objects.filter(community__code=community_code).order_by("sort_key", "name")

    @staticmethod
    def resolve_units(root, info, community_code: str, building: str):
        _require_user(info)
        return (
            Unit.objects.filter(community__code=community_code, building__name=building.strip())
            .select_related("building")
            .order_by("entrance", "floor", "room")
        )

    @staticmethod
    def resolve_unit(root, info, id):
        user = _require_user(info)
        unit = None
        if parse_id(id) is not None:
            unit = selectors.units_for(user).select_related("community", "building").filter(pk=parse_id(id)).first()
        if unit is None:
            raise DomainError(ErrorCode.NOT_FOUND, "没有找到该房屋，或您无权查看。")
        return unit


# --- mutations -------------------------------------------------------------------------


def unit_arguments(**extra) -> dict:
    """The arguments that pick a unit as the user sees it, then `extra` (kept in this order in the SDL)."""
    return {
        "community_code": graphene.String(required=True, description="小区编码"),
        "building": graphene.String(required=True, description="楼栋名称"),
        "entrance": graphene.String(default_value="", description="单元；该楼栋没有单元或房号不重复时可省略"),
        "room": graphene.String(required=True, description="房号"),
        **extra,
    }


def application_arguments(**extra) -> dict:
    return unit_arguments(
        name=graphene.String(required=True, description="姓名"),
        phone=graphene.String(required=True, description="11 位手机号"),
        note=graphene.String(default_value="", description="补充说明"),
        **extra,
    )


def _find_unit(data: dict) -> Unit:
    return services.find_unit(
        community_code=data["community_code"], building=data["building"],
        entrance=data.get("entrance") or "", room=data["room"],
    )


class RequestOwnerVerificationCode(DomainMutation):
    """向业主名册登记的手机号发送认证验证码"""

    class Meta:
        name = "RequestOwnerVerificationCodePayload"
        arguments = unit_arguments()

    masked_phone = graphene.String(description="验证码发送到的手机号（已脱敏，如 138****1234）")

    @classmethod
    def perform(cls, root, info, *, user, **data):
        unit = _find_unit(data)
        masked = services.verification_request_code(user=user, unit=unit, ip=client_ip(info.context))
        return cls(masked_phone=masked)


class ConfirmOwnerVerification(DomainMutation):
    """提交验证码，完成业主认证"""

    class Meta:
        name = "ConfirmOwnerVerificationPayload"
        arguments = unit_arguments(code=graphene.String(required=True, description="短信验证码（6 位数字）"))

    unit = graphene.Field(MyUnitType, description="认证后的房屋")

    @classmethod
    def perform(cls, root, info, *, user, code: str, **data):
        unit = _find_unit(data)
        ownership: Ownership = services.verification_confirm(user=user, unit=unit, code=code)
        link = UnitLink(unit=unit, role=str(ownership.role), verified=ownership.verified)
        return cls(unit=link)


class ApplyCoOwner(DomainMutation):
    """共有人认证：上传房产证或结婚证等证明材料，等待工作人员审核"""

    class Meta:
        name = "ApplyCoOwnerPayload"
        arguments = application_arguments(
            proof=Upload(required=True, description="证明材料（JPG/PNG/WEBP/PDF，不超过 10 MB），以 multipart 方式上传"),
        )

    application = graphene.Field(UnitApplicationType, description="已提交的申请")

    @classmethod
    def perform(cls, root, info, *, user, name, phone, proof, note="", **data):
        unit = _find_unit(data)
        application = services.coowner_apply(user=user, unit=unit, name=name, phone=phone, proof=proof, note=note)
        return cls(application=application)


class RegisterTenant(DomainMutation):
    """租户/住户登记，等待工作人员审核"""

    class Meta:
        name = "RegisterTenantPayload"
        arguments = application_arguments(
            proof=Upload(description="可选的证明材料（如租赁合同），以 multipart 方式上传"),
        )

    application = graphene.Field(UnitApplicationType, description="已提交的申请")

    @classmethod
    def perform(cls, root, info, *, user, name, phone, note="", proof=None, **data):
        unit = _find_unit(data)
        application = services.tenant_register(user=user, unit=unit, name=name, phone=phone, note=note, proof=proof)
        return cls(application=application)


class RequestPhoneCorrection(DomainMutation):
    """名册手机号有误：申请居委会更正，等待审核"""

    class Meta:
        name = "RequestPhoneCorrectionPayload"
        arguments = application_arguments(
            proof=Upload(description="可选的证明材料（如房产证），以 multipart 方式上传"),
        )

    application = graphene.Field(UnitApplicationType, description="已提交的申请")

    @classmethod
    def perform(cls, root, info, *, user, name, phone, note="", proof=None, **data):
        unit = _find_unit(data)
        application = services.phone_correction_request(
            user=user, unit=unit, name=name, phone=phone, note=note, proof=proof
        )
        return cls(application=application)


class RegistryMutation(graphene.ObjectType):
    request_owner_verification_code = RequestOwnerVerificationCode.Field(
        description="业主认证第一步：向名册登记的业主手机号发送验证码"
    )
    confirm_owner_verification = ConfirmOwnerVerification.Field(description="业主认证第二步：提交验证码")
    apply_co_owner = ApplyCoOwner.Field(description="共有人认证申请（需上传证明材料）")
    register_tenant = RegisterTenant.Field(description="租户/住户登记申请")
    request_phone_correction = RequestPhoneCorrection.Field(description="申请更正业主名册中的手机号")

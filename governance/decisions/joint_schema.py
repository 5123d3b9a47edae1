"""Joint motions over GraphQL: list and read them, draft one, co-sign."""

from __future__ import annotations

import graphene

from governance.errors import DomainError, ErrorCode
from governance.registry.models import Community
from governance.registry.schema import CommunityType
from governance.registry import roles
from portal.graphql.auth import current_user
from portal.graphql.enums import enum_from_choices
from portal.graphql.errors import not_authenticated
from portal.graphql.mutations import DomainMutation

from .joint import community_totals, joint_motion_create, joint_motion_sign, joint_progress
from .models import JointMotion, JointMotionStatus, MatterType
from governance.voting.tally import cents_to_str

JointMotionStatusEnum = enum_from_choices("JointMotionStatus", JointMotionStatus, description="联名动议状态")
JointMatterTypeEnum = enum_from_choices("JointMatterType", MatterType, description="联名动议的事项类型")


def _user(info):
    user = current_user(info)
    if user is None:
        raise not_authenticated()
    return user


def _visible(user):
    return JointMotion.objects.filter(community__in=roles.communities_for(user)).select_related("community")


class JointMotionType(graphene.ObjectType):
    class Meta:
        name = "JointMotion"
        description = "联名动议：业主发起、其他业主联署；联署达到面积和人数比例后业委会须在期限内答复"

    id = graphene.ID(required=True, description="联名动议 ID")
    community = graphene.Field(CommunityType, required=True, description="所属小区")
    title = graphene.String(required=True, description="标题")
    content = graphene.String(required=True, description="内容")
    status = graphene.Field(JointMotionStatusEnum, required=True, description="状态")
    status_label = graphene.String(required=True, description="状态（中文）")
    signed_area = graphene.String(required=True, description="已联署的专有面积（㎡，两位小数）")
    signed_heads = graphene.Int(required=True, description="已联署人数（按表决权计）")
    total_area = graphene.String(required=True, description="小区总专有面积（㎡，两位小数）")
    total_heads = graphene.Int(required=True, description="小区总人数（按表决权计）")
    area_threshold = graphene.String(required=True, description="面积比例，如 1/5")
    heads_threshold = graphene.String(required=True, description="人数比例，如 1/5")
    reached = graphene.Boolean(required=True, description="是否已达联署比例（面积和人数均达到，含本数）")
    respond_by = graphene.DateTime(description="业委会答复期限；未达比例时为 null")
    signed_by_me = graphene.Boolean(required=True, description="我是否已联署")

    @staticmethod
    def resolve_status(joint, info):
        return joint.status

    @staticmethod
    def resolve_status_label(joint, info):
        return joint.get_status_display()

    @staticmethod
    def _progress(joint, info):
        cache = info.context.__dict__.setdefault("_joint_totals", {})
        if joint.community_id not in cache:
            cache[joint.community_id] = community_totals(joint.community)
        return joint_progress(joint, total=cache[joint.community_id])

    @staticmethod
    def resolve_signed_area(joint, info):
        return cents_to_str(JointMotionType._progress(joint, info).signed.cents)

    @staticmethod
    def resolve_signed_heads(joint, info):
        return JointMotionType._progress(joint, info).signed.heads

    @staticmethod
    def resolve_total_area(joint, info):
        return cents_to_str(JointMotionType._progress(joint, info).total.cents)

    @staticmethod
    def resolve_total_heads(joint, info):
        return JointMotionType._progress(joint, info).total.heads

    @staticmethod
    def resolve_reached(joint, info):
        return JointMotionType._progress(joint, info).reached

    @staticmethod
    def resolve_signed_by_me(joint, info):
        user = current_user(info)
        return bool(user) and joint.signatures.filter(user=user).exists()


class JointMotionQuery(graphene.ObjectType):
    joint_motions = graphene.List(
        graphene.NonNull(JointMotionType), required=True,
        community_code=graphene.String(description="小区编码；省略时为我所属的全部小区"),
        description="我所属小区的联名动议，新发起的在前（最多 50 条）",
    )
    joint_motion = graphene.Field(JointMotionType, id=graphene.ID(required=True),
                                  description="一项联名动议：仅当您属于其所在小区时返回，否则为 null 并给出 NOT_FOUND")

    @staticmethod
    def resolve_joint_motions(root, info, community_code=None):
        joints = _visible(_user(info))
        if community_code:
            joints = joints.filter(community__code=community_code)
        return list(joints.order_by("-created_at", "-pk")[:50])

    @staticmethod
    def resolve_joint_motion(root, info, id):
        joint = _visible(_user(info)).filter(pk=int(id)).first() if str(id).isdigit() else None
        if joint is None:
            raise DomainError(ErrorCode.NOT_FOUND, "没有找到该联名动议，或您无权查看。")
        return joint


class DraftJointMotion(DomainMutation):
    """发起联名动议（发起人自动联署）"""

    class Meta:
        name = "DraftJointMotionPayload"

    class Arguments:
        community_code = graphene.String(required=True, description="小区编码")
        title = graphene.String(required=True, description="标题")
        content = graphene.String(required=True, description="内容")
        matter_type = JointMatterTypeEnum(description="事项类型，默认“其他重大事项”")

    joint_motion = graphene.Field(JointMotionType)

    @classmethod
    def perform(cls, root, info, *, user, community_code, title, content, matter_type=None):
        community = roles.owned_communities(user).filter(code=community_code).first()
        if community is None:
            if Community.objects.filter(code=community_code).exists():
                raise DomainError(ErrorCode.NOT_VERIFIED, "只有本小区已认证的业主才能发起联名动议。")
            raise DomainError(ErrorCode.NOT_FOUND, "没有找到该小区。", field="community_code")
        joint = joint_motion_create(community=community, actor=user, title=title, content=content,
                                    matter_type=getattr(matter_type, "value", matter_type) or MatterType.OTHER)
        return cls(joint_motion=joint)


class SignJointMotion(DomainMutation):
    """联署一项联名动议（按表决权计，每个表决权只能联署一次）"""

    class Meta:
        name = "SignJointMotionPayload"

    class Arguments:
        joint_motion_id = graphene.ID(required=True, description="联名动议 ID")

    joint_motion = graphene.Field(JointMotionType)

    @classmethod
    def perform(cls, root, info, *, user, joint_motion_id):
        joint = _visible(user).filter(pk=int(joint_motion_id)).first() if str(joint_motion_id).isdigit() else None
        if joint is None:
            raise DomainError(ErrorCode.NOT_FOUND, "没有找到该联名动议，或您无权查看。", field="joint_motion_id")
        joint_motion_sign(joint=joint, actor=user)
        joint.refresh_from_db()
        return cls(joint_motion=joint)


class JointMotionMutation(graphene.ObjectType):
    draft_joint_motion = DraftJointMotion.Field(description="发起联名动议")
    sign_joint_motion = SignJointMotion.Field(description="联署联名动议")

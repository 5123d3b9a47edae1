"""GraphQL for owner decisions (业主共同决定): the motions an owner may vote on, a motion with its
result when it may be shown, and casting a ballot. Staff work happens in the Wagtail admin.

Loading: every root resolver fetches its motions through `motion_rows`, which prefetches the
caller's own voting rights (with their ballots and units) and the attachments, so nested
resolvers only read (`portal.graphql.loaders.prefetched`). Results of a list are counted for the
whole page at once by `ResultBatch` (two queries, counted and decided as
`selectors.motion_result` does), and the permission question behind a running result is asked once
per community and request. Query counts are pinned in tests/decisions/test_graphql.py.
"""

from __future__ import annotations

import graphene
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse

from governance.errors import DomainError, ErrorCode
from governance.decisions import permissions as decision_rules
from governance.registry.schema import CommunityType
from governance.voting import ballots
from governance.voting.schema import VerdictEnum, VoteAmountType
from governance.voting.tally import Result
from portal.graphql.auth import current_user
from portal.graphql.enums import enum_from_choices
from portal.graphql.errors import not_authenticated
from portal.graphql.loaders import per_request, prefetched
from portal.graphql.mutations import DomainMutation
from portal.graphql.upload import Upload
from portal.params import parse_id

from . import selectors, services
from .joint_schema import JointMotionMutation, JointMotionQuery
from .models import (
    Ballot,
    Channel,
    Choice,
    MatterType,
    Motion,
    MotionAttachment,
    MotionStatus,
    RollUnit,
    SignatureMethod,
    VotingRight,
)

# --- enums -----------------------------------------------------------------------------

MotionStatusEnum = enum_from_choices("MotionStatus", MotionStatus, "议事事项状态")
MatterTypeEnum = enum_from_choices("MatterType", MatterType, "事项类型（民法典第二百七十八条）")
SignatureMethodEnum = enum_from_choices("SignatureMethod", SignatureMethod, "签名方式")
BallotChoiceEnum = enum_from_choices("BallotChoice", Choice, "表决选项")
BallotChannelEnum = enum_from_choices("BallotChannel", Channel, "投票渠道")


RESULT_STATES = (MotionStatus.CLOSED, MotionStatus.ANNOUNCED)

DEFAULT_PAGE = 20
MAX_PAGE = 100


# --- reads (scoped through selectors.motions_for) ----------------------------------------


visible_motions = selectors.visible_motions


def my_rights(user):
    """The voting rights (of any motion) the user may cast: `selectors.rights_for_user` across motions."""
    from governance.registry.models import Ownership

    owned_units = Ownership.objects.filter(person__user=user, verified=True).values("unit_id")
    on_roll = RollUnit.objects.filter(right=OuterRef("pk"), unit_id__in=owned_units)
    return (VotingRight.objects.filter(persons__user=user).filter(Exists(on_roll)).distinct()
            .select_related("ballot").order_by("pk"))


def motion_rows(queryset, user):
    """Everything the types below read, loaded with the motions: community, own rights, attachments."""
    return queryset.select_related("community").prefetch_related(
        Prefetch("rights", queryset=my_rights(user).prefetch_related(
            Prefetch("roll_units", queryset=RollUnit.objects.order_by("pk")))),
        Prefetch("attachments", queryset=MotionAttachment.objects.order_by("pk")),
    )


def open_motions(user):
    """Motions in voting, before their deadline, in the user's communities, where the user can cast a right."""
    from django.utils import timezone

    return (visible_motions(user)
            .filter(status=MotionStatus.VOTING, closes_at__gt=timezone.now(), pk__in=my_rights(user).values("motion"))
            .order_by("closes_at", "pk"))


class ResultBatch:
    """A synchronous loader: the first result asked for counts every motion of the page that may show one."""

    def __init__(self, motions):
        self.motions = list(motions)
        self.results: dict[int, Result] | None = None

    def get(self, info, motion) -> Result:
        if self.results is None:
            wanted = [m for m in self.motions if result_visible(info, m)]
            self.results = selectors.motion_results(wanted)
        if motion.pk not in self.results:
            self.results[motion.pk] = selectors.motion_result(motion)
        return self.results[motion.pk]


def attach_batch(motions: list) -> list:
    batch = ResultBatch(motions)
    for motion in motions:
        motion._result_batch = batch
    return motions


def result_visible(info, motion) -> bool:
    """After close for everyone who reads the motion; before close only when `decision_rules.can_see_running_results`."""
    if motion.status in RESULT_STATES:
        return True
    if motion.status != MotionStatus.VOTING:
        return False
    user = current_user(info)
    key = f"decisions.running:{motion.community_id}:{motion.hide_running_results}"
    return per_request(info, key, lambda: bool(user) and decision_rules.can_see_running_results(user, motion))


def _require_user(info):
    user = current_user(info)
    if user is None:
        raise not_authenticated()
    return user


# --- types -----------------------------------------------------------------------------


class MotionResultType(graphene.ObjectType):
    """表决结果：由唯一的计票引擎按表决名册和选票计算"""

    class Meta:
        name = "MotionResult"

    total = graphene.Field(VoteAmountType, required=True, description="表决名册合计（总面积、总人数）")
    participating = graphene.Field(VoteAmountType, required=True,
                                   description="参与表决（同意、反对、弃权之和，不含废票）")
    agree = graphene.Field(VoteAmountType, required=True, description="同意")
    oppose = graphene.Field(VoteAmountType, required=True, description="反对")
    abstain = graphene.Field(VoteAmountType, required=True, description="弃权（计入参与表决，不计入同意）")
    void = graphene.Field(VoteAmountType, required=True, description="废票（不计入参与表决）")
    participation_met = graphene.Boolean(required=True, description="是否达到参与表决要求（面积和人数）")
    approval_met = graphene.Boolean(required=True, description="同意是否达到通过比例（面积和人数，以参与表决为基数）")
    approved = graphene.Boolean(required=True, description="动议是否获得通过（达到参与表决要求且同意达到通过比例）")
    verdict = graphene.Field(VerdictEnum, required=True, description="表决结论")
    verdict_label = graphene.String(required=True, description="表决结论的中文：通过 / 未通过 / 未达到参与表决要求")

    @staticmethod
    def resolve_verdict(result: Result, info):
        return result.verdict

    @staticmethod
    def resolve_verdict_label(result: Result, info):
        return result.verdict_label


class VoteRuleType(graphene.ObjectType):
    """本次表决使用的规则（随表决保存）"""

    class Meta:
        name = "VoteRule"

    participation_area = graphene.String(required=True, description="参与表决的面积比例（含本数），如 \"2/3\"")
    participation_heads = graphene.String(required=True, description="参与表决的人数比例（含本数），如 \"2/3\"")
    approval_area = graphene.String(required=True, description="同意的面积比例（占参与表决），如 \"1/2\"")
    approval_heads = graphene.String(required=True, description="同意的人数比例（占参与表决），如 \"1/2\"")
    approval_strict = graphene.Boolean(required=True,
                                       description="true 为“过”该比例（不含本数），false 为“以上”（含本数）")

    @staticmethod
    def resolve_participation_area(motion: Motion, info):
        return Motion.fraction_label(motion.participation_area)

    @staticmethod
    def resolve_participation_heads(motion: Motion, info):
        return Motion.fraction_label(motion.participation_heads)

    @staticmethod
    def resolve_approval_area(motion: Motion, info):
        return Motion.fraction_label(motion.approval_area)

    @staticmethod
    def resolve_approval_heads(motion: Motion, info):
        return Motion.fraction_label(motion.approval_heads)


class MyBallotType(graphene.ObjectType):
    """我（或共有人）为一项表决权投出的表决票"""

    class Meta:
        name = "MyBallot"

    choice = graphene.Field(BallotChoiceEnum, required=True, description="选项")
    choice_label = graphene.String(required=True, description="选项中文：同意 / 反对 / 弃权")
    channel = graphene.Field(BallotChannelEnum, required=True, description="渠道：线上或线下补录")
    void = graphene.Boolean(required=True, description="是否被认定为废票")
    void_reason = graphene.String(required=True, description="废票理由，非废票时为空字符串")
    revision = graphene.Int(required=True, description="改票次数")
    cast_at = graphene.DateTime(required=True, description="首次投票时间")
    updated_at = graphene.DateTime(required=True, description="最后更新时间")

    @staticmethod
    def resolve_choice(ballot: Ballot, info):
        return str(ballot.choice)

    @staticmethod
    def resolve_choice_label(ballot: Ballot, info):
        return str(ballot.get_choice_display())

    @staticmethod
    def resolve_channel(ballot: Ballot, info):
        return str(ballot.channel)


class MyVotingRightType(graphene.ObjectType):
    """表决名册中我可以行使的一项表决权（一人一票：我名下的房屋合并为一项）"""

    class Meta:
        name = "MyVotingRight"

    id = graphene.ID(required=True, description="表决权 ID（投票时使用）")
    label = graphene.String(required=True, description="表决权人，如“张三（多套）”")
    area = graphene.Decimal(required=True, description="该表决权的专有面积合计（㎡）")
    unit_labels = graphene.List(graphene.NonNull(graphene.String), required=True,
                                description="该表决权包含的房屋，如“1栋-1单元-502”")
    ballot = graphene.Field(MyBallotType, description="已投出的表决票；尚未投票时为 null")

    @staticmethod
    def resolve_unit_labels(right: VotingRight, info):
        return [unit.label for unit in prefetched(right, "roll_units")]

    @staticmethod
    def resolve_ballot(right: VotingRight, info):
        try:
            return right.ballot  # select_related by the root selector
        except Ballot.DoesNotExist:
            return None


class MotionAttachmentType(graphene.ObjectType):
    """议事事项的附件"""

    class Meta:
        name = "MotionAttachment"

    title = graphene.String(required=True, description="附件名称")
    url = graphene.String(required=True, description="查看地址（需登录，能看到该议事事项的人才能打开）")

    @staticmethod
    def resolve_url(attachment: MotionAttachment, info):
        path = reverse("motion_attachment", args=[attachment.pk])
        return info.context.build_absolute_uri(path) if info.context is not None else path


class MotionType(graphene.ObjectType):
    """议事事项（业主共同决定事项）"""

    class Meta:
        name = "Motion"

    id = graphene.ID(required=True, description="议事事项 ID")
    community = graphene.Field(CommunityType, required=True, description="所属小区")
    title = graphene.String(required=True, description="标题")
    content = graphene.String(required=True, description="内容")
    matter_type = graphene.Field(MatterTypeEnum, required=True, description="事项类型")
    matter_type_label = graphene.String(required=True, description="事项类型的中文名称")
    status = graphene.Field(MotionStatusEnum, required=True, description="状态")
    status_label = graphene.String(required=True, description="状态的中文名称，如“表决中”")
    opens_at = graphene.DateTime(required=True, description="表决开始时间")
    closes_at = graphene.DateTime(required=True, description="表决截止时间")
    signature_method = graphene.Field(SignatureMethodEnum, required=True, description="签名方式")
    allow_change = graphene.Boolean(required=True, description="截止前是否允许改票")
    rule = graphene.Field(VoteRuleType, required=True, description="表决规则")
    attachments = graphene.List(graphene.NonNull(MotionAttachmentType), required=True, description="附件（最多 5 个）")
    my_rights = graphene.List(
        graphene.NonNull(MyVotingRightType), required=True,
        description="我在本次表决名册中可以行使的表决权（已认证业主/共有人）；不在名册中时为空列表",
    )
    result = graphene.Field(
        MotionResultType,
        description="表决结果：截止或公告后对所有人可见；表决中仅在本次表决未隐藏实时结果时可见，否则为 null",
    )

    @staticmethod
    def resolve_matter_type(motion: Motion, info):
        return str(motion.matter_type)

    @staticmethod
    def resolve_matter_type_label(motion: Motion, info):
        return str(motion.get_matter_type_display())

    @staticmethod
    def resolve_status(motion: Motion, info):
        return str(motion.status)

    @staticmethod
    def resolve_status_label(motion: Motion, info):
        return str(motion.get_status_display())

    @staticmethod
    def resolve_signature_method(motion: Motion, info):
        return str(motion.signature_method)

    @staticmethod
    def resolve_rule(motion: Motion, info):
        return motion

    @staticmethod
    def resolve_attachments(motion: Motion, info):
        return prefetched(motion, "attachments")

    @staticmethod
    def resolve_my_rights(motion: Motion, info):
        # The root selector prefetched `rights` narrowed to the caller's own rights (`my_rights`).
        return prefetched(motion, "rights")

    @staticmethod
    def resolve_result(motion: Motion, info):
        if not result_visible(info, motion):
            return None
        batch = getattr(motion, "_result_batch", None)
        if batch is None:
            return selectors.motion_result(motion)
        return batch.get(info, motion)


# --- queries ---------------------------------------------------------------------------


def _enum_value(value):
    return getattr(value, "value", value)


class DecisionsQuery(JointMotionQuery, graphene.ObjectType):
    my_open_motions = graphene.List(
        graphene.NonNull(MotionType), required=True,
        description="我可以投票的表决：我所属小区中表决中且未到截止时间、我在表决名册中的议事事项，截止早的在前",
    )
    motion = graphene.Field(
        MotionType,
        id=graphene.ID(required=True, description="议事事项 ID"),
        description="一项议事事项：仅当您属于其所在小区时返回，否则为 null 并给出 NOT_FOUND 错误",
    )
    motions = graphene.List(
        graphene.NonNull(MotionType), required=True,
        community_code=graphene.String(description="小区编码；省略时为我所属的全部小区"),
        status=graphene.Argument(MotionStatusEnum, description="按状态筛选"),
        first=graphene.Int(default_value=DEFAULT_PAGE, description=f"返回条数，1–{MAX_PAGE}，默认 {DEFAULT_PAGE}"),
        offset=graphene.Int(default_value=0, description="跳过的条数，默认 0"),
        description="我所属小区的议事事项，开始时间晚的在前（草稿、待审核、已驳回的仅对业委会和居委会、街道工作人员可见）",
    )

    @staticmethod
    def resolve_my_open_motions(root, info):
        user = _require_user(info)
        return attach_batch(list(motion_rows(open_motions(user), user)))

    @staticmethod
    def resolve_motion(root, info, id):
        user = _require_user(info)
        motion = None
        if parse_id(id) is not None:
            motion = motion_rows(visible_motions(user).filter(pk=parse_id(id)), user).first()
        if motion is None:
            raise DomainError(ErrorCode.NOT_FOUND, "没有找到该议事事项，或您无权查看。")
        return motion

    @staticmethod
    def resolve_motions(root, info, community_code=None, status=None, first=DEFAULT_PAGE, offset=0):
        user = _require_user(info)
        if first is None or not 1 <= first <= MAX_PAGE:
            raise DomainError(ErrorCode.INVALID, f"first 必须在 1 到 {MAX_PAGE} 之间。", field="first")
        if offset is None or offset < 0:
            raise DomainError(ErrorCode.INVALID, "offset 不能为负数。", field="offset")
        motions = visible_motions(user)
        if community_code:
            motions = motions.filter(community__code=community_code)
        if status is not None:
            motions = motions.filter(status=_enum_value(status))
        motions = motions.order_by("-opens_at", "-pk")[offset:offset + first]
        return attach_batch(list(motion_rows(motions, user)))


# --- mutations -------------------------------------------------------------------------


def _right_for(user, right_id) -> VotingRight:
    """The right, looked up only among motions of the user's communities; otherwise the user's own reason."""
    right = None
    if parse_id(right_id) is not None:
        right = VotingRight.objects.filter(motion__in=selectors.motions_for(user), pk=parse_id(right_id)).first()
    if right is None:
        raise ballots.why_cannot_cast(user, words=ballots.MOTION_WORDS, field="right_id")
    return right


class CastBallot(DomainMutation):
    """投票；本次表决允许改票时，截止前再次投票即为改票（每次改票都记入留痕）"""

    class Meta:
        name = "CastBallotPayload"

    class Arguments:
        right_id = graphene.ID(required=True, description="表决权 ID（见 myOpenMotions.myRights）")
        choice = BallotChoiceEnum(required=True, description="选项")
        signature = Upload(
            description="手写电子签名图片（PNG/JPG，不超过 2 MB），本次表决要求签名时必填，以 multipart 方式上传")
        face_token = graphene.String(description="人脸核验凭证，本次表决要求人脸核验时必填")

    ballot = graphene.Field(MyBallotType, description="投出的表决票")
    right = graphene.Field(MyVotingRightType, description="该表决权（含最新的表决票）")

    @classmethod
    def perform(cls, root, info, *, user, right_id, choice, signature=None, face_token=None):
        right = _right_for(user, right_id)
        ballot = services.ballot_cast(right=right, choice=_enum_value(choice), actor=user, signature=signature,
                                      face_token=face_token or None)
        right = (VotingRight.objects.select_related("ballot")
                 .prefetch_related(Prefetch("roll_units", queryset=RollUnit.objects.order_by("pk")))
                 .get(pk=ballot.right_id))
        return cls(ballot=right.ballot, right=right)


class DecisionsMutation(JointMotionMutation, graphene.ObjectType):
    cast_ballot = CastBallot.Field(description="业主投票或改票（需已认证且在表决名册中）")

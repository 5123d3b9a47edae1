"""GraphQL for elections: my open elections, one election with its candidates and (after close) its result,
and casting an election ballot with typed errors. Assembled into the root schema in `portal/api.py`.

List fields are loaded by the root selector (`_rounds_for_graphql`): approved candidates, the user's rights
and their ballots are prefetched there, nested resolvers only read `prefetched()` rows.
"""

from __future__ import annotations


import graphene
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.errors import DomainError, ErrorCode
from governance.registry.roles import owned_communities
from governance.registry.schema import CommunityType
from governance.voting import ballots
from governance.voting.schema import VERDICT_LABELS, VerdictEnum, VoteAmountType, amount_from_dict
from portal.graphql.auth import current_user
from portal.graphql.enums import enum_from_choices
from portal.graphql.errors import not_authenticated
from portal.graphql.loaders import prefetched
from portal.graphql.mutations import DomainMutation
from portal.graphql.upload import Upload
from portal.params import parse_id

from . import selectors, services
from .models import (
    Candidate,
    CandidateStatus,
    Channel,
    ElectionBallot,
    ElectionKind,
    ElectionRight,
    ElectionRollUnit,
    ElectionRound,
    RoundStatus,
    SignatureMethod,
)

ElectionKindEnum = enum_from_choices("ElectionKind", ElectionKind, "选举类型")
ElectionStatusEnum = enum_from_choices("ElectionStatus", RoundStatus, "选举状态")
ElectionSignatureMethodEnum = enum_from_choices("ElectionSignatureMethod", SignatureMethod, "选票签名方式")
ElectionChannelEnum = enum_from_choices("ElectionBallotChannel", Channel, "选票渠道")
CandidateStatusEnum = enum_from_choices("ElectionCandidateStatus", CandidateStatus, "报名的审核状态")


class ElectionPhase(models.TextChoices):
    REGISTRATION = "registration", _("报名中：现在可以报名参选")
    VOTING = "voting", _("投票中：现在可以投票")


ElectionPhaseEnum = enum_from_choices("ElectionPhase", ElectionPhase, "选举现在可参与的阶段")


def election_phase(election: ElectionRound, now=None) -> str | None:
    """The phase an owner can act in now: registration (inside its window) or voting (before it closes)."""
    now = now or timezone.now()
    if election.status == RoundStatus.REGISTRATION and \
            election.registration_opens_at <= now < election.registration_closes_at:
        return str(ElectionPhase.REGISTRATION)
    if election.status == RoundStatus.VOTING and now < election.voting_closes_at:
        return str(ElectionPhase.VOTING)
    return None


def _require_user(info):
    user = current_user(info)
    if user is None:
        raise not_authenticated()
    return user


# --- types ------------------------------------------------------------------------------------------------


class ElectionCandidateType(graphene.ObjectType):
    """正式候选人（资格审查通过）"""

    class Meta:
        name = "ElectionCandidate"

    id = graphene.ID(required=True, description="候选人 ID，投票时作为 candidateIds 的元素")
    name = graphene.String(required=True, description="姓名")
    statement = graphene.String(required=True, description="参选陈述")


class ElectionCandidacyType(graphene.ObjectType):
    """本人的一次报名（候选人或筹备组成员），等待资格审查"""

    class Meta:
        name = "ElectionCandidacy"

    id = graphene.ID(required=True, description="报名 ID")
    name = graphene.String(required=True, description="报名所用姓名")
    statement = graphene.String(required=True, description="参选陈述")
    status = graphene.Field(CandidateStatusEnum, required=True, description="审核状态")
    signed = graphene.Boolean(required=True, description="是否附有手写签名")
    registered_at = graphene.DateTime(required=True, description="报名时间")

    @staticmethod
    def resolve_status(candidate: Candidate, info):
        return str(candidate.status)

    @staticmethod
    def resolve_signed(candidate: Candidate, info):
        return bool(candidate.signature)


class ElectionCandidateResultType(graphene.ObjectType):
    """一名候选人的得票"""

    class Meta:
        name = "ElectionCandidateResult"

    candidate = graphene.Field(ElectionCandidateType, required=True, description="候选人")
    support = graphene.Field(VoteAmountType, required=True, description="选择该候选人的有效票的面积与人数")
    rank = graphene.Int(required=True, description="名次（按人数、再按面积排序；相同得票名次相同）")
    majority = graphene.Boolean(required=True, description="是否获得参与投票面积和人数均过半数的支持（且参与人数达标）")
    elected = graphene.Boolean(required=True, description="是否当选")
    tied = graphene.Boolean(required=True, description="是否在名额线上票数并列、需要决选")


class ElectionResultType(graphene.ObjectType):
    """选举结果（投票截止后公布）"""

    class Meta:
        name = "ElectionResult"

    verdict = graphene.Field(VerdictEnum, required=True, description="选举结论：NO_QUORUM / RUNOFF / ELECTED / NONE_ELECTED")
    verdict_label = graphene.String(required=True, description="结论的中文说明")
    participation_met = graphene.Boolean(required=True, description="是否达到参与表决要求（面积和人数均 2/3 以上）")
    total = graphene.Field(VoteAmountType, required=True, description="表决名册总面积与总人数")
    participating = graphene.Field(VoteAmountType, required=True, description="参与投票（有效票）")
    void = graphene.Field(VoteAmountType, required=True, description="废票")
    candidates = graphene.List(graphene.NonNull(ElectionCandidateResultType), required=True,
                               description="每名候选人的得票，按名次排列")
    runoff_needed = graphene.Boolean(required=True, description="名额线上是否有并列、需要决选")
    open_seats = graphene.Int(required=True, description="并列候选人争夺的名额数（无并列时为 0）")


class ElectionBallotType(graphene.ObjectType):
    """一张选票（只对投票人本人可见）"""

    class Meta:
        name = "ElectionBallot"

    id = graphene.ID(required=True, description="选票 ID")
    channel = graphene.Field(ElectionChannelEnum, required=True, description="渠道：线上或线下补录")
    selections = graphene.List(graphene.NonNull(ElectionCandidateType), required=True, description="所选候选人")
    void = graphene.Boolean(required=True, description="是否被认定为废票")
    void_reason = graphene.String(required=True, description="废票理由")
    revision = graphene.Int(required=True, description="改票次数")
    cast_at = graphene.DateTime(required=True, description="首次投票时间")
    updated_at = graphene.DateTime(required=True, description="最后更新时间")

    @staticmethod
    def resolve_channel(ballot: ElectionBallot, info):
        return str(ballot.channel)

    @staticmethod
    def resolve_selections(ballot: ElectionBallot, info):
        return prefetched(ballot, "selections")


class MyElectionRightType(graphene.ObjectType):
    """当前用户可行使的一个表决权（一户一票：多套房屋的业主合并为一个表决权）"""

    class Meta:
        name = "MyElectionRight"

    id = graphene.ID(required=True, description="表决权 ID，投票时作为 rightId")
    label = graphene.String(required=True, description="表决权人")
    area = graphene.Decimal(required=True, description="专有面积（㎡）")
    ballot = graphene.Field(ElectionBallotType, description="已投的选票；未投票时为 null")

    @staticmethod
    def resolve_ballot(right: ElectionRight, info):
        try:
            return right.ballot
        except ElectionBallot.DoesNotExist:
            return None


class ElectionType(graphene.ObjectType):
    """一次选举（业委会选举或筹备组推选）"""

    class Meta:
        name = "Election"

    id = graphene.ID(required=True, description="选举 ID")
    title = graphene.String(required=True, description="标题")
    description = graphene.String(required=True, description="说明")
    kind = graphene.Field(ElectionKindEnum, required=True, description="类型")
    status = graphene.Field(ElectionStatusEnum, required=True, description="状态")
    phase = graphene.Field(ElectionPhaseEnum,
                           description="现在可参与的阶段：报名中（可报名）或投票中（可投票）；其他时候为 null")
    community = graphene.Field(CommunityType, required=True, description="小区")
    seats = graphene.Int(required=True, description="应选人数，也是每张选票最多可选的人数")
    registration_opens_at = graphene.DateTime(required=True, description="报名开始")
    registration_closes_at = graphene.DateTime(required=True, description="报名截止")
    voting_opens_at = graphene.DateTime(required=True, description="投票开始")
    voting_closes_at = graphene.DateTime(required=True, description="投票截止")
    signature_method = graphene.Field(ElectionSignatureMethodEnum, required=True, description="签名方式")
    allow_change = graphene.Boolean(required=True, description="截止前是否允许改票")
    candidates = graphene.List(graphene.NonNull(ElectionCandidateType), required=True,
                               description="正式候选人（资格审查通过）")
    my_rights = graphene.List(graphene.NonNull(MyElectionRightType), required=True,
                              description="当前用户在本次选举表决名册中的表决权（投票开始后才有）")
    result = graphene.Field(ElectionResultType, description="选举结果；投票截止前为 null")

    @staticmethod
    def resolve_kind(election: ElectionRound, info):
        return str(election.kind)

    @staticmethod
    def resolve_status(election: ElectionRound, info):
        return str(election.status)

    @staticmethod
    def resolve_phase(election: ElectionRound, info):
        return election_phase(election)

    @staticmethod
    def resolve_signature_method(election: ElectionRound, info):
        return str(election.signature_method)

    @staticmethod
    def resolve_candidates(election: ElectionRound, info):
        return prefetched(election, "candidates")

    @staticmethod
    def resolve_my_rights(election: ElectionRound, info):
        return prefetched(election, "rights")

    @staticmethod
    def resolve_result(election: ElectionRound, info):
        if election.status not in selectors.RESULT_STATES or not election.result:
            return None
        data = election.result
        by_id = {str(c.pk): c for c in prefetched(election, "candidates")}
        return {
            "verdict": data["verdict"], "verdict_label": VERDICT_LABELS[data["verdict"]],
            "participation_met": data["participation_met"],
            "total": amount_from_dict(data["total"]),
            "participating": amount_from_dict(data["participating"]),
            "void": amount_from_dict(data["void"]),
            "candidates": [
                {"candidate": by_id[row["candidate"]], "support": amount_from_dict(row["support"]),
                 "rank": row["rank"], "majority": row["majority"], "elected": row["elected"], "tied": row["tied"]}
                for row in data["candidates"] if row["candidate"] in by_id
            ],
            "runoff_needed": data["runoff_needed"], "open_seats": data["open_seats"],
        }


# --- the root selector ----------------------------------------------------------------------------------


def _my_rights_queryset(user):
    from governance.registry.models import Ownership

    owned_units = Ownership.objects.filter(person__user=user, verified=True).values("unit_id")
    on_roll = ElectionRollUnit.objects.filter(right=OuterRef("pk"), unit_id__in=owned_units)
    return (ElectionRight.objects.filter(persons__user=user).filter(Exists(on_roll)).distinct()
            .select_related("ballot").prefetch_related(
                Prefetch("ballot__selections", queryset=Candidate.objects.order_by("pk")))
            .order_by("pk"))


def _rounds_for_graphql(user, queryset):
    return queryset.select_related("community").prefetch_related(
        Prefetch("candidates", queryset=Candidate.objects.filter(status=CandidateStatus.APPROVED)
                 .order_by("registered_at", "pk")),
        Prefetch("rights", queryset=_my_rights_queryset(user)),
    )


# --- queries ---------------------------------------------------------------------------------------------


class ElectionsQuery(graphene.ObjectType):
    my_open_elections = graphene.List(
        graphene.NonNull(ElectionType), required=True,
        description="当前用户现在可以参与的选举：报名中且本人可报名（本小区已认证业主），或投票中且本人在表决名册中；"
                    "按投票截止时间排列，phase 给出所处阶段",
    )
    election = graphene.Field(
        ElectionType, id=graphene.ID(required=True, description="选举 ID"),
        description="一次选举：仅当您属于该小区时返回，否则为 null 并给出 NOT_FOUND 错误",
    )

    @staticmethod
    def resolve_my_open_elections(root, info):
        user = _require_user(info)
        now = timezone.now()
        voting = Q(status=RoundStatus.VOTING, rights__in=_my_rights_queryset(user))
        registering = Q(status=RoundStatus.REGISTRATION, registration_opens_at__lte=now,
                        registration_closes_at__gt=now, community__in=owned_communities(user))
        rounds = selectors.rounds_for(user).filter(voting | registering).distinct().order_by("voting_closes_at", "pk")
        return list(_rounds_for_graphql(user, rounds))

    @staticmethod
    def resolve_election(root, info, id):
        user = _require_user(info)
        election = None
        if parse_id(id) is not None:
            election = _rounds_for_graphql(user, selectors.public_rounds_for(user)).filter(pk=parse_id(id)).first()
        if election is None:
            raise DomainError(ErrorCode.NOT_FOUND, "没有找到该选举，或您无权查看。")
        return election


# --- mutations -------------------------------------------------------------------------------------------


def _ids(values, *, field: str) -> list[int]:
    out = []
    for value in values or ():
        if not str(value).isdigit():
            raise DomainError(ErrorCode.NOT_A_CANDIDATE, "所选的不是本次选举的正式候选人。", field=field)
        out.append(int(value))
    return out


class CastElectionBallot(DomainMutation):
    """投出（或在允许时修改）一张选票：最多选择应选人数的正式候选人"""

    class Meta:
        name = "CastElectionBallotPayload"

    class Arguments:
        election_id = graphene.ID(required=True, description="选举 ID")
        candidate_ids = graphene.List(graphene.NonNull(graphene.ID), required=True,
                                      description="所选候选人 ID，最多为应选人数；空列表表示弃权（计入参与投票）")
        right_id = graphene.ID(description="表决权 ID；只有一个表决权时可省略")
        signature = Upload(description="手写签名 PNG（签名方式需要时必填），以 multipart 方式上传")
        face_token = graphene.String(description="人脸核验凭证（签名方式为电子签名 + 人脸核验时必填）")

    ballot = graphene.Field(ElectionBallotType, description="投出的选票")

    @classmethod
    def perform(cls, root, info, *, user, election_id, candidate_ids, right_id=None, signature=None,
                face_token=None):
        election = None
        if parse_id(election_id) is not None:
            election = selectors.public_rounds_for(user).select_related("community").filter(
                pk=parse_id(election_id)).first()
        if election is None:
            raise DomainError(ErrorCode.NOT_FOUND, "没有找到该选举，或您无权查看。", field="election_id")
        rights = selectors.rights_for_user(election, user)
        if right_id is not None:
            rights = rights.filter(pk=parse_id(right_id)) if parse_id(right_id) is not None else rights.none()
        rights = list(rights[:2])
        if not rights:
            refusal = ballots.why_cannot_cast(user, election.community, words=ballots.ELECTION_WORDS)
            if refusal.code == ErrorCode.NOT_ON_ROLL:
                if election.status != RoundStatus.VOTING:
                    raise DomainError(ErrorCode.WINDOW_CLOSED, "不在投票时间内。")
                refusal.field = "right_id"
            raise refusal
        if len(rights) > 1:
            raise DomainError(ErrorCode.INVALID, "您有多个表决权，请指定 rightId。", field="right_id")
        try:
            ballot = services.election_ballot_cast(
                right=rights[0], candidates=_ids(candidate_ids, field="candidate_ids"), actor=user,
                signature=signature, face_token=face_token)
        except DomainError as error:
            if error.field == "candidates":
                error.field = "candidate_ids"
            raise
        ballot = ElectionBallot.objects.prefetch_related(
            Prefetch("selections", queryset=Candidate.objects.order_by("pk"))).get(pk=ballot.pk)
        return cls(ballot=ballot)


class RegisterCandidate(DomainMutation):
    """报名参选业委会委员，或报名筹备组成员（筹备组须手写签名），与门户的报名表相同，报名后等待资格审查"""

    class Meta:
        name = "RegisterCandidatePayload"

    class Arguments:
        election_id = graphene.ID(required=True, description="选举 ID（筹备组推选也用其选举 ID）")
        statement = graphene.String(default_value="", description="参选陈述")
        name = graphene.String(description="报名所用姓名；省略时用业主名册中的姓名")
        signature = Upload(description="手写签名 PNG（报名筹备组时必填），以 multipart 方式上传")

    candidacy = graphene.Field(ElectionCandidacyType, description="本人的报名")

    @classmethod
    def perform(cls, root, info, *, user, election_id, statement="", name=None, signature=None):
        election = None
        if parse_id(election_id) is not None:
            election = selectors.public_rounds_for(user).select_related("community").filter(
                pk=parse_id(election_id)).first()
        if election is None:
            raise DomainError(ErrorCode.NOT_FOUND, "没有找到该选举，或您无权查看。", field="election_id")
        candidate = services.candidate_register(election=election, actor=user, statement=statement,
                                                name=name or None, signature=signature)
        return cls(candidacy=candidate)


class ElectionsMutation(graphene.ObjectType):
    cast_election_ballot = CastElectionBallot.Field(description="业委会选举 / 筹备组推选投票")
    register_candidate = RegisterCandidate.Field(description="报名参选业委会委员 / 报名筹备组成员")

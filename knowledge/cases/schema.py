"""GraphQL of case submissions (案例投稿), assembled into portal/api.py.

`myCaseSubmissions` is one query (page and community joined, the workflow state annotated, see
`selectors.with_review`); nested resolvers only read attributes. A submission is visible to its submitter,
editors and superusers; anyone else gets NOT_FOUND, as on the portal.
"""

from __future__ import annotations

import graphene

from governance.errors import DomainError, ErrorCode
from governance.registry.models import Community
from governance.registry.schema import CommunityType
from portal.graphql.auth import current_user
from portal.graphql.enums import enum_from_choices
from portal.graphql.errors import not_authenticated
from portal.graphql.mutations import DomainMutation

from . import permissions, selectors, services
from .models import CaseKind, CaseStatus, CaseSubmission

CaseStatusEnum = enum_from_choices("CaseStatus", CaseStatus, "案例投稿的状态（由文章页面及其审核流程得出）")
CaseKindEnum = enum_from_choices("CaseKind", CaseKind, "案例投稿的类型")


def _require_user(info):
    user = current_user(info)
    if user is None:
        raise not_authenticated()
    return user


def _visible(user, submission_id) -> CaseSubmission:
    submission = selectors.visible_submission(user, submission_id)
    if submission is None:
        raise DomainError(ErrorCode.NOT_FOUND, services.NOT_FOUND_MESSAGE, field="id")
    return submission


def _reloaded(user, submission) -> CaseSubmission:
    """The submission read again with its review state, after a service changed it."""
    return _visible(user, submission.pk)


def _community(code) -> Community | None:
    code = (code or "").strip()
    if not code:
        return None
    community = Community.objects.filter(code=code).first()
    if community is None:
        raise DomainError(ErrorCode.INVALID, "请选择您所在的小区。", field="community_code")
    return community


def _enum_value(value):
    return getattr(value, "value", value)


class CaseSubmissionType(graphene.ObjectType):
    """一篇案例投稿：投稿人写的内容、审核状态、退回时的审核意见、发布后的文章地址"""

    class Meta:
        name = "CaseSubmission"

    id = graphene.ID(required=True, description="投稿 ID")
    kind = graphene.Field(CaseKindEnum, required=True, description="类型：案例或争议处理")
    title = graphene.String(required=True, description="标题（5–80 个字）")
    background = graphene.String(required=True, description="背景")
    dispute = graphene.String(required=True, description="争议焦点")
    handling = graphene.String(required=True, description="处理经过")
    outcome = graphene.String(required=True, description="结果")
    lessons = graphene.String(required=True, description="启示；未填写时为空字符串")
    community = graphene.Field(CommunityType, description="所属小区；未选择时为空")
    status = graphene.Field(CaseStatusEnum, required=True, description="状态：审核中、退回修改、已发布、已撤回")
    status_label = graphene.String(required=True, description="状态的中文名称")
    moderator_comment = graphene.String(description="审核人的意见：仅在“退回修改”时给出，否则为空")
    article_url = graphene.String(description="已发布文章的地址：仅在“已发布”时给出，否则为空")
    can_edit = graphene.Boolean(required=True, description="当前用户能否修改后重新提交（投稿人，且已退回修改）")
    can_withdraw = graphene.Boolean(required=True, description="当前用户能否撤回（投稿人，且审核中或退回修改）")
    created_at = graphene.DateTime(required=True, description="投稿时间")
    updated_at = graphene.DateTime(required=True, description="最近修改时间")
    withdrawn_at = graphene.DateTime(description="投稿人撤回的时间；未撤回时为空")

    @staticmethod
    def resolve_kind(submission, info):
        return str(submission.kind)

    @staticmethod
    def resolve_status(submission, info):
        return str(submission.review.status)

    @staticmethod
    def resolve_status_label(submission, info):
        return submission.review.label

    @staticmethod
    def resolve_moderator_comment(submission, info):
        if submission.review.status != CaseStatus.CHANGES_REQUESTED:
            return None
        return submission.review.comment

    @staticmethod
    def resolve_article_url(submission, info):
        url = selectors.article_url(submission, request=info.context)
        if not url:
            return None
        request = info.context
        if url.startswith(("http://", "https://")) or request is None:
            return url
        return request.build_absolute_uri(url)

    @staticmethod
    def resolve_can_edit(submission, info):
        user = current_user(info)
        return (permissions.can_change_case(user, submission)
                and submission.review.status == CaseStatus.CHANGES_REQUESTED)

    @staticmethod
    def resolve_can_withdraw(submission, info):
        user = current_user(info)
        return (permissions.can_change_case(user, submission)
                and submission.review.status in (CaseStatus.IN_REVIEW, CaseStatus.CHANGES_REQUESTED))


class CasesQuery(graphene.ObjectType):
    my_case_submissions = graphene.List(
        graphene.NonNull(CaseSubmissionType), required=True, description="我的案例投稿，最新的在前",
    )
    case_submission = graphene.Field(
        CaseSubmissionType, id=graphene.ID(required=True, description="投稿 ID"),
        description="一篇案例投稿：仅投稿人、内容编辑和超级管理员可见，否则给出 NOT_FOUND 错误",
    )

    @staticmethod
    def resolve_my_case_submissions(root, info):
        user = _require_user(info)
        return list(selectors.my_submissions(user))

    @staticmethod
    def resolve_case_submission(root, info, id):
        user = _require_user(info)
        return _visible(user, id)


class CaseFields:
    """The arguments of submitCase and updateCase."""

    kind = CaseKindEnum(default_value=CaseKind.CASE.value, description="类型：案例（默认）或争议处理")
    title = graphene.String(required=True, description="标题，5–80 个字")
    background = graphene.String(required=True, description="背景，必填，不超过 3000 字")
    dispute = graphene.String(required=True, description="争议焦点，必填，不超过 3000 字")
    handling = graphene.String(required=True, description="处理经过，必填，不超过 3000 字")
    outcome = graphene.String(required=True, description="结果，必填，不超过 3000 字")
    lessons = graphene.String(default_value="", description="启示，选填，不超过 2000 字")
    community_code = graphene.String(description="所在小区的编码（须为本人所在的小区）；不填则不关联小区，也收不到站内消息")


def _case_arguments(data: dict) -> dict:
    return {
        "kind": _enum_value(data.get("kind")) or CaseKind.CASE,
        "title": data["title"], "background": data["background"], "dispute": data["dispute"],
        "handling": data["handling"], "outcome": data["outcome"], "lessons": data.get("lessons") or "",
        "community": _community(data.get("community_code")),
    }


def _calling(service, **kwargs):
    """Call a service; its `community` field is the `communityCode` argument here."""
    try:
        return service(**kwargs)
    except DomainError as error:
        if error.field == "community":
            error.field = "community_code"
        raise


class SubmitCase(DomainMutation):
    """提交案例投稿：生成待审核的文章草稿并进入编辑审核流程。不得含手机号、身份证号（INVALID）；
    审核中的投稿已达上限时 RATE_LIMITED；不属于任何小区时 PERMISSION_DENIED"""

    class Meta:
        name = "SubmitCasePayload"

    class Arguments(CaseFields):
        pass

    case_submission = graphene.Field(CaseSubmissionType, description="提交的投稿")

    @classmethod
    def perform(cls, root, info, *, user, **data):
        submission = _calling(services.case_submit, actor=user, **_case_arguments(data))
        return cls(case_submission=_reloaded(user, submission))


class UpdateCase(DomainMutation):
    """修改被退回的投稿并重新提交审核。非投稿人 NOT_FOUND / PERMISSION_DENIED；不是“退回修改”状态时 INVALID"""

    class Meta:
        name = "UpdateCasePayload"

    class Arguments(CaseFields):
        id = graphene.ID(required=True, description="投稿 ID")

    case_submission = graphene.Field(CaseSubmissionType, description="重新提交后的投稿")

    @classmethod
    def perform(cls, root, info, *, user, id, **data):
        submission = _visible(user, id)
        submission = _calling(services.case_update, actor=user, submission=submission, **_case_arguments(data))
        return cls(case_submission=_reloaded(user, submission))


class WithdrawCase(DomainMutation):
    """撤回审核中或退回修改的投稿（审核流程取消，草稿不发布）。非投稿人 NOT_FOUND / PERMISSION_DENIED"""

    class Meta:
        name = "WithdrawCasePayload"

    class Arguments:
        id = graphene.ID(required=True, description="投稿 ID")

    case_submission = graphene.Field(CaseSubmissionType, description="撤回后的投稿")

    @classmethod
    def perform(cls, root, info, *, user, id):
        submission = services.case_withdraw(actor=user, submission=_visible(user, id))
        return cls(case_submission=_reloaded(user, submission))


class CasesMutation(graphene.ObjectType):
    submit_case = SubmitCase.Field(description="提交案例投稿")
    update_case = UpdateCase.Field(description="修改后重新提交被退回的案例投稿")
    withdraw_case = WithdrawCase.Field(description="撤回案例投稿")

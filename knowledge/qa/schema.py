"""GraphQL of 业委会问答, assembled into portal/api.py: `questions` (search, 待解决/已解决, mine; total count),
`question`, and the mutations `askQuestion`, `answerQuestion`, `acceptAnswer`, `reportPost`.

Reading is public, like the portal. A list is read in a fixed number of queries: the count, the page (with
community and author), the answers the viewer may see (with their authors) in one prefetch, and the viewer's
roles once per request; nested resolvers only read attributes (`prefetched()`).
"""

from __future__ import annotations

import graphene

from governance.errors import DomainError, ErrorCode
from governance.registry.models import Community
from governance.registry.schema import CommunityType
from portal.graphql.auth import current_user
from portal.graphql.enums import enum_from_choices
from portal.graphql.errors import not_authenticated
from portal.graphql.loaders import per_request, prefetched
from portal.graphql.mutations import DomainMutation
from portal.params import parse_id

from . import permissions, selectors, services
from .models import PostStatus, Question, ReportReason

MAX_LIMIT = 50

QAPostStatusEnum = enum_from_choices("QAPostStatus", PostStatus, "问答内容的状态：显示或已隐藏")
QAReportReasonEnum = enum_from_choices("QAReportReason", ReportReason, "举报原因")


def _is_moderator(info) -> bool:
    return per_request(info, "qa.is_moderator", lambda: permissions.is_moderator(current_user(info)))


def _can_answer(info) -> bool:
    return per_request(info, "qa.can_answer", lambda: permissions.can_answer(current_user(info)))


def _viewer_id(info):
    user = current_user(info)
    return user.pk if user is not None else None


def _pk(value, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError(ErrorCode.NOT_FOUND, "对象不存在或不在您的可见范围内。", field=field) from None


class QAAuthorType(graphene.ObjectType):
    """问答内容的作者（只显示名称，手机号已脱敏）"""

    class Meta:
        name = "QAAuthor"

    name = graphene.String(required=True, description="显示名称；未设置时为脱敏手机号")

    @staticmethod
    def resolve_name(user, info):
        return str(user)


class QAAnswerType(graphene.ObjectType):
    """问题下的一个回答"""

    class Meta:
        name = "QAAnswer"

    id = graphene.ID(required=True, description="回答 ID")
    body = graphene.String(required=True, description="回答内容（纯文本）")
    author = graphene.Field(QAAuthorType, required=True, description="回答人")
    status = graphene.Field(QAPostStatusEnum, required=True, description="状态；已隐藏的回答只有作者和管理员能看到")
    hidden_reason = graphene.String(required=True, description="隐藏原因；显示中的回答为空字符串")
    accepted = graphene.Boolean(required=True, description="是否为提问人采纳的回答")
    is_mine = graphene.Boolean(required=True, description="是否为当前用户的回答")
    created_at = graphene.DateTime(required=True, description="回答时间")

    @staticmethod
    def resolve_status(answer, info):
        return str(answer.status)

    @staticmethod
    def resolve_accepted(answer, info):
        return answer.pk == answer.question.shown_accepted_answer_id  # the question is cached by the prefetch

    @staticmethod
    def resolve_is_mine(answer, info):
        return answer.author_id == _viewer_id(info)


class QAQuestionType(graphene.ObjectType):
    """业委会问答中的一个问题"""

    class Meta:
        name = "QAQuestion"

    id = graphene.ID(required=True, description="问题 ID")
    title = graphene.String(required=True, description="标题")
    body = graphene.String(required=True, description="补充说明（纯文本），可为空字符串")
    url = graphene.String(required=True, description="门户上的问题页面地址")
    community = graphene.Field(CommunityType, required=True, description="提问人所在业委会的小区（“来自 ××小区”）")
    author = graphene.Field(QAAuthorType, required=True, description="提问人")
    status = graphene.Field(QAPostStatusEnum, required=True, description="状态；已隐藏的问题只有提问人和管理员能看到")
    hidden_reason = graphene.String(required=True, description="隐藏原因；显示中的问题为空字符串")
    solved = graphene.Boolean(required=True, description="是否已解决（有被采纳且仍显示的回答）")
    accepted_answer_id = graphene.ID(description="被采纳的回答 ID；未解决时为空")
    answer_count = graphene.Int(required=True, description="显示中的回答数")
    answers = graphene.List(graphene.NonNull(QAAnswerType), required=True,
                            description="当前用户能看到的回答，被采纳的在前，其余按时间先后")
    is_mine = graphene.Boolean(required=True, description="是否为当前用户提的问题")
    can_answer = graphene.Boolean(required=True, description="当前用户现在能否回答")
    can_accept = graphene.Boolean(required=True, description="当前用户能否采纳回答（仅提问人）")
    created_at = graphene.DateTime(required=True, description="提问时间")
    last_activity_at = graphene.DateTime(required=True, description="最后活动时间（新回答、采纳）")

    @staticmethod
    def resolve_url(question, info):
        return question.get_absolute_url()

    @staticmethod
    def resolve_status(question, info):
        return str(question.status)

    @staticmethod
    def resolve_solved(question, info):
        return question.shown_accepted_answer_id is not None

    @staticmethod
    def resolve_accepted_answer_id(question, info):
        return question.shown_accepted_answer_id

    @staticmethod
    def resolve_answers(question, info):
        return selectors.ordered_answers(question, prefetched(question, "answers"))

    @staticmethod
    def resolve_is_mine(question, info):
        return question.author_id == _viewer_id(info)

    @staticmethod
    def resolve_can_answer(question, info):
        return question.is_visible and _can_answer(info)

    @staticmethod
    def resolve_can_accept(question, info):
        viewer_id = _viewer_id(info)
        return question.is_visible and viewer_id is not None and question.author_id == viewer_id


class QAQuestionListType(graphene.ObjectType):
    """一页问题及总数"""

    class Meta:
        name = "QAQuestionList"

    total_count = graphene.Int(required=True, description="符合条件的问题总数")
    items = graphene.List(graphene.NonNull(QAQuestionType), required=True, description="本页的问题")


def _question_out(user, pk) -> Question:
    """A question as the types read it: community, author and the viewer's answers loaded."""
    question = selectors.with_answers(selectors.readable_questions(user), user).select_related(
        "community", "author").filter(pk=pk).first()
    if question is None:
        raise DomainError(ErrorCode.NOT_FOUND, "问题不存在或已被隐藏。", field="question_id")
    return question


class QAQuery(graphene.ObjectType):
    questions = graphene.Field(
        QAQuestionListType,
        required=True,
        query=graphene.String(description="搜索词（中文分词，搜索标题、补充说明和回答）；为空时按最后活动时间排序"),
        solved=graphene.Boolean(description="true：已解决；false：待解决；不填：全部"),
        mine=graphene.Boolean(default_value=False, description="只看我提的问题（含被隐藏的），须登录"),
        limit=graphene.Int(default_value=20, description=f"每页条数，1–{MAX_LIMIT}"),
        offset=graphene.Int(default_value=0, description="跳过条数"),
        description="业委会问答的问题列表（公开；已隐藏的问题只出现在提问人自己的“我的”列表中）",
    )
    question = graphene.Field(QAQuestionType, id=graphene.ID(required=True),
                              description="一个问题及其回答；不存在或已隐藏（提问人和管理员除外）时为空")

    @staticmethod
    def resolve_questions(root, info, query=None, solved=None, mine=False, limit=20, offset=0):
        user = current_user(info)
        if mine and user is None:
            raise not_authenticated()
        if limit is None or not 1 <= limit <= MAX_LIMIT:
            raise DomainError(ErrorCode.INVALID, f"limit 须在 1 到 {MAX_LIMIT} 之间。", field="limit")
        if offset is None or offset < 0:
            raise DomainError(ErrorCode.INVALID, "offset 不能为负数。", field="offset")
        results = selectors.question_list(user=user, query=query or "", solved=solved, mine=bool(mine))
        items = selectors.load_answers(list(results[offset:offset + limit]), user)
        return QAQuestionListType(total_count=results.count(), items=items)

    @staticmethod
    def resolve_question(root, info, id):
        user = current_user(info)
        pk = parse_id(id)
        if pk is None:
            return None
        return selectors.with_answers(selectors.readable_questions(user), user).select_related(
            "community", "author").filter(pk=pk).first()


class AskQuestion(DomainMutation):
    """提问（本小区在任的业委会委员或执行秘书；24 小时内有次数上限）"""

    class Arguments:
        title = graphene.String(required=True, description="标题，5–120 个字")
        body = graphene.String(description="补充说明，最多 5000 个字")
        community_code = graphene.String(description="以哪个小区业委会的身份提问；只在一个小区任职时可不填")

    question = graphene.Field(QAQuestionType, description="新提的问题")

    @classmethod
    def perform(cls, root, info, *, user, title, body="", community_code=None):
        communities = list(permissions.ask_communities(user))
        if community_code:
            community = Community.objects.filter(code=community_code.strip()).first()
            if community is None:
                raise DomainError(ErrorCode.NOT_FOUND, "没有找到该小区。", field="community_code")
        elif len(communities) == 1:
            community = communities[0]
        elif communities:
            raise DomainError(ErrorCode.INVALID, "请选择以哪个小区业委会的身份提问。", field="community_code")
        else:
            community = None
        try:
            question = services.question_ask(author=user, community=community, title=title, body=body or "")
        except DomainError as error:
            if error.field == "community":  # the service's field is this mutation's communityCode
                raise DomainError(error.code, error.message, field="community_code") from error
            raise
        return cls(question=_question_out(user, question.pk))


class AnswerQuestion(DomainMutation):
    """回答问题（业委会委员、执行秘书、专家顾问）；提问人会收到站内消息"""

    class Arguments:
        question_id = graphene.ID(required=True, description="问题 ID")
        body = graphene.String(required=True, description="回答内容，2–5000 个字")

    answer = graphene.Field(QAAnswerType, description="新的回答")
    question = graphene.Field(QAQuestionType, description="回答后的问题")

    @classmethod
    def perform(cls, root, info, *, user, question_id, body):
        question = selectors.question_for(user, _pk(question_id, "question_id"))
        if question is None:
            raise DomainError(ErrorCode.NOT_FOUND, "问题不存在或已被隐藏。", field="question_id")
        answer = services.answer_post(question=question, author=user, body=body)
        question = _question_out(user, question.pk)
        answer = next(a for a in prefetched(question, "answers") if a.pk == answer.pk)
        return cls(answer=answer, question=question)


class AcceptAnswer(DomainMutation):
    """采纳或取消采纳一个回答（仅提问人）；同一时间只有一个被采纳的回答"""

    class Arguments:
        answer_id = graphene.ID(required=True, description="回答 ID")
        accept = graphene.Boolean(default_value=True, description="true 采纳（替换之前采纳的），false 取消采纳")

    question = graphene.Field(QAQuestionType, description="采纳后的问题")

    @classmethod
    def perform(cls, root, info, *, user, answer_id, accept=True):
        answer = selectors.answer_for(user, _pk(answer_id, "answer_id"))
        if answer is None:
            raise DomainError(ErrorCode.NOT_FOUND, "回答不存在或已被隐藏。", field="answer_id")
        question = services.answer_accept(answer=answer, actor=user, accept=bool(accept))
        return cls(question=_question_out(user, question.pk))


class ReportPost(DomainMutation):
    """举报一个问题或回答（二选一）；同一内容每人只能举报一次，被多人举报后自动隐藏待审核"""

    class Arguments:
        question_id = graphene.ID(description="被举报的问题 ID")
        answer_id = graphene.ID(description="被举报的回答 ID")
        reason = graphene.Argument(QAReportReasonEnum, required=True, description="举报原因")
        note = graphene.String(description="补充说明，最多 500 个字")

    report_id = graphene.ID(description="举报记录 ID")

    @classmethod
    def perform(cls, root, info, *, user, reason, question_id=None, answer_id=None, note=""):
        if (question_id is None) == (answer_id is None):
            raise DomainError(ErrorCode.INVALID, "请指定要举报的问题或回答（只能选一个）。", field="question_id")
        target: dict
        if question_id is not None:
            question = selectors.question_for(user, _pk(question_id, "question_id"))
            if question is None:
                raise DomainError(ErrorCode.NOT_FOUND, "问题不存在或已被隐藏。", field="question_id")
            target = {"question": question}
        else:
            answer = selectors.answer_for(user, _pk(answer_id, "answer_id"))
            if answer is None:
                raise DomainError(ErrorCode.NOT_FOUND, "回答不存在或已被隐藏。", field="answer_id")
            target = {"answer": answer}
        report = services.report_post(reporter=user, reason=getattr(reason, "value", reason), note=note or "",
                                      **target)
        return cls(report_id=report.pk)


class QAMutation(graphene.ObjectType):
    ask_question = AskQuestion.Field(description="业委会问答：提问")
    answer_question = AnswerQuestion.Field(description="业委会问答：回答问题")
    accept_answer = AcceptAnswer.Field(description="业委会问答：采纳或取消采纳回答")
    report_post = ReportPost.Field(description="业委会问答：举报问题或回答")


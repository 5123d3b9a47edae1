"""GraphQL for surveys: my open surveys, one survey with its questions, results after close, and the
answerSurvey mutation with typed errors (one INVALID error per wrong question, field `answers.<questionId>`).

Survey fields resolve from a `selectors.Participation` (the survey as the current user sees it); the root
resolvers load every list with prefetching selectors, so the number of queries does not grow with rows.
"""

from __future__ import annotations

import graphene

from governance.errors import DomainError, ErrorCode
from governance.registry.schema import CommunityType
from governance.surveys import permissions as survey_rules
from portal.graphql.auth import current_user
from portal.graphql.enums import enum_from_choices
from portal.graphql.errors import error, not_authenticated
from portal.graphql.loaders import per_request, prefetched
from portal.graphql.mutations import DomainMutation
from portal.params import parse_id

from . import selectors, services
from .models import AnswerPer, Audience, PublisherKind, QuestionKind, SurveyStatus
from .results import survey_result
from .validation import SurveyAnswerInvalid

# --- enums -----------------------------------------------------------------------------------------------

SurveyPublisherKindEnum = enum_from_choices("SurveyPublisherKind", PublisherKind, "问卷发布单位")
SurveyAudienceEnum = enum_from_choices("SurveyAudience", Audience, "调查对象")
SurveyAnswerPerEnum = enum_from_choices("SurveyAnswerPer", AnswerPer, "作答方式：每人一份或每户一份")
SurveyStatusEnum = enum_from_choices("SurveyStatus", SurveyStatus, "问卷状态")
SurveyQuestionKindEnum = enum_from_choices("SurveyQuestionKind", QuestionKind, "题型")

NOT_FOUND_MESSAGE = services.NOT_FOUND_MESSAGE


def _require_user(info):
    user = current_user(info)
    if user is None:
        raise not_authenticated()
    return user


def _publisher_community_ids(info, user) -> set[int]:
    return per_request(info, "survey_publisher_community_ids",
                       lambda: set(survey_rules.can_publish_surveys.communities(user).values_list("pk", flat=True)))


# --- types -----------------------------------------------------------------------------------------------


class SurveyOptionType(graphene.ObjectType):
    """选择题的一个选项"""

    class Meta:
        name = "SurveyOption"

    id = graphene.ID(required=True, description="选项 ID（作答时填入 optionIds）")
    text = graphene.String(required=True, description="选项内容")


class SurveyQuestionType(graphene.ObjectType):
    """问卷中的一道题"""

    class Meta:
        name = "SurveyQuestion"

    id = graphene.ID(required=True, description="题目 ID（作答时填入 questionId）")
    number = graphene.Int(required=True, description="题号，从 1 开始")
    kind = graphene.Field(SurveyQuestionKindEnum, required=True, description="题型")
    text = graphene.String(required=True, description="题目")
    required = graphene.Boolean(required=True, description="是否必答")
    min_value = graphene.Decimal(description="数字题的最小值，不限时为空")
    max_value = graphene.Decimal(description="数字题的最大值，不限时为空")
    options = graphene.List(graphene.NonNull(SurveyOptionType), required=True,
                            description="选项（单选、多选题），按顺序；其他题型为空列表")

    @staticmethod
    def resolve_number(question, info):
        return question.order

    @staticmethod
    def resolve_kind(question, info):
        return str(question.kind)

    @staticmethod
    def resolve_options(question, info):
        return prefetched(question, "options")


class SurveyUnitType(graphene.ObjectType):
    """当前用户可以代表作答的房屋（每户一份的问卷）"""

    class Meta:
        name = "SurveyUnit"

    id = graphene.ID(required=True, description="房屋 ID（作答时填入 unitId）")
    label = graphene.String(required=True, description="房屋名称，如“3栋-1单元-502”")
    answered = graphene.Boolean(required=True, description="该房屋是否已提交本问卷")


class SurveyType(graphene.ObjectType):
    """一份问卷调查，按当前用户的视角：是否在调查对象中、是否已提交"""

    class Meta:
        name = "Survey"

    id = graphene.ID(required=True, description="问卷 ID")
    title = graphene.String(required=True, description="标题")
    description = graphene.String(required=True, description="说明")
    community = graphene.Field(CommunityType, required=True, description="所属小区")
    publisher_kind = graphene.Field(SurveyPublisherKindEnum, required=True, description="发布单位")
    audience = graphene.Field(SurveyAudienceEnum, required=True, description="调查对象")
    answer_per = graphene.Field(SurveyAnswerPerEnum, required=True, description="作答方式")
    scope_buildings = graphene.List(graphene.NonNull(graphene.String), required=True,
                                    description="调查范围内的楼栋名称；全小区时为空列表")
    opens_at = graphene.DateTime(required=True, description="开始时间")
    closes_at = graphene.DateTime(required=True, description="截止时间")
    status = graphene.Field(SurveyStatusEnum, required=True, description="状态")
    is_open = graphene.Boolean(required=True, description="当前是否在填写时间内")
    in_audience = graphene.Boolean(required=True, description="当前用户是否在调查对象范围内")
    answered = graphene.Boolean(required=True,
                                description="是否已提交（每户一份时：名下范围内的房屋均已提交）")
    can_answer = graphene.Boolean(required=True, description="当前用户现在能否提交")
    my_units = graphene.List(graphene.NonNull(SurveyUnitType), required=True,
                             description="当前用户据以成为调查对象的房屋及其提交状态")
    can_see_results = graphene.Boolean(required=True,
                                       description="当前用户能否查看结果（发布方随时，调查对象在截止后）")
    questions = graphene.List(graphene.NonNull(SurveyQuestionType), required=True, description="题目，按题号排序")

    @staticmethod
    def resolve_id(item, info):
        return item.survey.pk

    @staticmethod
    def resolve_title(item, info):
        return item.survey.title

    @staticmethod
    def resolve_description(item, info):
        return item.survey.description

    @staticmethod
    def resolve_community(item, info):
        return item.survey.community

    @staticmethod
    def resolve_publisher_kind(item, info):
        return str(item.survey.publisher_kind)

    @staticmethod
    def resolve_audience(item, info):
        return str(item.survey.audience)

    @staticmethod
    def resolve_answer_per(item, info):
        return str(item.survey.answer_per)

    @staticmethod
    def resolve_scope_buildings(item, info):
        if item.survey.scope_kind != "buildings":
            return []
        return [b.name for b in prefetched(item.survey, "scope_buildings")]

    @staticmethod
    def resolve_opens_at(item, info):
        return item.survey.opens_at

    @staticmethod
    def resolve_closes_at(item, info):
        return item.survey.closes_at

    @staticmethod
    def resolve_status(item, info):
        return str(item.survey.status)

    @staticmethod
    def resolve_is_open(item, info):
        return selectors.window_open(item.survey)

    @staticmethod
    def resolve_in_audience(item, info):
        return item.in_audience

    @staticmethod
    def resolve_answered(item, info):
        return item.answered

    @staticmethod
    def resolve_can_answer(item, info):
        return item.can_answer_now

    @staticmethod
    def resolve_my_units(item, info):
        return [{"id": u.pk, "label": u.label, "answered": u.pk in item.answered_unit_ids} for u in item.units]

    @staticmethod
    def resolve_can_see_results(item, info):
        user = current_user(info)
        if user is None:
            return False
        if user.is_superuser or item.survey.community_id in _publisher_community_ids(info, user):
            return True
        return item.survey.status == SurveyStatus.CLOSED and (item.in_audience or item.my_response is not None)

    @staticmethod
    def resolve_questions(item, info):
        return prefetched(item.survey, "questions")


class SurveyResultBarType(graphene.ObjectType):
    """结果中的一项：选择题的一个选项，或评分题的一个分值"""

    class Meta:
        name = "SurveyResultBar"

    option_id = graphene.ID(description="选项 ID；评分题为空")
    label = graphene.String(required=True, description="选项内容或“3分”")
    count = graphene.Int(required=True, description="选择人数（精确整数）")
    percent = graphene.String(required=True, description="占本题作答人数的百分比，仅供展示，如 \"40.0\"")


class SurveyQuestionResultType(graphene.ObjectType):
    """一道题的统计结果"""

    class Meta:
        name = "SurveyQuestionResult"

    question = graphene.Field(SurveyQuestionType, required=True, description="题目")
    answered = graphene.Int(required=True, description="作答人数")
    bars = graphene.List(graphene.NonNull(SurveyResultBarType), required=True,
                         description="选择题每个选项、评分题每个分值的人数；其他题型为空列表")
    average = graphene.Decimal(description="评分题、数字题的平均值（四舍五入到两位小数，仅供展示）")
    total = graphene.Decimal(description="评分题、数字题的合计（精确值）")
    minimum = graphene.Decimal(description="评分题、数字题的最小值")
    maximum = graphene.Decimal(description="评分题、数字题的最大值")
    texts = graphene.List(graphene.NonNull(graphene.String), required=True, description="文本题的全部回答")


class SurveyResultType(graphene.ObjectType):
    """问卷的统计结果"""

    class Meta:
        name = "SurveyResult"

    survey = graphene.Field(SurveyType, required=True, description="问卷")
    responses = graphene.Int(required=True, description="答卷总数")
    questions = graphene.List(graphene.NonNull(SurveyQuestionResultType), required=True, description="各题结果")


class SurveyResponseType(graphene.ObjectType):
    """一份已提交的答卷"""

    class Meta:
        name = "SurveyResponse"

    id = graphene.ID(required=True, description="答卷 ID")
    submitted_at = graphene.DateTime(required=True, description="提交时间")
    unit_label = graphene.String(description="代表作答的房屋（每户一份的问卷），否则为空")

    @staticmethod
    def resolve_unit_label(response, info):
        return response.unit.label if response.unit_id else None


# --- queries -----------------------------------------------------------------------------------------------


def _visible(user, survey_id):
    survey = None
    if parse_id(survey_id) is not None:
        queryset = selectors.visible_surveys_for(user).select_related("community").prefetch_related(
            selectors.questions_prefetch(), "scope_buildings")
        survey = queryset.filter(pk=parse_id(survey_id)).first()
    if survey is None:
        raise DomainError(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE)
    return survey


class SurveysQuery(graphene.ObjectType):
    my_surveys = graphene.List(
        graphene.NonNull(SurveyType), required=True,
        description="我所在小区中进行中、且我在调查对象范围内的问卷（含已提交的），按截止时间排序",
    )
    survey = graphene.Field(
        SurveyType, id=graphene.ID(required=True, description="问卷 ID"),
        description="一份问卷及其题目：仅限您所在小区已发布的问卷，否则为 null 并给出 NOT_FOUND 错误",
    )
    survey_results = graphene.Field(
        SurveyResultType, id=graphene.ID(required=True, description="问卷 ID"),
        description="问卷结果：发布方随时可看，调查对象在问卷截止后可看；否则给出 PERMISSION_DENIED 错误",
    )

    @staticmethod
    def resolve_my_surveys(root, info):
        user = _require_user(info)
        return selectors.my_open_surveys(user, with_questions=True)

    @staticmethod
    def resolve_survey(root, info, id):
        user = _require_user(info)
        return selectors.participation(user, _visible(user, id))

    @staticmethod
    def resolve_survey_results(root, info, id):
        user = _require_user(info)
        survey = _visible(user, id)
        if not survey_rules.can_see_survey_results(user, survey):
            raise DomainError(ErrorCode.PERMISSION_DENIED, "问卷截止后才公布结果。")
        result = survey_result(survey)
        return {
            "survey": selectors.participation(user, survey),
            "responses": result.responses,
            "questions": [
                {"question": item.question, "answered": item.answered, "average": item.average,
                 "total": item.total, "minimum": item.minimum, "maximum": item.maximum, "texts": item.texts,
                 "bars": [{"option_id": bar.option_id, "label": bar.label, "count": bar.count,
                           "percent": bar.percent} for bar in item.bars]}
                for item in result.questions
            ],
        }


# --- mutations ---------------------------------------------------------------------------------------------


class SurveyAnswerInput(graphene.InputObjectType):
    """一道题的答案：单选、多选填 optionIds；文本填 text；评分（1–5）、数字填 number"""

    question_id = graphene.ID(required=True, description="题目 ID")
    option_ids = graphene.List(graphene.NonNull(graphene.ID), description="所选选项 ID（单选只能一个）")
    text = graphene.String(description="文本题的回答")
    number = graphene.Decimal(description="评分题（1–5 的整数）或数字题的回答")


def _answers_for_service(survey, answers) -> dict:
    kinds = {q.pk: q.kind for q in selectors.survey_questions(survey)}
    result = {}
    for answer in answers or []:
        qid = answer.question_id
        kind = kinds.get(int(qid)) if str(qid).isdigit() else None
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            value = list(answer.option_ids or [])
        elif kind == QuestionKind.TEXT:
            value = answer.text
        elif kind in (QuestionKind.RATING, QuestionKind.NUMBER):
            value = answer.number if answer.number is not None else answer.text
        else:
            value = answer.text  # not a question of this survey: the service refuses it
        result[str(qid)] = value
    return result


class AnswerSurvey(DomainMutation):
    """提交问卷。每道题的错误各返回一条 INVALID 错误，field 为 answers.<题目ID>，message 如“第3题：请选择1到5分”"""

    class Meta:
        name = "AnswerSurveyPayload"

    class Arguments:
        survey_id = graphene.ID(required=True, description="问卷 ID")
        answers = graphene.List(graphene.NonNull(SurveyAnswerInput), required=True, description="各题答案")
        unit_id = graphene.ID(description="每户一份的问卷：代表哪套房屋作答（名下只有一套未提交时可省略）")

    response = graphene.Field(SurveyResponseType, description="已提交的答卷")
    survey = graphene.Field(SurveyType, description="提交后的问卷状态")

    @classmethod
    def perform(cls, root, info, *, user, survey_id, answers, unit_id=None):
        survey = _visible(user, survey_id)
        unit = None
        if unit_id is not None:
            unit = parse_id(unit_id)
            if unit is None:
                raise DomainError(ErrorCode.NOT_IN_AUDIENCE, "您不能代表该房屋填写本问卷。", field="unit_id")
        try:
            response = services.survey_answer(survey=survey, user=user, unit=unit,
                                              answers=_answers_for_service(survey, answers))
        except SurveyAnswerInvalid as exc:
            return cls(errors=[{**error(ErrorCode.INVALID, message), "field": f"answers.{qid}"}
                               for qid, message in exc.errors.items()])
        except DomainError as exc:
            if exc.field == "unit":
                exc.field = "unit_id"  # the argument's name here
            raise
        return cls(response=response, survey=selectors.participation(user, survey))


class SurveysMutation(graphene.ObjectType):
    answer_survey = AnswerSurvey.Field(description="提交问卷答案")

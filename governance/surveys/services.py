"""Every write to surveys: templates, the survey lifecycle and answers. Keyword-only, atomic, checked, audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.audit.services import audit_record
from governance.errors import DomainError, ErrorCode
from governance.registry import roles
from governance.surveys import permissions as survey_rules

from . import selectors
from .models import (
    Answer,
    AnswerPer,
    Audience,
    Option,
    PublisherKind,
    Question,
    Response,
    ScopeKind,
    Survey,
    SurveyStatus,
    SurveyTemplate,
)
from .validation import QuestionSpec, clean_answers, clean_question_specs

NOT_FOUND_MESSAGE = "没有找到该问卷，或您无权查看。"


def _deny() -> DomainError:
    return DomainError(ErrorCode.PERMISSION_DENIED, "您没有权限进行此操作。")


def _require_user(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, "请先登录。")


def _clean_title(title: str | None) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError(ErrorCode.INVALID, "请填写标题。", field="title")
    if len(title) > 200:
        raise DomainError(ErrorCode.INVALID, "标题不能超过200字。", field="title")
    return title


def _write_questions(specs: list[QuestionSpec], *, survey: Survey | None = None,
                     template: SurveyTemplate | None = None) -> None:
    options = []
    for number, spec in enumerate(specs, start=1):
        question = Question.objects.create(
            survey=survey, template=template, order=number, kind=spec.kind, text=spec.text, required=spec.required,
            min_value=spec.min_value, max_value=spec.max_value,
        )
        options += [Option(question=question, order=i, text=text) for i, text in enumerate(spec.options, start=1)]
    Option.objects.bulk_create(options)


def _specs_of(questions: Iterable[Question]) -> list[QuestionSpec]:
    return [QuestionSpec.of(q) for q in questions]


# --- templates ---------------------------------------------------------------------------------------


@transaction.atomic
def template_create(*, actor, title: str, questions: Iterable, description: str = "",
                    community=None) -> SurveyTemplate:
    """A reusable template of `community`, or platform-wide when `community` is None (superusers)."""
    if not survey_rules.can_manage_survey_template(actor, SurveyTemplate(community=community)):
        raise _deny()
    title = _clean_title(title)
    specs = clean_question_specs(questions)
    template = SurveyTemplate.objects.create(community=community, title=title,
                                             description=(description or "").strip(), created_by=actor)
    _write_questions(specs, template=template)
    audit_record(community=community, actor=actor, action="survey.template.create", obj=template,
                 summary={"title": title, "questions": len(specs)})
    return template


@transaction.atomic
def template_edit(*, template: SurveyTemplate, actor, title: str | None = None, description: str | None = None,
                  questions: Iterable | None = None) -> SurveyTemplate:
    """Change a template; `questions` (when given) replaces all of them. Surveys already made keep their copy."""
    template = SurveyTemplate.objects.select_for_update(of=("self",)).select_related("community").get(pk=template.pk)
    if not survey_rules.can_manage_survey_template(actor, template):
        raise _deny()
    changed = []
    if title is not None:
        template.title = _clean_title(title)
        changed.append("title")
    if description is not None:
        template.description = description.strip()
        changed.append("description")
    specs = None
    if questions is not None:
        specs = clean_question_specs(questions)
        template.questions.all().delete()
        _write_questions(specs, template=template)
    template.save()
    audit_record(community=template.community, actor=actor, action="survey.template.edit", obj=template,
                 summary={"fields": changed, "questions": len(specs) if specs is not None else None})
    return template


# --- the survey lifecycle ------------------------------------------------------------------------------


def _check_settings(*, community, audience: str, scope_kind: str, scope_buildings, answer_per: str,
                    opens_at: datetime, closes_at: datetime) -> list:
    if audience not in Audience.values:
        raise DomainError(ErrorCode.INVALID, "请选择调查对象。", field="audience")
    if answer_per not in AnswerPer.values:
        raise DomainError(ErrorCode.INVALID, "请选择作答方式（每人一份或每户一份）。", field="answer_per")
    if scope_kind not in ScopeKind.values:
        raise DomainError(ErrorCode.INVALID, "请选择调查范围。", field="scope_kind")
    if opens_at is None or closes_at is None:
        raise DomainError(ErrorCode.INVALID, "请填写开始和截止时间。", field="closes_at")
    if closes_at <= opens_at:
        raise DomainError(ErrorCode.INVALID, "截止时间必须晚于开始时间。", field="closes_at")
    buildings: list = []
    if scope_kind == ScopeKind.BUILDINGS:
        buildings = list(scope_buildings or [])
        if not buildings or any(b.community_id != community.pk for b in buildings):
            raise DomainError(ErrorCode.INVALID, "请选择本小区的楼栋作为调查范围。", field="scope_buildings")
    return buildings


@transaction.atomic
def survey_create(
    *, community, actor, publisher_kind: str, title: str, opens_at: datetime, closes_at: datetime,
    questions: Iterable | None = None, template: SurveyTemplate | None = None, description: str = "",
    audience: str = Audience.OWNERS, scope_kind: str = ScopeKind.COMMUNITY, scope_buildings=(),
    answer_per: str = AnswerPer.PERSON,
) -> Survey:
    """A draft survey with its own copy of the questions (given, or copied from `template`)."""
    if not survey_rules.can_publish_surveys(actor, community):
        raise _deny()
    if publisher_kind not in PublisherKind.values:
        raise DomainError(ErrorCode.INVALID, "请选择发布单位。", field="publisher_kind")
    if not survey_rules.can_publish_survey_as(actor, community, publisher_kind):
        raise DomainError(ErrorCode.PERMISSION_DENIED,
                          f"您不能以“{PublisherKind(publisher_kind).label}”的名义发布问卷。", field="publisher_kind")
    if template is not None and not survey_rules.can_use_survey_template(actor, template, community):
        raise DomainError(ErrorCode.NOT_FOUND, "没有找到该问卷模板。", field="template")
    if questions is None:
        if template is None:
            raise DomainError(ErrorCode.INVALID, "问卷至少需要一道题。", field="questions")
        questions = _specs_of(template.questions.prefetch_related("options").order_by("order", "pk"))
    specs = clean_question_specs(questions)
    title = _clean_title(title)
    buildings = _check_settings(community=community, audience=audience, scope_kind=scope_kind,
                                scope_buildings=scope_buildings, answer_per=answer_per, opens_at=opens_at,
                                closes_at=closes_at)
    survey = Survey.objects.create(
        community=community, template=template, title=title, description=(description or "").strip(),
        publisher_kind=publisher_kind, publisher=actor, audience=audience, scope_kind=scope_kind,
        answer_per=answer_per, opens_at=opens_at, closes_at=closes_at,
    )
    if buildings:
        survey.scope_buildings.set(buildings)
    _write_questions(specs, survey=survey)
    audit_record(community=community, actor=actor, action="survey.create", obj=survey, summary={
        "title": title, "publisher_kind": publisher_kind, "audience": audience, "scope": scope_kind,
        "buildings": [b.name for b in buildings], "answer_per": answer_per, "questions": len(specs),
        "template": template.pk if template else None, "opens_at": opens_at, "closes_at": closes_at,
    })
    return survey


def survey_create_from_template(
    *, template: SurveyTemplate, community, actor, publisher_kind: str, opens_at: datetime, closes_at: datetime,
    title: str | None = None, description: str | None = None, audience: str = Audience.OWNERS,
    scope_kind: str = ScopeKind.COMMUNITY, scope_buildings=(), answer_per: str = AnswerPer.PERSON,
) -> Survey:
    """A draft survey whose questions and options are copied from the template (title/description default)."""
    return survey_create(
        community=community, actor=actor, publisher_kind=publisher_kind, template=template,
        title=title if title else template.title,
        description=description if description is not None else template.description,
        opens_at=opens_at, closes_at=closes_at, audience=audience, scope_kind=scope_kind,
        scope_buildings=scope_buildings, answer_per=answer_per,
    )


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().select_related("community").get(pk=survey.pk)


EDITABLE = ("title", "description", "audience", "scope_kind", "answer_per", "opens_at", "closes_at")


@transaction.atomic
def survey_edit(*, survey: Survey, actor, questions: Iterable | None = None, scope_buildings=None,
                **changes: Any) -> Survey:
    """Change a draft: any of `EDITABLE`, the scope buildings, and (replacing all) the questions."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"survey_edit() got unexpected fields: {sorted(unknown)}")
    survey = _locked(survey)
    if not survey_rules.can_manage_survey(actor, survey):
        raise _deny()
    if survey.status != SurveyStatus.DRAFT:
        raise DomainError(ErrorCode.INVALID, "问卷发布后不能再修改。")
    for name, value in changes.items():
        setattr(survey, name, value)
    survey.title = _clean_title(survey.title)
    survey.description = (survey.description or "").strip()
    buildings = _check_settings(
        community=survey.community, audience=survey.audience, scope_kind=survey.scope_kind,
        scope_buildings=scope_buildings if scope_buildings is not None else survey.scope_buildings.all(),
        answer_per=survey.answer_per, opens_at=survey.opens_at, closes_at=survey.closes_at,
    )
    survey.save()
    survey.scope_buildings.set(buildings)
    specs = None
    if questions is not None:
        specs = clean_question_specs(questions)
        survey.questions.all().delete()
        _write_questions(specs, survey=survey)
    audit_record(community=survey.community, actor=actor, action="survey.edit", obj=survey, summary={
        "fields": sorted(changes), "buildings": [b.name for b in buildings],
        "questions": len(specs) if specs is not None else None,
    })
    return survey


@transaction.atomic
def survey_open(*, survey: Survey, actor, now: datetime | None = None) -> Survey:
    """草稿 → 进行中. Answers are taken from `opens_at` until `closes_at`."""
    survey = _locked(survey)
    if not survey_rules.can_manage_survey(actor, survey):
        raise _deny()
    now = now or timezone.now()
    if survey.status != SurveyStatus.DRAFT:
        raise DomainError(ErrorCode.INVALID, f"问卷当前为“{survey.get_status_display()}”，不能发布。")
    if now >= survey.closes_at:
        raise DomainError(ErrorCode.INVALID, "截止时间已过，请先修改截止时间。", field="closes_at")
    if not survey.questions.exists():
        raise DomainError(ErrorCode.INVALID, "问卷至少需要一道题。", field="questions")
    survey.status = SurveyStatus.OPEN
    survey.opened_at = now
    survey.save(update_fields=["status", "opened_at"])
    audit_record(community=survey.community, actor=actor, action="survey.open", obj=survey,
                 summary={"opens_at": survey.opens_at, "closes_at": survey.closes_at})
    return survey


@transaction.atomic
def survey_close(*, survey: Survey, actor=None, now: datetime | None = None) -> Survey:
    """进行中 → 已截止. A manager may close early; `actor=None` is the scheduler, only at the deadline."""
    survey = _locked(survey)
    if actor is not None and not survey_rules.can_manage_survey(actor, survey):
        raise _deny()
    now = now or timezone.now()
    if survey.status != SurveyStatus.OPEN:
        raise DomainError(ErrorCode.INVALID, f"问卷当前为“{survey.get_status_display()}”，不能结束。")
    if actor is None and now < survey.closes_at:
        raise DomainError(ErrorCode.INVALID, "尚未到问卷截止时间。")
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = now
    survey.save(update_fields=["status", "closed_at"])
    audit_record(community=survey.community, actor=actor, action="survey.close", obj=survey,
                 summary={"responses": survey.responses.count(), "early": now < survey.closes_at})
    return survey


# --- answers -------------------------------------------------------------------------------------------


def _check_window(survey: Survey, now: datetime) -> None:
    if survey.status == SurveyStatus.DRAFT:
        raise DomainError(ErrorCode.WINDOW_CLOSED, "问卷尚未发布。")
    if survey.status == SurveyStatus.CLOSED or now >= survey.closes_at:
        raise DomainError(ErrorCode.WINDOW_CLOSED, "问卷已截止，不能再提交。")
    if now < survey.opens_at:
        raise DomainError(ErrorCode.WINDOW_CLOSED,
                          f"问卷尚未开始，将于 {timezone.localtime(survey.opens_at):%Y-%m-%d %H:%M} 开始。")


def _not_in_audience(survey: Survey, user) -> DomainError:
    from governance.registry.models import Ownership

    if Ownership.objects.filter(unit__community=survey.community, person__user=user, verified=False,
                                ends_on__isnull=True).exists():
        return DomainError(ErrorCode.NOT_VERIFIED, "请先完成业主认证再填写问卷。")
    if survey.audience == Audience.OWNERS:
        return DomainError(ErrorCode.NOT_IN_AUDIENCE, "本问卷仅限调查范围内已认证的业主填写。")
    return DomainError(ErrorCode.NOT_IN_AUDIENCE, "您不在本问卷的调查范围内。")


def _pick_unit(survey: Survey, user, units: list, unit) -> Any:
    """The unit a per-unit answer is for: the one given (linked to the user), or the only one left."""
    if unit is not None:
        if all(u.pk != getattr(unit, "pk", unit) for u in units):
            raise DomainError(ErrorCode.NOT_IN_AUDIENCE, "您不能代表该房屋填写本问卷。", field="unit")
        return next(u for u in units if u.pk == getattr(unit, "pk", unit))
    if len(units) == 1:
        return units[0]
    answered = set(Response.objects.filter(survey=survey, unit__in=[u.pk for u in units])
                   .values_list("unit_id", flat=True))
    left = [u for u in units if u.pk not in answered]
    if not left:
        raise DomainError(ErrorCode.ALREADY_ANSWERED, "您名下的房屋均已提交过本问卷。")
    if len(left) == 1:
        return left[0]
    raise DomainError(ErrorCode.INVALID, "请选择为哪套房屋填写问卷。", field="unit")


@transaction.atomic
def survey_answer(*, survey: Survey, user, answers: Mapping[Any, Any], unit=None,
                  now: datetime | None = None) -> Response:
    """Submit a questionnaire: `answers` maps question ids to values (see `validation.clean_answers`).

    Checks, in order: a member of the survey's community (else NOT_FOUND), the window (WINDOW_CLOSED), the
    audience (NOT_VERIFIED / NOT_IN_AUDIENCE), one answer per person or per unit (ALREADY_ANSWERED), then
    every question (INVALID with one Chinese message per question). The database enforces one answer too.
    """
    _require_user(user)
    now = now or timezone.now()
    survey = Survey.objects.select_related("community").get(pk=survey.pk)
    if not roles.is_member(user, survey.community):
        raise DomainError(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE)
    _check_window(survey, now)
    units = survey_rules.survey_audience_units(user, survey)
    if not units:
        raise _not_in_audience(survey, user)
    if survey.answer_per == AnswerPer.UNIT:
        unit = _pick_unit(survey, user, units, unit)
        if Response.objects.filter(survey=survey, unit=unit).exists():
            raise DomainError(ErrorCode.ALREADY_ANSWERED, f"{unit.label} 已提交过本问卷，每户只能提交一份。")
    else:
        unit = None
        if Response.objects.filter(survey=survey, user=user).exists():
            raise DomainError(ErrorCode.ALREADY_ANSWERED, "您已提交过本问卷。")
    cleaned = clean_answers(selectors.survey_questions(survey), answers)
    try:
        with transaction.atomic():
            response = Response.objects.create(survey=survey, user=user, unit=unit, per=survey.answer_per,
                                               submitted_at=now)
    except IntegrityError as exc:  # another submission for the same person/unit won the race
        raise DomainError(ErrorCode.ALREADY_ANSWERED, "本问卷已提交过，不能重复提交。") from exc
    rows = Answer.objects.bulk_create([
        Answer(response=response, question=item.question, text=item.text, number=item.number) for item in cleaned
    ])
    through = Answer.options.through
    through.objects.bulk_create([
        through(answer_id=row.pk, option_id=option_id)
        for row, item in zip(rows, cleaned, strict=True) for option_id in item.option_ids
    ])
    audit_record(community=survey.community, actor=user, action="survey.answer", obj=response, summary={
        "survey": survey.pk, "unit": unit.label if unit is not None else None, "answers": len(cleaned),
    })
    return response

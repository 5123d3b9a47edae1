"""Templates, creating a survey from one, who may publish in whose name, opening, closing and the clock."""

from datetime import timedelta

import pytest
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.errors import DomainError, ErrorCode
from governance.surveys import services, tasks
from governance.surveys.models import Option, Question, Survey, SurveyStatus, SurveyTemplate
from governance.surveys import permissions as survey_rules

from .conftest import ALL_KINDS, publish

pytestmark = pytest.mark.django_db


def _window():
    now = timezone.now()
    return {"opens_at": now - timedelta(hours=1), "closes_at": now + timedelta(days=3)}


# --- who may publish --------------------------------------------------------------------------------------

@pytest.mark.parametrize("actor,kind", [
    ("chair", "committee"), ("secretary", "committee"), ("property_staff", "property"), ("rc_staff", "rc"),
    ("street_staff", "street"),
])
def test_every_publisher_publishes_in_their_own_name(world, actor, kind):
    survey = publish(world, actor=getattr(world, actor), publisher_kind=kind)
    assert survey.status == SurveyStatus.OPEN and survey.publisher == getattr(world, actor)
    assert survey.get_publisher_kind_display() in {"业委会", "物业", "居委会", "街道"}


def test_publishing_in_another_bodys_name_is_refused(world):
    with pytest.raises(DomainError) as caught:
        publish(world, actor=world.property_staff, publisher_kind="committee")
    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert caught.value.message == "您不能以“业委会”的名义发布问卷。"
    assert not Survey.objects.exists()


@pytest.mark.parametrize("actor", ["owner", "tenant", "committee_b"])
def test_residents_and_other_communities_staff_cannot_publish(world, actor):
    with pytest.raises(DomainError) as caught:
        publish(world, actor=getattr(world, actor))
    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert not Survey.objects.exists()


def test_publisher_kinds_per_role(world):
    assert survey_rules.survey_publisher_kinds(world.chair, world.a) == ["committee"]
    assert survey_rules.survey_publisher_kinds(world.street_staff, world.a) == ["street"]
    assert survey_rules.survey_publisher_kinds(world.owner, world.a) == []
    assert survey_rules.survey_publisher_kinds(world.superuser, world.a) == ["street", "rc", "committee", "property"]
    assert survey_rules.can_publish_surveys(world.rc_staff, world.a) and not survey_rules.can_publish_surveys(world.rc_staff,
                                                                                                world.b)


def test_only_the_publishing_body_may_close_or_edit(world):
    survey = publish(world, actor=world.chair, publisher_kind="committee")
    with pytest.raises(DomainError) as caught:
        services.survey_close(survey=survey, actor=world.property_staff)
    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    services.survey_close(survey=survey, actor=world.secretary)  # the same body
    assert Survey.objects.get().status == SurveyStatus.CLOSED


# --- templates -------------------------------------------------------------------------------------------

def test_a_survey_copies_its_templates_questions(world):
    template = services.template_create(actor=world.chair, community=world.a, title="物业满意度测评",
                                        description="每季度一次", questions=ALL_KINDS)
    survey = services.survey_create_from_template(template=template, community=world.a, actor=world.property_staff,
                                                  publisher_kind="property", **_window())
    assert survey.title == "物业满意度测评" and survey.description == "每季度一次" and survey.template == template
    copied = list(survey.questions.order_by("order").values_list("order", "kind", "text", "required"))
    original = list(template.questions.order_by("order").values_list("order", "kind", "text", "required"))
    assert copied == original
    assert list(Option.objects.filter(question__survey=survey).values_list("text", flat=True)) == \
        list(Option.objects.filter(question__template=template).values_list("text", flat=True))
    assert set(Question.objects.filter(survey=survey).values_list("pk", flat=True)).isdisjoint(
        Question.objects.filter(template=template).values_list("pk", flat=True))
    number = survey.questions.get(order=4)
    assert (str(number.min_value), str(number.max_value)) == ("0.00", "10.00")
    # editing the template later does not change the survey
    services.template_edit(template=template, actor=world.chair, title="新模板",
                           questions=[{"kind": "text", "text": "只剩一题"}])
    assert survey.questions.count() == 5
    assert list(template.questions.values_list("text", flat=True)) == ["只剩一题"]
    actions = list(AuditEvent.objects.filter(community=world.a).values_list("action", flat=True))
    assert actions == ["survey.template.create", "survey.create", "survey.template.edit"]


def test_platform_templates_are_for_superusers_and_usable_everywhere(world):
    with pytest.raises(DomainError) as caught:
        services.template_create(actor=world.chair, title="通用", questions=ALL_KINDS)
    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    template = services.template_create(actor=world.superuser, title="通用满意度", questions=ALL_KINDS)
    survey = services.survey_create_from_template(template=template, community=world.b, actor=world.committee_b,
                                                  publisher_kind="committee", **_window())
    assert survey.questions.count() == 5


def test_another_communitys_template_cannot_be_used(world):
    template = services.template_create(actor=world.committee_b, community=world.b, title="B 的模板",
                                        questions=ALL_KINDS)
    with pytest.raises(DomainError) as caught:
        services.survey_create_from_template(template=template, community=world.a, actor=world.chair,
                                             publisher_kind="committee", **_window())
    assert caught.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(DomainError) as caught:
        services.template_edit(template=template, actor=world.chair, title="改名")
    assert caught.value.code == ErrorCode.PERMISSION_DENIED


@pytest.mark.parametrize("questions,message", [
    ([], "问卷至少需要一道题。"),
    ([{"kind": "single", "text": "只有一个选项", "options": ["是"]}], "第1题：选择题至少需要两个选项"),
    ([{"kind": "text", "text": "a"}, {"kind": "multiple", "text": "重复", "options": ["甲", "甲"]}],
     "第2题：选项“甲”重复"),
    ([{"kind": "rating", "text": "评分", "options": ["1"]}], "第1题：只有单选题和多选题可以设置选项"),
    ([{"kind": "text", "text": "  "}], "第1题：请填写题目"),
    ([{"kind": "essay", "text": "x"}], "第1题：题型不正确"),
    ([{"kind": "number", "text": "x", "min_value": "5", "max_value": "1"}], "第1题：最小值不能大于最大值"),
    ([{"kind": "number", "text": "x", "min_value": "1.234"}], "第1题：最小值必须是最多两位小数的数字"),
    ([{"kind": "text", "text": "x", "max_value": "3"}], "第1题：只有数字题可以设置最小值和最大值"),
])
def test_question_specs_are_checked_with_numbered_messages(world, questions, message):
    with pytest.raises(DomainError) as caught:
        services.template_create(actor=world.chair, community=world.a, title="模板", questions=questions)
    assert caught.value.message == message
    assert not SurveyTemplate.objects.exists() and not Question.objects.exists()


# --- lifecycle ---------------------------------------------------------------------------------------------

def test_window_must_be_ordered(world):
    now = timezone.now()
    with pytest.raises(DomainError) as caught:
        publish(world, opens_at=now, closes_at=now)
    assert caught.value.message == "截止时间必须晚于开始时间。"


def test_a_draft_can_be_edited_then_opened_and_no_longer_edited(world):
    survey = publish(world, open_=False)
    services.survey_edit(survey=survey, actor=world.chair, title="改后的标题", answer_per="unit",
                         questions=[{"kind": "rating", "text": "打分"}])
    survey.refresh_from_db()
    assert survey.title == "改后的标题" and survey.answer_per == "unit" and survey.questions.count() == 1
    services.survey_open(survey=survey, actor=world.chair)
    with pytest.raises(DomainError) as caught:
        services.survey_edit(survey=survey, actor=world.chair, title="再改")
    assert caught.value.message == "问卷发布后不能再修改。"
    with pytest.raises(DomainError):
        services.survey_open(survey=survey, actor=world.chair)


def test_opening_after_the_deadline_is_refused(world):
    survey = publish(world, open_=False)
    with pytest.raises(DomainError) as caught:
        services.survey_open(survey=survey, actor=world.chair, now=survey.closes_at)
    assert caught.value.field == "closes_at"
    assert Survey.objects.get().status == SurveyStatus.DRAFT


def test_the_scheduler_closes_only_at_the_deadline_and_is_safe_to_run_twice(world):
    survey = publish(world)
    with pytest.raises(DomainError):
        services.survey_close(survey=survey, actor=None)
    assert tasks.close_due_surveys() == []
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert tasks.close_due_surveys() == [survey.pk]
    assert tasks.close_due_surveys() == []
    assert tasks.survey_close_task.call_local(survey.pk) is False
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED and survey.closed_at is not None
    event = AuditEvent.objects.get(action="survey.close")
    assert event.actor is None and event.summary == {"responses": 0, "early": False}


def test_the_periodic_tick_runs(world):
    survey = publish(world)
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert tasks.surveys_tick.call_local() == {"closed": [survey.pk]}

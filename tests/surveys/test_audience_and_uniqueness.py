"""Who may answer (audience, scope, community) and one answer per person or per unit, down to the database."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.errors import DomainError, ErrorCode
from governance.registry.models import Ownership
from governance.surveys import services
from governance.surveys.models import Response, Survey
from governance.surveys import permissions as survey_rules
from tests.factories import ResidencyFactory

from .conftest import good_answers, publish

pytestmark = pytest.mark.django_db


def _code(survey, user, **kwargs) -> ErrorCode:
    with pytest.raises(DomainError) as caught:
        services.survey_answer(survey=survey, user=user, answers=kwargs.pop("answers", good_answers(survey)),
                               **kwargs)
    return caught.value


# --- audience ---------------------------------------------------------------------------------------------

def test_a_tenant_cannot_answer_an_owners_only_survey(world):
    survey = publish(world, audience="owners")
    error = _code(survey, world.tenant)
    assert error.code == ErrorCode.NOT_IN_AUDIENCE
    assert error.message == "本问卷仅限调查范围内已认证的业主填写。"
    assert not Response.objects.exists()


def test_a_tenant_can_answer_an_all_residents_survey(world):
    survey = publish(world, audience="all_residents")
    response = services.survey_answer(survey=survey, user=world.tenant, answers=good_answers(survey))
    assert response.user == world.tenant


def test_an_owner_answers_both_kinds(world):
    for audience in ("owners", "all_residents"):
        survey = publish(world, audience=audience, title=audience)
        services.survey_answer(survey=survey, user=world.owner2, answers=good_answers(survey))
    assert Response.objects.filter(user=world.owner2).count() == 2


def test_another_communitys_user_gets_not_found(world):
    survey = publish(world, audience="all_residents")
    for user in (world.owner_b, world.committee_b):
        error = _code(survey, user)
        assert error.code == ErrorCode.NOT_FOUND
    assert not Response.objects.exists()


def test_a_member_with_an_unverified_ownership_is_told_to_verify(world):
    ResidencyFactory(unit=world.u101, user=world.unverified, verified=True)  # lives in 101, claims 201
    survey = publish(world, audience="owners")
    error = _code(survey, world.unverified)
    assert error.code == ErrorCode.NOT_VERIFIED and error.message == "请先完成业主认证再填写问卷。"


def test_a_user_with_only_an_unverified_ownership_is_not_a_member(world):
    survey = publish(world)
    assert _code(survey, world.unverified).code == ErrorCode.NOT_FOUND


def test_staff_who_are_not_residents_are_not_in_the_audience(world):
    survey = publish(world, audience="all_residents")
    assert _code(survey, world.property_staff).code == ErrorCode.NOT_IN_AUDIENCE


def test_an_ended_ownership_is_not_in_the_audience(world):
    """王业主 sold 2栋-201 (过户): still a member through 101, no longer in a 2栋 survey's audience."""
    Ownership.objects.filter(person__user=world.owner, unit=world.u201).update(ends_on=timezone.localdate())
    survey = publish(world, scope_kind="buildings", scope_buildings=[world.b2])
    assert _code(survey, world.owner).code == ErrorCode.NOT_IN_AUDIENCE


def test_a_former_owner_with_no_other_link_is_no_longer_a_member(world):
    Ownership.objects.filter(person__user=world.owner2).update(ends_on=timezone.localdate())
    survey = publish(world)
    assert _code(survey, world.owner2).code == ErrorCode.NOT_FOUND


def test_building_scope_limits_the_audience(world):
    survey = publish(world, scope_kind="buildings", scope_buildings=[world.b2], audience="all_residents")
    assert _code(survey, world.owner2).code == ErrorCode.NOT_IN_AUDIENCE  # owns 1栋-102
    assert _code(survey, world.tenant).code == ErrorCode.NOT_IN_AUDIENCE  # rents 1栋-102
    services.survey_answer(survey=survey, user=world.owner, answers=good_answers(survey))  # owns 2栋-201


def test_scope_buildings_must_belong_to_the_community(world):
    with pytest.raises(DomainError) as caught:
        publish(world, scope_kind="buildings", scope_buildings=[world.b_unit.building])
    assert caught.value.field == "scope_buildings"
    assert not Survey.objects.exists()


def test_the_single_and_bulk_audience_rules_agree(world):
    surveys = [
        publish(world, audience="owners", title="o"),
        publish(world, audience="all_residents", title="r"),
        publish(world, audience="all_residents", scope_kind="buildings", scope_buildings=[world.b1], title="b"),
    ]
    users = [world.owner, world.owner2, world.coowner, world.tenant, world.unverified, world.owner_b, world.chair]
    for user in users:
        bulk = survey_rules.survey_audience_unit_map(user, surveys)
        for survey in surveys:
            single = {u.pk for u in survey_rules.survey_audience_units(user, survey)}
            assert {u.pk for u in bulk[survey.pk]} == single
            assert survey_rules.can_answer_survey(user, survey) == bool(single)
    assert {u.room for u in survey_rules.survey_audience_units(world.owner, surveys[0])} == {"101", "201"}
    assert {u.room for u in survey_rules.survey_audience_units(world.owner, surveys[2])} == {"101"}
    assert {u.room for u in survey_rules.survey_audience_units(world.tenant, surveys[1])} == {"102"}


# --- one answer per person ------------------------------------------------------------------------------

def test_one_answer_per_person(world):
    survey = publish(world, answer_per="person")
    services.survey_answer(survey=survey, user=world.owner, answers=good_answers(survey))
    error = _code(survey, world.owner)
    assert error.code == ErrorCode.ALREADY_ANSWERED and error.message == "您已提交过本问卷。"
    # the co-owner of the same unit is another person
    services.survey_answer(survey=survey, user=world.coowner, answers=good_answers(survey))
    assert Response.objects.filter(survey=survey).count() == 2


def test_the_database_refuses_a_second_response_per_person(world):
    survey = publish(world, answer_per="person")
    now = timezone.now()
    Response.objects.create(survey=survey, user=world.owner, per="person", submitted_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, user=world.owner, per="person", submitted_at=now)


def test_a_race_lost_at_the_database_is_already_answered(world, monkeypatch):
    """Two submissions pass the check at the same instant: the constraint decides, the loser gets the code."""
    survey = publish(world, answer_per="person")
    real_filter = Response.objects.filter

    def filter_hiding_the_first(*args, **kwargs):
        qs = real_filter(*args, **kwargs)
        return qs.none() if kwargs.get("user") == world.owner else qs

    services.survey_answer(survey=survey, user=world.owner, answers=good_answers(survey))
    monkeypatch.setattr(Response.objects, "filter", filter_hiding_the_first)
    with pytest.raises(DomainError) as caught:
        services.survey_answer(survey=survey, user=world.owner, answers=good_answers(survey))
    assert caught.value.code == ErrorCode.ALREADY_ANSWERED
    monkeypatch.undo()
    assert Response.objects.filter(survey=survey).count() == 1


# --- one answer per unit ---------------------------------------------------------------------------------

def test_one_answer_per_unit_across_the_units_owners(world):
    survey = publish(world, answer_per="unit")
    response = services.survey_answer(survey=survey, user=world.coowner, answers=good_answers(survey))
    assert response.unit == world.u101 and response.per == "unit"
    error = _code(survey, world.owner, unit=world.u101)
    assert error.code == ErrorCode.ALREADY_ANSWERED
    assert error.message == "1栋-1单元-101 已提交过本问卷，每户只能提交一份。"
    # the owner's other unit is still open, and picked when it is the only one left
    response = services.survey_answer(survey=survey, user=world.owner, answers=good_answers(survey))
    assert response.unit == world.u201
    error = _code(survey, world.owner)
    assert error.code == ErrorCode.ALREADY_ANSWERED and error.message == "您名下的房屋均已提交过本问卷。"


def test_per_unit_with_several_open_units_asks_which(world):
    survey = publish(world, answer_per="unit")
    error = _code(survey, world.owner)
    assert error.code == ErrorCode.INVALID and error.field == "unit"
    services.survey_answer(survey=survey, user=world.owner, answers=good_answers(survey), unit=world.u201.pk)
    assert Response.objects.get().unit == world.u201


def test_per_unit_for_a_unit_not_linked_to_the_user_is_refused(world):
    survey = publish(world, answer_per="unit")
    error = _code(survey, world.owner, unit=world.u102)
    assert error.code == ErrorCode.NOT_IN_AUDIENCE and error.field == "unit"
    assert not Response.objects.exists()


def test_per_unit_tenant_and_owner_share_the_units_one_answer(world):
    survey = publish(world, answer_per="unit", audience="all_residents")
    services.survey_answer(survey=survey, user=world.tenant, answers=good_answers(survey))
    assert _code(survey, world.owner2).code == ErrorCode.ALREADY_ANSWERED


def test_the_database_refuses_a_second_response_per_unit(world):
    survey = publish(world, answer_per="unit")
    now = timezone.now()
    Response.objects.create(survey=survey, user=world.owner, unit=world.u101, per="unit", submitted_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, user=world.coowner, unit=world.u101, per="unit", submitted_at=now)
    # a per-unit response needs its unit
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, user=world.coowner, unit=None, per="unit", submitted_at=now)
    # the same user may answer for another unit
    Response.objects.create(survey=survey, user=world.owner, unit=world.u201, per="unit", submitted_at=now)


# --- the window ---------------------------------------------------------------------------------------------

def test_before_the_window_opens(world):
    now = timezone.now()
    survey = publish(world, opens_at=now + timedelta(hours=2), closes_at=now + timedelta(days=1))
    error = _code(survey, world.owner)
    assert error.code == ErrorCode.WINDOW_CLOSED and error.message.startswith("问卷尚未开始")


def test_at_and_after_the_deadline(world):
    survey = publish(world)
    services.survey_answer(survey=survey, user=world.owner2, answers=good_answers(survey),
                           now=survey.closes_at - timedelta(seconds=1))
    error = _code(survey, world.owner, now=survey.closes_at)
    assert error.code == ErrorCode.WINDOW_CLOSED and error.message == "问卷已截止，不能再提交。"


def test_a_draft_or_closed_survey_takes_no_answers(world):
    draft = publish(world, open_=False)
    assert _code(draft, world.owner).code == ErrorCode.WINDOW_CLOSED
    survey = publish(world, title="已结束")
    services.survey_close(survey=survey, actor=world.chair)
    assert _code(survey, world.owner).code == ErrorCode.WINDOW_CLOSED
    assert not Response.objects.exists()


def test_anonymous_is_not_authenticated(world):
    from django.contrib.auth.models import AnonymousUser

    survey = publish(world)
    assert _code(survey, AnonymousUser()).code == ErrorCode.NOT_AUTHENTICATED

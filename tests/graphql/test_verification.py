"""Owner verification over GraphQL: request a code, read it from the SMS, confirm, and the errors on the way."""

import re

import pytest

from governance.registry.models import Ownership, VerificationCode
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REQUEST = """
mutation ($community: String!, $building: String!, $entrance: String, $room: String!) {
  requestOwnerVerificationCode(communityCode: $community, building: $building, entrance: $entrance, room: $room) {
    maskedPhone
    errors { code message field }
  }
}
"""

CONFIRM = """
mutation ($community: String!, $building: String!, $entrance: String, $room: String!, $code: String!) {
  confirmOwnerVerification(communityCode: $community, building: $building, entrance: $entrance, room: $room,
                           code: $code) {
    unit { role roleLabel verified label communityCode }
    errors { code message field }
  }
}
"""

UNIT_502 = {"community": "yuanhe", "building": "1栋", "entrance": "1", "room": "502"}


@pytest.fixture
def request_code(django_capture_on_commit_callbacks):
    """Run the request mutation and its on-commit work (the SMS is sent after the transaction commits)."""

    def run(caller, variables):
        with django_capture_on_commit_callbacks(execute=True):
            return caller(REQUEST, variables)["data"]["requestOwnerVerificationCode"]

    return run


def _code_from(sms_outbox) -> str:
    return re.search(r"验证码 (\d{6})", sms_outbox[-1]["message"]).group(1)


def test_whole_flow_request_code_confirm_and_me_shows_verified(request_code, gql_as, world, sms_outbox):
    """Given a signed-in user and 502 whose roster owner has phone 13800000001,
    when they request a code, read it from the SMS and confirm it,
    then `me` lists 502 as a verified 业主 and 苑和小区 as their community."""
    caller = gql_as(UserFactory(phone="13911112222"))

    sent = request_code(caller, UNIT_502)
    assert sent == {"maskedPhone": "138****0001", "errors": []}
    assert [m["phone"] for m in sms_outbox] == ["13800000001"]

    confirmed = caller(CONFIRM, {**UNIT_502, "code": _code_from(sms_outbox)})["data"]["confirmOwnerVerification"]
    assert confirmed == {
        "unit": {"role": "PRIMARY", "roleLabel": "业主", "verified": True,
                 "label": "1栋-1单元-502", "communityCode": "yuanhe"},
        "errors": [],
    }

    me = caller("{ me { units { verified role label } communities { code } } }")["data"]["me"]
    assert me == {"units": [{"verified": True, "role": "PRIMARY", "label": "1栋-1单元-502"}],
                  "communities": [{"code": "yuanhe"}]}


def test_entrance_may_be_omitted_when_the_room_is_unique(request_code, gql_as, world, sms_outbox):
    caller = gql_as(UserFactory())
    sent = request_code(caller, {"community": "yuanhe", "building": "1栋", "room": "502"})
    assert sent["errors"] == []


def test_wrong_code_is_code_invalid_and_nothing_is_verified(request_code, gql_as, world, sms_outbox):
    caller = gql_as(UserFactory())
    request_code(caller, UNIT_502)
    right = _code_from(sms_outbox)
    wrong = "000000" if right != "000000" else "111111"

    result = caller(CONFIRM, {**UNIT_502, "code": wrong})["data"]["confirmOwnerVerification"]

    assert result == {"unit": None, "errors": [
        {"code": "CODE_INVALID", "message": "验证码不正确，还可尝试 4 次。", "field": None},
    ]}
    ownership = Ownership.objects.get(unit=world.a_unit)
    assert ownership.verified is False and ownership.person.user_id is None
    assert VerificationCode.objects.get().attempts == 1  # the failed attempt is counted, not rolled back


def test_confirm_without_a_code_requested(gql_as, world):
    result = gql_as(UserFactory())(CONFIRM, {**UNIT_502, "code": "123456"})["data"]["confirmOwnerVerification"]
    assert result["errors"][0]["code"] == "CODE_INVALID"


def test_second_request_within_a_minute_is_rate_limited(request_code, gql_as, world, sms_outbox):
    caller = gql_as(UserFactory())
    assert request_code(caller, UNIT_502)["errors"] == []

    again = request_code(caller, UNIT_502)

    assert again["maskedPhone"] is None
    [error] = again["errors"]
    assert error["code"] == "RATE_LIMITED"
    assert "过于频繁" in error["message"]
    assert len(sms_outbox) == 1


def test_unknown_room_is_not_found(request_code, gql_as, world):
    result = request_code(gql_as(UserFactory()), {**UNIT_502, "room": "9999"})
    assert result["errors"] == [
        {"code": "NOT_FOUND", "message": "没有找到该房屋，请核对楼栋、单元和房号。", "field": None}
    ]


def test_unit_without_owner_phone_points_to_correction(request_code, gql_as, world):
    result = request_code(gql_as(UserFactory()), {**UNIT_502, "room": "601"})
    assert result["errors"][0]["code"] == "NO_OWNER_PHONE"
    assert "居委会" in result["errors"][0]["message"]


def test_already_verified_owner(request_code, gql_as, world, verified_owner):
    result = request_code(gql_as(verified_owner), UNIT_502)
    assert result["errors"][0]["code"] == "ALREADY_VERIFIED"


def test_anonymous_is_not_authenticated_and_no_sms_is_sent(request_code, gql, world, sms_outbox):
    result = request_code(gql, UNIT_502)
    assert result == {"maskedPhone": None, "errors": [
        {"code": "NOT_AUTHENTICATED", "message": "请先登录。", "field": None},
    ]}
    assert sms_outbox == [] and VerificationCode.objects.count() == 0

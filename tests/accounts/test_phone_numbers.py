"""Phone numbers are normalised and validated as mainland mobile numbers, with a Chinese message."""

import pytest

from portal.accounts.adapter import AccountAdapter
from portal.accounts.forms import ChinaPhoneField
from portal.accounts.sms import INVALID_PHONE_MESSAGE, normalize_phone

from .conftest import api

pytestmark = pytest.mark.django_db

INVALID = "请输入正确的11位手机号码，例如 13800138000。"


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        " 138 0013 8000 ",
        "138-0013-8000",
        "+86 138 0013 8000",
        "+8613800138000",
        "008613800138000",
        "8613800138000",
        "１３８００１３８０００",  # full-width digits
        "＋８６　１３８００１３８０００",  # full-width plus and ideographic space
    ],
)
def test_typed_numbers_clean_to_eleven_digits(typed):
    # given a number as people type it
    # when the phone field cleans it
    cleaned = ChinaPhoneField().clean(typed)
    # then it is the bare 11-digit number
    assert cleaned == "13800138000"
    assert normalize_phone(typed) == "13800138000"


@pytest.mark.parametrize("typed", ["12345", "23800138000", "1380013800a", "138001380001", "+1 202 555 0123", "12800138000"])
def test_invalid_numbers_are_refused_in_chinese(typed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        ChinaPhoneField().clean(typed)
    assert excinfo.value.messages == [INVALID]
    assert INVALID_PHONE_MESSAGE == INVALID


def test_empty_phone_asks_for_one():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        ChinaPhoneField(required=True).clean("")
    assert excinfo.value.messages == ["请输入手机号。"]


def test_web_login_with_invalid_phone_shows_chinese_error(client):
    # when someone types a short number on the login page
    response = client.post("/accounts/login/", {"login": "12345", "password": "whatever1"})
    # then the page comes back with the Chinese error next to the phone field
    assert response.status_code == 200
    assert response.context["form"].errors == {"login": [INVALID]}
    assert INVALID in response.content.decode()


def test_headless_login_with_invalid_phone_is_400_with_chinese_error(client):
    response = api(client, "post", "/auth/login", {"phone": "12345", "password": "whatever1"})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"message": INVALID, "code": "invalid_phone", "param": "phone"}]


def test_headless_login_accepts_the_number_as_typed(client, resident):
    # allauth's headless login declares an E.164 field; ours replaces it so '138 0013 8000' works
    response = api(client, "post", "/auth/login", {"phone": "138 0013 8000", "password": "demo1234"})
    assert response.status_code == 200
    assert response.json()["data"]["user"]["id"] == resident.pk


def test_adapter_stores_and_finds_users_by_phone(resident):
    adapter = AccountAdapter()
    assert adapter.get_user_by_phone("+86 138 0013 8000") == resident
    assert adapter.get_user_by_phone("13900139000") is None
    assert adapter.get_phone(resident) == ("13800138000", True)

    adapter.set_phone(resident, "13900139000", False)
    resident.refresh_from_db()
    assert (resident.phone, resident.phone_verified) == ("13900139000", False)

    adapter.set_phone_verified(resident, "13700000000")  # not their number: nothing changes
    resident.refresh_from_db()
    assert resident.phone_verified is False
    adapter.set_phone_verified(resident, "13900139000")
    resident.refresh_from_db()
    assert resident.phone_verified is True

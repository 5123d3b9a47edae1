"""Sign-up refuses weak passwords (common, all digits, the phone number itself) on the web and the headless API."""

import pytest

from portal.accounts.models import User

from .conftest import api

pytestmark = pytest.mark.django_db

PHONE = "13900139000"
WEAK = [
    ("password", ["这个密码太常见了，请换一个。"]),
    ("12345678", ["这个密码太常见了，请换一个。", "密码不能全是数字。"]),
    ("11111111", ["这个密码太常见了，请换一个。", "密码不能全是数字。"]),
    ("20240817", ["密码不能全是数字。"]),
    (PHONE, ["密码不能全是数字。"]),
    (f"{PHONE}ab", ["密码与您的账号信息太相似。", "密码不能包含您的手机号。"]),
    (f"my-{PHONE}-secret!", ["密码不能包含您的手机号。"]),
]


@pytest.mark.parametrize("password, messages", WEAK)
def test_web_signup_refuses_a_weak_password_in_chinese(client, sms_outbox, password, messages):
    response = client.post("/accounts/signup/", {"phone": PHONE, "password1": password, "password2": password})

    assert response.status_code == 200
    assert response.context["form"].errors == {"password1": messages}
    assert User.objects.count() == 0
    assert sms_outbox == []


@pytest.mark.parametrize("password, messages", WEAK)
def test_headless_signup_refuses_a_weak_password_in_chinese(client, sms_outbox, password, messages):
    response = api(client, "post", "/auth/signup", {"phone": PHONE, "password": password})

    assert response.status_code == 400
    assert [(e["param"], e["message"]) for e in response.json()["errors"]] == [("password", m) for m in messages]
    assert User.objects.count() == 0
    assert sms_outbox == []


def test_the_phone_is_found_whatever_way_it_was_typed(client, sms_outbox):
    response = api(client, "post", "/auth/signup", {"phone": "+86 139 0013 9000", "password": f"x{PHONE}yz!"})

    assert response.status_code == 400
    assert response.json()["errors"][-1]["message"] == "密码不能包含您的手机号。"


def test_a_strong_password_is_accepted_on_both(client, sms_outbox):
    web = client.post("/accounts/signup/", {"phone": PHONE, "password1": "松鼠-晚霞-2718", "password2": "松鼠-晚霞-2718"})
    assert web.status_code == 302
    response = api(client.__class__(), "post", "/auth/signup", {"phone": "13900139001", "password": "secret-pass-1"})
    assert response.status_code == 401
    assert set(User.objects.values_list("phone", flat=True)) == {PHONE, "13900139001"}


def test_the_demo_password_set_directly_still_signs_in(client, resident):
    response = api(client, "post", "/auth/login", {"phone": resident.phone, "password": "demo1234"})

    assert response.status_code == 200

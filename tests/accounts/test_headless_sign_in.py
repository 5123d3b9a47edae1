"""The mini-program signs in through allauth headless, "app" client, with X-Session-Token."""

import pytest

from portal.accounts.models import User

from .conftest import api, code_in

pytestmark = pytest.mark.django_db


def test_password_login_returns_a_session_token(client, resident, sms_outbox):
    # when the app posts phone + password
    response = api(client, "post", "/auth/login", {"phone": "13800138000", "password": "demo1234"})
    # then it is authenticated and gets a session token
    assert response.status_code == 200
    body = response.json()
    assert body["meta"]["is_authenticated"] is True
    token = body["meta"]["session_token"]
    assert token
    assert body["data"]["user"]["id"] == resident.pk
    assert body["data"]["user"]["display"] == "138****8000"
    assert sms_outbox == []
    # and the token identifies the session on later calls
    session = api(client.__class__(), "get", "/auth/session", token=token)
    assert session.status_code == 200
    assert session.json()["data"]["user"]["id"] == resident.pk


def test_password_login_accepts_plus86(client, resident):
    response = api(client, "post", "/auth/login", {"phone": "+8613800138000", "password": "demo1234"})
    assert response.status_code == 200
    assert response.json()["data"]["user"]["id"] == resident.pk


def test_wrong_password_is_400_in_chinese(client, resident):
    response = api(client, "post", "/auth/login", {"phone": "13800138000", "password": "wrong-pass"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"message": "手机号或密码不正确。", "code": "phone_password_mismatch", "param": "password"}
    ]


def test_code_login_request_then_confirm(client, resident, sms_outbox):
    # when the app asks for a code
    response = api(client, "post", "/auth/code/request", {"phone": "138 0013 8000"})
    # then the login-by-code flow is pending and a token is handed out for the next step
    assert response.status_code == 401
    body = response.json()
    assert {"id": "login_by_code", "is_pending": True} in body["data"]["flows"]
    token = body["meta"]["session_token"]
    assert len(sms_outbox) == 1
    assert sms_outbox[0]["phone"] == "13800138000"
    # when it confirms with the texted code
    response = api(client.__class__(), "post", "/auth/code/confirm", {"code": code_in(sms_outbox[0])}, token=token)
    # then it is authenticated, with a session token
    assert response.status_code == 200
    body = response.json()
    assert body["meta"]["is_authenticated"] is True
    assert body["meta"]["session_token"]
    assert body["data"]["user"]["id"] == resident.pk
    assert body["data"]["methods"][0]["method"] == "code"


def test_code_confirm_with_wrong_code_is_400_in_chinese(client, resident, sms_outbox):
    token = api(client, "post", "/auth/code/request", {"phone": "13800138000"}).json()["meta"]["session_token"]
    wrong = "000000" if code_in(sms_outbox[0]) != "000000" else "111111"
    response = api(client.__class__(), "post", "/auth/code/confirm", {"code": wrong}, token=token)
    assert response.status_code == 400
    assert response.json()["errors"] == [{"message": "验证码不正确，请重新输入。", "code": "incorrect_code", "param": "code"}]


def test_signup_then_verify_phone(client, sms_outbox):
    # when the app signs up with phone + password
    response = api(client, "post", "/auth/signup", {"phone": "13900139000", "password": "secret-pass-1"})
    # then the account exists, a code is texted and phone verification is pending
    assert response.status_code == 401
    body = response.json()
    assert {"id": "verify_phone", "is_pending": True} in body["data"]["flows"]
    token = body["meta"]["session_token"]
    user = User.objects.get(phone="13900139000")
    assert (user.username, user.phone_verified) == ("13900139000", False)
    assert len(sms_outbox) == 1
    # when it posts the code
    response = api(client.__class__(), "post", "/auth/phone/verify", {"code": code_in(sms_outbox[0])}, token=token)
    # then the phone is verified and the app is signed in
    assert response.status_code == 200
    assert response.json()["meta"]["is_authenticated"] is True
    user.refresh_from_db()
    assert user.phone_verified is True


def test_errors_on_signup_are_chinese(client, sms_outbox):
    response = api(client, "post", "/auth/signup", {"phone": "139", "password": "short"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"message": "请输入正确的11位手机号码，例如 13800138000。", "code": "invalid_phone", "param": "phone"},
        {"message": "密码太短，至少需要 8 个字符。", "code": "password_too_short", "param": "password"},
    ]
    assert sms_outbox == []

"""Web sign-in: phone + password, phone + SMS code, signup with phone verification, admin login."""

import pytest
from django.contrib.auth import SESSION_KEY

from portal.accounts.models import User
from tests.factories import UserFactory

from .conftest import code_in

pytestmark = pytest.mark.django_db


def signed_in_user_id(client):
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


# --- password ------------------------------------------------------------------------


def test_login_page_has_the_fields_the_browser_test_fills(client):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="login"' in html and 'data-testid="login-phone"' in html
    assert 'name="password"' in html and 'data-testid="login-password"' in html
    assert 'data-testid="login-submit"' in html
    assert "密码登录" in html and "验证码登录" in html and 'href="/accounts/login/code/"' in html


def test_resident_signs_in_with_phone_and_password(client, resident, sms_outbox):
    # given a resident with a verified phone
    # when they sign in with the number as typed and their password
    response = client.post("/accounts/login/", {"login": "138 0013 8000", "password": "demo1234"})
    # then they land on the home page, signed in, and no SMS was needed
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == resident.pk
    assert sms_outbox == []


def test_wrong_password_is_refused_in_chinese(client, resident):
    response = client.post("/accounts/login/", {"login": "13800138000", "password": "wrong-pass"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["手机号或密码不正确。"]
    assert "手机号或密码不正确。" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_failed_logins_are_counted_per_phone_not_for_everyone(client, resident):
    # given someone guesses another resident's password five times
    other = UserFactory(phone="13900139000", phone_verified=True)
    for _ in range(5):
        client.post("/accounts/login/", {"login": "13900139000", "password": "wrong-pass"})
    # then that phone is locked for a while
    response = client.post("/accounts/login/", {"login": "13900139000", "password": "demo1234"})
    assert response.context["form"].non_field_errors() == ["尝试次数过多，请稍后再试。"]
    # but another resident still signs in
    response = client.post("/accounts/login/", {"login": "13800138000", "password": "demo1234"})
    assert response.status_code == 302
    assert signed_in_user_id(client) == resident.pk
    assert other.pk != resident.pk


def test_unverified_phone_is_verified_by_sms_at_first_password_login(client, sms_outbox):
    # given an account whose phone was entered by staff and never verified
    user = UserFactory(phone="13700137000", phone_verified=False)
    # when they sign in with their password
    response = client.post("/accounts/login/", {"login": "13700137000", "password": "demo1234"})
    # then a verification code is texted and they are asked for it
    assert response.status_code == 302
    assert response["Location"] == "/accounts/phone/verify/"
    assert len(sms_outbox) == 1
    assert sms_outbox[0]["message"].startswith("【小区治理】您的手机验证码为 ")
    # and entering it signs them in with a verified phone
    response = client.post("/accounts/phone/verify/", {"code": code_in(sms_outbox[0])})
    assert response.status_code == 302
    assert signed_in_user_id(client) == user.pk
    user.refresh_from_db()
    assert user.phone_verified is True


# --- SMS code --------------------------------------------------------------------------


def test_resident_signs_in_with_an_sms_code(client, resident, sms_outbox):
    # when the resident asks for a code with the number in +86 form
    response = client.post("/accounts/login/code/", {"phone": "+86 138 0013 8000"})
    # then one SMS is sent and the code page opens
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/code/confirm/"
    assert len(sms_outbox) == 1
    page = client.get("/accounts/login/code/confirm/")
    assert page.status_code == 200
    assert "验证码已发送至 <strong>13800138000</strong>" in page.content.decode()
    # when they enter the code
    response = client.post("/accounts/login/code/confirm/", {"code": code_in(sms_outbox[0])})
    # then they are signed in
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == resident.pk


def test_code_typed_with_full_width_digits_is_accepted(client, resident, sms_outbox):
    client.post("/accounts/login/code/", {"phone": "13800138000"})
    code = code_in(sms_outbox[0])
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in code)
    response = client.post("/accounts/login/code/confirm/", {"code": f"{full_width[:3]} {full_width[3:]}"})
    assert response.status_code == 302
    assert signed_in_user_id(client) == resident.pk


def test_wrong_code_is_refused_in_chinese(client, resident, sms_outbox):
    client.post("/accounts/login/code/", {"phone": "13800138000"})
    wrong = "000000" if code_in(sms_outbox[0]) != "000000" else "111111"
    response = client.post("/accounts/login/code/confirm/", {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["验证码不正确，请重新输入。"]}
    assert signed_in_user_id(client) is None


def test_code_for_unknown_phone_sends_nothing_and_reveals_nothing(client, sms_outbox):
    # given no account has this phone
    # when someone asks for a code
    response = client.post("/accounts/login/code/", {"phone": "13911112222"})
    # then the page looks the same as for a real account, but nothing is texted
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/code/confirm/"
    assert sms_outbox == []


def test_a_code_login_verifies_the_phone(client, sms_outbox):
    user = UserFactory(phone="13700137000", phone_verified=False)
    client.post("/accounts/login/code/", {"phone": "13700137000"})
    client.post("/accounts/login/code/confirm/", {"code": code_in(sms_outbox[0])})
    user.refresh_from_db()
    assert signed_in_user_id(client) == user.pk
    assert user.phone_verified is True


# --- signup ----------------------------------------------------------------------------


def test_signup_with_phone_verification_and_password(client, sms_outbox):
    # when a new resident signs up with phone and password
    response = client.post(
        "/accounts/signup/",
        {"phone": "139 0013 9000", "password1": "secret-pass-1", "password2": "secret-pass-1"},
    )
    # then the account exists with username = phone, not yet verified, and a code is texted
    assert response.status_code == 302
    assert response["Location"] == "/accounts/phone/verify/"
    user = User.objects.get(phone="13900139000")
    assert user.username == "13900139000"
    assert user.phone_verified is False
    assert user.check_password("secret-pass-1")
    assert len(sms_outbox) == 1
    code = code_in(sms_outbox[0])
    assert sms_outbox[0] == {
        "phone": "13900139000",
        "message": f"【小区治理】您的注册验证码为 {code}，10分钟内有效。如非本人操作，请忽略本短信。",
    }
    assert signed_in_user_id(client) is None
    # when they enter the code
    response = client.post("/accounts/phone/verify/", {"code": code})
    # then the phone is verified and they are signed in
    assert response.status_code == 302
    assert response["Location"] == "/"
    user.refresh_from_db()
    assert user.phone_verified is True
    assert signed_in_user_id(client) == user.pk
    # and from now on they can sign in with the password
    client.logout()
    response = client.post("/accounts/login/", {"login": "13900139000", "password": "secret-pass-1"})
    assert response.status_code == 302
    assert signed_in_user_id(client) == user.pk


def test_signup_errors_are_chinese(client, sms_outbox):
    response = client.post("/accounts/signup/", {"phone": "1390013", "password1": "short", "password2": "short"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "phone": ["请输入正确的11位手机号码，例如 13800138000。"],
        "password1": ["密码太短，至少需要 8 个字符。"],
    }
    response = client.post(
        "/accounts/signup/", {"phone": "13900139000", "password1": "secret-pass-1", "password2": "secret-pass-2"}
    )
    assert response.context["form"].errors == {"password2": ["每次输入的密码必须相同。"]}
    html = response.content.decode()
    assert "每次输入的密码必须相同。" in html
    assert User.objects.count() == 0
    assert sms_outbox == []


def test_signup_with_a_registered_phone_creates_nothing_and_tells_the_owner(client, resident, sms_outbox):
    response = client.post(
        "/accounts/signup/",
        {"phone": "13800138000", "password1": "secret-pass-1", "password2": "secret-pass-1"},
    )
    # the response is the same as for a new number (no enumeration) ...
    assert response.status_code == 302
    assert response["Location"] == "/accounts/phone/verify/"
    # ... but no account is created and the owner of the number is told
    assert User.objects.count() == 1
    assert sms_outbox == [
        {
            "phone": "13800138000",
            "message": "【小区治理】该手机号已注册小区治理账号，请直接使用短信验证码或密码登录。如非本人操作，请忽略本短信。",
        }
    ]


def test_entrance_pages_render_in_chinese(client):
    for url, marker in [
        ("/accounts/login/", "登录小区治理"),
        ("/accounts/login/code/", "获取验证码"),
        ("/accounts/signup/", "注册小区治理账号"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert marker in html, url
        assert '<html lang="zh-hans">' in html


def test_logout_page_and_logout(client, resident):
    client.force_login(resident)
    page = client.get("/accounts/logout/")
    assert page.status_code == 200
    assert "确定要退出当前账号吗？" in page.content.decode()
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert signed_in_user_id(client) is None


# --- admin ------------------------------------------------------------------------------


def test_superuser_admin_signs_into_wagtail_admin_with_username(client):
    # given the superuser `admin` (no phone)
    User.objects.create_superuser(username="admin", email="", password="admin-pass-123")
    # when they sign in on the Wagtail admin login page
    response = client.post("/admin/login/", {"username": "admin", "password": "admin-pass-123"})
    # then they reach the admin
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_login_with_a_wrong_password_is_refused(client):
    User.objects.create_superuser(username="admin", email="", password="admin-pass-123")
    response = client.post("/admin/login/", {"username": "admin", "password": "nope"})
    assert response.status_code == 200
    assert signed_in_user_id(client) is None


def test_unverified_phone_at_password_login_when_sms_is_limited(client, sms_outbox):
    from portal.accounts.ratelimit import sms_rate_check

    # given a staff-entered account whose phone was texted a moment ago
    UserFactory(phone="13700137000", phone_verified=False)
    sms_rate_check(phone="13700137000", ip="192.0.2.1")
    # when they sign in with the password (which needs a verification SMS)
    response = client.post("/accounts/login/", {"login": "13700137000", "password": "demo1234"}, follow=True)
    # then they are back on the login page with the reason, nothing sent, not signed in
    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert [str(m) for m in response.context["messages"]] == ["该手机号获取验证码过于频繁，请 1 分钟后再试。"]
    assert sms_outbox == []
    assert signed_in_user_id(client) is None


def test_allauth_pages_without_an_override_use_the_site_layout(client, resident):
    client.force_login(resident)
    response = client.get("/accounts/password/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a class="brand" href="/">小区治理</a>' in html
    assert '<form method="post" class="stack"' in html
    assert "修改密码" in html


def test_change_phone_page(client, resident):
    client.force_login(resident)
    response = client.get("/accounts/phone/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "更换手机号" in html
    assert "138****8000" in html

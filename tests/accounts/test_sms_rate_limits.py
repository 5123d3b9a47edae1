"""SMS limits (settings.SMS_RATE_LIMITS): per phone 1/60 s, 5/hour, 10/day; per IP 20/hour.

A refused request sends nothing: on the web it is a form error, on the headless API a 429.
"""

import pytest
from django.test import Client

from portal.accounts.models import User
from governance.errors import DomainError, ErrorCode
from portal.accounts.ratelimit import sms_rate_check, sms_rate_peek
from tests.factories import UserFactory

from .conftest import api

pytestmark = pytest.mark.django_db

TOO_SOON = "该手机号获取验证码过于频繁，请 1 分钟后再试。"


def web_request_code(client, phone, **extra):
    """Ask for a code from a fresh browser on the same network.

    (In one browser a pending code login sends you back to its code page; a new request
    comes from another browser, or after "换个手机号".)
    """
    return Client().post("/accounts/login/code/", {"phone": phone}, **extra)


def web_refusal(response):
    assert response.status_code == 200, response
    return response.context["form"].errors["phone"]


def api_request_code(client, phone, **extra):
    return api(client, "post", "/auth/code/request", {"phone": phone}, **extra)


def api_refusal(response):
    assert response.status_code == 429, response.content
    [error] = response.json()["errors"]
    assert (error["code"], error["param"]) == ("rate_limited", "phone")
    return error["message"]


def test_limits_are_the_documented_ones(settings):
    assert settings.SMS_RATE_LIMITS == {"phone": [(1, 60), (5, 3600), (10, 86400)], "ip": [(20, 3600)]}


# --- per phone, one a minute ---------------------------------------------------------------


def test_web_one_code_per_minute_per_phone(client, resident, sms_outbox, clock):
    # the first request is sent
    assert web_request_code(client, "13800138000").status_code == 302
    assert len(sms_outbox) == 1
    # a second one 59 s later is refused on the form, and nothing is sent
    clock.advance(59)
    assert web_refusal(web_request_code(client, "13800138000")) == ["该手机号获取验证码过于频繁，请 1 秒后再试。"]
    assert len(sms_outbox) == 1
    # once 60 s have passed it is sent again
    clock.advance(1)
    assert web_request_code(client, "13800138000").status_code == 302
    assert len(sms_outbox) == 2


def test_web_second_request_within_the_minute_says_so(client, resident, sms_outbox, clock):
    web_request_code(client, "13800138000")
    assert web_refusal(web_request_code(client, "138 0013 8000")) == [TOO_SOON]
    assert len(sms_outbox) == 1


def test_headless_one_code_per_minute_per_phone(client, resident, sms_outbox, clock):
    assert api_request_code(client, "13800138000").status_code == 401  # flow pending: code sent
    assert len(sms_outbox) == 1

    clock.advance(30)
    assert api_refusal(api_request_code(client, "13800138000")) == "该手机号获取验证码过于频繁，请 30 秒后再试。"
    assert len(sms_outbox) == 1

    clock.advance(30)
    assert api_request_code(client, "13800138000").status_code == 401
    assert len(sms_outbox) == 2


# --- per phone, five an hour, ten a day --------------------------------------------------


def test_web_sixth_code_in_an_hour_is_refused(client, resident, sms_outbox, clock):
    for _ in range(5):
        assert web_request_code(client, "13800138000").status_code == 302
        clock.advance(61)
    # 5 × 61 s = 305 s after the first: the first leaves the hour window in 3295 s
    assert web_refusal(web_request_code(client, "13800138000")) == ["该手机号获取验证码过于频繁，请 55 分钟后再试。"]
    assert len(sms_outbox) == 5
    # once the hour has passed since the first, it is sent
    clock.advance(3600 - 305)
    assert web_request_code(client, "13800138000").status_code == 302
    assert len(sms_outbox) == 6


def test_headless_sixth_code_in_an_hour_is_refused(client, resident, sms_outbox, clock):
    for _ in range(5):
        assert api_request_code(client, "13800138000").status_code == 401
        clock.advance(61)
    assert api_refusal(api_request_code(client, "13800138000")) == "该手机号获取验证码过于频繁，请 55 分钟后再试。"
    assert len(sms_outbox) == 5


def test_eleventh_code_in_a_day_is_refused(client, resident, sms_outbox, clock):
    # ten codes, 12 min apart, never five in one hour
    for _ in range(10):
        assert web_request_code(client, "13800138000").status_code == 302
        clock.advance(721)
    assert web_refusal(web_request_code(client, "13800138000")) == ["该手机号获取验证码过于频繁，请 22 小时后再试。"]
    assert len(sms_outbox) == 10


# --- per IP ------------------------------------------------------------------------------


def many_residents(n):
    return [UserFactory(phone=f"1350000{i:04d}", phone_verified=True).phone for i in range(n)]


def test_web_twenty_first_code_from_one_ip_is_refused_across_phones(client, sms_outbox, clock):
    phones = many_residents(22)
    for phone in phones[:20]:
        assert web_request_code(client, phone).status_code == 302
    clock.advance(1)
    # the 21st, to a number never texted before, is refused because of the IP
    assert web_refusal(web_request_code(client, phones[20])) == ["您的网络获取验证码过于频繁，请 60 分钟后再试。"]
    assert len(sms_outbox) == 20
    # another IP is not affected
    assert web_request_code(client, phones[21], REMOTE_ADDR="10.1.2.3").status_code == 302
    assert len(sms_outbox) == 21


def test_headless_twenty_first_code_from_one_ip_is_refused_across_phones(client, sms_outbox, clock):
    phones = many_residents(22)
    for phone in phones[:20]:
        assert api_request_code(client, phone).status_code == 401
    clock.advance(1)
    assert api_refusal(api_request_code(client, phones[20])) == "您的网络获取验证码过于频繁，请 60 分钟后再试。"
    assert len(sms_outbox) == 20
    assert api_request_code(client, phones[21], REMOTE_ADDR="10.1.2.3").status_code == 401
    assert len(sms_outbox) == 21


def test_unknown_numbers_count_like_real_ones(client, sms_outbox):
    # so the limit does not reveal which numbers have accounts
    assert web_request_code(client, "13911112222").status_code == 302
    assert web_refusal(web_request_code(client, "13911112222")) == [TOO_SOON]
    assert api_refusal(api_request_code(client, "13911112222")) == TOO_SOON
    assert sms_outbox == []


# --- signup and "send again" -----------------------------------------------------------------


def test_web_signup_refused_before_any_account_exists(client, sms_outbox):
    # given this phone was just texted (e.g. by owner verification)
    sms_rate_check(phone="13900139000", ip="192.0.2.1")
    # when someone signs up with it
    response = client.post(
        "/accounts/signup/", {"phone": "13900139000", "password1": "secret-pass-1", "password2": "secret-pass-1"}
    )
    # then the form says why and nothing was created or sent
    assert response.status_code == 200
    assert response.context["form"].errors == {"phone": [TOO_SOON]}
    assert TOO_SOON in response.content.decode()
    assert User.objects.count() == 0
    assert sms_outbox == []


def test_headless_signup_refused_before_any_account_exists(client, sms_outbox):
    sms_rate_check(phone="13900139000", ip="192.0.2.1")
    response = api(client, "post", "/auth/signup", {"phone": "13900139000", "password": "secret-pass-1"})
    assert api_refusal(response) == TOO_SOON
    assert User.objects.count() == 0
    assert sms_outbox == []


def test_web_send_again_within_the_minute_is_refused(client, resident, sms_outbox, clock):
    client.post("/accounts/login/code/", {"phone": "13800138000"})
    response = client.post("/accounts/login/code/confirm/", {"action": "resend"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [("/accounts/login/code/confirm/", 302)]
    assert [str(m) for m in response.context["messages"]] == ["验证码已发送至 13800138000，请查收短信。", TOO_SOON]
    assert len(sms_outbox) == 1
    # a minute later it is sent, and the new code works
    clock.advance(61)
    client.post("/accounts/login/code/confirm/", {"action": "resend"})
    assert len(sms_outbox) == 2


def test_headless_send_again_within_the_minute_is_429(client, resident, sms_outbox, clock):
    token = api_request_code(client, "13800138000").json()["meta"]["session_token"]
    response = api(client.__class__(), "post", "/auth/code/resend", token=token)
    assert api_refusal(response) == TOO_SOON
    assert len(sms_outbox) == 1
    clock.advance(61)
    assert api(client.__class__(), "post", "/auth/code/resend", token=token).status_code == 200
    assert len(sms_outbox) == 2


def test_owner_verification_and_login_share_the_phone_limit(client, resident, sms_outbox):
    # registry services call sms_rate_check(phone=..., ip=client_ip(request)) too
    sms_rate_check(phone="13800138000", ip="198.51.100.7")
    assert web_refusal(web_request_code(client, "13800138000")) == [TOO_SOON]
    assert sms_outbox == []


def test_the_longest_wait_is_reported(clock):
    # five texts a minute apart, then a sixth ten seconds after the fifth: both the
    # one-a-minute and the five-an-hour limits refuse it; the hour is what matters
    for _ in range(4):
        sms_rate_check(phone="13800138000", ip="")
        clock.advance(61)
    sms_rate_check(phone="13800138000", ip="")
    clock.advance(10)
    with pytest.raises(DomainError) as excinfo:
        sms_rate_check(phone="13800138000", ip="")
    assert excinfo.value.code == ErrorCode.RATE_LIMITED
    assert excinfo.value.message == "该手机号获取验证码过于频繁，请 56 分钟后再试。"


def test_peeking_counts_nothing():
    for _ in range(3):
        sms_rate_peek(phone="13800138000", ip="192.0.2.1")
    sms_rate_check(phone="13800138000", ip="192.0.2.1")  # still the first


def test_a_refused_request_does_not_extend_the_wait(clock):
    sms_rate_check(phone="13800138000", ip="")
    clock.advance(30)
    with pytest.raises(DomainError):
        sms_rate_check(phone="13800138000", ip="")
    clock.advance(30)
    sms_rate_check(phone="13800138000", ip="")  # 60 s after the first, not after the refusal


def test_the_same_number_typed_differently_shares_its_limit():
    sms_rate_check(phone="13800138000", ip="")
    with pytest.raises(DomainError):
        sms_rate_check(phone="+86 138 0013 8000", ip="")


def test_behind_a_proxy_the_forwarded_client_ip_is_limited(client, settings, sms_outbox):
    from django.test import RequestFactory

    from portal.accounts.ratelimit import client_ip

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "203.0.113.9"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    assert client_ip(None) == ""

"""django-allauth adapter: phone sign-in (password or 6-digit SMS code) against `User.phone`.

Every SMS allauth asks for goes through `_count_sms_or_refuse` (the limits of
`settings.SMS_RATE_LIMITS`, see `portal.accounts.ratelimit`) and then `send_sms`. Forms
that lead to an SMS check the limit first (see `portal.accounts.forms`), so on the web a
refusal is a form error; a refusal at send time (the headless API, "send again" buttons)
answers 429 JSON for headless clients and a message + redirect in the browser.
"""

from __future__ import annotations

import secrets
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.httpkit import is_headless_request
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from governance.errors import DomainError

from .forms import ChinaPhoneField, install_headless_phone_field
from .ratelimit import client_ip, sms_rate_check, sms_rate_peek
from .sms import INVALID_PHONE_MESSAGE, is_cn_mobile, normalize_phone, send_sms

SMS_SIGNATURE = "【小区治理】"
CODE_DIGITS = 6


def generate_numeric_code(digits: int = CODE_DIGITS) -> str:
    """Six random digits from the OS's CSPRNG, leading zeros kept: '042917'."""
    return f"{secrets.randbelow(10**digits):0{digits}d}"


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _("该账号已停用，如有疑问请联系居委会或业委会。"),
        "enter_current_password": _("请输入当前密码。"),
        "incorrect_code": _("验证码不正确，请重新输入。"),
        "incorrect_password": _("密码不正确。"),
        "invalid_login": _("登录信息不正确。"),
        "phone_password_mismatch": _("手机号或密码不正确。"),
        "phone_taken": _("该手机号已注册，请直接登录。"),
        "rate_limited": _("操作过于频繁，请稍后再试。"),
        "same_as_current": _("新手机号不能与当前手机号相同。"),
        "too_many_login_attempts": _("尝试次数过多，请稍后再试。"),
        "unknown_phone": _("该手机号尚未注册。"),
        "username_password_mismatch": _("用户名或密码不正确。"),
    }

    # --- codes: six digits, never letters ----------------------------------------
    def generate_login_code(self) -> str:
        return generate_numeric_code()

    def generate_phone_verification_code(self, *, user, phone: str) -> str:
        return generate_numeric_code()

    # --- passwords: Django 5.2's zh_Hans catalog misses some validator messages --------
    PASSWORD_ERRORS = {
        "password_too_short": "密码太短，至少需要 %(min_length)d 个字符。",
        "password_too_common": "这个密码太常见了，请换一个。",
        "password_entirely_numeric": "密码不能全是数字。",
        "password_too_similar": "密码与您的账号信息太相似。",
    }

    def clean_password(self, password: str, user=None) -> str:
        try:
            return super().clean_password(password, user=user)
        except ValidationError as exc:
            errors = []
            for error in exc.error_list:
                template = self.PASSWORD_ERRORS.get(error.code)
                if template:
                    error = ValidationError(template, code=error.code, params=error.params)
                errors.append(error)
            raise ValidationError(errors) from exc

    # --- the phone number on the user ------------------------------------------------
    def phone_form_field(self, **kwargs: Any) -> ChinaPhoneField:
        kwargs["label"] = "手机号"
        return ChinaPhoneField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        phone = normalize_phone(phone)
        if not is_cn_mobile(phone):
            raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone")
        return phone

    def get_phone(self, user) -> tuple[str, bool] | None:
        phone = getattr(user, "phone", None)
        if not phone:
            return None
        return phone, bool(user.phone_verified)

    def set_phone(self, user, phone: str, verified: bool) -> None:
        user.phone = phone
        user.phone_verified = verified
        if user.pk:
            user.save(update_fields=["phone", "phone_verified"])

    def set_phone_verified(self, user, phone: str) -> None:
        if user.phone != phone:
            return
        user.phone_verified = True
        user.save(update_fields=["phone_verified"])

    def get_user_by_phone(self, phone: str):
        from .models import User

        phone = normalize_phone(phone)
        if not phone:
            return None
        return User.objects.filter(phone=phone).order_by("pk").first()

    # --- signup: username = phone --------------------------------------------------------
    def save_user(self, request: HttpRequest, user, form, commit: bool = True):
        phone = form.cleaned_data.get("phone")
        if phone:
            # The verification SMS follows the save: refuse before an account exists.
            self._refuse_if_sms_limited(phone)
            user.phone = phone
        return super().save_user(request, user, form, commit=commit)

    def populate_username(self, request: HttpRequest, user) -> None:
        if not user.username and user.phone:
            if not type(user).objects.filter(username__iexact=user.phone).exists():
                user.username = user.phone
        super().populate_username(request, user)

    # --- SMS -------------------------------------------------------------------------------
    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs: Any) -> None:
        self._count_sms_or_refuse(phone)
        send_sms(phone, self._code_message(code))

    def send_account_already_exists_sms(self, phone: str) -> None:
        self._count_sms_or_refuse(phone)
        send_sms(
            phone,
            f"{SMS_SIGNATURE}该手机号已注册小区治理账号，请直接使用短信验证码或密码登录。如非本人操作，请忽略本短信。",
        )

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        # Nothing is texted to a number without an account, but the request is counted like
        # a real SMS, so the limits do not reveal which numbers have accounts.
        self._count_sms_or_refuse(phone)

    def _code_message(self, code: str) -> str:
        request = self._current_request()
        url_name = getattr(getattr(request, "resolver_match", None), "url_name", "") or ""
        if "login_code" in url_name:
            purpose, seconds = "登录", account_settings.LOGIN_BY_CODE_TIMEOUT
        elif url_name in {"account_signup", "signup"}:
            purpose, seconds = "注册", account_settings.PHONE_VERIFICATION_TIMEOUT
        else:
            purpose, seconds = "手机", account_settings.PHONE_VERIFICATION_TIMEOUT
        minutes = max(seconds // 60, 1)
        return f"{SMS_SIGNATURE}您的{purpose}验证码为 {code}，{minutes}分钟内有效。如非本人操作，请忽略本短信。"

    def _current_request(self) -> HttpRequest | None:
        return context.request or self.request

    def _refuse_if_sms_limited(self, phone: str) -> None:
        """Like `_count_sms_or_refuse`, without counting."""
        request = self._current_request()
        try:
            sms_rate_peek(phone=phone, ip=client_ip(request))
        except DomainError as exc:
            if request is None:
                raise
            raise ImmediateHttpResponse(self._respond_sms_rate_limited(request, exc)) from exc

    def _count_sms_or_refuse(self, phone: str) -> None:
        request = self._current_request()
        try:
            sms_rate_check(phone=phone, ip=client_ip(request))
        except DomainError as exc:
            if request is None:
                raise
            raise ImmediateHttpResponse(self._respond_sms_rate_limited(request, exc)) from exc

    def _respond_sms_rate_limited(self, request: HttpRequest, exc: DomainError) -> HttpResponse:
        if is_headless_request(request):
            from allauth.headless.internal.restkit.response import APIResponse

            return APIResponse(
                request,
                status=429,
                errors=[{"message": exc.message, "code": "rate_limited", "param": "phone"}],
            )
        messages.error(request, exc.message)
        return HttpResponseRedirect(request.get_full_path())

    # --- allauth keys failed logins by email/username only; phone logins would share one key
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        site = get_current_site(request)
        login = credentials.get("email") or credentials.get("username") or credentials.get("phone") or ""
        return f"{site.domain}:{str(login).lower()}"


install_headless_phone_field()

"""Sign-in forms: a Chinese mobile-number field and the allauth forms that send SMS codes.

The forms that lead to an SMS (request a login code, sign up, change phone) ask the SMS
rate limiter first (`sms_rate_peek`, which counts nothing), so a refused request is a
form error and no account or code is created. The SMS itself is counted when the
adapter sends it (`AccountAdapter.send_verification_code_sms`).

Wired in settings: `ACCOUNT_FORMS`, and the adapter's `phone_form_field`.
"""

from __future__ import annotations

import unicodedata

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.core import context
from django import forms
from django.core.exceptions import ValidationError

from governance.errors import DomainError

from .ratelimit import client_ip, sms_rate_peek
from .sms import INVALID_PHONE_MESSAGE, is_cn_mobile, normalize_phone

__all__ = [
    "ChinaPhoneField",
    "ChangePhoneForm",
    "ConfirmLoginCodeForm",
    "RequestLoginCodeForm",
    "SignupForm",
    "VerifyPhoneForm",
    "install_headless_phone_field",
    "install_headless_signup_password_check",
    "normalize_phone",
    "validate_cn_mobile",
]


def validate_cn_mobile(value: str) -> None:
    if not is_cn_mobile(value):
        raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone")


class ChinaPhoneField(forms.CharField):
    """A mainland mobile number. Accepts '＋86 138 0013 8000' and cleans it to '13800138000'."""

    default_error_messages = {"required": "请输入手机号。"}

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label", "手机号")
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "type": "tel",
                    "inputmode": "numeric",
                    "autocomplete": "tel",
                    "placeholder": "11位手机号",
                }
            ),
        )
        kwargs.setdefault("validators", [validate_cn_mobile])
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_phone(value) if value else value

    def clean(self, value):
        value = super().clean(value)
        if value:
            value = get_adapter().clean_phone(value)
        return value


def _peek_sms_limit(form: forms.Form, phone: str | None, field: str = "phone") -> bool:
    """Add the rate-limit error to `field` when one more SMS to `phone` would be refused."""
    if not phone:
        return True
    try:
        sms_rate_peek(phone=phone, ip=client_ip(context.request))
    except DomainError as exc:
        form.add_error(field, ValidationError(exc.message, code="rate_limited"))
        return False
    return True


class RequestLoginCodeForm(allauth_forms.RequestLoginCodeForm):
    """Phone -> SMS login code. Refused before allauth counts anything when the SMS limit is reached."""

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone")
        if phone:
            try:
                sms_rate_peek(phone=phone, ip=client_ip(context.request))
            except DomainError as exc:
                raise ValidationError(exc.message, code="rate_limited") from exc
        return super().clean_phone()


class _LenientCodeMixin:
    """Accepts full-width digits and spaces in the 6-digit code ('１２３ ４５６')."""

    def clean_code(self) -> str:
        code = unicodedata.normalize("NFKC", self.cleaned_data.get("code") or "")
        self.cleaned_data["code"] = "".join(code.split())
        return super().clean_code()


class ConfirmLoginCodeForm(_LenientCodeMixin, allauth_forms.ConfirmLoginCodeForm):
    pass


class VerifyPhoneForm(_LenientCodeMixin, allauth_forms.VerifyPhoneForm):
    pass


def _check_password_against_phone(form, *, phone: str | None, password: str | None, field: str) -> None:
    """allauth validates a sign-up password against a user without a phone (or no user at all): once the
    password passed that, validate it again for a user with the phone being signed up."""
    if not phone or not password or field in form.errors:
        return
    from django.contrib.auth import get_user_model

    try:
        get_adapter().clean_password(password, user=get_user_model()(phone=phone, username=phone))
    except ValidationError as exc:
        form.add_error(field, exc)


class SignupForm(allauth_forms.SignupForm):
    """Phone + password (twice). The verification SMS follows; its limit is checked here first."""

    def clean(self) -> dict:
        cleaned_data = super().clean()
        _check_password_against_phone(self, phone=cleaned_data.get("phone"), password=cleaned_data.get("password1"),
                                      field="password1")
        if not self.errors:
            _peek_sms_limit(self, cleaned_data.get("phone"))
        return cleaned_data


class ChangePhoneForm(allauth_forms.ChangePhoneForm):
    def clean_phone(self) -> str:
        phone = super().clean_phone()
        if phone:
            try:
                sms_rate_peek(phone=phone, ip=client_ip(context.request))
            except DomainError as exc:
                raise ValidationError(exc.message, code="rate_limited") from exc
        return phone


def install_headless_phone_field() -> None:
    """Let the headless login accept what people type ('138 0013 8000', '+86…').

    allauth's headless `LoginInput` declares its own E.164 `PhoneField` instead of asking
    the adapter (as every other form does), so '13800138000' would be refused there.
    Idempotent; called when the adapter module is imported (and safe to call again from
    `AccountsConfig.ready`).
    """
    try:
        from allauth.headless.account.inputs import LoginInput
    except ImportError:  # headless not installed
        return
    field = LoginInput.base_fields.get("phone")
    if field is not None and not isinstance(field, ChinaPhoneField):
        LoginInput.base_fields["phone"] = ChinaPhoneField(required=False)


def install_headless_signup_password_check() -> None:
    """The headless sign-up validates the password without any user; check it against the phone as well.

    Idempotent, like `install_headless_phone_field`.
    """
    try:
        from allauth.headless.account.inputs import SignupInput
    except ImportError:  # headless not installed
        return
    if getattr(SignupInput, "checks_password_against_phone", False):
        return
    base_clean = SignupInput.clean

    def clean(self):
        cleaned_data = base_clean(self)
        _check_password_against_phone(self, phone=cleaned_data.get("phone"), password=cleaned_data.get("password"),
                                      field="password")
        return cleaned_data

    SignupInput.clean = clean
    SignupInput.checks_password_against_phone = True

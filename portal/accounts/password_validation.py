"""A password validator for phone sign-ups: the mobile number is public to neighbours, so it is no secret."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .sms import normalize_phone

MIN_PHONE_DIGITS = 7


class PhoneNumberPasswordValidator:
    """Refuses a password whose digits contain the user's mobile number ('my-13900139000!', '139 0013 9000')."""

    def validate(self, password: str, user=None) -> None:
        phone = normalize_phone(getattr(user, "phone", None))
        if len(phone) < MIN_PHONE_DIGITS:
            return
        digits = "".join(ch for ch in unicodedata.normalize("NFKC", password or "") if ch.isdigit())
        if phone in digits:
            raise ValidationError(_("密码不能包含您的手机号。"), code="password_contains_phone")

    def get_help_text(self) -> str:
        return _("密码不能包含您的手机号。")

"""The Wagtail admin's sign-in form as staff use it: the mobile number and the password.

Wired in settings: `WAGTAILADMIN_USER_LOGIN_FORM`. The `admin` account still signs in with its user name.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm

from .sms import is_cn_mobile, normalize_phone


class AdminLoginForm(LoginForm):
    error_messages = {**LoginForm.error_messages, "invalid_login": _("手机号或密码不正确，请重新输入。")}

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = _("手机号")
        username.widget.attrs.update({"placeholder": _("请输入手机号"), "autocomplete": "username"})
        password = self.fields["password"]
        password.label = _("密码")
        password.widget.attrs.update({"placeholder": _("请输入密码"), "autocomplete": "current-password"})

    def clean_username(self) -> str:
        """A mobile number, however written, signs in the account it belongs to."""
        value = self.cleaned_data["username"]
        phone = normalize_phone(value)
        if is_cn_mobile(phone):
            account = get_user_model().objects.filter(phone=phone).only("username").first()
            if account is not None:
                return account.username
        return value

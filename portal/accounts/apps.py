from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("账户与角色")

    def ready(self):
        from .forms import install_headless_phone_field, install_headless_signup_password_check

        install_headless_phone_field()
        install_headless_signup_password_check()

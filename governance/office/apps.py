from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    name = "governance.office"
    label = "office"
    verbose_name = _("通知、待办与流程")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QAConfig(AppConfig):
    name = "knowledge.qa"
    label = "qa"
    verbose_name = _("业委会问答")

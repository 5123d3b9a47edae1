from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "小区治理"

"""How a stored value reads to a person, the same on every screen.

Times are shown in the site's time zone (Asia/Shanghai) as the portal writes them, "2026-12-03 09:00";
dates as "2026-12-03"; booleans as 是/否. Used by the admin's inspect views and list columns.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column

DATETIME_FORMAT = "Y-m-d H:i"
DATE_FORMAT = "Y-m-d"


def local_datetime(value: datetime) -> str:
    """An aware datetime in the local time zone, e.g. "2026-12-03 09:00"."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, DATETIME_FORMAT)


def display_value(value):
    """A datetime, date or boolean as text for a person; any other value unchanged."""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime):
        return local_datetime(value)
    if isinstance(value, date):
        return date_format(value, DATE_FORMAT)
    return value


class LocalDateTimeColumn(Column):
    """A list column showing the local date-time itself (never "刚刚" or "3 天前", which misread the future)."""

    def get_value(self, instance):
        value = super().get_value(instance)
        return None if value is None else display_value(value)

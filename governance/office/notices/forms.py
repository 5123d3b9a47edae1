"""The page editor form of a notice: channels as check boxes, buildings limited to the parent community."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


def _channel_choices():
    from governance.office.models import ChannelName

    return ChannelName.choices


class NoticePageForm(WagtailAdminPageForm):
    channels = forms.MultipleChoiceField(
        label=_("发送渠道"), choices=_channel_choices, widget=forms.CheckboxSelectMultiple,
        help_text=_("站内消息始终可在“消息中心”查看；短信、邮件、微信按用户的联系方式发送"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from governance.registry.models import Building

        community = self._community()
        field = self.fields.get("scope_buildings")
        if field is not None:
            field.queryset = (Building.objects.filter(community=community).order_by("sort_key", "name")
                              if community is not None else Building.objects.none())

    def _community(self):
        parent = self.parent_page
        if parent is None and self.instance.pk:
            parent = self.instance.get_parent()
        if parent is None:
            return None
        return getattr(parent.specific, "community", None)

    def clean(self):
        from governance.office.models import NoticeScope

        cleaned = super().clean()
        buildings = cleaned.get("scope_buildings")
        if cleaned.get("scope_kind") == NoticeScope.BUILDINGS and not buildings:
            self.add_error("scope_buildings", _("请选择至少一栋楼。"))
        if cleaned.get("scope_kind") == NoticeScope.COMMUNITY and buildings:
            cleaned["scope_buildings"] = buildings.none()
        return cleaned

"""Forms of the community pages: the admin form of disclosures and the portal's small forms."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

FEEDBACK_MAX_CHARS = 2000


class DisclosurePageForm(WagtailAdminPageForm):
    """A vote-result block may only show a motion of the community the disclosure belongs to."""

    def clean(self):
        cleaned = super().clean()
        body = cleaned.get("body")
        parent = getattr(self, "parent_page", None)
        if body is None or parent is None:
            return cleaned
        from home.models import CommunityPage

        owner = parent.specific if isinstance(parent.specific, CommunityPage) else (
            CommunityPage.objects.ancestor_of(parent, inclusive=True).first())
        community_id = owner.community_id if owner is not None else None
        for child in body:
            if child.block_type != "vote_result":
                continue
            motion = child.value.get("motion")
            if motion is not None and motion.community_id != community_id:
                message = _("“%(title)s”不是本小区的议事事项。") % {"title": motion.title}
                self.add_error("body", ValidationError(message))
        return cleaned


class FeedbackForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"))
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 5}),
                              max_length=FEEDBACK_MAX_CHARS)

    def __init__(self, *args, **kwargs):
        from home.models import FeedbackCategory

        super().__init__(*args, **kwargs)
        self.fields["category"].choices = FeedbackCategory.choices


class ArchiveFilterForm(forms.Form):
    """The archive list's filters; invalid values are ignored rather than refused."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("类别"), required=False)
    year = forms.IntegerField(label=_("年份"), required=False, min_value=1900, max_value=2200)

    def __init__(self, *args, **kwargs):
        from home.models import ArchiveCategory

        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("全部类别")), *ArchiveCategory.choices]

    def filters(self) -> dict:
        if not self.is_valid():
            data = {}
            for name in ("q", "category", "year"):
                if name not in self.errors:
                    data[name] = self.cleaned_data.get(name)
            return {k: v for k, v in data.items() if v not in (None, "")}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class ChecklistForm(forms.Form):
    nda_signed = forms.BooleanField(label=_("保密协议已签署"), required=False)
    roster_authorized = forms.BooleanField(label=_("名册使用已授权"), required=False)

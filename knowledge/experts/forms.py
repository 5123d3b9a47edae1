"""Portal forms: they only parse input; every rule is the service's."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LOCAL_TZ, SlotMode
from .services import DETAILS_MAX, MEETING_INFO_MAX, NOTE_MAX, PLACE_MAX, TOPIC_MAX


class BookingForm(forms.Form):
    """Book one of an expert's available slots for one of the user's committee communities."""

    slot = forms.TypedChoiceField(label=_("时段"), coerce=int, widget=forms.RadioSelect)
    community = forms.ModelChoiceField(label=_("代表小区"), queryset=None, empty_label=None)
    topic = forms.CharField(label=_("咨询主题"), max_length=TOPIC_MAX,
                            widget=forms.TextInput(attrs={"placeholder": _("如：地下车位产权纠纷")}))
    details = forms.CharField(label=_("问题说明"), max_length=DETAILS_MAX, required=False,
                              widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("简要说明情况和想咨询的问题")}))

    def __init__(self, *args, slots, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [(slot.pk, f"{slot.span} · {slot.get_mode_display()}") for slot in slots]
        self.fields["community"].queryset = communities


class RespondForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("确认")), ("decline", _("婉拒"))])
    note = forms.CharField(label=_("留言"), max_length=NOTE_MAX, required=False)
    meeting_info = forms.CharField(label=_("会面信息"), max_length=MEETING_INFO_MAX, required=False)


class SlotForm(forms.Form):
    """A slot on one day: the date and the start and end times, in Asia/Shanghai time."""

    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("开始"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("结束"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    mode = forms.ChoiceField(label=_("方式"), choices=SlotMode.choices)
    place = forms.CharField(label=_("地点或说明"), max_length=PLACE_MAX, required=False,
                            widget=forms.TextInput(attrs={"placeholder": _("现场咨询请写地点")}))

    def span(self) -> tuple[datetime, datetime]:
        data = self.cleaned_data
        starts_at = datetime.combine(data["day"], data["start"], tzinfo=LOCAL_TZ)
        ends_at = datetime.combine(data["day"], data["end"], tzinfo=LOCAL_TZ)
        return starts_at, ends_at

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"), min_length=6, max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "data-testid": "code"}),
    )


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    proof = forms.FileField(label=_("证明材料（房产证、结婚证、租赁合同等，图片或 PDF）"), required=False)

    def __init__(self, *args, proof_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proof"].required = proof_required

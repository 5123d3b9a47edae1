"""Admin forms for templates and surveys. Questions are typed as lines of text (one question a line),
parsed here into question specs and checked by the services.

    单选*：您对物业服务总体是否满意？｜满意｜一般｜不满意
    多选：您希望优先改进哪些方面？｜保洁｜绿化｜停车｜安保
    评分*：请为小区保洁打分
    数字：您家有几辆机动车？｜0｜10
    文本：其他意见和建议
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from governance.surveys import permissions as survey_rules
from governance.registry.admin_scoping import ScopedModelForm

from . import selectors
from .models import PublisherKind, QuestionKind, Survey, SurveyTemplate
from .validation import QuestionSpec, format_number

KIND_LABELS = {
    "单选": QuestionKind.SINGLE,
    "多选": QuestionKind.MULTIPLE,
    "文本": QuestionKind.TEXT,
    "评分": QuestionKind.RATING,
    "数字": QuestionKind.NUMBER,
}
LABEL_OF_KIND = {kind: label for label, kind in KIND_LABELS.items()}
SEPARATOR = re.compile(r"[|｜]")

QUESTIONS_HELP = _(
    "每行一道题，格式：题型：题目｜选项1｜选项2……。题型为 单选、多选、文本、评分（1–5分）、数字；"
    "题型后加 * 表示必答，如“单选*：您对物业服务是否满意？｜满意｜一般｜不满意”。"
    "数字题可写最小值和最大值，如“数字：您家有几辆机动车？｜0｜10”（不限则留空）。"
)


def parse_questions(text: str) -> list[QuestionSpec]:
    """Lines of text → question specs; a line that cannot be read is a Chinese error with its line number."""
    specs = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        head, sep, rest = line.partition("：")
        if not sep:
            head, sep, rest = line.partition(":")
        head = head.strip()
        required = head.endswith("*") or head.endswith("＊")
        kind = KIND_LABELS.get(head.rstrip("*＊").strip())
        if not sep or kind is None:
            raise ValidationError(_("第%(line)d行：请以题型开头，如“单选：”“多选：”“文本：”“评分：”“数字：”。")
                                  % {"line": number})
        parts = [p.strip() for p in SEPARATOR.split(rest)]
        spec = QuestionSpec(kind=kind, text=parts[0], required=required)
        extra = parts[1:]
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            spec.options = [p for p in extra if p]
        elif kind == QuestionKind.NUMBER:
            if len(extra) > 2:
                raise ValidationError(_("第%(line)d行：数字题最多写最小值和最大值两项。") % {"line": number})
            spec.min_value = extra[0] if len(extra) > 0 and extra[0] else None
            spec.max_value = extra[1] if len(extra) > 1 and extra[1] else None
        elif any(extra):
            raise ValidationError(_("第%(line)d行：只有单选题和多选题可以设置选项。") % {"line": number})
        specs.append(spec)
    return specs


def format_questions(questions) -> str:
    lines = []
    for question in questions:
        head = LABEL_OF_KIND[question.kind] + ("*" if question.required else "")
        parts = [question.text]
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            parts += [o.text for o in question.options.all()]
        elif question.kind == QuestionKind.NUMBER and (question.min_value is not None or
                                                       question.max_value is not None):
            parts += [format_number(question.min_value), format_number(question.max_value)]
        lines.append(f"{head}：" + "｜".join(parts))
    return "\n".join(lines)


class QuestionsField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 10})

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("题目"))
        kwargs.setdefault("help_text", QUESTIONS_HELP)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return parse_questions(value) if value else None


class SurveyTemplateForm(ScopedModelForm):
    questions_text = QuestionsField()

    class Meta(ScopedModelForm.Meta):
        model = SurveyTemplate
        fields = ["community", "title", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not getattr(self.for_user, "is_superuser", False):
            self.fields["community"].required = True
            self.fields["community"].help_text = ""
        if self.instance.pk:
            self.fields["questions_text"].initial = format_questions(
                self.instance.questions.prefetch_related("options").order_by("order", "pk"))
            self.fields["community"].disabled = True


class SurveyCreateForm(ScopedModelForm):
    """A new draft: questions typed in, or copied from a template when the questions are left empty."""

    unscoped_fields = ("template",)
    questions_text = QuestionsField(required=False,
                                    help_text=_("选择了模板时可留空，将复制模板中的题目。") + QUESTIONS_HELP)

    class Meta(ScopedModelForm.Meta):
        model = Survey
        fields = ["community", "template", "publisher_kind", "title", "description", "audience", "scope_kind",
                  "scope_buildings", "answer_per", "opens_at", "closes_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = selectors.templates_for(self.for_user).order_by("title", "pk")
        self.fields["title"].required = False
        self.fields["title"].help_text = _("选择了模板时可留空，使用模板名称。")
        self.fields["scope_buildings"].required = False

    def clean(self):
        cleaned = super().clean()
        community, kind = cleaned.get("community"), cleaned.get("publisher_kind")
        if community is not None and kind and not survey_rules.can_publish_survey_as(self.for_user, community, kind):
            self.add_error("publisher_kind", _("您不能以“%(kind)s”的名义在该小区发布问卷。")
                           % {"kind": PublisherKind(kind).label})
        if not cleaned.get("questions_text") and not cleaned.get("template"):
            self.add_error("questions_text", _("请填写题目，或选择一个问卷模板。"))
        if not (cleaned.get("title") or "").strip() and not cleaned.get("template"):
            self.add_error("title", _("请填写标题。"))
        return cleaned


class SurveyEditForm(ScopedModelForm):
    questions_text = QuestionsField()

    class Meta(ScopedModelForm.Meta):
        model = Survey
        fields = ["title", "description", "audience", "scope_kind", "scope_buildings", "answer_per", "opens_at",
                  "closes_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope_buildings"].required = False
        if self.instance.pk:
            self.fields["scope_buildings"].queryset = self.fields["scope_buildings"].queryset.filter(
                community_id=self.instance.community_id)
            self.fields["questions_text"].initial = format_questions(
                self.instance.questions.prefetch_related("options").order_by("order", "pk"))

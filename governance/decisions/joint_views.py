"""Joint motions on the portal: draft, co-sign, follow the progress; the committee converts one to a motion."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from governance.errors import DomainError
from governance.registry.models import Community
from governance.registry import roles
from governance.decisions import permissions as decision_rules

from .joint import joint_motion_convert, joint_motion_create, joint_motion_sign, joint_progress
from .models import JointMotion, MatterType
from governance.voting.tally import percent


class JointMotionForm(forms.Form):
    community = forms.ModelChoiceField(label="小区", queryset=Community.objects.none())
    matter_type = forms.ChoiceField(label="事项类型", choices=MatterType.choices, initial=MatterType.OTHER)
    title = forms.CharField(label="标题", max_length=200)
    content = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = roles.owned_communities(user)


class ConvertForm(forms.Form):
    opens_at = forms.DateTimeField(label="表决开始", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    closes_at = forms.DateTimeField(label="表决截止", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


def _joint_or_404(user, joint_id: int) -> JointMotion:
    return get_object_or_404(
        JointMotion.objects.filter(community__in=roles.communities_for(user)).select_related("community"),
        pk=joint_id)


def _progress_context(joint: JointMotion) -> dict:
    progress = joint_progress(joint)
    return {
        "progress": progress,
        "area_pct": percent(progress.signed.cents, progress.total.cents),
        "heads_pct": percent(progress.signed.heads, progress.total.heads),
        "area_needed": percent(progress.area_threshold.numerator, progress.area_threshold.denominator),
        "heads_needed": percent(progress.heads_threshold.numerator, progress.heads_threshold.denominator),
    }


@login_required
def joint_list(request):
    joints = (JointMotion.objects.filter(community__in=roles.communities_for(request.user))
              .select_related("community").order_by("-created_at"))
    return render(request, "decisions/joint_list.html", {
        "joints": joints, "can_draft": roles.owned_communities(request.user).exists()})


@login_required
def joint_new(request):
    if not roles.owned_communities(request.user).exists():
        return render(request, "decisions/joint_new.html", {"form": None}, status=403)
    form = JointMotionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            joint = joint_motion_create(community=data["community"], actor=request.user, title=data["title"],
                                        content=data["content"], matter_type=data["matter_type"])
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "联名动议已发起，您已自动联署。")
            return redirect("joint_detail", joint_id=joint.pk)
    return render(request, "decisions/joint_new.html", {"form": form})


@login_required
def joint_detail(request, joint_id: int):
    joint = _joint_or_404(request.user, joint_id)
    signed = joint.signatures.filter(user=request.user).exists()
    can_convert = decision_rules.can_manage_motions(request.user, joint.community)
    now = timezone.localtime()
    convert_form = ConvertForm(initial={"opens_at": now.strftime("%Y-%m-%dT%H:%M"),
                                        "closes_at": (now + timezone.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")})
    return render(request, "decisions/joint_detail.html", {
        "joint": joint, "signed": signed, "can_convert": can_convert, "convert_form": convert_form,
        **_progress_context(joint)})


@login_required
@require_POST
def joint_sign(request, joint_id: int):
    joint = _joint_or_404(request.user, joint_id)
    try:
        joint_motion_sign(joint=joint, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "联署成功。")
    return redirect("joint_detail", joint_id=joint.pk)


@login_required
@require_POST
def joint_convert(request, joint_id: int):
    joint = _joint_or_404(request.user, joint_id)
    form = ConvertForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写有效的表决开始和截止时间。")
        return redirect("joint_detail", joint_id=joint.pk)
    opens_at: datetime = form.cleaned_data["opens_at"]
    try:
        motion = joint_motion_convert(joint=joint, actor=request.user, opens_at=opens_at,
                                      closes_at=form.cleaned_data["closes_at"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("joint_detail", joint_id=joint.pk)
    messages.success(request, "已转为议事事项草稿，请在管理后台完善后提交。")
    return redirect("motion_detail", motion_id=motion.pk)

"""The owners' voting pages on the portal (mobile first). Views parse, call a service, render."""

from __future__ import annotations


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from governance.errors import DomainError
from portal.params import int_param
from portal.uploads import upload_from_data_url
from governance.decisions import permissions as decision_rules
from governance.voting import ballots

from . import selectors, services
from .exports import vote_details_xlsx
from .models import Ballot, Choice, MotionStatus, SignatureMethod
from .pdf import result_notice_pdf
from governance.voting.tally import cents_to_str, percent, rule_wording

RESULT_STATES = {MotionStatus.CLOSED, MotionStatus.ANNOUNCED}


def _motion_or_404(request, motion_id: int):
    return get_object_or_404(selectors.visible_motions(request.user).select_related("community"), pk=motion_id)


@login_required
def motion_list(request):
    motions = (selectors.visible_motions(request.user).filter(status__in=selectors.PUBLIC_STATES)
               .select_related("community").order_by("-opens_at"))
    return render(request, "decisions/motion_list.html", {"motions": motions})


def _chart(result) -> list[dict]:
    total = result.participating
    rows = []
    for key, label, amount in (("agree", "同意", result.agree), ("oppose", "反对", result.oppose),
                               ("abstain", "弃权", result.abstain)):
        rows.append({"key": key, "label": label, "area": cents_to_str(amount.cents), "heads": amount.heads,
                     "area_pct": percent(amount.cents, total.cents), "heads_pct": percent(amount.heads, total.heads)})
    return rows


def _share_of_roll(result) -> dict:
    taking_part, roll = result.participating, result.total
    return {"area_pct": percent(taking_part.cents, roll.cents), "heads_pct": percent(taking_part.heads, roll.heads)}


@login_required
def motion_detail(request, motion_id: int):
    motion = _motion_or_404(request, motion_id)
    rights = list(selectors.rights_for_user(motion, request.user))
    ballots = {b.right_id: b for b in Ballot.objects.filter(right__in=rights)}
    show_result = motion.status in RESULT_STATES or (
        motion.status == MotionStatus.VOTING and decision_rules.can_see_running_results(request.user, motion))
    result = selectors.motion_result(motion) if show_result else None
    building = None
    buildings = None
    grid = None
    staff = decision_rules.can_see_who_voted(request.user, motion.community)
    if motion.status in RESULT_STATES or (staff and motion.status == MotionStatus.VOTING):
        buildings = selectors.participation_buildings(motion)
        building = buildings.filter(pk=int_param(request, "building")).first() or buildings.first()
        grid = selectors.participation_grid(motion, building) if building else None
    return render(request, "decisions/motion_detail.html", {
        "motion": motion, "rights": [(r, ballots.get(r.pk)) for r in rights], "choices": Choice.choices,
        "result": result, "chart": _chart(result) if result else None,
        "participation": _share_of_roll(result) if result else None, "rule_wording": rule_wording(motion.rule),
        "void_area": cents_to_str(result.void.cents) if result else None, "grid": grid, "building": building,
        "buildings": buildings if grid is not None else [],
        "needs_signature": motion.signature_method != SignatureMethod.NONE,
        "needs_face": motion.signature_method == SignatureMethod.FACE,
        "is_staff": staff, "can_vote": motion.status == MotionStatus.VOTING,
        "attachments": motion.attachments.order_by("pk"),
    })


@login_required
@require_POST
def motion_cast(request, motion_id: int):
    motion = _motion_or_404(request, motion_id)
    right = selectors.rights_for_user(motion, request.user).filter(pk=request.POST.get("right")).first()
    try:
        if right is None:
            raise ballots.why_cannot_cast(request.user, motion.community, words=ballots.MOTION_WORDS)
        services.ballot_cast(right=right, choice=request.POST.get("choice", ""), actor=request.user,
                             signature=upload_from_data_url(request.POST.get("signature", "")),
                             face_token=request.POST.get("face_token") or None)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "投票成功。")
    return redirect("motion_detail", motion_id=motion.pk)


@login_required
def motion_notice_pdf(request, motion_id: int):
    motion = _motion_or_404(request, motion_id)
    if motion.status not in RESULT_STATES:
        raise Http404
    response = HttpResponse(result_notice_pdf(motion, selectors.motion_result(motion)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{motion.pk}.pdf"'
    return response


@login_required
def motion_details_xlsx(request, motion_id: int):
    motion = _motion_or_404(request, motion_id)
    if not decision_rules.can_see_who_voted(request.user, motion.community) or motion.status not in RESULT_STATES:
        raise Http404
    response = HttpResponse(vote_details_xlsx(motion),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="vote-details-{motion.pk}.xlsx"'
    return response

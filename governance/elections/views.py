"""The owners' election pages on the portal (mobile first). Views parse, call a service, render."""

from __future__ import annotations


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from governance.voting.tally import cents_to_str, percent
from governance.errors import DomainError
from portal.uploads import upload_from_data_url
from governance.elections import permissions as election_rules
from governance.voting import ballots

from . import selectors, services
from .exports import election_details_xlsx
from .models import Candidate, ElectionBallot, RoundStatus, SignatureMethod
from .selectors import RESULT_STATES


def _round_or_404(request, round_id: int):
    return get_object_or_404(selectors.public_rounds_for(request.user).select_related("community", "term"),
                             pk=round_id)


@login_required
def election_list(request):
    rounds = (selectors.public_rounds_for(request.user).select_related("community", "term")
              .order_by("-voting_opens_at", "-pk"))
    return render(request, "elections/election_list.html", {"rounds": rounds})


def result_rows(election, result) -> list[dict]:
    """Each candidate with area and heads of support, shares of the participation, elected / run-off flags."""
    candidates = Candidate.objects.in_bulk([int(row.candidate) for row in result.candidates])
    winners = set((election.tie_resolution or {}).get("winners", []))
    rows = []
    for row in result.candidates:
        rows.append({
            "candidate": candidates[int(row.candidate)], "area": cents_to_str(row.support.cents),
            "heads": row.support.heads,
            "area_pct": percent(row.support.cents, result.participating.cents),
            "heads_pct": percent(row.support.heads, result.participating.heads),
            "rank": row.rank, "majority": row.majority, "elected": row.elected, "tied": row.tied,
            "won_tie": row.candidate in winners,
        })
    return rows


@login_required
def election_detail(request, round_id: int):
    election = _round_or_404(request, round_id)
    now = timezone.now()
    candidates = list(selectors.approved_candidates(election))
    mine = Candidate.objects.filter(round=election, user=request.user).first()
    rights = list(selectors.rights_for_user(election, request.user)) if election.status == RoundStatus.VOTING or \
        election.status in RESULT_STATES else []
    ballots = {b.right_id: b for b in ElectionBallot.objects.filter(right__in=rights).prefetch_related("selections")}
    result = selectors.round_result(election) if election.status in RESULT_STATES else None
    registration_open = (election.status == RoundStatus.REGISTRATION
                         and election.registration_opens_at <= now < election.registration_closes_at)
    group = getattr(election, "preparatory_group", None) if election.is_preparatory else None
    return render(request, "elections/election_detail.html", {
        "election": election, "group": group, "candidates": candidates, "mine": mine,
        "rights": [(r, ballots.get(r.pk)) for r in rights],
        "can_vote": election.status == RoundStatus.VOTING and now < election.voting_closes_at,
        "can_register": registration_open and mine is None and election_rules.can_stand_for_election(request.user,
                                                                                           election.community),
        "registration_open": registration_open,
        "needs_signature": election.signature_method != SignatureMethod.NONE,
        "needs_face": election.signature_method == SignatureMethod.FACE,
        "result": result, "rows": result_rows(election, result) if result else None,
        "summary": result.to_dict() if result else None,
        "is_staff": election_rules.can_see_election_details(request.user, election.community),
        "members": list(group.members.all()) if group is not None and group.confirmed_at else [],
    })


@login_required
def election_register(request, round_id: int):
    election = _round_or_404(request, round_id)
    if request.method == "POST":
        try:
            services.candidate_register(election=election, actor=request.user,
                                        statement=request.POST.get("statement", ""),
                                        name=request.POST.get("name") or None,
                                        signature=upload_from_data_url(request.POST.get("signature", "")))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "报名成功，请等待资格审查。")
            return redirect("election_detail", round_id=election.pk)
    return render(request, "elections/election_register.html", {
        "election": election, "needs_signature": election.is_preparatory,
        "may_register": election_rules.can_stand_for_election(request.user, election.community),
    })


@login_required
@require_POST
def election_cast(request, round_id: int):
    election = _round_or_404(request, round_id)
    right = selectors.rights_for_user(election, request.user).filter(pk=request.POST.get("right") or None).first()
    try:
        if right is None:
            raise ballots.why_cannot_cast(request.user, election.community, words=ballots.ELECTION_WORDS)
        services.election_ballot_cast(right=right, candidates=request.POST.getlist("candidates"), actor=request.user,
                                      signature=upload_from_data_url(request.POST.get("signature", "")),
                                      face_token=request.POST.get("face_token") or None)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "投票成功。")
    return redirect("election_detail", round_id=election.pk)


@login_required
def election_details_download(request, round_id: int):
    election = _round_or_404(request, round_id)
    if not election_rules.can_see_election_details(request.user, election.community) or election.status not in RESULT_STATES:
        raise Http404
    response = HttpResponse(election_details_xlsx(election),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="election-details-{election.pk}.xlsx"'
    return response


"""Reads for elections. Every queryset is scoped by membership; results come from the one engine."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch

from governance.voting.tally import RollUnit as TallyUnit
from governance.registry.roles import communities_for

from .models import (
    Candidate,
    CandidateStatus,
    ElectionBallot,
    ElectionRight,
    ElectionRollUnit,
    ElectionRound,
    ElectionSelection,
    PreparatoryGroup,
    RoundStatus,
)
from .tally import ElectionResult, SelectionBallot, tally_election

PUBLIC_STATES = (RoundStatus.REGISTRATION, RoundStatus.REVIEW, RoundStatus.VOTING, RoundStatus.CLOSED,
                 RoundStatus.ANNOUNCED)
RESULT_STATES = (RoundStatus.CLOSED, RoundStatus.ANNOUNCED)


def rounds_for(user):
    """Election rounds of the user's communities, never another community's."""
    return ElectionRound.objects.filter(community__in=communities_for(user))


def public_rounds_for(user):
    """What owners see on the portal: every round past its draft."""
    return rounds_for(user).filter(status__in=PUBLIC_STATES)


def preparatory_groups_for(user):
    return PreparatoryGroup.objects.filter(community__in=communities_for(user))


def approved_candidates(election: ElectionRound):
    return Candidate.objects.filter(round=election, status=CandidateStatus.APPROVED).order_by("registered_at", "pk")


def candidate_key(candidate_id: int) -> str:
    return str(candidate_id)


def round_result(election: ElectionRound) -> ElectionResult:
    """Count a round's frozen roll and ballots with the engine (four queries)."""
    units = [
        TallyUnit(unit=str(unit_id), cents=int(area * 100), owner=key, developer_held=is_dev)
        for unit_id, area, key, is_dev in ElectionRollUnit.objects.filter(round=election).values_list(
            "unit_id", "area", "right__key", "right__is_developer")
    ]
    selections: dict[int, list[str]] = {}
    for ballot_id, candidate_id in ElectionSelection.objects.filter(ballot__round=election).order_by(
            "ballot_id", "candidate_id").values_list("ballot_id", "candidate_id"):
        selections.setdefault(ballot_id, []).append(candidate_key(candidate_id))
    ballots = [
        SelectionBallot(owner=key, selections=tuple(selections.get(pk, ())), void=void)
        for pk, key, void in ElectionBallot.objects.filter(round=election).values_list("pk", "right__key", "void")
    ]
    candidates = [candidate_key(pk) for pk in approved_candidates(election).values_list("pk", flat=True)]
    return tally_election(election.rule, election.seats, units, candidates, ballots)


def winners(election: ElectionRound, result: ElectionResult | dict | None = None) -> list[Candidate] | None:
    """The candidates who take the seats: the elected, plus the tie resolution's winners.

    None when a tie at the cut is unresolved (nobody can be appointed yet).
    """
    data = result.to_dict() if isinstance(result, ElectionResult) else (result or election.result or {})
    ids = [int(key) for key in data.get("elected", [])]
    if data.get("runoff_needed"):
        resolution = election.tie_resolution or {}
        if not resolution.get("winners"):
            return None
        ids += [int(key) for key in resolution["winners"]]
    by_id = Candidate.objects.select_related("user", "person").in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def rights_for_user(election: ElectionRound, user):
    """The rights on this round's roll the user may cast (verified owner of one of its units)."""
    from governance.registry.models import Ownership

    if not getattr(user, "is_authenticated", False):
        return ElectionRight.objects.none()
    owned_units = Ownership.objects.filter(person__user=user, verified=True).values("unit_id")
    on_roll = ElectionRollUnit.objects.filter(right=OuterRef("pk"), unit_id__in=owned_units)
    return (ElectionRight.objects.filter(round=election, persons__user=user).filter(Exists(on_roll)).distinct()
            .order_by("pk"))


def open_rounds_for_user(user):
    """Rounds in voting where the user holds a right: "my open elections"."""
    return (rounds_for(user).filter(status=RoundStatus.VOTING, rights__persons__user=user).distinct()
            .select_related("community").order_by("voting_closes_at", "pk")
            .prefetch_related(Prefetch("candidates", queryset=Candidate.objects.filter(
                status=CandidateStatus.APPROVED).order_by("registered_at", "pk"))))


def ballots_with_selections(election: ElectionRound):
    return (ElectionBallot.objects.filter(round=election).select_related("right", "entered_by", "cast_by")
            .prefetch_related(Prefetch("selections", queryset=Candidate.objects.order_by("pk"))).order_by("right_id"))


def who_voted(election: ElectionRound):
    """Rights and whether they voted (never how): for staff."""
    return (ElectionRight.objects.filter(round=election)
            .annotate(voted=Exists(ElectionBallot.objects.filter(right=OuterRef("pk"), void=False)))
            .order_by("pk"))

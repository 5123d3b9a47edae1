"""Reads for owner decisions. The result is always computed by the one tally engine."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from portal.accounts.roles import communities_for

from .models import Ballot, Motion, MotionStatus, RollUnit, VotingRight
from .tally import CastBallot, Result
from .tally import RollUnit as TallyUnit
from .tally import tally


def motions_for(user):
    """Motions of the user's communities, never another community's."""
    return Motion.objects.filter(community__in=communities_for(user))


def motion_result(motion: Motion) -> Result:
    """Count a motion's frozen roll and ballots with the engine (two queries)."""
    units = [
        TallyUnit(unit=str(unit_id), cents=int(area * 100), owner=key, developer_held=is_dev)
        for unit_id, area, key, is_dev in RollUnit.objects.filter(motion=motion).values_list(
            "unit_id", "area", "right__key", "right__is_developer"
        )
    ]
    ballots = [
        CastBallot(owner=key, choice=choice, void=void)
        for key, choice, void in Ballot.objects.filter(motion=motion).values_list("right__key", "choice", "void")
    ]
    return tally(motion.rule, units, ballots)


def rights_for_user(motion: Motion, user):
    """The voting rights on this motion's roll that the user may cast (verified owner of one of its units)."""
    from governance.registry.models import Ownership

    if not getattr(user, "is_authenticated", False):
        return VotingRight.objects.none()
    owned_units = Ownership.objects.filter(person__user=user, verified=True).values("unit_id")
    on_roll = RollUnit.objects.filter(right=OuterRef("pk"), unit_id__in=owned_units)
    return (VotingRight.objects.filter(motion=motion, persons__user=user).filter(Exists(on_roll)).distinct()
            .order_by("pk"))


def open_motions_for_user(user):
    return motions_for(user).filter(status=MotionStatus.VOTING, rights__persons__user=user).distinct()


def who_voted(motion: Motion):
    """Rights and whether they voted (never how): for staff reminders."""
    return (VotingRight.objects.filter(motion=motion)
            .annotate(voted=Exists(Ballot.objects.filter(right=OuterRef("pk"), void=False)))
            .order_by("pk"))


def participation_grid(motion: Motion, building) -> list[tuple[int | None, list[tuple[RollUnit, bool]]]]:
    """Floors × rooms of one building: on the roll and voted or not (never the choice)."""
    voted = Exists(Ballot.objects.filter(right=OuterRef("right"), void=False))
    rows: dict = {}
    for roll_unit in (RollUnit.objects.filter(motion=motion, unit__building=building).select_related("unit")
                      .annotate(has_voted=voted).order_by("-unit__floor", "unit__entrance", "unit__room")):
        rows.setdefault(roll_unit.unit.floor, []).append((roll_unit, roll_unit.has_voted))
    return list(rows.items())

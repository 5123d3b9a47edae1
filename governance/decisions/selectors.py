"""Reads for owner decisions. The result is always computed by the one tally engine."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Sum

from portal.accounts.roles import communities_for

from .models import Ballot, Motion, MotionStatus, RollUnit, VotingRight
from .tally import Amount, Result, decide


def motions_for(user):
    """Motions of the user's communities, never another community's."""
    return Motion.objects.filter(community__in=communities_for(user))


def motion_result(motion: Motion) -> Result:
    """Count a motion with the engine's `decide`: the frozen roll's totals and one aggregate over its ballots.

    Areas are summed as whole cents (an integer column written when the roll is frozen), so the
    sums are exact on SQLite as on PostgreSQL; the engine compares them by integer cross-multiplication.
    """
    # The frozen totals and the rule are read afresh, so a stale `motion` object cannot skew a count.
    motion = Motion.objects.only(
        "roll_area_cents", "roll_heads", "participation_area", "participation_heads", "approval_area",
        "approval_heads", "approval_strict",
    ).get(pk=motion.pk)
    if motion.roll_heads is None:  # not opened yet: nothing frozen, nothing cast
        return decide(motion.rule, total=Amount(), agree=Amount(), oppose=Amount(), abstain=Amount(), void=Amount())
    rows = (
        Ballot.objects.filter(motion=motion)
        .values("choice", "void")
        .annotate(cents=Sum("right__area_cents"), heads=Count("pk"))
        .order_by()
    )
    groups = {(row["choice"], row["void"]): Amount(row["cents"], row["heads"]) for row in rows}
    void = sum((amount for (choice, is_void), amount in groups.items() if is_void), Amount())

    def live(choice: str) -> Amount:
        return groups.get((choice, False), Amount())

    return decide(motion.rule, total=Amount(motion.roll_area_cents, motion.roll_heads), agree=live("agree"),
                  oppose=live("oppose"), abstain=live("abstain"), void=void)


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

"""Reads for owner decisions. The result is always computed by the one tally engine."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, Sum

from governance.decisions import permissions as decision_rules
from governance.registry.roles import communities_for

from .models import Ballot, Motion, MotionAttachment, MotionStatus, RollUnit, VotingRight
from governance.voting.tally import Amount, Result, decide


def motions_for(user):
    """Motions of the user's communities, never another community's."""
    return Motion.objects.filter(community__in=communities_for(user))


#: Statuses every member of the community may see; drafts, pending and rejected motions are
#: visible only to the community's motion staff (managers and reviewers).
PUBLIC_STATES = (MotionStatus.PUBLISHED, MotionStatus.VOTING, MotionStatus.CLOSED, MotionStatus.ANNOUNCED,
                 MotionStatus.WITHDRAWN)


def visible_motions(user):
    """Motions of the user's communities that the user may read (portal and GraphQL alike)."""
    staff = decision_rules.can_read_unpublished_motions.communities(user)
    return motions_for(user).filter(Q(status__in=PUBLIC_STATES) | Q(community__in=staff))


def visible_attachments(user):
    """Attachments of the motions the user may read (`visible_motions`): another community's, or a draft
    the user may not see, is never fetched."""
    return MotionAttachment.objects.filter(motion__in=visible_motions(user))


def motion_result(motion: Motion) -> Result:
    """Count one motion (see `motion_results`)."""
    return motion_results([motion])[motion.pk]


def motion_results(motions) -> dict[int, Result]:
    """Count motions with the engine's `decide`: each frozen roll's totals and one aggregate over the ballots.

    Areas are summed as whole cents (an integer column written when the roll is frozen), so the
    sums are exact on SQLite as on PostgreSQL; the engine compares them by integer cross-multiplication.
    The totals and rules are read afresh (one query), so a stale motion object cannot skew a count;
    the ballots of every motion are aggregated in one more query.
    """
    ids = [motion.pk for motion in motions]
    fresh = list(Motion.objects.filter(pk__in=ids).only(
        "roll_area_cents", "roll_heads", "participation_area", "participation_heads", "approval_area",
        "approval_heads", "approval_strict",
    )) if ids else []
    groups: dict[int, dict] = {motion.pk: {} for motion in fresh}
    for row in (Ballot.objects.filter(motion__in=ids).values("motion_id", "choice", "void")
                .annotate(cents=Sum("right__area_cents"), heads=Count("pk")).order_by()):
        groups[row["motion_id"]][(row["choice"], row["void"])] = Amount(row["cents"], row["heads"])
    results = {}
    for motion in fresh:
        found = groups[motion.pk]
        total = Amount() if motion.roll_heads is None else Amount(motion.roll_area_cents, motion.roll_heads)
        void = sum((amount for (_, is_void), amount in found.items() if is_void), Amount())
        live = {choice: found.get((choice, False), Amount()) for choice in ("agree", "oppose", "abstain")}
        results[motion.pk] = decide(motion.rule, total=total, void=void, **live)
    return results


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


def participation_buildings(motion: Motion):
    """The buildings with a unit on the motion's roll (its scope), in the community's building order."""
    from governance.registry.models import Building

    on_roll = RollUnit.objects.filter(motion=motion).values("unit__building")
    return Building.objects.filter(pk__in=on_roll).order_by("sort_key", "name")


GridFloors = list[tuple[int | None, list[tuple[RollUnit, bool]]]]


def participation_grid(motion: Motion, building) -> list[tuple[str, GridFloors]]:
    """Entrance by entrance, floors × rooms of one building: on the roll and voted or not (never the choice)."""
    voted = Exists(Ballot.objects.filter(right=OuterRef("right"), void=False))
    entrances: dict = {}
    for roll_unit in (RollUnit.objects.filter(motion=motion, unit__building=building).select_related("unit")
                      .annotate(has_voted=voted).order_by("unit__entrance", "-unit__floor", "unit__room")):
        floors = entrances.setdefault(roll_unit.unit.entrance, {})
        floors.setdefault(roll_unit.unit.floor, []).append((roll_unit, roll_unit.has_voted))
    return [(entrance, list(floors.items())) for entrance, floors in entrances.items()]

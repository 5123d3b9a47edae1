"""Who may cast a voting right: the one rule motions, elections and fund co-signing share."""

from __future__ import annotations

from governance.registry.models import Ownership


def can_cast_for_right(user, right) -> bool:
    """Any verified owner or co-owner of the right's units, as the roll was frozen, may cast it."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Ownership.objects.filter(
        unit__in=right.roll_units.values("unit"), person__in=right.persons.all(), person__user=user, verified=True
    ).exists()

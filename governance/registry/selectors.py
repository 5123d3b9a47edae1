"""Reads of the registry that need more than a filter. Every list is scoped by membership."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Exists, OuterRef, Q, Sum

from governance.registry import roles
from governance.registry.roles import communities_for

from .models import Building, Community, Ownership, Unit, UnitApplication


def units_for(user):
    """Units of the communities the user belongs to."""
    return Unit.objects.filter(community__in=communities_for(user))


def applications_for(user):
    """Applications the user may open (`permissions.can_view_application_proof`): their own, and those of the
    communities where they review applications. Another community's application is never fetched."""
    if not getattr(user, "is_authenticated", False):
        return UnitApplication.objects.none()
    reviewed = roles.can_review_applications.communities(user)
    return UnitApplication.objects.filter(Q(user=user) | Q(community__in=reviewed))


def my_ownerships(user):
    """The user's active ownership links, verified or not, with their units."""
    return (
        Ownership.objects.filter(person__user=user, ends_on__isnull=True)
        .select_related("unit__building", "unit__community", "person")
        .order_by("unit__community__code", "unit__building__sort_key", "unit__room")
    )


def _verified_unit_q():
    return Exists(Ownership.objects.filter(unit=OuterRef("pk"), verified=True, ends_on__isnull=True))


@dataclass(frozen=True)
class BuildingFigures:
    building: Building
    units: int
    verified_units: int


@dataclass(frozen=True)
class CommunityOverview:
    community: Community
    buildings: list[BuildingFigures]
    units: int
    verified_units: int
    total_area: Decimal

    @property
    def verified_share(self) -> Fraction:
        return Fraction(self.verified_units, self.units) if self.units else Fraction(0)

    @property
    def verified_percent(self) -> str:
        """The share as a percentage with one decimal, rounded half up from the exact fraction."""
        if not self.units:
            return "0.0"
        tenths = (self.verified_units * 1000 * 2 + self.units) // (self.units * 2)
        return f"{tenths // 10}.{tenths % 10}"


def community_overview(community: Community) -> CommunityOverview:
    buildings = (
        Building.objects.filter(community=community)
        .annotate(
            n_units=Count("units", distinct=True),
            n_verified=Count(
                "units",
                filter=Q(units__ownerships__verified=True, units__ownerships__ends_on__isnull=True),
                distinct=True,
            ),
        )
        .order_by("sort_key", "name")
    )
    figures = [BuildingFigures(b, b.n_units, b.n_verified) for b in buildings]
    total_area = Unit.objects.filter(community=community).aggregate(s=Sum("area"))["s"] or Decimal("0.00")
    return CommunityOverview(
        community=community,
        buildings=figures,
        units=sum(f.units for f in figures),
        verified_units=sum(f.verified_units for f in figures),
        total_area=total_area,
    )


def community_summaries(pages):
    return [(page, community_overview(page.community)) for page in pages]


@dataclass(frozen=True)
class GridCell:
    unit: Unit
    status: str


def building_grid(building: Building) -> list[tuple[int | None, list[GridCell]]]:
    """Floors (top first) × rooms of one building, each cell with its verification status."""
    units = (
        Unit.objects.filter(building=building)
        .annotate(is_verified=_verified_unit_q(), has_owner=Exists(
            Ownership.objects.filter(unit=OuterRef("pk"), ends_on__isnull=True)))
        .order_by("-floor", "entrance", "room")
    )
    rows: dict[int | None, list[GridCell]] = {}
    for unit in units:
        if unit.developer_held:
            status = "developer"
        elif unit.is_verified:
            status = "verified"
        elif unit.has_owner:
            status = "unverified"
        else:
            status = "empty"
        rows.setdefault(unit.floor, []).append(GridCell(unit, status))
    return list(rows.items())

"""Freezing the voting roll when a vote opens (DOMAIN §3 headcount rules).

One unit is one person, except: all developer-held units together are one right, and a
buyer of several units is one right (units grouped by their primary owner). Co-owners share
their unit's right. A unit with no owner on the roster is a right of its own (it can only
be voted on paper). Built in a handful of queries and bulk inserts.
"""

from __future__ import annotations

from decimal import Decimal

from governance.registry.models import Ownership, OwnershipRole, Unit

from .models import Motion, RollUnit, ScopeKind, VotingRight

BATCH = 2000


def scope_units(motion: Motion):
    units = Unit.objects.filter(community=motion.community)
    if motion.scope_kind == ScopeKind.BUILDINGS:
        units = units.filter(building__in=motion.scope_buildings.all())
    elif motion.scope_kind == ScopeKind.UNITS:
        units = units.filter(pk__in=motion.scope_units.all())
    return units


def group_rights(units_qs) -> dict[str, dict]:
    """Group units into voting rights: {key: {"label", "area", "units", "persons"}}, in roll order."""
    units = list(
        units_qs.select_related("building").only(
            "pk", "area", "developer_held", "room", "entrance", "building__name"
        ).order_by("building__sort_key", "building__name", "entrance", "room")
    )
    unit_ids = [u.pk for u in units]
    owners: dict[int, list[tuple[int, str, str]]] = {}
    for chunk_start in range(0, len(unit_ids), 5000):
        chunk = unit_ids[chunk_start:chunk_start + 5000]
        for unit_id, person_id, name, role in (
            Ownership.objects.filter(unit_id__in=chunk, ends_on__isnull=True)
            .order_by("unit_id", "position", "pk")
            .values_list("unit_id", "person_id", "person__name", "role")
        ):
            owners.setdefault(unit_id, []).append((person_id, name, role))

    groups: dict[str, dict] = {}
    for unit in units:
        links = owners.get(unit.pk, [])
        if unit.developer_held:
            key, label = "developer", "开发商（未售或未交付房屋）"
        elif links:
            primary = next((link for link in links if link[2] == OwnershipRole.PRIMARY), links[0])
            key, label = f"p{primary[0]}", primary[1]
        else:
            key, label = f"u{unit.pk}", f"{unit.label}（名册无业主）"
        group = groups.setdefault(key, {"label": label, "area": Decimal("0.00"), "units": [], "persons": set()})
        group["area"] += unit.area
        group["units"].append(unit)
        if not unit.developer_held:
            group["persons"].update(person_id for person_id, _, _ in links)
        if key.startswith("p") and len(group["units"]) == 2:
            group["label"] = f"{group['label']}（多套）"
    return groups


def freeze_roll(motion: Motion) -> int:
    """Write the rights and roll units of `motion`. Returns the number of rights. Call inside a transaction."""
    groups = group_rights(scope_units(motion))
    rights = VotingRight.objects.bulk_create(
        [VotingRight(motion=motion, key=key, label=g["label"][:200], area=g["area"], is_developer=key == "developer")
         for key, g in groups.items()],
        batch_size=BATCH,
    )
    if rights and rights[0].pk is None:  # backends that do not return ids from bulk inserts
        by_key = dict(VotingRight.objects.filter(motion=motion).values_list("key", "pk"))
        for right in rights:
            right.pk = by_key[right.key]
    right_by_key = {right.key: right for right in rights}
    RollUnit.objects.bulk_create(
        [RollUnit(right=right_by_key[key], motion=motion, unit=unit, label=unit.label, area=unit.area)
         for key, g in groups.items() for unit in g["units"]],
        batch_size=BATCH,
    )
    through = VotingRight.persons.through
    through.objects.bulk_create(
        [through(votingright_id=right_by_key[key].pk, person_id=person_id)
         for key, g in groups.items() for person_id in sorted(g["persons"])],
        batch_size=BATCH,
    )
    return len(rights)

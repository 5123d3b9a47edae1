"""Freezing the voting roll when a vote opens (DOMAIN §3 headcount rules).

One unit is one person, except: all developer-held units together are one right, and a
buyer of several units is one right (units grouped by their primary owner). Co-owners share
their unit's right. A unit with no owner on the roster is a right of its own (it can only
be voted on paper). Built in a handful of queries and bulk inserts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from governance.registry.models import Ownership, OwnershipRole, Unit, unit_label

from portal.bulk import insert_rows

from .models import Motion, RollUnit, ScopeKind, VotingRight



def scope_units(motion: Motion):
    units = Unit.objects.filter(community=motion.community)
    if motion.scope_kind == ScopeKind.BUILDINGS:
        units = units.filter(building__in=motion.scope_buildings.all())
    elif motion.scope_kind == ScopeKind.UNITS:
        units = units.filter(pk__in=motion.scope_units.all())
    return units


@dataclass(frozen=True)
class RollEntry:
    pk: int
    label: str
    area: Decimal


def group_rights(units_qs) -> dict[str, dict]:
    """Group units into voting rights: {key: {"label", "area", "units", "persons"}}, in roll order."""
    rows = list(
        units_qs.order_by("building__sort_key", "building__name", "entrance", "room").values_list(
            "pk", "area", "developer_held", "building__name", "entrance", "room"
        )
    )
    owners: dict[int, list[tuple[int, str, str]]] = {}
    unit_ids = [row[0] for row in rows]
    for chunk_start in range(0, len(unit_ids), 5000):
        chunk = unit_ids[chunk_start:chunk_start + 5000]
        for unit_id, person_id, name, role in (
            Ownership.objects.filter(unit_id__in=chunk, ends_on__isnull=True)
            .order_by("unit_id", "position", "pk")
            .values_list("unit_id", "person_id", "person__name", "role")
        ):
            owners.setdefault(unit_id, []).append((person_id, name, role))

    groups: dict[str, dict] = {}
    for pk, area, developer_held, building, entrance, room in rows:
        unit = RollEntry(pk, unit_label(building, entrance, room), area)
        links = owners.get(pk, [])
        if developer_held:
            key, label = "developer", "开发商（未售或未交付房屋）"
        elif links:
            primary = next((link for link in links if link[2] == OwnershipRole.PRIMARY), links[0])
            key, label = f"p{primary[0]}", primary[1]
        else:
            key, label = f"u{pk}", f"{unit.label}（名册无业主）"
        group = groups.get(key)
        if group is None:
            group = groups[key] = {"label": label, "area": Decimal("0.00"), "units": [], "persons": set()}
        group["area"] += area
        group["units"].append(unit)
        if not developer_held:
            group["persons"].update(link[0] for link in links)
        if key[0] == "p" and len(group["units"]) == 2:
            group["label"] = f"{group['label']}（多套）"
    return groups


def freeze_roll(motion: Motion) -> int:
    """Write the rights and roll units of `motion` and set its roll totals (the caller saves them).

    Returns the number of rights. Call inside a transaction.
    """
    groups = group_rights(scope_units(motion))
    now = timezone.now()
    insert_rows(VotingRight, [
        {"motion_id": motion.pk, "key": key, "label": g["label"][:200], "area": g["area"],
         "area_cents": int(g["area"] * 100), "is_developer": key == "developer"}
        for key, g in groups.items()
    ], now=now)
    right_ids = dict(VotingRight.objects.filter(motion=motion).values_list("key", "pk"))
    insert_rows(RollUnit, [
        {"right_id": right_ids[key], "motion_id": motion.pk, "unit_id": unit.pk, "label": unit.label,
         "area": unit.area}
        for key, g in groups.items() for unit in g["units"]
    ], now=now)
    insert_rows(VotingRight.persons.through, [
        {"votingright_id": right_ids[key], "person_id": person_id}
        for key, g in groups.items() for person_id in sorted(g["persons"])
    ], now=now)
    motion.roll_area_cents = sum(int(g["area"] * 100) for g in groups.values())
    motion.roll_heads = len(groups)
    return len(groups)


def note_roster_change(*, community, unit_labels: list[str], what: str) -> int:
    """Record a roster change on every open vote whose frozen roll holds one of the units.

    The roll itself is never changed (DOMAIN §3): the note tells staff what changed after
    opening. Returns the number of votes noted. Call inside the writing transaction.
    """
    from .models import MotionStatus, RosterChangeNote

    if not unit_labels:
        return 0
    hits: dict[int, list[str]] = {}
    for motion_id, label in (RollUnit.objects.filter(motion__community=community, motion__status=MotionStatus.VOTING,
                                                     label__in=unit_labels)
                             .order_by("motion_id", "label").values_list("motion_id", "label")):
        hits.setdefault(motion_id, []).append(label)
    for motion_id, labels in hits.items():
        shown = "、".join(labels[:10]) + (f" 等 {len(labels)} 套" if len(labels) > 10 else "")
        RosterChangeNote.objects.create(motion_id=motion_id, summary=f"{what}：{shown}（表决名册不变）"[:300])
    return len(hits)

"""Grouping a scope's units into voting rights (DOMAIN §3 headcount rules), for every kind of vote.

One unit is one person, except: all developer-held units together are one right, and a
buyer of several units is one right (units grouped by their primary owner). Co-owners share
their unit's right. A unit with no owner on the roster is a right of its own (it can only
be voted on paper).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from governance.registry.models import Ownership, OwnershipRole, unit_label
from portal.bulk import insert_rows

from .tally import DEVELOPER_KEY


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
            key, label = DEVELOPER_KEY, "开发商（未售或未交付房屋）"
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


def note_roster_change(*, roll_units, note_model, vote_field: str, what: str) -> int:
    """Note a roster change on every vote whose frozen roll units (`roll_units`, already narrowed to the open
    votes and the changed labels) it hits; returns the number of votes noted.

    The roll itself is never changed (DOMAIN §3): the note tells staff what changed after opening."""
    vote_column = f"{vote_field}_id"
    hits: dict[int, list[str]] = {}
    for vote_id, label in roll_units.order_by(vote_column, "label").values_list(vote_column, "label"):
        hits.setdefault(vote_id, []).append(label)
    notes = []
    for vote_id, labels in hits.items():
        shown = "、".join(labels[:10]) + (f" 等 {len(labels)} 套" if len(labels) > 10 else "")
        notes.append(note_model(**{vote_column: vote_id, "summary": f"{what}：{shown}（表决名册不变）"[:300]}))
    note_model.objects.bulk_create(notes)
    return len(notes)


def write_roll(groups: dict[str, dict], *, right_model, unit_model, vote_field: str, vote_id: int) -> None:
    """Write the rights, roll units and right persons of one vote from `group_rights` (bulk, in a few statements).

    `vote_field` names the vote's foreign key on both models ("motion", "round", …). Call inside a transaction."""
    now = timezone.now()
    vote_column = f"{vote_field}_id"
    insert_rows(right_model, [
        {vote_column: vote_id, "key": key, "label": g["label"][:200], "area": g["area"],
         "area_cents": int(g["area"] * 100), "is_developer": key == DEVELOPER_KEY}
        for key, g in groups.items()
    ], now=now)
    right_ids = dict(right_model.objects.filter(**{vote_column: vote_id}).values_list("key", "pk"))
    insert_rows(unit_model, [
        {"right_id": right_ids[key], vote_column: vote_id, "unit_id": unit.pk, "label": unit.label, "area": unit.area}
        for key, g in groups.items() for unit in g["units"]
    ], now=now)
    through = right_model.persons.through
    right_column = f"{right_model._meta.model_name}_id"
    insert_rows(through, [
        {right_column: right_ids[key], "person_id": person_id}
        for key, g in groups.items() for person_id in sorted(g["persons"])
    ], now=now)

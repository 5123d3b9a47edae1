"""Roster import (名册批量导入): validate the whole file, then write it in one transaction.

The file is read once (openpyxl read-only, values only); the community's buildings, units,
persons and active ownerships are prefetched in four queries; the differences are computed
in memory and written with bulk_create / bulk_update in batches. Nothing is written when
any row has a problem, and a dry run writes nothing at all (not even the audit event).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from governance.audit.services import audit_record
from governance.errors import DomainError, ErrorCode
from governance.registry import roles
from portal.masking import hash_id_number, mask_phone

from ..models import Building, Community, Ownership, Person, Unit
from ..signals import announce_roster_change
from portal import bulk
from . import columns as c
from .parse import PRIMARY, ParsedRoster, Problem, ProgressCallback, RosterRow, read_roster


def _empty_counts() -> dict:
    return {
        "rows": 0,
        "buildings": {"new": 0},
        "units": {"new": 0, "updated": 0, "unchanged": 0},
        "persons": {"new": 0, "updated": 0, "unchanged": 0},
        "ownerships": {"new": 0, "updated": 0, "unchanged": 0, "ended": 0},
    }


@dataclass
class ImportReport:
    """What an import found and did. `to_dict()` is what RosterImport.report stores."""

    community_id: int | None = None
    dry_run: bool = True
    source_name: str = ""
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    counts: dict = field(default_factory=_empty_counts)
    changed: list[str] = field(default_factory=list)  # natural keys (labels) of units that change
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        counts = self.counts
        return bool(
            counts["buildings"]["new"] or counts["units"]["new"] or counts["units"]["updated"]
            or counts["persons"]["new"] or counts["persons"]["updated"] or counts["ownerships"]["new"]
            or counts["ownerships"]["updated"] or counts["ownerships"]["ended"]
        )

    def summary_lines(self) -> list[str]:
        u, p, o = self.counts["units"], self.counts["persons"], self.counts["ownerships"]
        return [
            f"数据行：{self.counts['rows']}；新增楼栋：{self.counts['buildings']['new']}",
            f"房屋：新增 {u['new']}，更新 {u['updated']}，未变 {u['unchanged']}",
            f"人员：新增 {p['new']}，更新 {p['updated']}，未变 {p['unchanged']}",
            f"产权关系：新增 {o['new']}，更新 {o['updated']}，未变 {o['unchanged']}，终止 {o['ended']}",
        ]

    def to_dict(self) -> dict:
        return {
            "community": self.community_id,
            "dry_run": self.dry_run,
            "source": self.source_name,
            "ok": self.ok,
            "written": self.written,
            "errors": [problem.as_dict() for problem in self.errors],
            "warnings": [problem.as_dict() for problem in self.warnings],
            "counts": self.counts,
            "changed": self.changed,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        counts = _empty_counts()
        for key, value in (data.get("counts") or {}).items():
            if isinstance(value, dict):
                counts.setdefault(key, {}).update(value)
            else:
                counts[key] = value
        return cls(
            community_id=data.get("community"),
            dry_run=data.get("dry_run", True),
            source_name=data.get("source", ""),
            errors=[Problem.from_dict(item) for item in data.get("errors", [])],
            warnings=[Problem.from_dict(item) for item in data.get("warnings", [])],
            counts=counts,
            changed=list(data.get("changed", [])),
            written=data.get("written", False),
        )


# --- the service -------------------------------------------------------------------------------


def roster_import(
    *, community: Community, source, actor, dry_run: bool, progress: ProgressCallback | None = None
) -> ImportReport:
    """Import a roster file into a community. `source` is a path or a binary file-like object.

    Returns the report; rows with problems are in `report.errors` and then nothing is
    written. File-level failures (missing file, not an .xlsx) and a denied actor raise
    DomainError. `actor=None` is the command line (a trusted operator).
    """
    if actor is not None and not roles.can_manage_registry(actor, community):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "您没有权限导入该小区的业主名册。")
    parsed = read_roster(source, progress=progress)
    report = ImportReport(
        community_id=community.pk, dry_run=dry_run, source_name=parsed.source_name,
        errors=list(parsed.errors), warnings=list(parsed.warnings),
    )
    if dry_run or parsed.errors:
        plan = _Plan.build(community, parsed)
        plan.fill(report)
        return report
    with transaction.atomic():
        # One import at a time per community: the second waits here, then sees the first's rows.
        Community.objects.select_for_update().filter(pk=community.pk).values_list("pk", flat=True).first()
        plan = _Plan.build(community, parsed)
        plan.fill(report)
        plan.apply(community)
        report.written = True
        audit_record(
            community=community, actor=actor, action="roster.import", obj=community,
            summary={
                "source": parsed.source_name,
                "counts": report.counts,
                "changed": report.changed,
                "persons_changed": plan.persons_changed_masked(),
                "warnings": len(report.warnings),
            },
        )
        announce_roster_change(community=community, unit_labels=report.changed, what="名册导入更新了房屋")
    return report


# --- planning: what would change ------------------------------------------------------------------


@dataclass
class _UnitPlan:
    row: RosterRow
    unit_id: int | None  # None: a new unit
    action: str  # new / updated / unchanged
    keep: list[tuple[int, int]] = field(default_factory=list)  # (link id, new position) for kept links
    end: list[int] = field(default_factory=list)  # link ids to end
    create: list[tuple[str, str, int, bool, object]] = field(default_factory=list)  # phone, role, pos, verified, at
    links_changed: bool = False


class _Plan:
    def __init__(self, community: Community):
        self.community = community
        self.buildings: dict[str, int] = dict(
            Building.objects.filter(community=community).order_by().values_list("name", "pk")
        )
        self.units: dict[tuple[str, str, str], tuple] = {}
        names = {pk: name for name, pk in self.buildings.items()}
        for pk, building_id, entrance, room, floor, area, kind, dev in Unit.objects.filter(
            community=community
        ).order_by().values_list("pk", "building_id", "entrance", "room", "floor", "area", "kind", "developer_held"):
            self.units[(names[building_id], entrance, room)] = (pk, floor, area, kind, dev)
        self.persons: dict[str, tuple[int, str, str]] = {
            phone: (pk, name, id_hash)
            for pk, phone, name, id_hash in Person.objects.filter(community=community).order_by().values_list(
                "pk", "phone", "name", "id_number_hash"
            )
        }
        self.phone_by_person = {pk: phone for phone, (pk, _, _) in self.persons.items()}
        self.links: dict[int, list[tuple]] = {}
        for pk, unit_id, person_id, role, position, verified, verified_at in Ownership.objects.filter(
            unit__community=community, ends_on__isnull=True
        ).order_by().values_list("pk", "unit_id", "person_id", "role", "position", "verified", "verified_at"):
            self.links.setdefault(unit_id, []).append((pk, person_id, role, position, verified, verified_at))
        self.new_buildings: list[str] = []
        self.unit_plans: list[_UnitPlan] = []
        self.person_new: dict[str, tuple[str, str]] = {}  # phone → (name, id number)
        self.person_updates: dict[str, tuple[int, str, str]] = {}  # phone → (pk, name, id number)
        self.person_unchanged: set[str] = set()
        self.rows = 0

    @classmethod
    def build(cls, community: Community, parsed: ParsedRoster) -> "_Plan":
        plan = cls(community)
        plan.rows = parsed.data_rows
        for row in parsed.rows:
            plan._add_row(row)
        return plan

    def _add_row(self, row: RosterRow) -> None:
        if row.building not in self.buildings and row.building not in self.new_buildings:
            self.new_buildings.append(row.building)
        for phone, name, role in row.people():
            self._add_person(phone, name, row.id_number if role == PRIMARY else "")
        existing = self.units.get(row.key)
        if existing is None:
            plan = _UnitPlan(row=row, unit_id=None, action="new")
            plan.create = [(phone, role, pos, False, None) for pos, (phone, _, role) in enumerate(row.people())]
            self.unit_plans.append(plan)
            return
        pk, floor, area, kind, dev = existing
        same = floor == row.floor and Decimal(area) == row.area and kind == row.kind and dev == row.developer_held
        plan = _UnitPlan(row=row, unit_id=pk, action="unchanged" if same else "updated")
        self._plan_links(plan, self.links.get(pk, []))
        self.unit_plans.append(plan)

    def _add_person(self, phone: str, name: str, id_number: str) -> None:
        if phone in self.person_new:
            if id_number and not self.person_new[phone][1]:
                self.person_new[phone] = (name, id_number)
            return
        existing = self.persons.get(phone)
        if existing is None:
            self.person_new[phone] = (name, id_number)
            return
        pk, old_name, old_hash = existing
        pending = self.person_updates.get(phone)
        id_number = id_number or (pending[2] if pending else "")
        id_changed = bool(id_number) and hash_id_number(id_number) != old_hash
        if old_name != name or id_changed:
            self.person_updates[phone] = (pk, name, id_number if id_changed else "")
            self.person_unchanged.discard(phone)
        elif phone not in self.person_updates:
            self.person_unchanged.add(phone)

    def _plan_links(self, plan: _UnitPlan, active: list[tuple]) -> None:
        remaining = {(self.phone_by_person.get(link[1]), link[2]): link for link in active}
        by_phone = {self.phone_by_person.get(link[1]): link for link in active}
        for position, (phone, _name, role) in enumerate(plan.row.people()):
            link = remaining.pop((phone, role), None)
            if link is not None:
                plan.keep.append((link[0], position))
                if link[3] != position:
                    plan.links_changed = True
                continue
            previous = by_phone.get(phone)  # same person, other role: keep the verification
            verified, verified_at = (previous[4], previous[5]) if previous else (False, None)
            plan.create.append((phone, role, position, verified, verified_at))
            plan.links_changed = True
        plan.end = [link[0] for link in remaining.values()]
        if plan.end:
            plan.links_changed = True

    # --- reporting -------------------------------------------------------------------------

    def fill(self, report: ImportReport) -> None:
        counts = report.counts
        counts["rows"] = self.rows
        counts["buildings"]["new"] = len(self.new_buildings)
        units, links = counts["units"], counts["ownerships"]
        changed = []
        for plan in self.unit_plans:
            units[plan.action] += 1
            links["new"] += len(plan.create)
            links["ended"] += len(plan.end)
            active = {link[0]: link[3] for link in self.links.get(plan.unit_id, [])} if plan.unit_id else {}
            for link_id, position in plan.keep:
                links["updated" if active.get(link_id) != position else "unchanged"] += 1
            if plan.action != "unchanged" or plan.links_changed:
                changed.append(plan.row.label)
        counts["persons"] = {
            "new": len(self.person_new), "updated": len(self.person_updates), "unchanged": len(self.person_unchanged),
        }
        report.changed = changed

    def persons_changed_masked(self) -> list[str]:
        return [mask_phone(phone) for phone in [*self.person_new, *self.person_updates]]

    # --- writing: a handful of statements whatever the size of the file ---------------------

    def apply(self, community: Community) -> None:
        now = timezone.now()
        today = timezone.localdate()
        building_ids = self._write_buildings(community)
        unit_ids = self._write_units(community, building_ids, now)
        person_ids = self._write_persons(community, now)
        self._write_links(unit_ids, person_ids, today, now)

    def _write_buildings(self, community: Community) -> dict[str, int]:
        if not self.new_buildings:
            return self.buildings
        Building.objects.bulk_create(
            [Building(community=community, name=name, sort_key=c.natural_order(name)) for name in self.new_buildings]
        )
        return dict(Building.objects.filter(community=community).order_by().values_list("name", "pk"))

    def _write_units(self, community: Community, building_ids: dict[str, int], now) -> dict[tuple, int]:
        new, updated = [], []
        for plan in self.unit_plans:
            row = plan.row
            if plan.unit_id is None:
                new.append({
                    "community_id": community.pk, "building_id": building_ids[row.building], "entrance": row.entrance,
                    "room": row.room, "floor": row.floor, "area": row.area, "kind": row.kind,
                    "developer_held": row.developer_held, "updated_at": now,
                })
            elif plan.action == "updated":
                updated.append((plan.unit_id, row.floor, row.area, row.kind, row.developer_held, now))
        bulk.update_rows(Unit, ["floor", "area", "kind", "developer_held", "updated_at"], updated)
        if not new:
            return {key: existing[0] for key, existing in self.units.items()}
        bulk.insert_rows(Unit, new, now=now)
        names = {pk: name for name, pk in building_ids.items()}
        return {
            (names[building_id], entrance, room): pk
            for pk, building_id, entrance, room in Unit.objects.filter(community=community).order_by().values_list(
                "pk", "building_id", "entrance", "room")
        }

    def _write_persons(self, community: Community, now) -> dict[str, int]:
        scratch = Person()  # one instance computes hash + mask (the model's rule) for every row
        renamed, identified = [], []
        for pk, name, id_number in self.person_updates.values():
            if id_number:
                scratch.set_id_number(id_number)
                identified.append((pk, name, scratch.id_number_hash, scratch.id_number_masked))
            else:
                renamed.append((pk, name))
        bulk.update_rows(Person, ["name"], renamed)
        bulk.update_rows(Person, ["name", "id_number_hash", "id_number_masked"], identified)
        if not self.person_new:
            return {phone: existing[0] for phone, existing in self.persons.items()}
        new = []
        for phone, (name, id_number) in self.person_new.items():
            row = {"community_id": community.pk, "phone": phone, "name": name}
            if id_number:
                scratch.set_id_number(id_number)
                row.update(id_number_hash=scratch.id_number_hash, id_number_masked=scratch.id_number_masked)
            new.append(row)
        bulk.insert_rows(Person, new, now=now)
        return dict(Person.objects.filter(community=community).order_by().values_list("phone", "pk"))

    def _write_links(self, unit_ids: dict, person_ids: dict[str, int], today, now) -> None:
        ended = [(link_id, today) for plan in self.unit_plans for link_id in plan.end]
        bulk.update_rows(Ownership, ["ends_on"], ended)
        moved = []
        for plan in self.unit_plans:
            if plan.unit_id is None:
                continue
            active = {link[0]: link[3] for link in self.links.get(plan.unit_id, [])}
            moved.extend((link_id, position) for link_id, position in plan.keep if active.get(link_id) != position)
        bulk.update_rows(Ownership, ["position"], moved)
        bulk.insert_rows(Ownership, [
            {
                "unit_id": unit_ids[plan.row.key], "person_id": person_ids[phone], "position": position,
                "role": role,  # RosterRow.people() speaks OwnershipRole values
                "verified": verified, "verified_at": verified_at, "starts_on": today, "ends_on": None,
            }
            for plan in self.unit_plans
            for phone, role, position, verified, verified_at in plan.create
        ], now=now)

"""Builders for roster workbooks and registry snapshots used by the roster tests."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook

from governance.registry.models import Building, Ownership, Person, Unit
from governance.registry.roster.columns import COLUMNS
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

OWNER = {"业主姓名": "张三", "业主手机": "13800001234"}


def unit_row(n: int = 1, **values) -> dict:
    """One template row; `n` varies the room and the owner so rows don't collide."""
    row = {
        "楼栋": "1栋", "单元": "1", "楼层": 5, "房号": f"{500 + n}", "面积": "89.25", "房屋类型": "住宅",
        "业主姓名": f"业主{n}", "业主手机": f"138{n:08d}", "开发商持有": "否",
    }
    row.update(values)
    return row


def roster_xlsx(rows: list[dict | None], *, header: list[str] | tuple[str, ...] = COLUMNS,
                before: int = 0, name: str = "roster.xlsx") -> io.BytesIO:
    """An .xlsx with `before` blank rows, the header, then one line per dict (None = a blank row)."""
    workbook = Workbook()
    sheet = workbook.active
    for _ in range(before):
        sheet.append([])
    sheet.append(list(header))
    for row in rows:
        if row is None:
            sheet.append([])
            continue
        sheet.append([row.get(column) for column in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def save_roster(path, rows, **kwargs):
    path.write_bytes(roster_xlsx(rows, **kwargs).getvalue())
    return path


def manager(community, **kwargs):
    """A committee member of the community (may manage its registry)."""
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, community=community)
    return user


def snapshot(community) -> dict:
    """Everything an import may touch, for before/after comparisons."""
    return {
        "buildings": sorted(Building.objects.filter(community=community).values_list("pk", "name", "sort_key")),
        "units": sorted(
            Unit.objects.filter(community=community).values_list(
                "pk", "building_id", "entrance", "floor", "room", "area", "kind", "developer_held", "updated_at"
            )
        ),
        "persons": sorted(
            Person.objects.filter(community=community).values_list(
                "pk", "name", "phone", "id_number_hash", "id_number_masked"
            )
        ),
        "ownerships": sorted(
            Ownership.objects.filter(unit__community=community).values_list(
                "pk", "unit_id", "person_id", "role", "position", "verified", "starts_on", "ends_on"
            )
        ),
    }


__all__ = ["CommunityFactory", "Decimal", "OWNER", "manager", "roster_xlsx", "save_roster", "snapshot", "unit_row"]

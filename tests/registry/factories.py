"""Builders for roster workbooks and registry snapshots used by the roster tests."""

from __future__ import annotations

import csv
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
                before: int = 0, title: str | None = None, name: str = "roster.xlsx") -> io.BytesIO:
    """An .xlsx with an optional title row (merged across the header's columns, as people make them),
    `before` blank rows, the header, then one line per dict (None = a blank row)."""
    workbook = Workbook()
    sheet = workbook.active
    if title is not None:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(header), 2))
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


def roster_csv(rows: list[dict | None], *, encoding: str = "utf-8-sig", header: list[str] | tuple[str, ...] = COLUMNS,
               before: int = 0, title: str | None = None) -> bytes:
    """The same sheet as `roster_xlsx`, saved the way Excel/WPS save a CSV: every cell as text."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    if title is not None:
        writer.writerow([title, *[""] * (len(header) - 1)])
    for _ in range(before):
        writer.writerow([""] * len(header))
    writer.writerow(header)
    for row in rows:
        writer.writerow([""] * len(header) if row is None else ["" if row.get(col) is None else row.get(col)
                                                               for col in header])
    return text.getvalue().encode(encoding)


def legacy_xls() -> bytes:
    """The first bytes of an Excel 97-2003 workbook (.xls): an OLE2 container whose first sector opens a
    BIFF8 workbook stream."""
    header = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".ljust(512, b"\x00")
    return header + b"\x09\x08\x10\x00\x00\x06\x05\x00".ljust(1024, b"\x00")


def save_roster(path, rows, **kwargs):
    if str(path).lower().endswith(".csv"):
        path.write_bytes(roster_csv(rows, **kwargs))
    else:
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


__all__ = [
    "CommunityFactory", "Decimal", "OWNER", "legacy_xls", "manager", "roster_csv", "roster_xlsx", "save_roster",
    "snapshot", "unit_row",
]

"""Roster export and the empty template, both in the import's format: export → import changes nothing."""

from __future__ import annotations

import io
import os
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from governance.audit.services import audit_record
from governance.errors import DomainError, ErrorCode
from governance.registry import roles

from ..models import Building, Community, Ownership, OwnershipRole, Unit
from . import columns as c

SHEET_TITLE = "业主名册"
NOTES_TITLE = "填写说明"
ID_NUMBER_NOTE = "系统只保存证件号码的哈希和打码形式，导出时此列留空；重新导入时留空不会清除已登记的证件号码。"
VALIDATION_ROWS = 100_000

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F6F5C")
_REQUIRED_FILL = PatternFill("solid", fgColor="B5452B")
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center")
_SAMPLE_FONT = Font(italic=True, color="808080")
_WIDTHS = {
    c.BUILDING: 10, c.ENTRANCE: 8, c.FLOOR: 8, c.ROOM: 10, c.AREA: 10, c.KIND: 10, c.OWNER_NAME: 12,
    c.OWNER_PHONE: 15, c.ID_NUMBER: 22, c.CO_NAMES: 20, c.CO_PHONES: 28, c.DEVELOPER: 11,
}
_HEADER_NOTES = {
    c.BUILDING: "必填，如 1栋、3号楼",
    c.ROOM: "必填，如 502",
    c.AREA: "必填，专有面积（平方米），大于 0，最多两位小数",
    c.OWNER_NAME: "开发商持有为“否”时必填",
    c.OWNER_PHONE: "开发商持有为“否”时必填，11 位手机号",
    c.ID_NUMBER: ID_NUMBER_NOTE,
    c.CO_NAMES: "多位共有人用“、”或“；”分隔",
    c.CO_PHONES: "与共有人姓名的个数和顺序一致",
    c.KIND: "住宅/商业/办公/车位/其他，留空为住宅",
    c.DEVELOPER: "是/否，留空为否；为“是”时不填业主",
}


def _save(workbook: Workbook, target) -> None:
    """Save to a path or a binary file object. The workbook is always finished first, in memory."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    if not isinstance(target, (str, os.PathLike)):
        target.write(buffer.getvalue())
        return
    path = Path(target)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buffer.getvalue())
    except OSError as exc:
        raise DomainError(ErrorCode.INVALID, f"无法写入文件：{path}（{exc.strerror}）。") from exc


def _new_sheet(workbook: Workbook, *, validations: bool):
    sheet = workbook.create_sheet(SHEET_TITLE)
    for position, name in enumerate(c.COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = _WIDTHS[name]
    sheet.freeze_panes = "A2"
    if validations:
        for name, choices in ((c.KIND, c.KIND_LABELS), (c.DEVELOPER, c.YES_NO)):
            letter = get_column_letter(c.COLUMNS.index(name) + 1)
            rule = DataValidation(
                type="list", formula1=f'"{",".join(choices)}"', allow_blank=True, showErrorMessage=True,
                errorTitle=f"{name}无效", error=f"只能选择：{'/'.join(choices)}",
            )
            rule.add(f"{letter}2:{letter}{VALIDATION_ROWS}")
            sheet.data_validations.append(rule)
    header = []
    for name in c.COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if name in c.REQUIRED_COLUMNS else _HEADER_FILL
        cell.alignment = _HEADER_ALIGN
        if name in _HEADER_NOTES:
            cell.comment = Comment(_HEADER_NOTES[name], "小区治理")
        header.append(cell)
    sheet.append(header)
    return sheet


def _notes_sheet(workbook: Workbook, extra: list[str] | None = None) -> None:
    notes = workbook.create_sheet(NOTES_TITLE)
    notes.column_dimensions["A"].width = 100
    for line in [*c.NOTES, *(extra or [])]:
        notes.append([line])


def roster_template(*, target) -> None:
    """An empty roster template: styled header, one sample row, dropdowns for 房屋类型 and 开发商持有."""
    workbook = Workbook(write_only=True)
    sheet = _new_sheet(workbook, validations=True)
    sample = []
    for value in c.SAMPLE_ROW:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = _SAMPLE_FONT
        sample.append(cell)
    sheet.append(sample)
    _notes_sheet(workbook, ["9. 第 2 行是示例，导入时会自动跳过（也可以直接删除）。"])
    _save(workbook, target)


def roster_rows(community: Community):
    """One template row per unit of the community, in building / entrance / floor / room order."""
    owners: dict[int, list[tuple[str, str, str]]] = {}
    for unit_id, role, name, phone in (
        Ownership.objects.filter(unit__community=community, ends_on__isnull=True)
        .order_by("unit_id", "position", "pk")
        .values_list("unit_id", "role", "person__name", "person__phone")
    ):
        owners.setdefault(unit_id, []).append((role, name, phone))
    names = dict(Building.objects.filter(community=community).values_list("pk", "name"))
    units = Unit.objects.filter(community=community).order_by(
        "building__sort_key", "building__name", "entrance", "floor", "room", "pk"
    ).values_list("pk", "building_id", "entrance", "floor", "room", "area", "kind", "developer_held")
    for pk, building_id, entrance, floor, room, area, kind, developer_held in units.iterator(chunk_size=2000):
        links = owners.get(pk, [])
        primary = next((link for link in links if link[0] == OwnershipRole.PRIMARY), None)
        others = [link for link in links if link is not primary]
        yield (
            names[building_id], entrance, floor, room, area, c.LABEL_BY_KIND.get(kind, kind),
            primary[1] if primary else "", primary[2] if primary else "", "",
            "、".join(link[1] for link in others), "、".join(link[2] for link in others),
            c.YES if developer_held else c.NO,
        )


def roster_export(*, community: Community, target, actor=None) -> int:
    """Write the community's roster in the template format and record who exported it. Returns the number
    of units written.

    Full phone numbers are in the file, so only registry managers may export (`actor=None`
    is the command line) and every export is an audit event (community and row count, never
    a phone number). ID numbers are stored only hashed and masked: that column is blank.
    """
    if actor is not None and not roles.can_manage_registry(actor, community):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "您没有权限导出该小区的业主名册。")
    workbook = Workbook(write_only=True)
    sheet = _new_sheet(workbook, validations=True)
    count = 0
    for row in roster_rows(community):
        sheet.append(row)
        count += 1
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    _notes_sheet(workbook, [f"导出：{community.name}（{community.code}），{stamp}，共 {count} 套房屋。", ID_NUMBER_NOTE])
    with transaction.atomic():
        audit_record(
            community=community, actor=actor, action="roster.export", obj=community,
            summary={"community": community.code, "rows": count},
        )
        _save(workbook, target)  # a file that cannot be written takes its audit event with it
    return count


def roster_export_bytes(*, community: Community, actor=None) -> bytes:
    buffer = io.BytesIO()
    roster_export(community=community, target=buffer, actor=actor)
    return buffer.getvalue()


def roster_template_bytes() -> bytes:
    buffer = io.BytesIO()
    roster_template(target=buffer)
    return buffer.getvalue()

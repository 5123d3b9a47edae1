"""Election vote details as .xlsx (one row per voting right) and reading them back for a recount."""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from governance.voting.tally import DEVELOPER_KEY, TallyInputError

from .models import Candidate, ElectionRight, ElectionRollUnit, ElectionRound
from .selectors import ballots_with_selections

DETAIL_SHEET, CANDIDATE_SHEET, RULE_SHEET = "选票明细", "候选人", "规则"
DETAIL_HEADERS = ["表决权键", "表决权人", "房屋", "专有面积", "开发商持有", "所选候选人", "投票时间", "渠道", "录入人",
                  "废票", "废票理由"]
CANDIDATE_HEADERS = ["编号", "姓名", "审核状态"]
RULE_KEYS = ["participation_area", "participation_heads", "approval_area", "approval_heads", "approval_strict"]
CANDIDATE_REF = re.compile(r"#(\d+)）")


def _header(ws, headers):
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")


def election_details_xlsx(election: ElectionRound) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = DETAIL_SHEET
    _header(ws, DETAIL_HEADERS)
    units: dict[int, list[str]] = {}
    for right_id, label in ElectionRollUnit.objects.filter(round=election).order_by("pk").values_list(
            "right_id", "label"):
        units.setdefault(right_id, []).append(label)
    ballots = {b.right_id: b for b in ballots_with_selections(election)}
    for right in ElectionRight.objects.filter(round=election).order_by("pk"):
        ballot = ballots.get(right.pk)
        ws.append([
            right.key, right.label, "、".join(units.get(right.pk, [])), f"{right.area:.2f}",
            "是" if right.is_developer else "否",
            "、".join(c.label for c in ballot.selections.all()) if ballot else "",
            timezone.localtime(ballot.updated_at).strftime("%Y-%m-%d %H:%M:%S") if ballot else "",
            ballot.get_channel_display() if ballot else "",
            str(ballot.entered_by) if ballot and ballot.entered_by else "",
            "是" if ballot and ballot.void else ("否" if ballot else ""),
            ballot.void_reason if ballot else "",
        ])
    for column, width in zip("ABCDEFGHIJK", (10, 24, 40, 12, 10, 36, 20, 10, 14, 6, 20)):
        ws.column_dimensions[column].width = width
    candidates = wb.create_sheet(CANDIDATE_SHEET)
    _header(candidates, CANDIDATE_HEADERS)
    for candidate in Candidate.objects.filter(round=election).order_by("registered_at", "pk"):
        candidates.append([candidate.pk, candidate.name, candidate.get_status_display()])
    rules = wb.create_sheet(RULE_SHEET)
    rules.append(["项目", "值"])
    rule = election.rule.to_dict()
    for key in RULE_KEYS:
        rules.append([key, "true" if rule[key] is True else "false" if rule[key] is False else rule[key]])
    rules.append(["seats", election.seats])
    rules.append(["election", election.title])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def read_election_details(source) -> dict:
    """Turn an election-details workbook back into the document `tally_election_document` counts."""
    try:
        wb = load_workbook(source if not isinstance(source, (str, Path)) else str(source), read_only=True,
                           data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise TallyInputError(f"无法读取选票明细文件：{exc}") from exc
    for sheet in (DETAIL_SHEET, CANDIDATE_SHEET, RULE_SHEET):
        if sheet not in wb.sheetnames:
            raise TallyInputError(f"选票明细文件缺少“{sheet}”工作表")
    rule: dict = {}
    seats = None
    for row in wb[RULE_SHEET].iter_rows(min_row=2, values_only=True):
        if not row:
            continue
        if row[0] in RULE_KEYS:
            value = str(row[1]).strip()
            rule[row[0]] = value == "true" if row[0] == "approval_strict" else value
        elif row[0] == "seats":
            seats = row[1]
    approved = [str(row[0]) for row in wb[CANDIDATE_SHEET].iter_rows(min_row=2, values_only=True)
                if row and row[0] is not None and row[2] == "正式候选人"]
    rows = wb[DETAIL_SHEET].iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows, [])]
    if header[: len(DETAIL_HEADERS)] != DETAIL_HEADERS:
        raise TallyInputError("“选票明细”工作表的表头与导出格式不符")
    units, ballots = [], []
    for number, row in enumerate(rows, start=2):
        if not row or row[0] in (None, ""):
            continue
        key, area, developer = str(row[0]), row[3], row[4] == "是"
        owner = DEVELOPER_KEY if developer else key
        units.append({"unit": key, "area": str(area), "owner": owner, "developer_held": developer})
        if row[9] in ("是", "否"):
            selections = CANDIDATE_REF.findall(str(row[5] or ""))
            ballots.append({"owner": owner, "selections": selections, "void": row[9] == "是"})
    return {"rule": rule, "seats": seats, "candidates": approved, "units": units, "ballots": ballots}


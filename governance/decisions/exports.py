"""Vote details as .xlsx (one row per voting right) and reading them back for `recount`."""

from __future__ import annotations

import io
from pathlib import Path

from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from .models import Ballot, Choice, Motion, RollUnit, VotingRight
from governance.voting.tally import DEVELOPER_KEY, TallyInputError

DETAIL_HEADERS = ["表决权键", "表决权人", "房屋", "专有面积", "开发商持有", "选项", "投票时间", "渠道", "录入人", "废票",
                  "废票理由"]
RULE_KEYS = ["participation_area", "participation_heads", "approval_area", "approval_heads", "approval_strict"]
CHOICE_LABELS = dict(Choice.choices)
LABEL_TO_CHOICE = {str(label): value for value, label in Choice.choices}


def vote_details_xlsx(motion: Motion) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "表决明细"
    ws.append(DETAIL_HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    units: dict[int, list[str]] = {}
    for right_id, label in RollUnit.objects.filter(motion=motion).order_by("pk").values_list("right_id", "label"):
        units.setdefault(right_id, []).append(label)
    ballots = {b.right_id: b for b in Ballot.objects.filter(motion=motion).select_related("entered_by")}
    for right in VotingRight.objects.filter(motion=motion).order_by("pk"):
        ballot = ballots.get(right.pk)
        ws.append([
            right.key, right.label, "、".join(units.get(right.pk, [])), f"{right.area:.2f}",
            "是" if right.is_developer else "否",
            str(CHOICE_LABELS[ballot.choice]) if ballot else "",
            timezone.localtime(ballot.updated_at).strftime("%Y-%m-%d %H:%M:%S") if ballot else "",
            ballot.get_channel_display() if ballot else "",
            str(ballot.entered_by) if ballot and ballot.entered_by else "",
            "是" if ballot and ballot.void else ("否" if ballot else ""),
            ballot.void_reason if ballot else "",
        ])
    for column, width in zip("ABCDEFGHIJK", (10, 24, 40, 12, 10, 8, 20, 10, 14, 6, 20)):
        ws.column_dimensions[column].width = width
    rules = wb.create_sheet("规则")
    rules.append(["项目", "值"])
    rule = motion.rule.to_dict()
    for key in RULE_KEYS:
        rules.append([key, "true" if rule[key] is True else "false" if rule[key] is False else rule[key]])
    rules.append(["motion", motion.title])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def read_vote_details(source) -> dict:
    """Turn a vote-details workbook back into the recount document (one roll entry per right)."""
    try:
        wb = load_workbook(source if not isinstance(source, (str, Path)) else str(source), read_only=True,
                           data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise TallyInputError(f"无法读取表决明细文件：{exc}") from exc
    if "表决明细" not in wb.sheetnames or "规则" not in wb.sheetnames:
        raise TallyInputError("表决明细文件缺少“表决明细”或“规则”工作表")
    rule: dict = {}
    for row in wb["规则"].iter_rows(min_row=2, values_only=True):
        if row and row[0] in RULE_KEYS:
            value = str(row[1]).strip()
            rule[row[0]] = value == "true" if row[0] == "approval_strict" else value
    rows = wb["表决明细"].iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows, [])]
    if header[: len(DETAIL_HEADERS)] != DETAIL_HEADERS:
        raise TallyInputError("“表决明细”工作表的表头与导出格式不符")
    units, ballots = [], []
    for number, row in enumerate(rows, start=2):
        if not row or row[0] in (None, ""):
            continue
        key, area, developer, choice_label, void = str(row[0]), row[3], row[4] == "是", row[5], row[9] == "是"
        units.append({"unit": key, "area": str(area), "owner": DEVELOPER_KEY if developer else key,
                      "developer_held": developer})
        if choice_label:
            if choice_label not in LABEL_TO_CHOICE:
                raise TallyInputError(f"第{number}行 选项: 无效的选项“{choice_label}”")
            ballots.append({"owner": DEVELOPER_KEY if developer else key,
                            "choice": LABEL_TO_CHOICE[choice_label], "void": void})
    return {"rule": rule, "units": units, "ballots": ballots}

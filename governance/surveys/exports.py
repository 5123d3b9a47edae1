"""Survey results as .xlsx: "答卷明细" (one row per response, one column per question) and "汇总"."""

from __future__ import annotations

import io
from collections import defaultdict

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from .models import Answer, QuestionKind, Response, Survey
from .results import SurveyResult, survey_result
from .validation import format_number

RESPONSES_SHEET = "答卷明细"
SUMMARY_SHEET = "汇总"
SUMMARY_HEADERS = ["题号", "题目", "题型", "选项/统计项", "数量", "占比"]
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _bold_header(ws) -> None:
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL


def question_header(question) -> str:
    return f"第{question.order}题 {question.text}"


def _cell(question, answer: Answer | None, option_texts: dict[int, str]):
    if answer is None:
        return ""
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return "、".join(option_texts[o.pk] for o in sorted(answer.options.all(), key=lambda o: o.order))
    if question.kind == QuestionKind.TEXT:
        return answer.text
    if answer.number is None:
        return ""
    if question.kind == QuestionKind.RATING or answer.number == answer.number.to_integral_value():
        return int(answer.number)
    return answer.number


def survey_xlsx(survey: Survey, result: SurveyResult | None = None) -> bytes:
    result = result or survey_result(survey)
    questions = [item.question for item in result.questions]
    option_texts = {o.pk: o.text for q in questions for o in q.options.all()}

    wb = Workbook()
    ws = wb.active
    ws.title = RESPONSES_SHEET
    ws.append(["序号", "提交时间", "答卷人", "房屋", *[question_header(q) for q in questions]])
    _bold_header(ws)
    by_response: dict[int, dict[int, Answer]] = defaultdict(dict)
    for answer in Answer.objects.filter(response__survey=survey).prefetch_related("options"):
        by_response[answer.response_id][answer.question_id] = answer
    responses = Response.objects.filter(survey=survey).select_related("user", "unit__building").order_by(
        "submitted_at", "pk")
    for number, response in enumerate(responses, start=1):
        answers = by_response.get(response.pk, {})
        ws.append([
            number,
            timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M:%S"),
            str(response.user),
            response.unit.label if response.unit_id else "",
            *[_cell(q, answers.get(q.pk), option_texts) for q in questions],
        ])
    ws.column_dimensions["B"].width = 20
    ws.column_dimensions["C"].width = 16
    ws.column_dimensions["D"].width = 18

    summary = wb.create_sheet(SUMMARY_SHEET)
    summary.append(["问卷", survey.title])
    summary.append(["小区", survey.community.name])
    summary.append(["答卷数", result.responses])
    summary.append([])
    summary.append(SUMMARY_HEADERS)
    for cell in summary[5]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for item in result.questions:
        q = item.question
        head = [q.order, q.text, q.get_kind_display()]
        summary.append([*head, "作答人数", item.answered, ""])
        for bar in item.bars:
            summary.append([*head, bar.label, bar.count, f"{bar.percent}%"])
        if q.kind in (QuestionKind.RATING, QuestionKind.NUMBER):
            summary.append([*head, "平均值", item.average_display, ""])
        if q.kind == QuestionKind.NUMBER:
            summary.append([*head, "最小值", item.minimum_display, ""])
            summary.append([*head, "最大值", item.maximum_display, ""])
            summary.append([*head, "合计", format_number(item.total) if item.total is not None else "—", ""])
    summary.column_dimensions["B"].width = 40
    summary.column_dimensions["D"].width = 20

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_filename(survey: Survey) -> str:
    return f"survey-{survey.pk}.xlsx"

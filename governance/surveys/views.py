"""The survey pages on the portal (mobile first). Views parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from governance.errors import DomainError
from governance.surveys import permissions as survey_rules

from . import selectors, services
from .exports import survey_xlsx, xlsx_filename
from .models import RATING_MAX, RATING_MIN, AnswerPer, QuestionKind, SurveyStatus
from .results import survey_result
from .validation import SurveyAnswerInvalid, format_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _survey_or_404(request, survey_id: int):
    survey = selectors.survey_with_questions(selectors.visible_surveys_for(request.user), survey_id)
    if survey is None:
        raise Http404
    return survey


@login_required
def survey_list(request):
    return render(request, "surveys/survey_list.html", {
        "open_items": selectors.my_open_surveys(request.user),
        "closed_items": selectors.closed_surveys_with_results(request.user),
        "now": timezone.now(),
    })


def field_name(question) -> str:
    return f"q{question.pk}"


def _submitted(request, questions) -> dict:
    data = {}
    for question in questions:
        name = field_name(question)
        if question.kind == QuestionKind.MULTIPLE:
            data[question.pk] = request.POST.getlist(name)
        else:
            data[question.pk] = request.POST.get(name, "")
    return data


def _rows(questions, values: dict, errors: dict) -> list[dict]:
    """What the form template needs per question, with the submitted values kept after an error."""
    rows = []
    for question in questions:
        value = values.get(question.pk)
        chosen = {str(v) for v in value} if isinstance(value, list) else ({str(value)} if value else set())
        rows.append({
            "question": question,
            "name": field_name(question),
            "value": value if isinstance(value, str) else "",
            "options": [(option, str(option.pk) in chosen) for option in question.options.all()],
            "scores": [(score, str(score) in chosen) for score in range(RATING_MIN, RATING_MAX + 1)],
            "min": format_number(question.min_value), "max": format_number(question.max_value),
            "error": errors.get(question.pk, ""),
        })
    return rows


def _render_detail(request, survey, *, values=None, errors=None, form_error="", status=200):
    item = selectors.participation(request.user, survey)
    questions = selectors.survey_questions(survey)
    now = timezone.now()
    return render(request, "surveys/survey_detail.html", {
        "survey": survey, "item": item, "rows": _rows(questions, values or {}, errors or {}),
        "form_error": form_error, "can_answer": item.can_answer_now,
        "not_started": survey.status == SurveyStatus.OPEN and now < survey.opens_at,
        "ended": survey.status == SurveyStatus.CLOSED or now >= survey.closes_at,
        "per_unit": survey.answer_per == AnswerPer.UNIT,
        "can_see_results": survey_rules.can_see_survey_results(request.user, survey),
        "is_publisher": survey_rules.can_publish_surveys(request.user, survey.community),
    }, status=status)


@login_required
def survey_detail(request, survey_id: int):
    survey = _survey_or_404(request, survey_id)
    if request.method != "POST":
        return _render_detail(request, survey)
    questions = selectors.survey_questions(survey)
    values = _submitted(request, questions)
    unit = None
    raw_unit = request.POST.get("unit", "")
    if raw_unit:
        unit = int(raw_unit) if raw_unit.isdigit() else -1
    try:
        services.survey_answer(survey=survey, user=request.user, answers=values, unit=unit)
    except SurveyAnswerInvalid as error:
        return _render_detail(request, survey, values=values, errors=error.errors,
                              form_error="提交失败，请按提示修改后重新提交。", status=400)
    except DomainError as error:
        return _render_detail(request, survey, values=values, form_error=error.message, status=400)
    messages.success(request, "已提交，感谢您的参与。")
    return redirect("survey_detail", survey_id=survey.pk)


@login_required
def survey_results(request, survey_id: int):
    survey = _survey_or_404(request, survey_id)
    if not survey_rules.can_see_survey_results(request.user, survey):
        raise Http404
    return render(request, "surveys/survey_results.html", {
        "survey": survey, "result": survey_result(survey),
        "can_export": survey_rules.can_publish_surveys(request.user, survey.community),
    })


@login_required
def survey_results_xlsx(request, survey_id: int):
    survey = _survey_or_404(request, survey_id)
    if not survey_rules.can_publish_surveys(request.user, survey.community):
        raise Http404
    response = HttpResponse(survey_xlsx(survey), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{xlsx_filename(survey)}"'
    return response

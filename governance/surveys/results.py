"""Survey results: exact integer counts per option, shares and averages for display only.

Shares are of the respondents who answered the question (a multiple-choice question's shares may add up
to more than 100%). Averages are computed from the exact Decimal sum and rounded half up for display.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from . import selectors
from .models import RATING_MAX, RATING_MIN, Answer, Question, QuestionKind, Survey
from .validation import format_number


def percent(part: int, whole: int) -> str:
    """A share for display, one decimal, half up: "40.0"."""
    if whole <= 0:
        return "0.0"
    return str((Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Bar:
    """One bar of a chart: an option (or a rating score) with its exact count and its display share."""

    key: str
    label: str
    count: int
    percent: str
    option_id: int | None = None


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    bars: list[Bar] = field(default_factory=list)
    total: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    texts: list[str] = field(default_factory=list)
    responses: int = 0

    @property
    def number(self) -> int:
        return self.question.order

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def has_chart(self) -> bool:
        return bool(self.bars)

    @property
    def average(self) -> Decimal | None:
        """The exact mean rounded half up to 2 places (display)."""
        if self.total is None or not self.answered:
            return None
        return rounded(self.total / Decimal(self.answered))

    @property
    def average_display(self) -> str:
        return "—" if self.average is None else format(self.average, "f")

    @property
    def minimum_display(self) -> str:
        return format_number(self.minimum) if self.minimum is not None else "—"

    @property
    def maximum_display(self) -> str:
        return format_number(self.maximum) if self.maximum is not None else "—"

    @property
    def skipped(self) -> int:
        return self.responses - self.answered


@dataclass
class SurveyResult:
    survey: Survey
    responses: int
    questions: list[QuestionResult]


def survey_result(survey: Survey) -> SurveyResult:
    """Count one survey (six queries whatever its size)."""
    questions = selectors.survey_questions(survey)
    answers = Answer.objects.filter(response__survey=survey)
    responses = survey.responses.count()
    answered = dict(answers.values("question_id").annotate(n=Count("id")).values_list("question_id", "n"))
    option_counts = dict(
        Answer.options.through.objects.filter(answer__response__survey=survey)
        .values("option_id").annotate(n=Count("id")).values_list("option_id", "n")
    )
    numbers: dict[int, list[Decimal]] = defaultdict(list)
    for question_id, number in answers.filter(
        question__kind__in=[QuestionKind.RATING, QuestionKind.NUMBER], number__isnull=False
    ).values_list("question_id", "number"):
        numbers[question_id].append(number)
    texts: dict[int, list[str]] = defaultdict(list)
    for question_id, text in answers.filter(question__kind=QuestionKind.TEXT).exclude(text="").order_by(
        "response__submitted_at", "response_id"
    ).values_list("question_id", "text"):
        texts[question_id].append(text)

    results = []
    for question in questions:
        n = answered.get(question.pk, 0)
        item = QuestionResult(question=question, answered=n, responses=responses)
        if question.is_choice:
            item.bars = [
                Bar(key=f"o{o.pk}", label=o.text, count=option_counts.get(o.pk, 0),
                    percent=percent(option_counts.get(o.pk, 0), n), option_id=o.pk)
                for o in question.options.all()
            ]
        elif question.kind in (QuestionKind.RATING, QuestionKind.NUMBER):
            values = numbers.get(question.pk, [])
            if values:
                item.total = sum(values, Decimal(0))
                item.minimum, item.maximum = min(values), max(values)
            if question.kind == QuestionKind.RATING:
                scores = defaultdict(int)
                for value in values:
                    scores[int(value)] += 1
                item.bars = [Bar(key=f"s{s}", label=f"{s}分", count=scores[s], percent=percent(scores[s], n))
                             for s in range(RATING_MIN, RATING_MAX + 1)]
        else:
            item.texts = texts.get(question.pk, [])
        results.append(item)
    return SurveyResult(survey=survey, responses=responses, questions=results)

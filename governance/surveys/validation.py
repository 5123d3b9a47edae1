"""Checking questions when a template or survey is written, and answers when a questionnaire is submitted.

Every message is Chinese and names the question by its number: "第3题：请选择1到5分".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Mapping

from governance.errors import DomainError, ErrorCode
from portal.privacy import contains_personal_info, privacy_message

from .models import CHOICE_KINDS, RATING_MAX, RATING_MIN, Question, QuestionKind

MAX_QUESTIONS = 100
MAX_OPTIONS = 50
MAX_TEXT_ANSWER = 2000
NUMBER_LIMIT = Decimal(10) ** 12  # max_digits=14, decimal_places=2
CENTS = Decimal("0.01")

MISSING_HINTS = {
    QuestionKind.SINGLE: "请选择一项",
    QuestionKind.MULTIPLE: "请至少选择一项",
    QuestionKind.TEXT: "请填写内容",
    QuestionKind.RATING: f"请选择{RATING_MIN}到{RATING_MAX}分",
    QuestionKind.NUMBER: "请填写数字",
}


class SurveyAnswerInvalid(DomainError):
    """Some answers are wrong: `errors` maps each question id to its Chinese message, in question order."""

    def __init__(self, errors: dict[int, str]):
        self.errors = errors
        first_id, first = next(iter(errors.items()))
        super().__init__(ErrorCode.INVALID, "；".join(errors.values()), field=f"answers.{first_id}")


def format_number(value: Decimal | None) -> str:
    """10.00 → "10", 2.50 → "2.5": for messages and display."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def to_decimal(value: Any) -> Decimal | None:
    """A finite Decimal from an int, a Decimal, a float or a numeric string; None when it is not a number."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, str):
            number = Decimal(value.strip())
        else:
            return None
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


# --- question specs (templates and surveys) --------------------------------------------------------


@dataclass
class QuestionSpec:
    kind: str
    text: str
    required: bool = True
    options: list[str] = field(default_factory=list)
    min_value: Decimal | None = None
    max_value: Decimal | None = None

    @classmethod
    def of(cls, question: Question) -> "QuestionSpec":
        return cls(kind=question.kind, text=question.text, required=question.required,
                   options=[o.text for o in question.options.all()], min_value=question.min_value,
                   max_value=question.max_value)


def _spec(raw) -> QuestionSpec:
    if isinstance(raw, QuestionSpec):
        return raw
    if isinstance(raw, Mapping):
        return QuestionSpec(kind=str(raw.get("kind") or ""), text=str(raw.get("text") or ""),
                            required=bool(raw.get("required", True)), options=list(raw.get("options") or []),
                            min_value=raw.get("min_value"), max_value=raw.get("max_value"))
    raise DomainError(ErrorCode.INVALID, "题目格式不正确。", field="questions")


def clean_question_specs(questions: Iterable) -> list[QuestionSpec]:
    """Check a list of question specs (dicts or QuestionSpec); raise on the first problem, by number."""
    specs = [_spec(raw) for raw in questions or []]
    if not specs:
        raise DomainError(ErrorCode.INVALID, "问卷至少需要一道题。", field="questions")
    if len(specs) > MAX_QUESTIONS:
        raise DomainError(ErrorCode.INVALID, f"问卷最多 {MAX_QUESTIONS} 道题。", field="questions")
    cleaned = []
    for number, spec in enumerate(specs, start=1):
        def fail(message: str, number: int = number):
            return DomainError(ErrorCode.INVALID, f"第{number}题：{message}", field="questions")

        if spec.kind not in QuestionKind.values:
            raise fail("题型不正确")
        text = spec.text.strip()
        if not text:
            raise fail("请填写题目")
        if len(text) > 500:
            raise fail("题目不能超过500字")
        options = [str(o).strip() for o in spec.options]
        if spec.kind in CHOICE_KINDS:
            if any(not o for o in options):
                raise fail("选项不能为空")
            if len(options) < 2:
                raise fail("选择题至少需要两个选项")
            if len(options) > MAX_OPTIONS:
                raise fail(f"选项最多 {MAX_OPTIONS} 个")
            if any(len(o) > 200 for o in options):
                raise fail("选项不能超过200字")
            seen = set()
            for option in options:
                if option in seen:
                    raise fail(f"选项“{option}”重复")
                seen.add(option)
        elif options:
            raise fail("只有单选题和多选题可以设置选项")
        low = high = None
        if spec.min_value not in (None, "") or spec.max_value not in (None, ""):
            if spec.kind != QuestionKind.NUMBER:
                raise fail("只有数字题可以设置最小值和最大值")
            low, high = _bound(spec.min_value, fail, "最小值"), _bound(spec.max_value, fail, "最大值")
            if low is not None and high is not None and low > high:
                raise fail("最小值不能大于最大值")
        cleaned.append(QuestionSpec(kind=spec.kind, text=text, required=bool(spec.required), options=options,
                                    min_value=low, max_value=high))
    return cleaned


def _bound(value, fail, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    number = to_decimal(value)
    if number is None or abs(number) >= NUMBER_LIMIT or number != number.quantize(CENTS):
        raise fail(f"{label}必须是最多两位小数的数字")
    return number


# --- answers -----------------------------------------------------------------------------------------


@dataclass
class CleanAnswer:
    question: Question
    option_ids: list[int] = field(default_factory=list)
    text: str = ""
    number: Decimal | None = None


def _is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, set)):
        return len(value) == 0 or all(_is_missing(v) for v in value)
    return False


def _option_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _clean_one(question: Question, value, option_ids: set[int]) -> tuple[CleanAnswer | None, str | None]:
    """(answer, None), (None, None) for a skipped optional question, or (None, message)."""
    kind = question.kind
    if _is_missing(value):
        if question.required:
            return None, f"此题为必答题，{MISSING_HINTS[kind]}"
        return None, None

    if kind == QuestionKind.SINGLE:
        if isinstance(value, (list, tuple, set)):
            values = [v for v in value if not _is_missing(v)]
            if len(values) > 1:
                return None, "只能选择一项"
            value = values[0]
        chosen = _option_id(value)
        if chosen is None or chosen not in option_ids:
            return None, "所选选项不属于本题"
        return CleanAnswer(question, option_ids=[chosen]), None

    if kind == QuestionKind.MULTIPLE:
        if not isinstance(value, (list, tuple, set)):
            return None, "多选题请提交所选选项的列表"
        chosen = [_option_id(v) for v in value if not _is_missing(v)]
        if any(c is None or c not in option_ids for c in chosen):
            return None, "所选选项不属于本题"
        if len(set(chosen)) != len(chosen):
            return None, "同一选项不能重复选择"
        return CleanAnswer(question, option_ids=sorted(chosen)), None

    if kind == QuestionKind.TEXT:
        if not isinstance(value, str):
            return None, "请填写文字"
        text = value.strip()
        if len(text) > MAX_TEXT_ANSWER:
            return None, f"内容不能超过{MAX_TEXT_ANSWER}字"
        return CleanAnswer(question, text=text), None

    number = to_decimal(value)
    if kind == QuestionKind.RATING:
        if number is None or number != number.to_integral_value() or not RATING_MIN <= number <= RATING_MAX:
            return None, f"请选择{RATING_MIN}到{RATING_MAX}分"
        return CleanAnswer(question, number=Decimal(int(number))), None

    # QuestionKind.NUMBER
    if number is None:
        return None, "请填写有效的数字"
    if abs(number) >= NUMBER_LIMIT:
        return None, "数字过大"
    if number != number.quantize(CENTS):
        return None, "最多保留两位小数"
    low, high = question.min_value, question.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            return None, f"请填写{format_number(low)}到{format_number(high)}之间的数字"
        if low is not None:
            return None, f"不能小于{format_number(low)}"
        return None, f"不能大于{format_number(high)}"
    return CleanAnswer(question, number=number.quantize(CENTS)), None


def clean_answers(questions: list[Question], answers: Mapping) -> list[CleanAnswer]:
    """Check every question of the survey against `answers` ({question id: value}); raise all problems at once.

    `questions` must have their options prefetched. Values: single → an option id; multiple → a list of
    option ids; text → a string; rating → 1..5; number → a number within the question's bounds.
    """
    by_id = {q.pk: q for q in questions}
    normalised: dict[int, Any] = {}
    for key, value in (answers or {}).items():
        qid = _option_id(key)
        if qid is None or qid not in by_id:
            raise DomainError(ErrorCode.INVALID, "答卷包含不属于本问卷的题目。", field="answers")
        normalised[qid] = value
    cleaned, errors = [], {}
    for question in sorted(questions, key=lambda q: q.order):
        option_ids = {o.pk for o in question.options.all()}
        answer, message = _clean_one(question, normalised.get(question.pk), option_ids)
        if message:
            errors[question.pk] = f"第{question.order}题：{message}"
        elif answer is not None and contains_personal_info(answer.text):
            errors[question.pk] = privacy_message(f"第{question.order}题")
        elif answer is not None:
            cleaned.append(answer)
    if errors:
        raise SurveyAnswerInvalid(errors)
    return cleaned

"""What a case submission must look like: lengths, required sections, and no personal information.

Every refusal is a `DomainError(INVALID)` whose Chinese message names the field, e.g.
"请删除手机号、身份证号等个人信息：处理经过".
"""

from __future__ import annotations

from dataclasses import dataclass

from governance.errors import DomainError, ErrorCode
from portal.privacy import contains_personal_info, privacy_message

from .models import LESSONS_MAX, SECTION_MAX, TITLE_MAX, TITLE_MIN, CaseKind

LABELS = {
    "title": "标题",
    "background": "背景",
    "dispute": "争议焦点",
    "handling": "处理经过",
    "outcome": "结果",
    "lessons": "启示",
}
SECTIONS = ("background", "dispute", "handling", "outcome")
FIELDS = ("title", *SECTIONS, "lessons")
MAX_CHARS = {**{name: SECTION_MAX for name in SECTIONS}, "lessons": LESSONS_MAX}


@dataclass(frozen=True)
class CaseText:
    title: str
    background: str
    dispute: str
    handling: str
    outcome: str
    lessons: str
    kind: str


def _clean_text(value) -> str:
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def clean_case_text(*, title, background, dispute, handling, outcome, lessons="", kind=CaseKind.CASE) -> CaseText:
    """Normalise and validate; raise DomainError(INVALID) naming the first field at fault."""
    values = {
        "title": " ".join(_clean_text(title).split()),
        "background": _clean_text(background),
        "dispute": _clean_text(dispute),
        "handling": _clean_text(handling),
        "outcome": _clean_text(outcome),
        "lessons": _clean_text(lessons),
    }
    # Privacy first: personal information is refused before anything else is looked at.
    for name in FIELDS:
        if contains_personal_info(values[name]):
            raise DomainError(ErrorCode.INVALID, privacy_message(LABELS[name]), field=name)
    kind = getattr(kind, "value", kind)
    if kind not in CaseKind.values:
        raise DomainError(ErrorCode.INVALID, "请选择类型：案例或争议处理。", field="kind")
    title_length = len(values["title"])
    if not title_length:
        raise DomainError(ErrorCode.INVALID, "请填写标题。", field="title")
    if not TITLE_MIN <= title_length <= TITLE_MAX:
        raise DomainError(
            ErrorCode.INVALID, f"标题须为 {TITLE_MIN}–{TITLE_MAX} 个字（现为 {title_length} 个字）。", field="title")
    for name in (*SECTIONS, "lessons"):
        text = values[name]
        if name in SECTIONS and not text:
            raise DomainError(ErrorCode.INVALID, f"请填写{LABELS[name]}。", field=name)
        if len(text) > MAX_CHARS[name]:
            raise DomainError(
                ErrorCode.INVALID, f"{LABELS[name]}不能超过 {MAX_CHARS[name]} 个字（现为 {len(text)} 个字）。",
                field=name)
    return CaseText(kind=kind, **values)

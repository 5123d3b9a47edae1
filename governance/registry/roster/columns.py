"""The roster template (业主清册模板): its columns and the cell vocabulary shared by import and export."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from ..models import UnitKind, unit_label  # noqa: F401  (re-exported: the roster names units the same way)

BUILDING = "楼栋"
ENTRANCE = "单元"
FLOOR = "楼层"
ROOM = "房号"
AREA = "面积"
KIND = "房屋类型"
OWNER_NAME = "业主姓名"
OWNER_PHONE = "业主手机"
ID_NUMBER = "证件号码"
CO_NAMES = "共有人姓名"
CO_PHONES = "共有人手机"
DEVELOPER = "开发商持有"

# Template order. Import matches columns by header text, in any order.
COLUMNS: tuple[str, ...] = (
    BUILDING, ENTRANCE, FLOOR, ROOM, AREA, KIND, OWNER_NAME, OWNER_PHONE, ID_NUMBER, CO_NAMES, CO_PHONES, DEVELOPER,
)
# A file without one of these columns is refused as a whole (a header error). Owner name and
# phone are required values unless 开发商持有=是, so their columns must be there too.
REQUIRED_COLUMNS: tuple[str, ...] = (BUILDING, ROOM, AREA, OWNER_NAME, OWNER_PHONE)

KIND_BY_LABEL: dict[str, str] = {
    "住宅": UnitKind.RESIDENTIAL,
    "商业": UnitKind.COMMERCIAL,
    "办公": UnitKind.OFFICE,
    "车位": UnitKind.PARKING,
    "其他": UnitKind.OTHER,
}
LABEL_BY_KIND: dict[str, str] = {value: label for label, value in KIND_BY_LABEL.items()}
KIND_LABELS: tuple[str, ...] = tuple(KIND_BY_LABEL)

YES = "是"
NO = "否"
YES_NO: tuple[str, ...] = (YES, NO)

# Several co-owners in one cell: 、 or ; (NFKC turns the full-width ； into ;).
CO_OWNER_SEPARATORS = re.compile(r"[、;]")

SAMPLE_ROW: tuple = ("1栋", "1", 5, "502", 89.25, "住宅", "张三", "13800001234", "", "李四", "13900005678", NO)

NOTES: tuple[str, ...] = (
    "填写说明：",
    "1. 第一行为表头，列的顺序可以调整，列名须与模板一致；多余的列会被忽略。",
    "2. 楼栋、房号、面积必填；开发商持有为“否”时，业主姓名和业主手机必填。",
    "3. 面积单位为平方米，大于 0，最多两位小数。",
    "4. 房屋类型：住宅/商业/办公/车位/其他，留空为住宅；开发商持有：是/否，留空为否。",
    "5. 多位共有人用“、”或“；”分隔，共有人姓名与共有人手机的个数和顺序须一致。",
    "6. 手机号为 11 位、以 1 开头；同一手机号在整个文件中只能对应一个姓名。",
    "7. 证件号码选填，系统只保存其哈希和打码形式，导出时此列留空；重新导入时留空不会清除已登记的证件号。",
    "8. 重新导入按 楼栋+单元+房号 更新已有房屋，不会重复创建；任何一行有错误，整个文件都不会导入。",
)


def normalise_text(value) -> str:
    """A cell as trimmed NFKC text: full-width digits and letters become ASCII, numbers lose a trailing .0."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value).strip()
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def normalise_header(value) -> str:
    return re.sub(r"\s+", "", normalise_text(value))


def natural_order(name: str) -> int:
    """The sort key of a building: the first number in its name ("12栋" → 12), else 0."""
    match = re.search(r"\d+", name or "")
    return min(int(match.group()), 2_147_483_647) if match else 0


# --- single cells: each returns the clean value, or reports through `fail(column, reason)` --------

AREA_MAX = Decimal("100000000")  # max_digits=10, decimal_places=2
CENT = Decimal("0.01")
_PHONE_RE = re.compile(r"1[0-9]{10}")
_FLOOR_RE = re.compile(r"-?[0-9]+(?:\.0+)?")
_ID_RE = re.compile(r"[0-9A-Z]{5,32}")
_AREA_SUFFIXES = ("平方米", "平米", "m2", "M2")
_FLOAT_TOLERANCE = 1e-9


def cell_bounded(
    value: str, column: str, limit: int, fail, *, required: bool = False, missing: str = "必填"
) -> str | None:
    if not value:
        if required:
            fail(column, missing)
            return None
        return ""
    if len(value) > limit:
        fail(column, f"不能超过 {limit} 个字")
        return None
    return value


def cell_entrance(value: str) -> str:
    if value.endswith("单元") and len(value) > 2:
        return value[:-2].strip()
    return value


def cell_floor(raw, text: str, fail) -> int | None:
    if not text:
        return None
    if isinstance(raw, float) and not raw.is_integer():
        fail(FLOOR, f"“{text}”不是整数楼层")
        return None
    value = text.replace(" ", "")
    for suffix in ("层", "楼"):
        if value.endswith(suffix) and len(value) > 1:
            value = value[: -len(suffix)]
    if not _FLOOR_RE.fullmatch(value):
        fail(FLOOR, f"“{text}”不是整数楼层")
        return None
    number = int(Decimal(value))
    if abs(number) > 999:
        fail(FLOOR, f"楼层 {number} 超出范围")
        return None
    return number


def cell_area(raw, text: str, fail) -> Decimal | None:
    if not text:
        fail(AREA, "必填")
        return None
    if isinstance(raw, float):
        rounded = round(raw, 2)
        if abs(raw - rounded) < _FLOAT_TOLERANCE:  # float noise from Excel: 89.24999999999999
            text = f"{rounded:.2f}"
    value = text.replace(" ", "").replace(",", "")
    for suffix in _AREA_SUFFIXES:
        if value.endswith(suffix) and len(value) > len(suffix):
            value = value[: -len(suffix)]
            break
    try:
        number = Decimal(value)
    except InvalidOperation:
        fail(AREA, f"“{text}”不是有效的数字")
        return None
    if not number.is_finite():
        fail(AREA, f"“{text}”不是有效的数字")
        return None
    if number <= 0:
        fail(AREA, f"面积必须大于 0（当前为 {text}）")
        return None
    if number >= AREA_MAX:
        fail(AREA, f"面积 {text} 过大：不能超过 99999999.99")
        return None
    if number != number.quantize(CENT):
        fail(AREA, f"面积最多保留两位小数（当前为 {text}）")
        return None
    return number.quantize(CENT)


def cell_kind(text: str, fail) -> str | None:
    if not text:
        return KIND_BY_LABEL["住宅"]
    kind = KIND_BY_LABEL.get(text)
    if kind is None:
        fail(KIND, f"“{text}”无效：只能填写 {'/'.join(KIND_LABELS)}（留空为住宅）")
    return kind


def cell_yes_no(text: str, fail) -> bool:
    if not text or text == NO:
        return False
    if text == YES:
        return True
    fail(DEVELOPER, f"“{text}”无效：只能填写 是/否（留空为否）")
    return False


def cell_id_number(text: str, fail) -> str | None:
    if not text:
        return ""
    value = text.replace(" ", "").upper()
    if not _ID_RE.fullmatch(value):
        fail(ID_NUMBER, "证件号码格式不正确：只能包含数字和字母，5 到 32 位")
        return None
    return value


def cell_phone(text: str, column: str, fail, *, missing: str = "必填", prefix: str = "") -> str | None:
    if not text:
        fail(column, f"{prefix}手机号{missing}" if prefix else missing)
        return None
    value = re.sub(r"[\s\-()]", "", text)
    if value.startswith("+86"):
        value = value[3:]
    elif len(value) == 13 and value.startswith("86"):
        value = value[2:]
    if not _PHONE_RE.fullmatch(value):
        fail(column, f"{prefix}手机号“{text}”不正确：须为 11 位数字且以 1 开头")
        return None
    return value


def cell_split(text: str) -> list[str]:
    if not text:
        return []
    return [part.strip() for part in CO_OWNER_SEPARATORS.split(text) if part.strip()]

"""Reading a roster workbook (.xlsx) or CSV into validated rows. Pure: no database access.

Every problem is a `Problem` with the sheet's real row number (1-based, as Excel shows it),
the column name and a Chinese reason.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable

from governance.errors import DomainError, ErrorCode
from portal.masking import mask_phone
from portal.uploads import LEGACY_XLS_REFUSED

from ..models import OwnershipRole
from . import columns as c

PRIMARY = OwnershipRole.PRIMARY.value
CO_OWNER = OwnershipRole.CO_OWNER.value

ProgressCallback = Callable[[int, int], None]

PROGRESS_EVERY = 500



@dataclass(frozen=True)
class Problem:
    """One problem found in a file: `第N行 列名: 原因`."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row is not None else ""
        if self.column:
            where = f"{where} {self.column}".strip()
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "text": str(self)}

    @classmethod
    def from_dict(cls, data: dict) -> "Problem":
        return cls(row=data.get("row"), column=data.get("column", ""), message=data.get("message", ""))


@dataclass
class RosterRow:
    """One valid data row of the file."""

    row: int
    building: str
    entrance: str
    floor: int | None
    room: str
    area: Decimal
    kind: str
    developer_held: bool
    owner: tuple[str, str] | None  # (name, phone)
    id_number: str
    co_owners: list[tuple[str, str]] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.building, self.entrance, self.room)

    @property
    def label(self) -> str:
        return c.unit_label(self.building, self.entrance, self.room)

    def people(self) -> list[tuple[str, str, str]]:
        """(phone, name, role) in position order: the owner first, then the co-owners."""
        if self.developer_held or self.owner is None:
            return []
        out = [(self.owner[1], self.owner[0], PRIMARY)]
        out.extend((phone, name, CO_OWNER) for name, phone in self.co_owners)
        return out


@dataclass
class ParsedRoster:
    rows: list[RosterRow]
    errors: list[Problem]
    warnings: list[Problem]
    header_row: int | None
    data_rows: int  # non-blank rows below the header
    source_name: str = ""


# --- opening ---------------------------------------------------------------------------


def source_name(source) -> str:
    if isinstance(source, (str, os.PathLike)):
        return Path(source).name
    return Path(getattr(source, "name", "") or "").name


OLE2_MAGIC = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"  # Excel 97-2003 (.xls) and other old Office files
ZIP_MAGIC = b"PK\x03\x04"
ACCEPTED_SUFFIXES = {".xlsx", ".csv"}


def _read_bytes(source) -> bytes:
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise DomainError(ErrorCode.NOT_FOUND, f"找不到文件：{path}")
        suffix = path.suffix.lower()
        if suffix == ".xls":
            raise DomainError(ErrorCode.UPLOAD_INVALID, LEGACY_XLS_REFUSED)
        if suffix not in ACCEPTED_SUFFIXES:
            raise DomainError(ErrorCode.UPLOAD_INVALID, f"文件格式不支持：{path.name}，只接受 .xlsx 或 .csv 文件。")
        try:
            return path.read_bytes()
        except OSError as exc:
            raise DomainError(ErrorCode.UPLOAD_INVALID, f"无法读取文件：{path.name}（{exc.strerror}）。") from exc
    if hasattr(source, "seek"):
        source.seek(0)
    return source.read()


def _file_format(name: str, data: bytes) -> str:
    """"xlsx" or "csv": the bytes decide where they can (a zip is a workbook), else the file's name."""
    suffix = Path(name).suffix.lower()
    if data.startswith(OLE2_MAGIC) or suffix == ".xls":
        raise DomainError(ErrorCode.UPLOAD_INVALID, LEGACY_XLS_REFUSED)
    if not data.startswith(ZIP_MAGIC) and suffix == ".csv":
        return "csv"
    return "xlsx"


def _csv_rows(data: bytes) -> list[list[str]]:
    """Rows of a CSV saved by Excel or WPS: UTF-8 (with or without BOM), else GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError(ErrorCode.UPLOAD_INVALID, "无法读取文件：CSV 文件的编码无法识别，请另存为 CSV（UTF-8）后重试。")
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise DomainError(ErrorCode.UPLOAD_INVALID, f"无法读取文件：不是有效的 CSV 文件（{exc}）。") from exc


def _read_xlsx(data: bytes, progress: ProgressCallback | None) -> ParsedRoster:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, InvalidFileException, KeyError, XML errors …
        raise DomainError(ErrorCode.UPLOAD_INVALID, "无法读取文件：不是有效的 .xlsx 文件。") from exc
    try:
        if not workbook.worksheets:
            raise DomainError(ErrorCode.UPLOAD_INVALID, "文件中没有工作表。")
        sheet = workbook.worksheets[0]
        estimate = sheet.max_row or 0
        # Some writers record a wrong dimension (e.g. "A1"); read what is really there.
        sheet.reset_dimensions()
        return _parse_rows(sheet.iter_rows(min_row=1, values_only=True), estimate=estimate, progress=progress)
    except DomainError:
        raise
    except Exception as exc:
        raise DomainError(ErrorCode.UPLOAD_INVALID, "无法读取文件：文件已损坏或不是有效的 .xlsx 文件。") from exc
    finally:
        workbook.close()


def read_roster(source, *, progress: ProgressCallback | None = None) -> ParsedRoster:
    """Read and validate every row of the first sheet of an .xlsx, or of a .csv. File-level failures raise
    DomainError; both formats then go through the same row rules."""
    name = source_name(source)
    data = _read_bytes(source)
    if _file_format(name, data) == "csv":
        rows = _csv_rows(data)
        parsed = _parse_rows(rows, estimate=len(rows), progress=progress)
    else:
        parsed = _read_xlsx(data, progress)
    parsed.source_name = name
    return parsed


# --- rows --------------------------------------------------------------------------------


def _is_blank(values) -> bool:
    for value in values:
        if value is None:
            continue
        if isinstance(value, str) and not value.strip():
            continue
        return False
    return True


def _header_map(values, row_number: int, warnings: list[Problem], errors: list[Problem]) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, raw in enumerate(values):
        name = c.normalise_header(raw)
        if not name:
            continue
        if name in c.COLUMNS:
            if name in index:
                errors.append(Problem(row_number, name, "表头中该列出现了两次"))
            else:
                index[name] = position
        else:
            warnings.append(Problem(row_number, name, "不是模板中的列，已忽略"))
    for name in c.REQUIRED_COLUMNS:
        if name not in index:
            errors.append(Problem(row_number, name, "缺少必填列"))
    return index


HEADER_SEARCH_ROWS = 5


def _known_columns(values) -> int:
    return len({name for name in map(c.normalise_header, values) if name in c.COLUMNS})


def _has_required_columns(values) -> bool:
    names = {c.normalise_header(raw) for raw in values}
    return all(name in names for name in c.REQUIRED_COLUMNS)


def _find_header(rows) -> tuple[int | None, tuple | None, bool]:
    """(row number, values) of the header: the first of the first HEADER_SEARCH_ROWS rows that holds every
    required column (a title or blank rows may come before it). Without one, the row holding the most template
    columns, so its missing columns can be named; (None, None, any content) when no row names any column."""
    best: tuple[int, int, tuple] | None = None  # (known columns, row number, values)
    seen_content = False
    for number, values in enumerate(rows, start=1):
        if not _is_blank(values):
            seen_content = True
            if _has_required_columns(values):
                return number, values, True
            known = _known_columns(values)
            if known and (best is None or known > best[0]):
                best = (known, number, values)
        if number == HEADER_SEARCH_ROWS:
            break
    if best is not None:
        return best[1], best[2], True
    if not seen_content:
        seen_content = any(not _is_blank(values) for values in rows)
    return None, None, seen_content


def _parse_rows(rows: Iterable[tuple], *, estimate: int, progress: ProgressCallback | None) -> ParsedRoster:
    rows = iter(rows)  # the header search and the data loop share one pass over the sheet
    errors: list[Problem] = []
    warnings: list[Problem] = []
    header_row, values, has_content = _find_header(rows)
    if header_row is None:
        if not has_content:
            return ParsedRoster([], [Problem(1, "", "文件中没有内容：找不到表头行")], warnings, None, 0)
        required = "、".join(c.REQUIRED_COLUMNS)
        message = f"前 {HEADER_SEARCH_ROWS} 行中找不到表头行：表头须包含必填列 {required}，这几列都没有找到"
        return ParsedRoster([], [Problem(None, "", message)], warnings, None, 0)
    index = _header_map(values, header_row, warnings, errors)
    if errors:
        return ParsedRoster([], errors, warnings, header_row, 0)

    validator = _RowValidator(index, errors)
    total = max(estimate - header_row, 0)
    data_rows = 0
    below_header = 0  # non-blank rows under the header, samples included
    for number, values in enumerate(rows, start=header_row + 1):
        if progress is not None and (number - header_row) % PROGRESS_EVERY == 0:
            progress(number - header_row, max(total, number - header_row))
        cells = validator.cells(values)
        if all(value is None for value in cells):
            continue
        below_header += 1
        if _is_sample(cells):
            warnings.append(Problem(number, "", "这是模板中的示例行，已跳过"))
            continue
        data_rows += 1
        validator.validate(number, cells)
    if not below_header:
        errors.append(Problem(None, "", f"没有房屋数据：第{header_row}行的表头下面没有任何房屋行"))
    if progress is not None:
        progress(data_rows, data_rows)
    return ParsedRoster(validator.rows, errors, warnings, header_row, data_rows)


_SAMPLE_TEXT = tuple(c.normalise_text(value) for value in c.SAMPLE_ROW)
_SAMPLE_PHONE_AT = c.COLUMNS.index(c.OWNER_PHONE)


def _is_sample(cells: list) -> bool:
    if c.normalise_text(cells[_SAMPLE_PHONE_AT]) != _SAMPLE_TEXT[_SAMPLE_PHONE_AT]:
        return False
    return tuple(c.normalise_text(value) for value in cells) == _SAMPLE_TEXT


class _RowValidator:
    """Field rules for one row plus the checks across rows (duplicate keys, one phone one name)."""

    def __init__(self, index: dict[str, int], errors: list[Problem]):
        self.positions = [(name, index.get(name)) for name in c.COLUMNS]
        self.errors = errors
        self.rows: list[RosterRow] = []
        self.keys: dict[tuple[str, str, str], int] = {}
        self.names: dict[str, tuple[str, int]] = {}  # phone → (name, first row)
        self.id_numbers: dict[str, tuple[str, int]] = {}  # phone → (id number, first row)

    def cells(self, values) -> list:
        """The raw value of each template column, in COLUMNS order; missing columns are None."""
        size = len(values)
        out = []
        for _, position in self.positions:
            raw = values[position] if position is not None and position < size else None
            if raw is not None and isinstance(raw, str) and not raw.strip():
                raw = None
            out.append(raw)
        return out

    def validate(self, number: int, cells: list) -> None:
        raw = dict(zip(c.COLUMNS, cells))
        text = {name: c.normalise_text(value) for name, value in raw.items()}
        problems: list[Problem] = []

        def fail(column: str, message: str) -> None:
            problems.append(Problem(number, column, message))

        building = c.cell_bounded(text[c.BUILDING], c.BUILDING, 30, fail, required=True)
        entrance = c.cell_entrance(text[c.ENTRANCE])
        if len(entrance) > 20:
            fail(c.ENTRANCE, "不能超过 20 个字")
            entrance = None
        room = c.cell_bounded(text[c.ROOM], c.ROOM, 30, fail, required=True)
        floor = c.cell_floor(raw[c.FLOOR], text[c.FLOOR], fail)
        area = c.cell_area(raw[c.AREA], text[c.AREA], fail)
        kind = c.cell_kind(text[c.KIND], fail)
        developer_held = c.cell_yes_no(text[c.DEVELOPER], fail)
        id_number = c.cell_id_number(text[c.ID_NUMBER], fail)

        owner_name, owner_phone = text[c.OWNER_NAME], text[c.OWNER_PHONE]
        co_names = c.cell_split(text[c.CO_NAMES])
        co_phones_raw = c.cell_split(text[c.CO_PHONES])
        owner = None
        co_owners: list[tuple[str, str]] = []
        if developer_held:
            if owner_name or owner_phone or co_names or co_phones_raw or text[c.ID_NUMBER]:
                fail(c.DEVELOPER, "开发商持有的房屋不能登记业主或共有人：请清空业主信息，或将开发商持有改为“否”")
        else:
            name_ok = c.cell_bounded(
                owner_name, c.OWNER_NAME, 50, fail, required=True, missing="必填（开发商持有为“否”时须填写业主姓名）"
            )
            phone = c.cell_phone(owner_phone, c.OWNER_PHONE, fail, missing="必填（开发商持有为“否”时须填写业主手机）")
            if name_ok is not None and phone is not None:
                owner = (name_ok, phone)
                self._check_person(number, c.OWNER_PHONE, name_ok, phone, fail)
                if id_number:
                    self._check_id(number, phone, id_number, fail)
            co_owners = self._co_owners(number, co_names, co_phones_raw, phone, fail)

        if building is not None and entrance is not None and room is not None:
            key = (building, entrance, room)
            first = self.keys.get(key)
            if first is not None:
                fail(c.ROOM, f"楼栋+单元+房号“{c.unit_label(*key)}”与第{first}行重复（第{first}行、第{number}行）")
            else:
                self.keys[key] = number

        if problems:
            self.errors.extend(problems)
            return
        self.rows.append(
            RosterRow(
                row=number, building=building, entrance=entrance, floor=floor, room=room, area=area, kind=kind,
                developer_held=developer_held, owner=owner, id_number=id_number or "", co_owners=co_owners,
            )
        )

    def _co_owners(self, number, names, phones_raw, owner_phone, fail) -> list[tuple[str, str]]:
        if len(names) != len(phones_raw):
            fail(c.CO_PHONES, f"共有人姓名与共有人手机的个数不一致（姓名 {len(names)} 个，手机 {len(phones_raw)} 个）")
            return []
        out: list[tuple[str, str]] = []
        seen = {owner_phone} if owner_phone else set()
        for position, (name, raw_phone) in enumerate(zip(names, phones_raw), start=1):
            label = f"第{position}位共有人"
            if len(name) > 50:
                fail(c.CO_NAMES, f"{label}姓名不能超过 50 个字")
                continue
            phone = c.cell_phone(raw_phone, c.CO_PHONES, fail, prefix=label)
            if phone is None:
                continue
            if phone in seen:
                fail(c.CO_PHONES, f"{label}的手机号 {mask_phone(phone)} 与本行业主或其他共有人重复")
                continue
            seen.add(phone)
            self._check_person(number, c.CO_PHONES, name, phone, fail)
            out.append((name, phone))
        return out

    def _check_person(self, number, column, name, phone, fail) -> None:
        first = self.names.get(phone)
        if first is None:
            self.names[phone] = (name, number)
        elif first[0] != name:
            fail(
                column,
                f"手机号 {mask_phone(phone)} 已在第{first[1]}行登记为“{first[0]}”，此处为“{name}”：同一手机号只能对应一人",
            )

    def _check_id(self, number, phone, id_number, fail) -> None:
        first = self.id_numbers.get(phone)
        if first is None:
            self.id_numbers[phone] = (id_number, number)
        elif first[0] != id_number:
            fail(c.ID_NUMBER, f"同一业主（手机号 {mask_phone(phone)}）在第{first[1]}行填写了不同的证件号码")

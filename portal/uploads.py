"""The one validated upload path: the type is sniffed from the bytes, sizes are limited,
and photos are re-encoded without their EXIF (location included)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import filetype
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from governance.errors import DomainError, ErrorCode

MB = 1024 * 1024

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
DOCUMENT_TYPES = {"application/pdf": "pdf"}
XLSX_TYPES = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"}
CSV_TYPES = {"text/csv": "csv"}
LEGACY_XLS = "application/vnd.ms-excel"
LEGACY_XLS_REFUSED = (
    "不支持旧版 .xls 文件：请在 Excel 或 WPS 中打开后选择“文件 → 另存为 → Excel 工作簿 (*.xlsx)”再上传，"
    "或另存为 CSV（UTF-8）。"
)


@dataclass(frozen=True)
class UploadPolicy:
    label: str
    allowed: dict[str, str]
    max_bytes: int
    refused: dict[str, str] = field(default_factory=dict)  # a known type → why it is refused and what to do


PROOF = UploadPolicy("证明材料", {**IMAGE_TYPES, **DOCUMENT_TYPES}, 10 * MB)
PHOTO = UploadPolicy("照片", IMAGE_TYPES, 10 * MB)
SIGNATURE = UploadPolicy("签名图片", {"image/png": "png", "image/jpeg": "jpg"}, 2 * MB)
ROSTER = UploadPolicy("名册文件", {**XLSX_TYPES, **CSV_TYPES}, 30 * MB, refused={LEGACY_XLS: LEGACY_XLS_REFUSED})


def _sniff(data: bytes, name: str = "") -> str | None:
    """The type the bytes show. Text has no signature: it is a CSV when it is named so and holds no NUL."""
    kind = filetype.guess(data)
    if kind is None:
        if Path(name).suffix.lower() == ".csv" and b"\x00" not in data:
            return "text/csv"
        return None
    mime = kind.mime
    if mime == "application/zip" and b"xl/" in data[:4096 * 16]:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return mime


def _strip_exif(data: bytes, mime: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            img = ImageOps.exif_transpose(img)  # keep the orientation the photo was taken in
            out = io.BytesIO()
            fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[mime]
            if fmt == "JPEG" and img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            params = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
            img.save(out, format=fmt, **params)  # no exif= argument: metadata is dropped
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise DomainError(ErrorCode.UPLOAD_INVALID, "图片已损坏，无法读取。") from exc


def validate_upload(uploaded, policy: UploadPolicy, *, name_stem: str = "upload") -> ContentFile:
    """Read an uploaded file, check its real type and size, and return a clean ContentFile to save."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > policy.max_bytes:
        raise DomainError(
            ErrorCode.UPLOAD_INVALID, f"{policy.label}过大：不能超过 {policy.max_bytes // MB} MB。"
        )
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    data = uploaded.read() if hasattr(uploaded, "read") else bytes(uploaded)
    if len(data) > policy.max_bytes:
        raise DomainError(ErrorCode.UPLOAD_INVALID, f"{policy.label}过大：不能超过 {policy.max_bytes // MB} MB。")
    if not data:
        raise DomainError(ErrorCode.UPLOAD_INVALID, f"{policy.label}为空文件。")
    mime = _sniff(data, getattr(uploaded, "name", "") or "")
    if mime in policy.refused:
        raise DomainError(ErrorCode.UPLOAD_INVALID, policy.refused[mime])
    if mime not in policy.allowed:
        allowed = "、".join(sorted({ext.upper() for ext in policy.allowed.values()}))
        raise DomainError(ErrorCode.UPLOAD_INVALID, f"{policy.label}格式不支持：只接受 {allowed}。")
    if mime in IMAGE_TYPES:
        data = _strip_exif(data, mime)
    return ContentFile(data, name=f"{name_stem}.{policy.allowed[mime]}")


def upload_from_data_url(value: str, *, name: str = "signature.png"):
    """A PNG posted as a data URL (the signature canvas) as a file-like object; None when empty.

    The bytes still go through `validate_upload` in the service that stores them.
    """
    import base64
    import binascii

    if not value:
        return None
    try:
        header, _, data = value.partition(",")
        if not header.startswith("data:image/png;base64"):
            raise ValueError
        raw = base64.b64decode(data, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise DomainError(ErrorCode.INVALID, "签名图片无效，请重新签名。", field="signature") from exc
    buffer = io.BytesIO(raw)
    buffer.name = name
    return buffer

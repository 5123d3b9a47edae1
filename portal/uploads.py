"""The one validated upload path: the type is sniffed from the bytes, sizes are limited,
photos are re-encoded without their EXIF (location included) after their pixel count is checked,
and PDFs with active content (scripts, automatic actions, launched programs, embedded files) are refused."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePath

import filetype
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, JpegImagePlugin, PngImagePlugin, UnidentifiedImageError, WebPImagePlugin
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from governance.errors import DomainError, ErrorCode

MB = 1024 * 1024

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
DOCUMENT_TYPES = {"application/pdf": "pdf"}
IMAGE_FORMATS = {
    "image/jpeg": (JpegImagePlugin.JpegImageFile, "JPEG"),
    "image/png": (PngImagePlugin.PngImageFile, "PNG"),
    "image/webp": (WebPImagePlugin.WebPImageFile, "WEBP"),
}
MAX_IMAGE_PIXELS = 60_000_000
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


def _display_name(uploaded) -> str:
    return PurePath(str(getattr(uploaded, "name", "") or "")).name[:100] or "上传的文件"


def _strip_exif(data: bytes, mime: str, label: str, name: str) -> bytes:
    """Re-encode the photo without metadata. The pixel count is checked from the header, before decoding."""
    image_class, fmt = IMAGE_FORMATS[mime]
    try:
        with image_class(io.BytesIO(data)) as img:
            width, height = img.size
            if width * height > MAX_IMAGE_PIXELS:
                raise DomainError(
                    ErrorCode.UPLOAD_INVALID,
                    f"{label}“{name}”的图片尺寸过大（{width}×{height} 像素，最多 {MAX_IMAGE_PIXELS // 10_000} 万像素），"
                    "请缩小后重新上传。",
                )
            img.load()
            img = ImageOps.exif_transpose(img)  # keep the orientation the photo was taken in
            out = io.BytesIO()
            if fmt == "JPEG" and img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            params = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
            img.save(out, format=fmt, **params)  # no exif= argument: metadata is dropped
            return out.getvalue()
    except (UnidentifiedImageError, SyntaxError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise DomainError(ErrorCode.UPLOAD_INVALID, "图片已损坏，无法读取。") from exc


# Names that make a PDF act by itself when opened or clicked: scripts, automatic actions, launched programs,
# embedded files, Flash/3D media and XFA forms. An /OpenAction that only shows a page is harmless.
ACTIVE_PDF_NAMES = frozenset({
    "/JS", "/JavaScript", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/EF", "/FileAttachment",
    "/RichMedia", "/XFA", "/GoToE",
})
MAX_PDF_OBJECTS = 200_000
_PDF_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]*)")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")


class _BrokenPdf(Exception):
    pass


def _raw_active_names(data: bytes) -> set[str]:
    """Active names in the bytes outside stream bodies, #xx escapes decoded (objects nothing refers to included)."""
    found = set()
    for match in _PDF_NAME.finditer(_PDF_STREAM.sub(b"stream endstream", data)):
        name = "/" + _PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1)).decode("latin-1")
        if name in ACTIVE_PDF_NAMES:
            found.add(name)
    return found


def _pdf_active_names(data: bytes) -> set[str]:
    """Active names anywhere in the parsed document (catalog, names tree, pages, annotations, object streams)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _BrokenPdf
        if len(reader.pages) == 0:
            raise _BrokenPdf
        found: set[str] = set()
        seen: set[tuple[int, int]] = set()
        pending: list = [reader.trailer]
        while pending:
            obj = pending.pop()
            if isinstance(obj, IndirectObject):
                if (obj.idnum, obj.generation) in seen:
                    continue
                seen.add((obj.idnum, obj.generation))
                if len(seen) > MAX_PDF_OBJECTS:
                    raise _BrokenPdf
                pending.append(obj.get_object())
            elif isinstance(obj, DictionaryObject):
                found.update(key for key in obj if key in ACTIVE_PDF_NAMES)
                pending.extend(obj.values())
            elif isinstance(obj, ArrayObject):
                pending.extend(obj)
            elif isinstance(obj, NameObject) and obj in ACTIVE_PDF_NAMES:
                found.add(str(obj))
        return found
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, OSError, RecursionError) as exc:
        raise _BrokenPdf from exc


def _check_pdf(data: bytes, label: str, name: str) -> None:
    try:
        active = _pdf_active_names(data) | _raw_active_names(data)
    except _BrokenPdf as exc:
        raise DomainError(ErrorCode.UPLOAD_INVALID, f"{label}“{name}”已损坏或无法读取，请重新导出 PDF 后上传。") from exc
    if active:
        raise DomainError(
            ErrorCode.UPLOAD_INVALID,
            f"{label}“{name}”含有脚本、自动动作或嵌入文件等活动内容，不能上传；请打印为普通 PDF 或拍照后重新上传。",
        )


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
        data = _strip_exif(data, mime, policy.label, _display_name(uploaded))
    elif mime == "application/pdf":
        _check_pdf(data, policy.label, _display_name(uploaded))
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

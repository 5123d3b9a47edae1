"""Documents for the knowledge area: attaching files, and extracting their text for search.

`index_document_text(document)` is the one write path of `DocumentText`; it is called by the
importer and by `manage.py index_documents`, never from a signal (uploads stay fast; a slow or
broken PDF never fails a save).
"""

from __future__ import annotations

import hashlib
import logging
import re
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from django.core.files import File
from django.db import transaction
from wagtail.documents import get_document_model

from .models import DocumentText

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 200_000
TEXT_EXTENSIONS = {"txt", "md", "csv"}


class ExtractionError(Exception):
    """The file could not be read; `reason` is for people (Chinese)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            # Whatever goes wrong here means "needs a password".
            try:
                reader.decrypt("")
            except Exception:  # noqa: BLE001
                raise ExtractionError("PDF 已加密，无法提取文字") from None
        parts = []
        size = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size > MAX_TEXT_CHARS:
                break
        return "\n".join(parts)
    except ExtractionError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ExtractionError(f"PDF 无法解析：{exc.__class__.__name__}") from None


def _docx_text(data: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            xml = archive.read("word/document.xml").decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError):
        raise ExtractionError("docx 文件已损坏") from None
    xml = re.sub(r"</w:p>", "\n", xml)
    return re.sub(r"<[^>]+>", "", xml)


def extract_text(filename: str, data: bytes) -> str:
    """Plain text of a file by its extension: PDF (pypdf), .docx, plain text; '' for others."""
    extension = Path(filename).suffix.lower().lstrip(".")
    if extension == "pdf":
        text = _pdf_text(data)
    elif extension == "docx":
        text = _docx_text(data)
    elif extension in TEXT_EXTENSIONS:
        text = _decode(data)
    else:
        return ""
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r"\n\s*\n+", "\n", text)
    return text.strip()[:MAX_TEXT_CHARS]


@transaction.atomic
def index_document_text(document) -> DocumentText | None:
    """Extract the document's text into its DocumentText row (created or updated, then indexed).

    Returns None for file types without text (images, spreadsheets). Raises ExtractionError
    when the file is unreadable."""
    try:
        with document.open_file() as handle:
            data = handle.read()
    except OSError as exc:
        raise ExtractionError(f"文件无法打开：{exc.strerror or exc}") from None
    text = extract_text(document.file.name, data)
    if not text:
        DocumentText.objects.filter(document=document).delete()
        return None
    row, _ = DocumentText.objects.update_or_create(document=document, defaults={"text": text})
    return row


@dataclass
class DocumentIndexReport:
    indexed: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (document title, reason)


def index_all_documents(*, only_missing: bool = False) -> DocumentIndexReport:
    """Run `index_document_text` over every document; failures are collected, not raised."""
    report = DocumentIndexReport()
    documents = get_document_model().objects.order_by("pk")
    if only_missing:
        documents = documents.filter(extracted_text__isnull=True)
    for document in documents.iterator():
        try:
            row = index_document_text(document)
        except ExtractionError as exc:
            report.failed.append((document.title, exc.reason))
            continue
        if row is None:
            report.skipped += 1
        else:
            report.indexed += 1
    return report


@transaction.atomic
def document_attach(*, path: Path, title: str, user=None):
    """The document with this title (its file replaced when the content changed), or a new one.

    Returns the document; its text is extracted and indexed."""
    Document = get_document_model()
    data = path.read_bytes()
    digest = hashlib.sha1(data).hexdigest()
    document = Document.objects.filter(title=title).order_by("pk").first()
    if document is None:
        document = Document(title=title, uploaded_by_user=user)
        document.file.save(path.name, File(BytesIO(data), name=path.name), save=False)
        document.file_size = len(data)
        document.file_hash = digest
        document.save()
    elif document.file_hash != digest:
        document.file.save(path.name, File(BytesIO(data), name=path.name), save=False)
        document.file_size = len(data)
        document.file_hash = digest
        document.save()
    try:
        index_document_text(document)
    except ExtractionError as exc:
        logger.warning("文档《%s》文字提取失败：%s", title, exc.reason)
    return document

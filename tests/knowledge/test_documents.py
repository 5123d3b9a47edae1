"""Document text extraction (PDF via pypdf, docx, plain text) and `manage.py index_documents`."""

import io
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from knowledge.documents import ExtractionError, extract_text, index_document_text
from knowledge.models import DocumentText
from tests.knowledge.helpers import cjk_pdf_bytes, make_document

pytestmark = pytest.mark.django_db


def docx_bytes(*paragraphs: str) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", f'<w:document xmlns:w="x"><w:body>{body}</w:body></w:document>')
    return buffer.getvalue()


def test_text_comes_out_of_pdf_docx_and_plain_text():
    assert "公示期不少于七日" in extract_text("a.pdf", cjk_pdf_bytes("维修方案", "公示期不少于七日"))
    assert extract_text("a.docx", docx_bytes("表决票", "同意 反对 弃权")) == "表决票\n同意 反对 弃权"
    assert extract_text("a.txt", "会议纪要".encode("gb18030")) == "会议纪要"
    assert extract_text("a.png", b"\x89PNG") == ""


def test_a_broken_pdf_raises_a_readable_error():
    with pytest.raises(ExtractionError) as info:
        extract_text("a.pdf", b"%PDF-1.4 this is not really a pdf")
    assert info.value.reason.startswith("PDF 无法解析")


def test_indexing_a_document_stores_its_text_and_makes_it_searchable():
    document = make_document("电梯改造方案", "lift.pdf", cjk_pdf_bytes("电梯更新改造方案", "公示期不少于七日"))
    row = index_document_text(document)
    assert row.document == document and "电梯更新改造方案" in row.text
    assert list(DocumentText.objects.search("电梯改造")) == [row]
    assert list(DocumentText.objects.search("公示期")) == [row]

    again = index_document_text(document)  # idempotent: one row per document
    assert again.pk == row.pk and DocumentText.objects.count() == 1


def test_the_command_indexes_every_document_and_reports_failures():
    make_document("表决票", "ballot.docx", docx_bytes("业主大会表决票"))
    make_document("照片", "photo.png", b"\x89PNG\r\n")
    make_document("坏文件", "broken.pdf", b"%PDF-1.4 broken")
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError) as info:
        call_command("index_documents", stdout=out, stderr=err)

    assert info.value.returncode == 1
    assert "文档文字提取完成：已索引 1 个，无文字可提取 1 个，失败 1 个。" in out.getvalue()
    assert "未能提取《坏文件》：PDF 无法解析" in err.getvalue()
    assert list(DocumentText.objects.values_list("document__title", flat=True)) == ["表决票"]


def test_the_command_can_skip_documents_already_indexed():
    document = make_document("表决票", "ballot.txt", "业主大会表决票".encode())
    index_document_text(document)
    out = StringIO()
    call_command("index_documents", "--missing", stdout=out)
    assert "已索引 0 个" in out.getvalue()

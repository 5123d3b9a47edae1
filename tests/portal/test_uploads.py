"""The shared upload validation refuses hostile files by name: decompression bombs and PDFs with active content."""

import pytest

from governance.errors import DomainError, ErrorCode
from portal.uploads import PROOF, _pdf_active_names, _raw_active_names, validate_upload
from tests.hostile_files import (
    ACTIVE_KINDS,
    active_pdf,
    bomb_png_upload,
    clean_pdf,
    orphan_obfuscated_js_pdf,
    pdf_upload,
)


def _refusal(upload) -> DomainError:
    with pytest.raises(DomainError) as caught:
        validate_upload(upload, PROOF, name_stem="t")
    return caught.value


@pytest.mark.parametrize("size", [(20000, 20000), (10000, 10000)])
def test_a_png_claiming_a_huge_picture_is_refused_by_name_before_it_is_decoded(size):
    """Given a 99-byte PNG whose header claims 20000x20000 (or 10000x10000) pixels,
    when it is validated, then it is refused as too large, naming the file, without a Pillow bomb error."""
    error = _refusal(bomb_png_upload("巨幅.png", width=size[0], height=size[1]))

    assert error.code == ErrorCode.UPLOAD_INVALID
    assert error.message == (
        f"证明材料“巨幅.png”的图片尺寸过大（{size[0]}×{size[1]} 像素，最多 6000 万像素），请缩小后重新上传。"
    )


@pytest.mark.parametrize("kind", ACTIVE_KINDS)
def test_a_pdf_with_active_content_is_refused_by_name(kind):
    error = _refusal(pdf_upload(active_pdf(kind), name="房产证.pdf"))

    assert error.code == ErrorCode.UPLOAD_INVALID
    assert error.message == (
        "证明材料“房产证.pdf”含有脚本、自动动作或嵌入文件等活动内容，不能上传；请打印为普通 PDF 或拍照后重新上传。"
    )


@pytest.mark.parametrize("kind", ACTIVE_KINDS)
def test_the_document_structure_alone_finds_the_active_content(kind):
    assert _pdf_active_names(active_pdf(kind))


def test_obfuscated_names_in_an_unreferenced_object_are_found_in_the_raw_bytes():
    data = orphan_obfuscated_js_pdf()

    assert _raw_active_names(data) == {"/JavaScript", "/JS"}
    assert _refusal(pdf_upload(data, name="x.pdf")).message.startswith("证明材料“x.pdf”含有脚本")


def test_a_broken_pdf_is_refused_by_name():
    data = clean_pdf()
    broken = data[:40] + b"\x00garbage" * 20

    error = _refusal(pdf_upload(broken, name="坏.pdf"))

    assert error.code == ErrorCode.UPLOAD_INVALID
    assert error.message == "证明材料“坏.pdf”已损坏或无法读取，请重新导出 PDF 后上传。"


def test_a_clean_pdf_is_accepted_unchanged():
    data = clean_pdf()

    assert _pdf_active_names(data) == set() and _raw_active_names(data) == set()
    assert validate_upload(pdf_upload(data), PROOF, name_stem="t").read() == data

"""Hostile uploads built in memory: a PNG header claiming a huge picture, PDFs with active content."""

from __future__ import annotations

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def bomb_png(width: int = 20000, height: int = 20000) -> bytes:
    """A few hundred bytes whose IHDR claims `width` x `height` black-and-white pixels (rows truncated)."""
    row = b"\x00" * (1 + (width + 7) // 8)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(row * 8, 9))
        + _chunk(b"IEND", b"")
    )


def bomb_png_upload(name: str = "巨幅.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, bomb_png(**kwargs), content_type="image/png")


def clean_pdf(text: str = "clean document") -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 760, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _writer():
    from pypdf import PdfReader, PdfWriter

    return PdfWriter(clone_from=PdfReader(io.BytesIO(clean_pdf())))


def _bytes(writer) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _js_action():
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    return DictionaryObject({
        NameObject("/Type"): NameObject("/Action"),
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject("app.alert('pwned')"),
    })


def active_pdf(kind: str) -> bytes:
    """A real one-page PDF (reportlab) given active content of `kind` with pypdf's writer."""
    from pypdf.annotations import Link
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = _writer()
    root = writer._root_object
    page = writer.pages[0]
    if kind == "open_action_js":
        root[NameObject("/OpenAction")] = writer._add_object(_js_action())
    elif kind == "names_javascript":
        tree = DictionaryObject({
            NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(_js_action())]),
        })
        root[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    elif kind == "catalog_aa":
        root[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): _js_action()})
    elif kind == "page_aa":
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _js_action()})
    elif kind == "launch_link":
        link = Link(rect=(50, 50, 200, 80), url="https://example.com")
        link[NameObject("/A")] = DictionaryObject({
            NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe"),
        })
        writer.add_annotation(page_number=0, annotation=link)
    elif kind == "embedded_file":
        writer.add_attachment("payload.exe", b"MZ payload")
    elif kind == "rich_media":
        annotation = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/RichMedia"),
            NameObject("/Rect"): ArrayObject([]),
        })
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    elif kind == "xfa":
        root[NameObject("/AcroForm")] = DictionaryObject({
            NameObject("/Fields"): ArrayObject([]), NameObject("/XFA"): TextStringObject("<xdp:xdp/>"),
        })
    else:
        raise ValueError(kind)
    return _bytes(writer)


ACTIVE_KINDS = [
    "open_action_js", "names_javascript", "catalog_aa", "page_aa", "launch_link", "embedded_file", "rich_media",
    "xfa",
]


def orphan_obfuscated_js_pdf() -> bytes:
    """A JavaScript action in an object nothing refers to, its names written with #xx escapes."""
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = _writer()
    writer._add_object(DictionaryObject({
        NameObject("/S"): NameObject("/QQQQQQQQQQQQ"), NameObject("/QQQ"): TextStringObject("app.alert(1)"),
    }))
    data = _bytes(writer)
    assert data.count(b"/QQQQQQQQQQQQ") == 1 and data.count(b"/QQQ ") == 1
    return data.replace(b"/QQQQQQQQQQQQ", b"/J#61vaScript").replace(b"/QQQ ", b"/J#53 ")


def pdf_upload(data: bytes, name: str = "证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")

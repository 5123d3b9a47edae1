"""Building knowledge content for tests: published articles through the real service."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from knowledge.services import ArticleData, article_publish

FUND_TITLE = "小区维修基金使用办法"
FUND_BODY = "<p>使用维修资金前，方案要在公告栏公示，公示期不少于七日；公示期满后组织业主表决。</p>"


def publish_article(title: str, body_html: str = "<p>正文</p>", *, section: str = "knowledge", tier: str = "basic",
                    kind: str = "guide", tags=(), summary: str = "", blocks=None):
    """A published ArticlePage under 知识社区 or 普法阵地 (index pages created when missing)."""
    body = list(blocks) if blocks is not None else [{"type": "paragraph", "value": body_html}]
    page, _ = article_publish(
        data=ArticleData(title=title, section=section, tier=tier, kind=kind, body=body, summary=summary, tags=list(tags))
    )
    return page


def fund_article():
    return publish_article(FUND_TITLE, FUND_BODY, tags=["维修资金"])


def cjk_pdf_bytes(*lines: str) -> bytes:
    """A small PDF with Chinese text in an embedded TrueType font (WenQuanYi Micro Hei)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", subfontIndex=0))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setFont("WQY", 12)
    y = 800
    for line in lines:
        pdf.drawString(50, y, line)
        y -= 20
    pdf.save()
    return buffer.getvalue()


def make_document(title: str, filename: str, data: bytes):
    Document = get_document_model()
    document = Document(title=title)
    document.file.save(filename, ContentFile(data), save=False)
    document.save()
    return document

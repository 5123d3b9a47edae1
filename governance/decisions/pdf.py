"""The result notice (表决结果公告) as a PDF with an embedded CJK TrueType font."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .models import Motion
from governance.voting.tally import Result, percent, rule_wording

FONT_NAME = "CJK"


class FontMissing(RuntimeError):
    pass


def register_cjk_font() -> str:
    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    path = Path(getattr(settings, "CJK_FONT_PATH", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"))
    if not path.exists():
        raise FontMissing(f"找不到中文字体 {path}（apt-get install fonts-wqy-microhei，或设置 CJK_FONT_PATH）")
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    return FONT_NAME


def notice_date(motion: Motion):
    """When the notice was issued: its announcement (公告), else its interim publication (公示), else the close."""
    return motion.announced_at or motion.interim_at or motion.closed_at or motion.closes_at


def result_notice_pdf(motion: Motion, result: Result) -> bytes:
    font = register_cjk_font()
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1, wordWrap="CJK")
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK")
    verdict = ParagraphStyle("verdict", parent=body, fontSize=14, leading=22, textColor=colors.HexColor("#0b6bcb"))
    heading = "表决结果公示" if motion.interim_at and not motion.announced_at else "表决结果公告"
    total = result.total

    def row(name, amount):
        return [name, f"{amount.area:.2f}", percent(amount.cents, total.cents) + "%", str(amount.heads),
                percent(amount.heads, total.heads) + "%"]

    table = Table(
        [["", "专有面积（㎡）", "占总面积", "人数", "占总人数"], row("总计（表决名册）", total),
         row("参与表决", result.participating), row("同意", result.agree), row("反对", result.oppose),
         row("弃权", result.abstain), row("废票（不计入参与）", result.void)],
        colWidths=[42 * mm, 34 * mm, 28 * mm, 24 * mm, 28 * mm],
    )
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 10),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#ddebf7")),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
    ]))
    story = [
        Paragraph(f"{motion.community.name}<br/>{heading}", title), Spacer(1, 6 * mm),
        Paragraph(f"事项：{motion.title}", body),
        Paragraph(f"类型：{motion.get_matter_type_display()}", body),
        Paragraph(f"表决时间：{timezone.localtime(motion.opens_at):%Y年%m月%d日 %H:%M} 至 "
                  f"{timezone.localtime(motion.closes_at):%Y年%m月%d日 %H:%M}", body),
        Paragraph(f"表决规则：{rule_wording(motion.rule)}", body),
        Spacer(1, 4 * mm), table, Spacer(1, 6 * mm),
        Paragraph(f"参与表决要求：{'已达到' if result.participation_met else '未达到'}", body),
        Paragraph(f"表决结果：{result.verdict_label}", verdict),
    ]
    if motion.objection_days and heading == "表决结果公示":
        story.append(Paragraph(f"公示期 {motion.objection_days} 天，业主如有异议请在公示期内向业主委员会书面提出。", body))
    story += [Spacer(1, 10 * mm),
              Paragraph(f"{motion.community.name}业主委员会　{timezone.localtime(notice_date(motion)):%Y年%m月%d日}",
                        body)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"{heading}：{motion.title}", leftMargin=18 * mm,
                      rightMargin=18 * mm, invariant=True).build(story)
    return buffer.getvalue()

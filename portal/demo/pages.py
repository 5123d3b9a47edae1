"""The demo community's home: a notice, the three bylaws as PDFs, disclosures, the bulletin board and the archive."""

from __future__ import annotations

import io
from datetime import date

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from wagtail.rich_text import RichText

from governance.audit.services import audit_record
from governance.decisions.models import Motion
from governance.decisions.pdf import register_cjk_font
from governance.office.models import NoticeAudience, NoticePage
from governance.registry.models import Community
from home import services as home_services
from home.models import (
    BYLAW_FULL_TITLES,
    ArchiveCategory,
    ArchiveDocument,
    BulletinItem,
    BulletinType,
    Bylaw,
    BylawKind,
    DisclosurePage,
)
from home.services import ensure_community_page
from portal.accounts.models import User

from .votes import ANNOUNCED_VOTE_TITLE

BYLAW_ARTICLES = {
    BylawKind.MANAGEMENT_STATUTE: [
        "第一条　为加强本小区物业管理，维护全体业主和物业使用人的合法权益，根据《中华人民共和国民法典》《物业管理条例》，制定本规约。",
        "第二条　业主应当按照规划用途使用物业，不得擅自改变房屋结构、外观和共有部分的用途。",
        "第三条　业主、物业使用人应当爱护共有部分和共用设施设备，不得在楼道、消防通道堆放物品，不得在楼道内为电动自行车充电。",
        "第四条　业主应当按时交纳物业服务费用和专项维修资金。",
        "第五条　本规约经业主大会表决通过之日起生效，对全体业主和物业使用人具有约束力。",
    ],
    BylawKind.RULES_OF_PROCEDURE: [
        "第一条　业主大会由本小区全体业主组成，依法行使共同管理权利。",
        "第二条　业主大会会议分为定期会议和临时会议，可以采用集体讨论或者书面征求意见（含电子投票）的形式。",
        "第三条　业主共同决定事项，应当由专有部分面积占比三分之二以上的业主且人数占比三分之二以上的业主参与表决。",
        "第四条　表决结果应当在小区显著位置公告，公告期不少于七日。",
        "第五条　经居委会审核的议事事项方可提交业主表决。",
    ],
    BylawKind.WORKING_RULES: [
        "第一条　业主委员会是业主大会的执行机构，对业主大会负责，接受业主、街道办事处和居民委员会的监督。",
        "第二条　业主委员会会议每季度至少召开一次，经半数以上委员同意方可作出决定。",
        "第三条　业主委员会应当建立工作档案，会议纪要、合同和财务资料应当妥善保存并依法公开。",
        "第四条　业主委员会委员不得收受物业服务企业或者有利害关系业主提供的任何利益。",
        "第五条　业主委员会任期五年，任期届满前三个月应当启动换届工作。",
    ],
}
BYLAWS_ADOPTED_ON = date(2024, 3, 16)

ARCHIVE = [
    # title, category, year, public, paragraphs
    ("2025年第四季度业委会会议纪要", ArchiveCategory.MINUTES, 2025, False, [
        "会议时间：2025年12月12日 19:00　地点：小区会所二楼",
        "出席：业委会委员五人，居委会李主任列席。",
        "议题一：门禁系统更换方案，决定提交业主大会表决。",
        "议题二：3栋电梯更换的维修资金使用方案，决定组织3栋业主表决。",
    ]),
    ("物业服务合同（2024—2027）", ArchiveCategory.CONTRACT, 2024, False, [
        "甲方：幸福家园小区业主委员会　乙方：安居物业服务有限公司",
        "服务期限：2024年4月1日至2027年3月31日。",
        "物业服务费：住宅每月每平方米1.60元，商业每月每平方米3.20元。",
    ]),
    ("2025年度公共收益收支情况", ArchiveCategory.FINANCE, 2025, True, [
        "收入：广告位租金 8.4 万元，临时停车费 12.6 万元，场地使用费 1.2 万元，合计 22.2 万元。",
        "支出：公共设施维修 6.3 万元，业委会办公经费 1.1 万元，合计 7.4 万元。",
        "年末结余 14.8 万元，存于业主大会专用账户。",
    ]),
]

BULLETIN_COLUMNS = ["社区活动", "文明宣传"]
BULLETIN = [
    # column, title, body, date
    ("社区活动", "重阳节敬老茶话会", "<p>10月29日下午两点在会所举行，欢迎小区七十岁以上的老人参加，现场有义诊和理发服务。</p>",
     date(2026, 10, 20)),
    ("社区活动", "周末跳蚤市场", "<p>每月第一个周六上午在中心花园举办，闲置物品交换，摊位免费，请提前在物业前台登记。</p>",
     date(2026, 11, 2)),
    ("文明宣传", "电动自行车请勿进楼道充电", "<p>楼道充电极易引发火灾。请到小区东门充电桩充电，物业将每周巡查楼道。</p>",
     date(2026, 11, 10)),
    ("文明宣传", "垃圾分类，从我做起", "<p>厨余垃圾每天 7:00–9:00、18:00–20:00 定时投放，其他时间请投放至误时投放点。</p>",
     date(2026, 11, 15)),
]


def pdf_document(title: str, community: Community, paragraphs: list[str], *, filename: str) -> io.BytesIO:
    """A plain A4 PDF with the community's name, a title and its paragraphs, in the CJK font of the result notice."""
    font = register_cjk_font()
    heading = ParagraphStyle("heading", fontName=font, fontSize=18, leading=26, alignment=1, wordWrap="CJK")
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=20, wordWrap="CJK")
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, author=community.name,
                            leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm)
    story = [Paragraph(community.name, body), Paragraph(title, heading), Spacer(1, 6 * mm)]
    story += [Paragraph(text, body) for text in paragraphs]
    doc.build(story)
    buffer.seek(0)
    buffer.name = filename
    return buffer


def seed_notice(community: Community) -> None:
    """A published notice to all residents (its fan-out runs when the seed commits)."""
    page = ensure_community_page(community)
    if NoticePage.objects.child_of(page).exists():
        return
    notice = NoticePage(
        title="关于12月3日小区停水的通知", slug="water-2026-12", live=False, audience=NoticeAudience.ALL_RESIDENTS,
        channels=["insite", "sms"], summary="12月3日 9:00–17:00 停水，请提前储水",
        body="<p>因市政管网检修，12月3日 9:00–17:00 全小区停水。</p><p>请各位业主、住户提前储水，关好水龙头。</p>",
    )
    page.add_child(instance=notice)
    notice.save_revision().publish()


def seed_bylaws(community: Community, *, actor: User) -> None:
    """The three bylaws (三项规约), each uploaded as a PDF titled with its full name."""
    present = set(Bylaw.objects.filter(community=community).exclude(file="").values_list("kind", flat=True))
    for kind in BylawKind.values:
        if kind in present:
            continue
        title = str(BYLAW_FULL_TITLES[kind])
        upload = pdf_document(title, community, BYLAW_ARTICLES[kind], filename=f"{title}.pdf")
        home_services.bylaw_save(community=community, kind=kind, actor=actor, upload=upload,
                                 adopted_on=BYLAWS_ADOPTED_ON)


def seed_archive(community: Community, *, actor: User) -> None:
    filed = set(ArchiveDocument.objects.filter(community=community).values_list("title", flat=True))
    for title, category, year, public, paragraphs in ARCHIVE:
        if title in filed:
            continue
        home_services.archive_upload(community=community, actor=actor, title=title, category=category, year=year,
                                     upload=pdf_document(title, community, paragraphs, filename=f"{title}.pdf"),
                                     is_public=public)


def seed_bulletin(community: Community, *, actor: User) -> None:
    """The bulletin board's columns and posters (kept in the admin's 宣传栏, which has no service of its own)."""
    posted = set(BulletinItem.objects.filter(community=community).values_list("title", flat=True))
    for order, (column, title, body, day) in enumerate(BULLETIN):
        if title in posted:
            continue
        bulletin_type, created = BulletinType.objects.get_or_create(
            community=community, name=column, defaults={"sort_order": BULLETIN_COLUMNS.index(column)})
        if created:
            audit_record(community=community, actor=actor, action="home.bulletin_type.create", obj=bulletin_type,
                         summary={"fields": {"name": column}})
        item = BulletinItem.objects.create(community=community, type=bulletin_type, title=title, body=body, date=day,
                                           sort_order=order)
        audit_record(community=community, actor=actor, action="home.bulletin_item.create", obj=item,
                     summary={"fields": {"type": column, "title": title, "date": day.isoformat()}})


def seed_disclosures(community: Community, *, actor: User) -> None:
    """公示: the roster's statistics and the announced lift vote's result, both read live when shown."""
    page = ensure_community_page(community)
    existing = set(DisclosurePage.objects.child_of(page).values_list("slug", flat=True))
    lift = Motion.objects.filter(community=community, title=ANNOUNCED_VOTE_TITLE).first()
    pages = [
        DisclosurePage(title="业主名册统计公示", slug="roster-statistics", body=[
            ("roster_statistics", {"heading": "业主名册统计", "show_buildings": True}),
            ("text", RichText(f"<p>以上数据截至 {timezone.localdate():%Y年%m月%d日}，由业委会根据业主名册实时统计。</p>")),
        ]),
    ]
    if lift is not None:
        pages.append(DisclosurePage(title="3栋电梯更换维修资金使用表决结果公示", slug="lift-vote-result", body=[
            ("vote_result", {"motion": lift, "note": "表决范围为3栋全体业主，线上投票与纸质票合并计票。"}),
            ("text", RichText("<p>业主如对表决结果有异议，请于公示期内向业委会书面提出。</p>")),
        ]))
    for disclosure in pages:
        if disclosure.slug in existing:
            continue
        page.add_child(instance=disclosure)
        disclosure.save_revision(user=actor).publish(user=actor)

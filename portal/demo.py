"""The demo data set: a realistic community `demo` and a small second one, `riverside`.

Everything goes through the services (community creation, roster import, role grants,
offline verification), so the demo exercises the same paths as real use.
"""

from __future__ import annotations

import io
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from openpyxl import Workbook

from governance.registry import services as registry_services
from governance.registry.models import Community, Person, Unit
from governance.registry.roster.columns import COLUMNS
from governance.registry.roster.imports import roster_import
from home.services import ensure_community_page, ensure_site_root
from portal.accounts.models import PropertyTeam, Role, User
from governance.registry.memberships import membership_grant

DEMO_PASSWORD = "demo1234"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文海波"
AREAS = [Decimal("89.25"), Decimal("96.40"), Decimal("118.73"), Decimal("132.05"), Decimal("143.10")]

DEMO_SIGN_INS = [
    ("13900000001", "业主（已认证，多套房）"),
    ("13900000501", "租户"),
    ("13900000201", "业委会主任"),
    ("13900000101", "物业项目经理"),
    ("13900000301", "居委会工作人员"),
    ("13900000401", "街道工作人员"),
    ("13900000211", "河畔花园业委会主任（问答）"),
    ("13900000601", "内容编辑（审核投稿、管理问答）"),
    ("13900000701", "专家顾问（律师，可预约）"),
    ("admin", "超级管理员（用户名登录 /admin/）"),
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _demo_rows(rng: random.Random) -> list[list]:
    """6 residential buildings × 2 entrances × 18 floors × 2 rooms (432 units) + 12 shops."""
    rows: list[list] = []
    phone_seq = iter(range(1, 100_000))
    multi_owner: tuple[str, str] | None = None
    for b in range(1, 7):
        for entrance in ("1", "2"):
            for floor in range(1, 19):
                for r in (1, 2):
                    room = f"{floor}{r:02d}"
                    area = AREAS[(b + floor + r) % len(AREAS)]
                    key = (b, entrance, floor, r)
                    developer = b == 6 and floor >= 16  # the top floors of building 6 are unsold
                    if key == (1, "1", 1, 1) or key == (2, "1", 3, 2):
                        owner, phone = "王建国", "13900000001"  # the demo owner holds two flats
                    elif developer:
                        owner, phone = "", ""
                    elif key == (3, "2", 5, 1) or key == (3, "2", 5, 2) or key == (4, "1", 9, 1):
                        if multi_owner is None:
                            multi_owner = (_name(rng), f"1370000{next(phone_seq):04d}")
                        owner, phone = multi_owner  # a buyer of three units: one voting right
                    elif key == (1, "1", 10, 1):
                        owner, phone = "陈志文", "13900000201"  # the committee chair owns a flat
                    else:
                        owner, phone = _name(rng), f"1370000{next(phone_seq):04d}"
                    co_names = co_phones = ""
                    if not developer and (floor + r + b) % 9 == 0:
                        co_names, co_phones = _name(rng), f"1370000{next(phone_seq):04d}"
                    rows.append([f"{b}栋", entrance, floor, room, str(area), "住宅", owner, phone, "",
                                 co_names, co_phones, "是" if developer else "否"])
    for shop in range(1, 13):
        rows.append(["商业楼", "", 1, f"S{shop:02d}", "56.80", "商业", _name(rng), f"1370009{shop:04d}", "",
                     "", "", "否"])
    return rows


def _riverside_rows(rng: random.Random) -> list[list]:
    rows = []
    for floor in range(1, 7):
        for r in (1, 2):
            rows.append(["1幢", "", floor, f"{floor}0{r}", "76.50", "住宅", _name(rng),
                         f"1360000{floor * 10 + r:04d}", "", "", "", "否"])
    return rows


def _xlsx(rows: list[list]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def _user(phone_or_username: str, password_hash: str, *, display_name: str = "", superuser: bool = False) -> User:
    is_phone = phone_or_username.isdigit()
    user, _ = User.objects.get_or_create(
        username=phone_or_username,
        defaults={
            "phone": phone_or_username if is_phone else None,
            "phone_verified": is_phone,
            "password": password_hash,
            "display_name": display_name,
            "is_superuser": superuser,
            "is_staff": superuser,
        },
    )
    return user


def _community(code: str, name: str, street: str, committee: str, rows: list[list]) -> Community:
    community = Community.objects.filter(code=code).first()
    if community is None:
        community = registry_services.community_create(
            code=code, name=name, street_name=street, committee_name=committee, actor=None,
            address=f"{street}{name}",
        )
        report = roster_import(community=community, source=_xlsx(rows), actor=None, dry_run=False)
        if report.errors:
            raise RuntimeError("demo roster has errors: " + "; ".join(str(e) for e in report.errors[:5]))
    ensure_community_page(community)
    return community


@transaction.atomic
def seed_demo(*, verified_share: float = 0.6, seed: int = 20261122) -> dict:
    """Build the demo data once; running again changes nothing."""
    rng = random.Random(seed)
    ensure_site_root()
    password_hash = make_password(DEMO_PASSWORD)
    _user("admin", password_hash, display_name="平台管理员", superuser=True)

    demo = _community("demo", "幸福家园小区", "和平街道", "幸福社区居委会", _demo_rows(rng))
    riverside = _community("riverside", "河畔花园", "和平街道", "河畔社区居委会", _riverside_rows(rng))

    owner = _user("13900000001", password_hash, display_name="王建国")
    chair = _user("13900000201", password_hash, display_name="陈志文")
    secretary = _user("13900000202", password_hash, display_name="执行秘书小刘")
    manager = _user("13900000101", password_hash, display_name="物业项目经理老赵")
    repairer = _user("13900000102", password_hash, display_name="维修师傅小孙")
    rc_staff = _user("13900000301", password_hash, display_name="居委会李主任")
    street_staff = _user("13900000401", password_hash, display_name="街道办周科长")
    tenant = _user("13900000501", password_hash, display_name="租户小吴")
    editor = _user("13900000601", password_hash, display_name="内容编辑小林")

    membership_grant(user=chair, role=Role.COMMITTEE_MEMBER, community=demo, title="主任")
    membership_grant(user=secretary, role=Role.COMMITTEE_SECRETARY, community=demo, title="执行秘书")
    membership_grant(user=manager, role=Role.PROPERTY_STAFF, community=demo, team=PropertyTeam.MANAGER,
                     title="项目经理")
    membership_grant(user=repairer, role=Role.PROPERTY_STAFF, community=demo, team=PropertyTeam.REPAIR,
                     title="维修工")
    membership_grant(user=rc_staff, role=Role.RC_STAFF, residents_committee=demo.residents_committee, title="主任")
    membership_grant(user=street_staff, role=Role.STREET_STAFF, street=demo.residents_committee.street,
                     title="科长")
    membership_grant(user=editor, role=Role.EDITOR)

    # Owners who verified in person at the committee office: the demo owner, the chair, and a share of others.
    for phone, user in (("13900000001", owner), ("13900000201", chair)):
        person = Person.objects.get(community=demo, phone=phone)
        if person.user_id is None:
            registry_services.person_link_account(person=person, user=user, actor=None)
    others = list(
        Person.objects.filter(community=demo, user__isnull=True, ownerships__ends_on__isnull=True)
        .exclude(phone__startswith="139").distinct().order_by("pk")
    )
    target = int(len(others) * verified_share)
    already = Person.objects.filter(community=demo, user__isnull=False).exclude(phone__startswith="139").count()
    for person in rng.sample(others, max(0, target - already)) if target > already else []:
        user = _user(person.phone, password_hash, display_name=person.name)
        registry_services.person_link_account(person=person, user=user, actor=None)

    # The tenant rents a flat in building 2 and has been registered by staff.
    unit = Unit.objects.get(community=demo, building__name="2栋", entrance="1", room="801")
    if not unit.residencies.filter(user=tenant, ends_on__isnull=True).exists():
        application = registry_services.tenant_register(user=tenant, unit=unit, name="吴小明", phone="13900000501")
        registry_services.application_approve(application=application, actor=chair)
    if not demo.motions.exists():
        _demo_motions(demo, chair, rng)
    _demo_notice(demo)
    return {"communities": [demo.code, riverside.code], "units": Unit.objects.filter(community=demo).count()}


def _demo_notice(community: Community) -> None:
    """A published notice to all residents (its fan-out runs when the seed commits)."""
    from governance.office.models import NoticeAudience, NoticePage

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


def _scan_image(label: str) -> io.BytesIO:
    """A stand-in for a scanned paper ballot: a small PNG."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 120), "white")
    ImageDraw.Draw(image).rectangle((8, 8, 232, 112), outline="black", width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "scan.png"
    return buffer


def _demo_motions(community: Community, chair: User, rng: random.Random) -> None:
    """An open vote with handwritten signatures, and an announced one with its result."""
    from datetime import timedelta

    from django.utils import timezone

    from governance.decisions import selectors as decision_selectors
    from governance.decisions import services as decisions
    from governance.decisions.models import MatterType, ScopeKind, SignatureMethod, VotingRight

    now = timezone.now()
    open_vote = decisions.motion_create(
        community=community, actor=chair, matter_type=MatterType.OTHER, title="关于更换小区门禁系统的议案",
        content="现有门禁系统已使用十年，故障频发。业委会提议更换为刷卡与人脸识别门禁，费用由公共收益支出，预算 18.6 万元。",
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=14),
        signature_method=SignatureMethod.HANDWRITTEN, allow_change=False,
    )
    decisions.motion_submit(motion=open_vote, actor=chair)
    decisions.motion_open(motion=open_vote, actor=chair)

    opened = now - timedelta(days=20)
    lift = decisions.motion_create(
        community=community, actor=chair, matter_type=MatterType.FUND_USE, title="关于使用维修资金更换3栋电梯的议案",
        content="3栋两部电梯已运行十八年，经特种设备检验机构检测存在安全隐患，拟使用3栋维修资金更换，预算 96 万元，按专有面积分摊。",
        opens_at=opened, closes_at=now - timedelta(days=6),
        scope_kind=ScopeKind.BUILDINGS, scope_buildings=list(community.buildings.filter(name="3栋")),
    )
    decisions.motion_submit(motion=lift, actor=chair)
    decisions.motion_open(motion=lift, actor=chair, now=opened)
    for right in VotingRight.objects.filter(motion=lift).order_by("pk"):
        voters = [p.user for p in right.persons.filter(user__isnull=False).order_by("pk")]
        choice = rng.choices(["agree", "oppose", "abstain"], weights=[80, 12, 8])[0]
        if voters and rng.random() < 0.9:
            decisions.ballot_cast(right=right, choice=choice, actor=voters[0], now=opened + timedelta(days=1))
        elif not right.is_developer and rng.random() < 0.8:  # owners without accounts voted on paper
            decisions.paper_ballot_enter(right=right, choice=choice, actor=chair, scan=_scan_image(right.label),
                                         now=opened + timedelta(days=2))
    decisions.motion_close(motion=lift, actor=chair)
    decisions.motion_announce(motion=lift, actor=chair)
    assert decision_selectors.motion_result(lift).total.heads > 0

"""The demo roster and people: the communities `demo` and `riverside`, their accounts, roles and verified owners."""

from __future__ import annotations

import io
import random
from decimal import Decimal

from openpyxl import Workbook

from governance.audit.services import audit_record
from governance.registry import services as registry_services
from governance.registry.memberships import membership_grant
from governance.registry.models import Community, OwnershipRole, Person, Unit
from governance.registry.roster.columns import COLUMNS
from governance.registry.roster.imports import roster_import
from home.services import ensure_community_page
from portal.accounts.models import Membership, PropertyTeam, Role, User

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文海波"
AREAS = [Decimal("89.25"), Decimal("96.40"), Decimal("118.73"), Decimal("132.05"), Decimal("143.10")]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def demo_rows(rng: random.Random) -> list[list]:
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


def riverside_rows(rng: random.Random) -> list[list]:
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


def ensure_user(phone_or_username: str, password_hash: str, *, display_name: str = "",
                superuser: bool = False) -> User:
    is_phone = phone_or_username.isdigit()
    account, _ = User.objects.get_or_create(
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
    return account


def ensure_community(code: str, name: str, street: str, committee: str, rows: list[list]) -> Community:
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


def require_rc_approval(community: Community) -> None:
    """The demo community's motions go to the residents' committee for approval before they are published."""
    if community.requires_rc_approval:
        return
    community.requires_rc_approval = True
    community.save(update_fields=["requires_rc_approval"])
    audit_record(community=community, actor=None, action="registry.community.update", obj=community,
                 summary={"fields": {"requires_rc_approval": True}})


def _grant(*, user: User, role: str, community=None, residents_committee=None, street=None, **fields) -> None:
    """Grant a role once: a second seed leaves an active membership (and the audit trail) as it is."""
    if not Membership.objects.filter(user=user, role=role, community=community,
                                     residents_committee=residents_committee, street=street, active=True).exists():
        membership_grant(user=user, role=role, community=community, residents_committee=residents_committee,
                         street=street, **fields)


def seed_people(demo: Community, rng: random.Random, password_hash: str, *, verified_share: float) -> dict[str, User]:
    """The demo's staff and roles, the owners verified at the office, and a registered tenant."""
    people = {
        "owner": ensure_user("13900000001", password_hash, display_name="王建国"),
        "chair": ensure_user("13900000201", password_hash, display_name="陈志文"),
        "secretary": ensure_user("13900000202", password_hash, display_name="执行秘书小刘"),
        "manager": ensure_user("13900000101", password_hash, display_name="物业项目经理老赵"),
        "repairer": ensure_user("13900000102", password_hash, display_name="维修师傅小孙"),
        "rc_staff": ensure_user("13900000301", password_hash, display_name="居委会李主任"),
        "street_staff": ensure_user("13900000401", password_hash, display_name="街道办周科长"),
        "tenant": ensure_user("13900000501", password_hash, display_name="租户小吴"),
        "editor": ensure_user("13900000601", password_hash, display_name="内容编辑小林"),
    }
    _grant(user=people["chair"], role=Role.COMMITTEE_MEMBER, community=demo, title="主任")
    _grant(user=people["secretary"], role=Role.COMMITTEE_SECRETARY, community=demo, title="执行秘书")
    _grant(user=people["manager"], role=Role.PROPERTY_STAFF, community=demo, team=PropertyTeam.MANAGER,
                     title="项目经理")
    _grant(user=people["repairer"], role=Role.PROPERTY_STAFF, community=demo, team=PropertyTeam.REPAIR,
                     title="维修工")
    _grant(user=people["rc_staff"], role=Role.RC_STAFF, residents_committee=demo.residents_committee,
                     title="主任")
    _grant(user=people["street_staff"], role=Role.STREET_STAFF, street=demo.residents_committee.street,
                     title="科长")
    _grant(user=people["editor"], role=Role.EDITOR)

    # Owners who verified in person at the committee office: the demo owner, the chair, and a share of others.
    for phone, account in (("13900000001", people["owner"]), ("13900000201", people["chair"])):
        person = Person.objects.get(community=demo, phone=phone)
        if person.user_id is None:
            registry_services.person_link_account(person=person, user=account, actor=None)
    others = list(
        Person.objects.filter(community=demo, user__isnull=True, ownerships__ends_on__isnull=True)
        .exclude(phone__startswith="139").distinct().order_by("pk")
    )
    target = int(len(others) * verified_share)
    already = Person.objects.filter(community=demo, user__isnull=False).exclude(phone__startswith="139").count()
    for person in rng.sample(others, max(0, target - already)) if target > already else []:
        account = ensure_user(person.phone, password_hash, display_name=person.name)
        registry_services.person_link_account(person=person, user=account, actor=None)

    # The tenant rents a flat in building 2 and has been registered by staff.
    tenant = people["tenant"]
    unit = Unit.objects.get(community=demo, building__name="2栋", entrance="1", room="801")
    if not unit.residencies.filter(user=tenant, ends_on__isnull=True).exists():
        application = registry_services.tenant_register(user=tenant, unit=unit, name="吴小明", phone="13900000501")
        registry_services.application_approve(application=application, actor=people["chair"])
    return people


def verified_owners(community: Community) -> list[User]:
    """The accounts of the community's verified primary owners (one voting right each) other than the named
    demo accounts, in a stable order."""
    return list(
        User.objects.filter(persons__community=community, persons__ownerships__verified=True,
                            persons__ownerships__ends_on__isnull=True,
                            persons__ownerships__role=OwnershipRole.PRIMARY)
        .exclude(username__startswith="139").distinct().order_by("pk")
    )

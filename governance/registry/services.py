"""Every write to the registry. Keyword-only, atomic, permission-checked and audited."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from governance.audit.services import audit_record
from governance.errors import DomainError, ErrorCode
from governance.registry import roles
from portal.accounts.ratelimit import sms_rate_check
from portal.accounts.sms import send_sms
from portal.masking import mask_phone
from portal.uploads import PROOF, validate_upload

from .signals import announce_community_created, announce_roster_change
from .models import (
    ApplicationStatus,
    Community,
    Ownership,
    OwnershipRole,
    Person,
    Residency,
    ResidentsCommittee,
    Street,
    Unit,
    UnitApplication,
    VerificationCode,
)

CODE_TTL = timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5


def _deny(message: str = "您没有权限进行此操作。") -> DomainError:
    return DomainError(ErrorCode.PERMISSION_DENIED, message)


# --- communities -------------------------------------------------------------------


@transaction.atomic
def community_create(
    *, code: str, name: str, street_name: str, committee_name: str, actor=None, address: str = ""
) -> Community:
    """Create a community under a street and residents' committee (both created when new).

    `actor=None` is the command line (a trusted operator); otherwise the actor must be
    allowed to create communities.
    """
    if actor is not None and not roles.can_create_community(actor):
        raise _deny()
    code = (code or "").strip()
    name = (name or "").strip()
    if not code or not name:
        raise DomainError(ErrorCode.INVALID, "小区编码和名称不能为空。")
    from django.core.validators import validate_slug
    from django.core.exceptions import ValidationError

    try:
        validate_slug(code)
    except ValidationError as exc:
        raise DomainError(ErrorCode.INVALID, "小区编码只能包含字母、数字、下划线和连字符。", field="code") from exc
    if Community.objects.filter(code=code).exists():
        raise DomainError(ErrorCode.DUPLICATE, f"小区编码 {code} 已存在。", field="code")
    if actor is not None and not actor.is_superuser:
        # Street staff create communities under their own street only, never a new street.
        street = Street.objects.filter(name=street_name.strip(), memberships__user=actor,
                                       memberships__active=True).first()
        if street is None:
            raise _deny("只能在您所在街道下创建小区。")
    else:
        street, _ = Street.objects.get_or_create(name=street_name.strip())
    committee, _ = ResidentsCommittee.objects.get_or_create(street=street, name=committee_name.strip())
    community = Community.objects.create(code=code, name=name, residents_committee=committee, address=address)
    audit_record(
        community=community, actor=actor, action="community.create", obj=community,
        summary={"code": code, "name": name, "street": street.name, "committee": committee.name},
    )
    announce_community_created(community=community)
    return community


# --- ownership history -----------------------------------------------------------------


@transaction.atomic
def ownership_transfer(
    *, unit: Unit, new_owners: list[tuple[str, str]], actor, on: date | None = None
) -> list[Ownership]:
    """过户: end every active link of the unit and link the new owners (name, phone), first one primary."""
    if actor is not None and not roles.can_manage_registry(actor, unit.community):
        raise _deny()
    if not new_owners:
        raise DomainError(ErrorCode.INVALID, "过户必须至少有一位新业主。")
    on = on or timezone.localdate()
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    old = list(Ownership.objects.filter(unit=unit, ends_on__isnull=True).select_related("person"))
    Ownership.objects.filter(pk__in=[o.pk for o in old]).update(ends_on=on)
    created = []
    for position, (name, phone) in enumerate(new_owners):
        person, _ = Person.objects.get_or_create(community=unit.community, phone=phone, defaults={"name": name})
        created.append(
            Ownership.objects.create(
                unit=unit, person=person, position=position, starts_on=on,
                role=OwnershipRole.PRIMARY if position == 0 else OwnershipRole.CO_OWNER,
            )
        )
    audit_record(
        community=unit.community, actor=actor, action="ownership.transfer", obj=unit,
        summary={
            "on": on.isoformat(),
            "ended": [{"person": o.person.name, "phone": mask_phone(o.person.phone)} for o in old],
            "new": [{"person": n, "phone": mask_phone(p)} for n, p in new_owners],
        },
    )
    announce_roster_change(community=unit.community, unit_labels=[unit.label], what="房屋过户")
    return created


# --- admin edits of units and ownerships -----------------------------------------------------------

UNIT_EDIT_FIELDS = frozenset({"building", "entrance", "floor", "room", "area", "kind", "developer_held"})
#: Unit fields whose change a frozen roll must hear of (who the unit's right is, what it weighs).
UNIT_ROLL_FIELDS = frozenset({"building", "entrance", "room", "area", "developer_held"})
OWNERSHIP_EDIT_FIELDS = frozenset({"role", "position", "starts_on", "ends_on"})


def _shown(value):
    return str(value) if hasattr(value, "pk") else value


def _apply_changes(instance, changes: dict, allowed: frozenset[str]) -> dict:
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(ErrorCode.INVALID, f"不能修改这些字段：{'、'.join(sorted(unknown))}。")
    for name, value in changes.items():
        setattr(instance, name, value)
    return {name: _shown(value) for name, value in changes.items()}


@transaction.atomic
def unit_update(*, unit: Unit, actor, changes: dict) -> Unit:
    """Staff edit a unit: checked, written, audited; open votes whose roll holds it note the change."""
    unit = Unit.objects.select_for_update().select_related("community", "building").get(pk=unit.pk)
    if not roles.can_manage_registry(actor, unit.community):
        raise _deny()
    if "building" in changes and changes["building"].community_id != unit.community_id:
        raise DomainError(ErrorCode.INVALID, "只能选择本小区的楼栋。", field="building")
    label_before = unit.label
    shown = _apply_changes(unit, changes, UNIT_EDIT_FIELDS)
    unit.save()
    audit_record(community=unit.community, actor=actor, action="registry.unit.update", obj=unit,
                 summary={"fields": shown})
    if UNIT_ROLL_FIELDS & set(changes):
        announce_roster_change(community=unit.community, unit_labels=[label_before], what="房屋信息修改")
    return unit


@transaction.atomic
def ownership_update(*, ownership: Ownership, actor, changes: dict) -> Ownership:
    """Staff edit an ownership link (role, order, dates): checked, written, audited; open votes note it."""
    ownership = Ownership.objects.select_for_update().select_related("unit__community", "unit__building").get(
        pk=ownership.pk)
    community = ownership.unit.community
    if not roles.can_manage_registry(actor, community):
        raise _deny()
    shown = _apply_changes(ownership, changes, OWNERSHIP_EDIT_FIELDS)
    ownership.save()
    audit_record(community=community, actor=actor, action="registry.ownership.update", obj=ownership,
                 summary={"fields": shown})
    if changes:
        announce_roster_change(community=community, unit_labels=[ownership.unit.label], what="产权信息修改")
    return ownership


# --- owner verification (业主认证) ----------------------------------------------------------


def _hash_code(code: str, verification_user_id: int) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{verification_user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def find_unit(*, community_code: str, building: str, room: str, entrance: str = "") -> Unit:
    qs = Unit.objects.select_related("community", "building").filter(
        community__code=community_code, building__name=building.strip(), room=room.strip()
    )
    if entrance:
        qs = qs.filter(entrance=entrance.strip())
    units = list(qs[:2])
    if not units:
        raise DomainError(ErrorCode.NOT_FOUND, "没有找到该房屋，请核对楼栋、单元和房号。")
    if len(units) > 1:
        raise DomainError(ErrorCode.INVALID, "该楼栋有多个同号房屋，请选择单元。", field="entrance")
    return units[0]


def _primary_ownership(unit: Unit) -> Ownership | None:
    return (
        Ownership.objects.filter(unit=unit, ends_on__isnull=True, role=OwnershipRole.PRIMARY)
        .select_related("person")
        .order_by("position", "pk")
        .first()
    )


@transaction.atomic
def verification_request_code(*, user, unit: Unit, ip: str = "") -> str:
    """Send a one-time code to the phone on the roster for the unit's owner. Returns the masked phone."""
    if not getattr(user, "is_authenticated", False):
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, "请先登录。")
    if roles.is_verified_owner(user, unit):
        raise DomainError(ErrorCode.ALREADY_VERIFIED, "您已是该房屋的认证业主。")
    ownership = _primary_ownership(unit)
    if ownership is None or not ownership.person.phone:
        raise DomainError(
            ErrorCode.NO_OWNER_PHONE,
            "该房屋在业主名册中没有登记手机号，请向居委会申请更正名册。",
        )
    phone = ownership.person.phone
    sms_rate_check(phone=phone, ip=ip)
    code = f"{secrets.randbelow(1_000_000):06d}"
    VerificationCode.objects.filter(user=user, unit=unit, used_at__isnull=True).update(used_at=timezone.now())
    VerificationCode.objects.create(
        user=user, unit=unit, ownership=ownership, code_hash=_hash_code(code, user.pk),
        expires_at=timezone.now() + CODE_TTL,
    )
    message = f"【小区治理】您正在认证{unit.community.name}{unit.label}的业主身份，验证码 {code}，10分钟内有效。如非本人操作请忽略。"
    transaction.on_commit(lambda: send_sms(phone, message))
    return mask_phone(phone)


def verification_confirm(*, user, unit: Unit, code: str) -> Ownership:
    """Check the code; on success link the account to the roster person and mark the ownership verified.

    A wrong code is counted (and committed) before the error is raised, so attempts cannot
    be reset by failing.
    """
    if not getattr(user, "is_authenticated", False):
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, "请先登录。")
    failure: DomainError | None = None
    with transaction.atomic():
        pending = (
            VerificationCode.objects.select_for_update()
            .filter(user=user, unit=unit, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if pending is None:
            raise DomainError(ErrorCode.CODE_INVALID, "请先获取验证码。")
        if pending.expires_at <= timezone.now():
            raise DomainError(ErrorCode.CODE_EXPIRED, "验证码已过期，请重新获取。")
        if pending.attempts >= CODE_MAX_ATTEMPTS:
            raise DomainError(ErrorCode.TOO_MANY_ATTEMPTS, "验证码错误次数过多，请重新获取。")
        if not hmac.compare_digest(pending.code_hash, _hash_code((code or "").strip(), user.pk)):
            VerificationCode.objects.filter(pk=pending.pk).update(attempts=pending.attempts + 1)
            left = CODE_MAX_ATTEMPTS - pending.attempts - 1
            failure = DomainError(
                ErrorCode.CODE_INVALID if left > 0 else ErrorCode.TOO_MANY_ATTEMPTS,
                f"验证码不正确，还可尝试 {left} 次。" if left > 0 else "验证码错误次数过多，请重新获取。",
            )
        else:
            return _link_verified_owner(user=user, unit=unit, pending=pending)
    raise failure


def _link_verified_owner(*, user, unit: Unit, pending: VerificationCode) -> Ownership:
    ownership = Ownership.objects.select_for_update().select_related("person").get(pk=pending.ownership_id)
    if ownership.ends_on is not None:
        raise DomainError(ErrorCode.INVALID, "该产权关系已终止，请联系居委会。")
    person = ownership.person
    if person.user_id not in (None, user.pk):
        raise DomainError(ErrorCode.INVALID, "该业主已关联其他账户，请联系居委会处理。")
    now = timezone.now()
    VerificationCode.objects.filter(pk=pending.pk).update(used_at=now)
    person.user = user
    person.save(update_fields=["user"])
    # The roster person's other units (a multi-unit owner) are verified by the same code.
    links = Ownership.objects.filter(person=person, ends_on__isnull=True, verified=False)
    linked_units = sorted(links.values_list("unit_id", flat=True))
    links.update(verified=True, verified_at=now)
    ownership.refresh_from_db()
    audit_record(
        community=unit.community, actor=user, action="ownership.verify", obj=ownership,
        summary={"unit": unit.label, "person": person.name, "units": linked_units, "method": "sms_code"},
    )
    return ownership


# --- applications reviewed by staff: co-owners, tenants, phone corrections ------------------


def _refuse_past_open_application_cap(user) -> None:
    """At most `settings.REGISTRY_MAX_OPEN_APPLICATIONS` pending applications per account, all kinds together.
    The user row is locked so two submissions at once cannot both take the last place."""
    cap = int(getattr(settings, "REGISTRY_MAX_OPEN_APPLICATIONS", 3))
    get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)
    if UnitApplication.objects.filter(user=user, status=ApplicationStatus.PENDING).count() >= cap:
        raise DomainError(
            ErrorCode.TOO_MANY_OPEN_APPLICATIONS, f"您已有 {cap} 份申请在等待审核，请等审核结果出来后再提交新的申请。"
        )


def _application_create(*, kind, user, unit: Unit, name: str, phone: str, note: str = "", proof=None):
    if not getattr(user, "is_authenticated", False):
        raise DomainError(ErrorCode.NOT_AUTHENTICATED, "请先登录。")
    name = (name or "").strip()
    phone = (phone or "").strip()
    if not name:
        raise DomainError(ErrorCode.INVALID, "请填写姓名。", field="name")
    if not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
        raise DomainError(ErrorCode.INVALID, "请填写 11 位手机号。", field="phone")
    if UnitApplication.objects.filter(
        kind=kind, unit=unit, user=user, status=ApplicationStatus.PENDING
    ).exists():
        raise DomainError(ErrorCode.ALREADY_PENDING, "您已提交过申请，请等待审核。")
    _refuse_past_open_application_cap(user)
    application = UnitApplication(
        kind=kind, community=unit.community, unit=unit, user=user, name=name, phone=phone, note=note.strip()
    )
    if proof is not None:
        clean = validate_upload(proof, PROOF, name_stem=f"{kind}-{unit.pk}")
        application.proof.save(clean.name, clean, save=False)
    application.save()
    audit_record(
        community=unit.community, actor=user, action=f"application.{kind}.submit", obj=application,
        summary={"unit": unit.label, "name": name, "phone": mask_phone(phone), "has_proof": bool(proof)},
    )
    return application


@transaction.atomic
def coowner_apply(*, user, unit: Unit, name: str, phone: str, proof, note: str = "") -> UnitApplication:
    """A co-owner uploads proof (房产证/结婚证) and waits for staff review."""
    if proof is None:
        raise DomainError(ErrorCode.INVALID, "共有人认证需要上传房产证或结婚证等证明材料。", field="proof")
    if roles.is_verified_owner(user, unit):
        raise DomainError(ErrorCode.ALREADY_VERIFIED, "您已是该房屋的认证业主。")
    return _application_create(
        kind=UnitApplication.Kind.CO_OWNER, user=user, unit=unit, name=name, phone=phone, note=note, proof=proof
    )


@transaction.atomic
def tenant_register(*, user, unit: Unit, name: str, phone: str, note: str = "", proof=None) -> UnitApplication:
    """A tenant or resident asks to be registered for a unit; staff review it."""
    return _application_create(
        kind=UnitApplication.Kind.TENANT, user=user, unit=unit, name=name, phone=phone, note=note, proof=proof
    )


@transaction.atomic
def phone_correction_request(*, user, unit: Unit, name: str, phone: str, note: str = "", proof=None) -> UnitApplication:
    """The roster phone is wrong: ask the residents' committee to correct it."""
    return _application_create(
        kind=UnitApplication.Kind.PHONE_CORRECTION, user=user, unit=unit, name=name, phone=phone, note=note,
        proof=proof,
    )


def _locked_pending(application: UnitApplication) -> UnitApplication:
    application = UnitApplication.objects.select_for_update().select_related("unit__community").get(pk=application.pk)
    if application.status != ApplicationStatus.PENDING:
        raise DomainError(ErrorCode.INVALID, "该申请已审核，不能重复处理。")
    return application


@transaction.atomic
def application_approve(*, application: UnitApplication, actor) -> UnitApplication:
    """Approve: a co-owner becomes a verified co-owner; a tenant a verified residency; a phone is corrected."""
    if not roles.can_review_applications(actor, application.community):
        raise _deny()
    application = _locked_pending(application)
    unit = application.unit
    result: dict = {}
    if application.kind == UnitApplication.Kind.CO_OWNER:
        person, _ = Person.objects.get_or_create(
            community=unit.community, phone=application.phone, defaults={"name": application.name}
        )
        if person.user_id not in (None, application.user_id):
            raise DomainError(ErrorCode.INVALID, "该手机号的人员已关联其他账户。")
        person.user_id = application.user_id
        person.save(update_fields=["user"])
        position = Ownership.objects.filter(unit=unit, ends_on__isnull=True).count()
        ownership, created = Ownership.objects.get_or_create(
            unit=unit, person=person, ends_on=None,
            defaults={"role": OwnershipRole.CO_OWNER, "position": position, "starts_on": timezone.localdate()},
        )
        ownership.verified = True
        ownership.verified_at = timezone.now()
        ownership.save(update_fields=["verified", "verified_at"])
        result = {"ownership": ownership.pk, "created": created}
    elif application.kind == UnitApplication.Kind.TENANT:
        residency, _ = Residency.objects.get_or_create(
            unit=unit, user_id=application.user_id, ends_on=None,
            defaults={"name": application.name, "starts_on": timezone.localdate()},
        )
        residency.verified = True
        residency.save(update_fields=["verified"])
        result = {"residency": residency.pk}
    else:
        ownership = _primary_ownership(unit)
        if ownership is None:
            raise DomainError(ErrorCode.INVALID, "该房屋没有登记业主，请先在名册中登记。")
        person = ownership.person
        old_phone = person.phone
        if Person.objects.filter(community=unit.community, phone=application.phone).exclude(pk=person.pk).exists():
            raise DomainError(ErrorCode.DUPLICATE, "该手机号已属于名册中的另一人员。")
        person.phone = application.phone
        person.save(update_fields=["phone"])
        result = {"person": person.pk, "old_phone": mask_phone(old_phone), "new_phone": mask_phone(person.phone)}
    application.status = ApplicationStatus.APPROVED
    application.reviewer = actor
    application.reviewed_at = timezone.now()
    application.save(update_fields=["status", "reviewer", "reviewed_at"])
    audit_record(
        community=unit.community, actor=actor, action=f"application.{application.kind}.approve",
        obj=application, summary={"unit": unit.label, **result},
    )
    return application


@transaction.atomic
def application_reject(*, application: UnitApplication, actor, reason: str) -> UnitApplication:
    if not roles.can_review_applications(actor, application.community):
        raise _deny()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ErrorCode.INVALID, "驳回必须填写理由。", field="reason")
    application = _locked_pending(application)
    application.status = ApplicationStatus.REJECTED
    application.reviewer = actor
    application.review_reason = reason[:200]
    application.reviewed_at = timezone.now()
    application.save(update_fields=["status", "reviewer", "review_reason", "reviewed_at"])
    audit_record(
        community=application.community, actor=actor, action=f"application.{application.kind}.reject",
        obj=application, summary={"unit": application.unit.label, "reason": application.review_reason},
    )
    return application


@transaction.atomic
def person_link_account(*, person: Person, user, actor, method: str = "offline") -> list[Ownership]:
    """Staff confirm a roster person's identity in person (线下核验): link the account, verify every active link."""
    if actor is not None and not roles.can_manage_registry(actor, person.community):
        raise _deny()
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id not in (None, user.pk):
        raise DomainError(ErrorCode.INVALID, "该业主已关联其他账户。")
    person.user = user
    person.save(update_fields=["user"])
    now = timezone.now()
    links = list(Ownership.objects.filter(person=person, ends_on__isnull=True))
    Ownership.objects.filter(pk__in=[o.pk for o in links], verified=False).update(verified=True, verified_at=now)
    audit_record(
        community=person.community, actor=actor, action="ownership.verify", obj=person,
        summary={"person": person.name, "units": sorted(o.unit_id for o in links), "method": method},
    )
    return links

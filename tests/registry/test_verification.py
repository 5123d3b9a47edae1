"""Owner verification (DOMAIN §2): code to the roster phone, confirm, linked; and the reviewed paths."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from governance.audit.models import AuditEvent
from governance.errors import DomainError, ErrorCode
from governance.registry import services
from governance.registry.models import (
    ApplicationStatus,
    Ownership,
    OwnershipRole,
    Residency,
    UnitApplication,
    VerificationCode,
)
from governance.registry import roles
from tests.factories import MembershipFactory, OwnershipFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def _code_from(outbox):
    import re

    return re.search(r"验证码 (\d{6})", outbox[-1]["message"]).group(1)


@pytest.fixture
def request_code(django_capture_on_commit_callbacks):
    """Ask for a code and run the on-commit SMS send, as a committed request would."""

    def _request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.verification_request_code(**kwargs)

    return _request


@pytest.fixture
def owned_unit():
    ownership = OwnershipFactory(person__phone="13812340001", person__name="张三")
    return ownership.unit


def test_code_goes_to_the_roster_phone_and_confirming_links_the_account(owned_unit, sms_outbox, request_code):
    user = UserFactory(phone="13900009999")
    masked = request_code(user=user, unit=owned_unit)
    assert masked == "138****0001"
    assert sms_outbox[-1]["phone"] == "13812340001"
    ownership = services.verification_confirm(user=user, unit=owned_unit, code=_code_from(sms_outbox))
    assert ownership.verified and ownership.person.user == user
    assert roles.is_verified_owner(user, owned_unit)
    assert AuditEvent.objects.filter(action="ownership.verify", community=owned_unit.community).count() == 1


def test_code_is_six_digits_and_only_its_hash_is_stored(owned_unit, sms_outbox, request_code):
    user = UserFactory()
    request_code(user=user, unit=owned_unit)
    code = _code_from(sms_outbox)
    stored = VerificationCode.objects.get(user=user)
    assert len(code) == 6 and code.isdigit()
    assert code not in stored.code_hash


def test_a_multi_unit_owner_is_verified_for_every_unit_at_once(owned_unit, sms_outbox, request_code):
    person = owned_unit.ownerships.get().person
    second = OwnershipFactory(person=person, unit=UnitFactory(building=owned_unit.building))
    user = UserFactory()
    request_code(user=user, unit=owned_unit)
    services.verification_confirm(user=user, unit=owned_unit, code=_code_from(sms_outbox))
    second.refresh_from_db()
    assert second.verified


def test_wrong_codes_are_counted_and_the_fifth_locks_the_code(owned_unit, sms_outbox, request_code):
    user = UserFactory()
    request_code(user=user, unit=owned_unit)
    right = _code_from(sms_outbox)
    wrong = "000000" if right != "000000" else "111111"
    messages = []
    for _ in range(5):
        with pytest.raises(DomainError) as exc:
            services.verification_confirm(user=user, unit=owned_unit, code=wrong)
        messages.append((exc.value.code, exc.value.message))
    assert messages[0] == (ErrorCode.CODE_INVALID, "验证码不正确，还可尝试 4 次。")
    assert messages[3] == (ErrorCode.CODE_INVALID, "验证码不正确，还可尝试 1 次。")
    assert messages[4][0] == ErrorCode.TOO_MANY_ATTEMPTS
    with pytest.raises(DomainError) as exc:
        services.verification_confirm(user=user, unit=owned_unit, code=right)
    assert exc.value.code == ErrorCode.TOO_MANY_ATTEMPTS
    assert not Ownership.objects.get(unit=owned_unit).verified


def test_an_expired_code_is_refused(owned_unit, sms_outbox, request_code):
    user = UserFactory()
    request_code(user=user, unit=owned_unit)
    VerificationCode.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(DomainError) as exc:
        services.verification_confirm(user=user, unit=owned_unit, code=_code_from(sms_outbox))
    assert exc.value.code == ErrorCode.CODE_EXPIRED


def test_a_new_code_replaces_the_old_one(owned_unit, sms_outbox, settings, request_code):
    settings.SMS_RATE_LIMITS = {"phone": [], "ip": []}
    user = UserFactory()
    request_code(user=user, unit=owned_unit)
    first = _code_from(sms_outbox)
    request_code(user=user, unit=owned_unit)
    second = _code_from(sms_outbox)
    if first != second:
        with pytest.raises(DomainError):
            services.verification_confirm(user=user, unit=owned_unit, code=first)
    services.verification_confirm(user=user, unit=owned_unit, code=second)


def test_a_second_code_within_a_minute_is_rate_limited(owned_unit, sms_outbox, request_code):
    user = UserFactory()
    request_code(user=user, unit=owned_unit)
    with pytest.raises(DomainError) as exc:
        request_code(user=user, unit=owned_unit)
    assert exc.value.code == ErrorCode.RATE_LIMITED
    assert "过于频繁" in exc.value.message
    assert len(sms_outbox) == 1


def test_unit_without_roster_phone_points_to_the_correction_path(sms_outbox, request_code):
    unit = UnitFactory()
    with pytest.raises(DomainError) as exc:
        request_code(user=UserFactory(), unit=unit)
    assert exc.value.code == ErrorCode.NO_OWNER_PHONE
    assert "居委会" in exc.value.message
    assert sms_outbox == []


def test_a_verified_owner_cannot_verify_again(owned_unit, sms_outbox, request_code):
    user = UserFactory()
    request_code(user=user, unit=owned_unit)
    services.verification_confirm(user=user, unit=owned_unit, code=_code_from(sms_outbox))
    with pytest.raises(DomainError) as exc:
        request_code(user=user, unit=owned_unit)
    assert exc.value.code == ErrorCode.ALREADY_VERIFIED


def test_a_person_linked_to_another_account_cannot_be_taken_over(owned_unit, sms_outbox, request_code):
    person = owned_unit.ownerships.get().person
    person.user = UserFactory()
    person.save()
    intruder = UserFactory()
    request_code(user=intruder, unit=owned_unit)
    with pytest.raises(DomainError):
        services.verification_confirm(user=intruder, unit=owned_unit, code=_code_from(sms_outbox))
    person.refresh_from_db()
    assert person.user != intruder


def _png_with_gps() -> io.BytesIO:
    img = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}  # GPSInfo
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    img.save(buffer, format="JPEG", exif=exif.tobytes())
    buffer.seek(0)
    buffer.name = "proof.jpg"
    return buffer


def test_coowner_application_strips_photo_location_and_approval_verifies(owned_unit):
    applicant = UserFactory()
    staff = MembershipFactory(community=owned_unit.community).user
    source = _png_with_gps()
    assert Image.open(source).getexif().get(0x8825)
    source.seek(0)
    application = services.coowner_apply(user=applicant, unit=owned_unit, name="李四", phone="13812340002",
                                         proof=source)
    with application.proof.open("rb") as fh:
        stored = Image.open(fh)
        stored.load()
        assert not stored.getexif().get(0x8825)
        assert not stored.getexif().get(0x010F)
    services.application_approve(application=application, actor=staff)
    link = Ownership.objects.get(unit=owned_unit, person__phone="13812340002")
    assert link.role == OwnershipRole.CO_OWNER and link.verified and link.person.user == applicant
    assert roles.is_verified_owner(applicant, owned_unit)


def test_coowner_application_needs_proof_of_an_allowed_type(owned_unit):
    with pytest.raises(DomainError) as exc:
        services.coowner_apply(user=UserFactory(), unit=owned_unit, name="李四", phone="13812340002", proof=None)
    assert exc.value.field == "proof"
    fake = io.BytesIO(b"MZ\x90\x00 this is an executable")
    fake.name = "proof.jpg"
    with pytest.raises(DomainError) as exc:
        services.coowner_apply(user=UserFactory(), unit=owned_unit, name="李四", phone="13812340002", proof=fake)
    assert exc.value.code == ErrorCode.UPLOAD_INVALID and "格式不支持" in exc.value.message
    assert UnitApplication.objects.count() == 0


def test_an_oversized_upload_is_refused(owned_unit, monkeypatch):
    from portal import uploads

    monkeypatch.setattr(uploads, "PROOF", uploads.UploadPolicy("证明材料", uploads.PROOF.allowed, 100))
    monkeypatch.setattr(services, "PROOF", uploads.PROOF)
    with pytest.raises(DomainError) as exc:
        services.coowner_apply(user=UserFactory(), unit=owned_unit, name="李四", phone="13812340002",
                               proof=_png_with_gps())
    assert "过大" in exc.value.message


def test_tenant_registration_is_reviewed_and_never_makes_an_owner(owned_unit):
    tenant = UserFactory()
    staff = MembershipFactory(community=owned_unit.community).user
    application = services.tenant_register(user=tenant, unit=owned_unit, name="王五", phone="13812340003")
    assert not roles.resident_communities(tenant).exists()
    services.application_approve(application=application, actor=staff)
    assert Residency.objects.get(user=tenant).verified
    assert roles.resident_communities(tenant).get() == owned_unit.community
    assert not roles.is_verified_owner(tenant, owned_unit)


def test_phone_correction_updates_the_roster_phone_after_review(owned_unit, sms_outbox, request_code):
    user = UserFactory()
    staff = MembershipFactory(community=owned_unit.community).user
    application = services.phone_correction_request(user=user, unit=owned_unit, name="张三", phone="13812349999")
    services.application_approve(application=application, actor=staff)
    request_code(user=user, unit=owned_unit)
    assert sms_outbox[-1]["phone"] == "13812349999"


def test_staff_of_another_community_cannot_review_and_nothing_changes(owned_unit):
    application = services.tenant_register(user=UserFactory(), unit=owned_unit, name="王五", phone="13812340003")
    outsider = MembershipFactory().user
    with pytest.raises(DomainError) as exc:
        services.application_approve(application=application, actor=outsider)
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING
    assert not Residency.objects.exists()


def test_rejection_needs_a_reason_and_is_final(owned_unit):
    application = services.tenant_register(user=UserFactory(), unit=owned_unit, name="王五", phone="13812340003")
    staff = MembershipFactory(community=owned_unit.community).user
    with pytest.raises(DomainError) as exc:
        services.application_reject(application=application, actor=staff, reason="  ")
    assert exc.value.field == "reason"
    services.application_reject(application=application, actor=staff, reason="材料不清晰")
    with pytest.raises(DomainError):
        services.application_approve(application=application, actor=staff)


def test_duplicate_pending_application_is_refused(owned_unit):
    user = UserFactory()
    services.tenant_register(user=user, unit=owned_unit, name="王五", phone="13812340003")
    with pytest.raises(DomainError) as exc:
        services.tenant_register(user=user, unit=owned_unit, name="王五", phone="13812340003")
    assert exc.value.code == ErrorCode.ALREADY_PENDING


def test_transfer_ends_old_links_and_keeps_history(owned_unit):
    staff = MembershipFactory(community=owned_unit.community).user
    old = owned_unit.ownerships.get()
    services.ownership_transfer(unit=owned_unit, new_owners=[("赵六", "13812340004"), ("钱七", "13812340005")],
                                actor=staff)
    old.refresh_from_db()
    assert old.ends_on is not None
    active = list(Ownership.objects.filter(unit=owned_unit, ends_on__isnull=True).order_by("position"))
    assert [(o.person.name, o.role) for o in active] == [("赵六", "primary"), ("钱七", "co_owner")]
    assert Ownership.objects.filter(unit=owned_unit).count() == 3


def test_street_staff_create_communities_under_their_own_street_only():
    from governance.registry.models import Community
    from portal.accounts.models import Role
    from tests.factories import StreetFactory

    own, other = StreetFactory(name="和平街道"), StreetFactory(name="胜利街道")
    clerk = MembershipFactory(role=Role.STREET_STAFF, community=None, street=own).user
    community = services.community_create(code="new1", name="新小区", street_name="和平街道",
                                          committee_name="新社区居委会", actor=clerk)
    assert community.residents_committee.street == own
    for street_name in ("胜利街道", "不存在街道"):
        with pytest.raises(DomainError) as exc:
            services.community_create(code="new2", name="别的小区", street_name=street_name,
                                      committee_name="某居委会", actor=clerk)
        assert exc.value.code == ErrorCode.PERMISSION_DENIED
    assert not Community.objects.filter(code="new2").exists()
    assert other.committees.count() == 0
    owner = UserFactory()
    with pytest.raises(DomainError):
        services.community_create(code="new3", name="x", street_name="和平街道", committee_name="y", actor=owner)

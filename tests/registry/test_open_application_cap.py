"""One account keeps at most REGISTRY_MAX_OPEN_APPLICATIONS reviewed applications open at a time."""

import io

import pytest
from PIL import Image

from governance.audit.models import AuditEvent
from governance.errors import DomainError, ErrorCode
from governance.registry import services
from governance.registry.models import UnitApplication
from tests.factories import MembershipFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def _proof():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "房产证.png"
    return buffer


def _file(kind, user, unit):
    common = {"user": user, "unit": unit, "name": "李四", "phone": "13812340002"}
    if kind == "co_owner":
        return services.coowner_apply(proof=_proof(), **common)
    if kind == "tenant":
        return services.tenant_register(**common)
    return services.phone_correction_request(**common)


@pytest.mark.parametrize("last_kind", ["co_owner", "tenant", "phone_correction"])
def test_the_cap_th_application_is_accepted_and_the_next_refused_with_nothing_written(settings, last_kind):
    """Given a cap of 3 and a user with three pending applications (one of each kind), when they file a fourth
    of any kind, then it is refused with its own code and no application, file or audit event is written."""
    assert settings.REGISTRY_MAX_OPEN_APPLICATIONS == 3
    user = UserFactory()
    units = UnitFactory.create_batch(4)
    for kind, unit in zip(["co_owner", "tenant", "phone_correction"], units):
        _file(kind, user, unit)
    events = AuditEvent.objects.count()

    with pytest.raises(DomainError) as exc:
        _file(last_kind, user, units[3])

    assert exc.value.code == ErrorCode.TOO_MANY_OPEN_APPLICATIONS
    assert exc.value.message == "您已有 3 份申请在等待审核，请等审核结果出来后再提交新的申请。"
    assert UnitApplication.objects.filter(user=user).count() == 3
    assert not UnitApplication.objects.filter(unit=units[3]).exists()
    assert AuditEvent.objects.count() == events


def test_after_one_is_decided_a_new_application_is_accepted(settings):
    settings.REGISTRY_MAX_OPEN_APPLICATIONS = 2
    user = UserFactory()
    units = UnitFactory.create_batch(3)
    first = _file("tenant", user, units[0])
    _file("tenant", user, units[1])
    with pytest.raises(DomainError):
        _file("tenant", user, units[2])

    staff = MembershipFactory(community=first.community).user
    services.application_reject(application=first, actor=staff, reason="材料不清楚")

    assert _file("tenant", user, units[2]).status == "pending"
    assert UnitApplication.objects.filter(user=user, status="pending").count() == 2


def test_other_users_applications_do_not_count(settings):
    settings.REGISTRY_MAX_OPEN_APPLICATIONS = 1
    unit = UnitFactory()
    _file("tenant", UserFactory(), unit)

    assert _file("tenant", UserFactory(), unit).status == "pending"

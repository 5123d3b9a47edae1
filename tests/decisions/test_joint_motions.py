"""Joint motions: co-signatures counted by the vote's headcount rules, thresholds at their boundary."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from governance.decisions.joint import joint_motion_convert, joint_motion_create, joint_motion_sign, joint_progress
from governance.decisions.models import JointMotionStatus, MotionStatus
from governance.errors import DomainError, ErrorCode
from tests.decisions.factories import community_with_owners
from tests.factories import OwnershipFactory, ResidencyFactory, UnitFactory

pytestmark = pytest.mark.django_db


def todos_for(community):
    from governance.office.models import Todo

    return Todo.objects.filter(community=community)


def test_reaching_one_fifth_of_area_and_heads_creates_one_committee_todo():
    community, chair, owners = community_with_owners(10)  # 10 rights × 100.00 m²
    joint = joint_motion_create(community=community, actor=owners[0], title="增设电动车充电桩",
                                content="建议在地面停车场增设充电桩。")
    assert joint_progress(joint).signed.heads == 1 and joint.status == JointMotionStatus.COLLECTING
    assert not todos_for(community).exists()
    joint_motion_sign(joint=joint, actor=owners[1])  # 2 of 10 heads, 200 of 1000 m²: exactly 1/5
    joint.refresh_from_db()
    assert joint.status == JointMotionStatus.REACHED
    assert abs(joint.respond_by - (joint.reached_at + timedelta(days=15))) < timedelta(seconds=1)
    todo = todos_for(community).get()
    assert todo.due_at == joint.respond_by
    joint_motion_sign(joint=joint, actor=owners[2])
    assert todos_for(community).count() == 1  # one to-do, not one per signature


def test_one_cent_below_the_area_threshold_does_not_reach():
    community, chair, owners = community_with_owners(9)  # 900.00 m² in 9 rights
    extra = UnitFactory(building=community.buildings.first(), room="999", area=Decimal("100.01"))
    OwnershipFactory(unit=extra, verified=True)  # total 1000.01 m², 10 heads
    joint = joint_motion_create(community=community, actor=owners[0], title="t", content="c")
    progress = joint_motion_sign(joint=joint, actor=owners[1])
    assert progress.signed.heads * 5 == progress.total.heads  # heads exactly 1/5 …
    assert progress.signed.cents * 5 < progress.total.cents  # … area 200.00 < 200.002
    joint.refresh_from_db()
    assert joint.status == JointMotionStatus.COLLECTING


def test_a_multi_unit_owner_signs_once_as_one_head_with_all_their_area():
    community, chair, owners = community_with_owners(10)
    person = owners[0].persons.get()
    OwnershipFactory(unit=UnitFactory(building=community.buildings.first(), room="888", area=Decimal("50.00")),
                     person=person, verified=True)
    joint = joint_motion_create(community=community, actor=owners[0], title="t", content="c")
    progress = joint_progress(joint)
    assert progress.signed.to_dict() == {"area": "150.00", "heads": 1}
    assert progress.total.to_dict() == {"area": "1050.00", "heads": 10}
    with pytest.raises(DomainError) as exc:
        joint_motion_sign(joint=joint, actor=owners[0])
    assert exc.value.code == ErrorCode.ALREADY_SIGNED


def test_tenants_and_owners_of_other_communities_cannot_sign():
    community, chair, owners = community_with_owners(5)
    _, _, strangers = community_with_owners(1)
    joint = joint_motion_create(community=community, actor=owners[0], title="t", content="c")
    tenant = ResidencyFactory(unit=community.units.first()).user
    for user in (tenant, strangers[0]):
        with pytest.raises(DomainError) as exc:
            joint_motion_sign(joint=joint, actor=user)
        assert exc.value.code == ErrorCode.NOT_VERIFIED
    assert joint_progress(joint).signed.heads == 1


def test_the_committee_turns_a_reached_joint_motion_into_a_motion_draft():
    community, chair, owners = community_with_owners(6)
    joint = joint_motion_create(community=community, actor=owners[0], title="更换物业", content="理由……")
    now = timezone.now()
    with pytest.raises(DomainError) as exc:
        joint_motion_convert(joint=joint, actor=chair, opens_at=now, closes_at=now + timedelta(days=7))
    assert exc.value.code == ErrorCode.INVALID  # 1 of 6 is below 1/5: not reached yet
    joint_motion_sign(joint=joint, actor=owners[1])
    with pytest.raises(DomainError) as exc:
        joint_motion_convert(joint=joint, actor=owners[0], opens_at=now, closes_at=now + timedelta(days=7))
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    motion = joint_motion_convert(joint=joint, actor=chair, opens_at=now, closes_at=now + timedelta(days=7))
    assert motion.status == MotionStatus.DRAFT and motion.title == "更换物业"
    joint.refresh_from_db()
    assert joint.status == JointMotionStatus.CONVERTED and joint.motion == motion

"""Motions, the frozen roll and ballots: the lifecycle, the rules on who may cast, and the audit trail."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from governance.audit.models import AuditEvent
from governance.decisions import selectors, services
from governance.decisions.models import Ballot, MatterType, MotionStatus, ScopeKind, SignatureMethod, VotingRight
from governance.decisions.tasks import motions_tick
from governance.errors import DomainError, ErrorCode
from governance.registry.models import OwnershipRole
from portal.accounts.models import Role
from tests.decisions.factories import community_with_owners, voting_motion
from tests.factories import (
    BuildingFactory,
    MembershipFactory,
    OwnershipFactory,
    ResidencyFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), "white").save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "sig.png"
    return buffer


def right_of(motion, user):
    return selectors.rights_for_user(motion, user).get()


def test_rule_defaults_from_the_matter_type():
    community, chair, _ = community_with_owners(2)
    now = timezone.now()
    common = dict(community=community, actor=chair, title="t", content="c", opens_at=now,
                  closes_at=now + timedelta(days=1))
    fund_raise = services.motion_create(matter_type=MatterType.FUND_RAISE, **common)
    other = services.motion_create(matter_type=MatterType.OTHER, **common)
    assert (fund_raise.approval_area, fund_raise.approval_strict) == ("3/4", False)
    assert (other.approval_area, other.approval_strict) == ("1/2", True)
    assert other.participation_area == other.participation_heads == "2/3"


def test_motion_needs_rc_approval_when_the_community_requires_it():
    community, chair, _ = community_with_owners(2)
    community.requires_rc_approval = True
    community.save()
    rc = MembershipFactory(role=Role.RC_STAFF, community=None, residents_committee=community.residents_committee).user
    now = timezone.now()
    motion = services.motion_create(community=community, actor=chair, matter_type=MatterType.OTHER, title="t",
                                    content="c", opens_at=now, closes_at=now + timedelta(days=1))
    assert services.motion_submit(motion=motion, actor=chair).status == MotionStatus.PENDING_REVIEW
    with pytest.raises(DomainError) as exc:
        services.motion_review(motion=motion, actor=chair, approve=True)
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    with pytest.raises(DomainError) as exc:
        services.motion_review(motion=motion, actor=rc, approve=False, reason="")
    assert exc.value.field == "reason"
    assert services.motion_review(motion=motion, actor=rc, approve=True).status == MotionStatus.PUBLISHED


def test_roll_merges_developer_units_and_multi_unit_buyers_and_shares_co_owned_units():
    community, chair, owners = community_with_owners(3)
    building = BuildingFactory(community=community, name="2栋")
    buyer = UserFactory()
    first = OwnershipFactory(unit=UnitFactory(building=building, room="201", area=Decimal("90.00")),
                             person__user=buyer, verified=True)
    OwnershipFactory(unit=UnitFactory(building=building, room="202", area=Decimal("80.00")), person=first.person,
                     verified=True)
    co_owned = UnitFactory(building=building, room="203", area=Decimal("70.00"))
    a = OwnershipFactory(unit=co_owned, verified=True, person__user=UserFactory())
    b = OwnershipFactory(unit=co_owned, role=OwnershipRole.CO_OWNER, position=1, verified=True,
                         person__user=UserFactory())
    for room in ("301", "302"):
        UnitFactory(building=building, room=room, developer_held=True, area=Decimal("50.00"))
    UnitFactory(building=building, room="303", area=Decimal("60.00"))  # no owner on the roster
    motion = voting_motion(community, chair)
    rights = {r.key: r for r in VotingRight.objects.filter(motion=motion)}
    assert len(rights) == 3 + 1 + 1 + 1 + 1  # three owners, the buyer, the co-owned unit, developer, orphan
    assert rights["developer"].area == Decimal("100.00")
    assert rights[f"p{first.person_id}"].area == Decimal("170.00")
    shared = rights[f"p{a.person_id}"]
    assert set(shared.persons.values_list("pk", flat=True)) == {a.person_id, b.person_id}
    result = selectors.motion_result(motion)
    assert result.total.to_dict() == {"area": "700.00", "heads": 7}
    # Either co-owner may cast the shared right; the second finds it already cast.
    services.ballot_cast(right=shared, choice="agree", actor=b.person.user)
    with pytest.raises(DomainError) as exc:
        services.ballot_cast(right=shared, choice="oppose", actor=a.person.user)
    assert exc.value.code == ErrorCode.ALREADY_VOTED


def test_scope_of_some_buildings_limits_the_roll_and_totals():
    community, chair, owners = community_with_owners(2)
    other = BuildingFactory(community=community, name="9栋")
    outsider = UserFactory()
    OwnershipFactory(unit=UnitFactory(building=other, room="901"), person__user=outsider, verified=True)
    motion = voting_motion(community, chair, scope_kind=ScopeKind.BUILDINGS, scope_buildings=[other])
    assert selectors.motion_result(motion).total.heads == 1
    with pytest.raises(DomainError) as exc:
        services.ballot_cast(right=VotingRight.objects.get(motion=motion), choice="agree", actor=owners[0])
    assert exc.value.code == ErrorCode.NOT_ON_ROLL


def test_roster_changes_after_opening_do_not_change_the_roll():
    community, chair, owners = community_with_owners(3)
    motion = voting_motion(community, chair)
    UnitFactory(building=community.buildings.first(), room="999")
    assert selectors.motion_result(motion).total.heads == 3


def test_one_ballot_per_right_and_no_change_unless_allowed():
    community, chair, owners = community_with_owners(3)
    motion = voting_motion(community, chair)
    right = right_of(motion, owners[0])
    services.ballot_cast(right=right, choice="agree", actor=owners[0])
    with pytest.raises(DomainError) as exc:
        services.ballot_cast(right=right, choice="oppose", actor=owners[0])
    assert exc.value.code == ErrorCode.ALREADY_VOTED
    assert Ballot.objects.get(right=right).choice == "agree"


def test_a_change_before_the_deadline_is_kept_in_the_audit_trail():
    community, chair, owners = community_with_owners(3)
    motion = voting_motion(community, chair, allow_change=True)
    right = right_of(motion, owners[0])
    services.ballot_cast(right=right, choice="agree", actor=owners[0])
    ballot = services.ballot_cast(right=right, choice="oppose", actor=owners[0])
    assert (ballot.choice, ballot.revision) == ("oppose", 1)
    change = AuditEvent.objects.get(action="ballot.change")
    assert change.summary["previous"] == "agree" and change.summary["choice"] == "oppose"


def test_tenants_unverified_users_and_other_communities_cannot_vote():
    community, chair, owners = community_with_owners(2)
    unverified_community, _, unverified = community_with_owners(1, verified=False)
    motion = voting_motion(community, chair)
    right = VotingRight.objects.filter(motion=motion).first()
    tenant = ResidencyFactory(unit=community.units.first()).user
    stranger_community, _, strangers = community_with_owners(1)
    for user, code in ((tenant, ErrorCode.NOT_VERIFIED), (unverified[0], ErrorCode.NOT_VERIFIED),
                       (strangers[0], ErrorCode.NOT_VERIFIED), (owners[1], ErrorCode.NOT_ON_ROLL)):
        if user == owners[1]:
            right = right_of(motion, owners[0])
        with pytest.raises(DomainError) as exc:
            services.ballot_cast(right=right, choice="agree", actor=user)
        assert exc.value.code == code
    assert Ballot.objects.count() == 0


def test_the_window_is_enforced():
    community, chair, owners = community_with_owners(2)
    motion = voting_motion(community, chair)
    right = right_of(motion, owners[0])
    with pytest.raises(DomainError) as exc:
        services.ballot_cast(right=right, choice="agree", actor=owners[0], now=motion.closes_at)
    assert exc.value.code == ErrorCode.WINDOW_CLOSED


def test_handwritten_signature_is_required_and_stored():
    community, chair, owners = community_with_owners(2)
    motion = voting_motion(community, chair, signature_method=SignatureMethod.HANDWRITTEN)
    right = right_of(motion, owners[0])
    with pytest.raises(DomainError) as exc:
        services.ballot_cast(right=right, choice="agree", actor=owners[0])
    assert exc.value.code == ErrorCode.SIGNATURE_REQUIRED
    ballot = services.ballot_cast(right=right, choice="agree", actor=owners[0], signature=png())
    assert ballot.signature.name.endswith(".png")


def test_face_verification_goes_through_the_provider_and_keeps_its_reference():
    community, chair, owners = community_with_owners(2)
    motion = voting_motion(community, chair, signature_method=SignatureMethod.FACE)
    right = right_of(motion, owners[0])
    with pytest.raises(DomainError) as exc:
        services.ballot_cast(right=right, choice="agree", actor=owners[0], signature=png(), face_token="fail")
    assert exc.value.code == ErrorCode.FACE_FAILED
    ballot = services.ballot_cast(right=right, choice="agree", actor=owners[0], signature=png(),
                                  face_token="pass:abc")
    assert ballot.face_reference.startswith("test-")


def test_paper_ballots_voiding_and_staff_cannot_change_online_ballots():
    community, chair, owners = community_with_owners(3)
    motion = voting_motion(community, chair)
    online = services.ballot_cast(right=right_of(motion, owners[0]), choice="agree", actor=owners[0])
    with pytest.raises(DomainError) as exc:
        services.paper_ballot_enter(right=online.right, choice="oppose", actor=chair, scan=png())
    assert exc.value.code == ErrorCode.ALREADY_VOTED
    paper = services.paper_ballot_enter(right=right_of(motion, owners[1]), choice="oppose", actor=chair, scan=png())
    assert paper.entered_by == chair and paper.channel == "paper"
    with pytest.raises(DomainError) as exc:
        services.paper_ballot_enter(right=right_of(motion, owners[2]), choice="oppose", actor=owners[2], scan=png())
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    with pytest.raises(DomainError):
        services.ballot_void(ballot=paper, actor=chair, reason=" ")
    services.ballot_void(ballot=paper, actor=chair, reason="签名与名册不符")
    result = selectors.motion_result(motion)
    assert result.void.heads == 1 and result.participating.heads == 1
    assert online.choice == Ballot.objects.get(pk=online.pk).choice == "agree"
    actions = list(AuditEvent.objects.filter(community=community).values_list("action", flat=True))
    assert actions[-3:] == ["ballot.cast", "ballot.paper", "ballot.void"]


def test_closing_by_the_clock_and_announcing_with_an_objection_period():
    community, chair, owners = community_with_owners(3)
    motion = voting_motion(community, chair, objection_days=7)
    for owner in owners[:2]:
        services.ballot_cast(right=right_of(motion, owner), choice="agree", actor=owner)
    assert motions_tick.call_local() == {"opened": [], "closed": []}
    motion.closes_at = timezone.now() - timedelta(seconds=1)
    motion.save(update_fields=["closes_at"])
    assert motions_tick.call_local() == {"opened": [], "closed": [motion.pk]}
    assert motions_tick.call_local() == {"opened": [], "closed": []}  # safe to run twice
    motion.refresh_from_db()
    assert motion.status == MotionStatus.CLOSED and motion.result["verdict"] == "passed"
    motion = services.motion_announce(motion=motion, actor=chair)
    assert motion.status == MotionStatus.CLOSED and motion.interim_at is not None
    with pytest.raises(DomainError) as exc:
        services.motion_announce(motion=motion, actor=chair)
    assert "异议期" in exc.value.message
    motion = services.motion_announce(motion=motion, actor=chair, now=timezone.now() + timedelta(days=7))
    assert motion.status == MotionStatus.ANNOUNCED


def test_published_motions_open_by_the_clock_and_freeze_the_roll():
    community, chair, owners = community_with_owners(2)
    now = timezone.now()
    motion = services.motion_create(community=community, actor=chair, matter_type=MatterType.OTHER, title="t",
                                    content="c", opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(days=1))
    services.motion_submit(motion=motion, actor=chair)
    assert motions_tick.call_local() == {"opened": [motion.pk], "closed": []}
    assert VotingRight.objects.filter(motion=motion).count() == 2


def test_withdrawing_needs_a_reason_and_stops_the_vote():
    community, chair, owners = community_with_owners(2)
    motion = voting_motion(community, chair)
    with pytest.raises(DomainError):
        services.motion_withdraw(motion=motion, actor=chair, reason="")
    services.motion_withdraw(motion=motion, actor=chair, reason="发现方案有误")
    with pytest.raises(DomainError) as exc:
        services.ballot_cast(right=right_of(motion, owners[0]), choice="agree", actor=owners[0])
    assert exc.value.code == ErrorCode.WINDOW_CLOSED


@pytest.mark.parametrize("rule,allowed", [
    ({"approval_area": "3/4", "approval_heads": "3/4", "approval_strict": False}, True),   # stricter
    ({"approval_area": "1/2", "approval_heads": "1/2", "approval_strict": False}, False),  # "以上" is looser than "过"
    ({"participation_area": "3/5"}, False),                                                # less participation
    ({"participation_area": "3/4", "participation_heads": "3/4"}, True),
])
def test_a_community_may_make_the_rule_stricter_but_never_looser(rule, allowed):
    from governance.voting.tally import RULE_MAJORITY, Rule

    community, chair, _ = community_with_owners(2)
    now = timezone.now()
    merged = Rule.from_dict({**RULE_MAJORITY.to_dict(), **rule})
    create = lambda: services.motion_create(  # noqa: E731
        community=community, actor=chair, matter_type=MatterType.OTHER, title="t", content="c",
        opens_at=now, closes_at=now + timedelta(days=1), rule=merged)
    if allowed:
        assert create().rule == merged
    else:
        with pytest.raises(DomainError) as exc:
            create()
        assert exc.value.field == "rule"


def test_a_transfer_after_opening_is_noted_on_the_vote_but_the_roll_stays():
    from governance.decisions.models import RosterChangeNote
    from governance.registry.services import ownership_transfer

    community, chair, owners = community_with_owners(3)
    motion = voting_motion(community, chair)
    unit = community.units.order_by("pk").first()
    before = list(VotingRight.objects.filter(motion=motion).values_list("key", "area"))
    ownership_transfer(unit=unit, new_owners=[("新业主", "13812349876")], actor=chair)
    assert list(VotingRight.objects.filter(motion=motion).values_list("key", "area")) == before
    note = RosterChangeNote.objects.get(motion=motion)
    assert note.summary == f"房屋过户：{unit.label}（表决名册不变）"

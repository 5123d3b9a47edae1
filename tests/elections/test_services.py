"""Committee elections through the services: who may do what, the window, the selections, the one-ballot rule,
paper ballots, void ballots, the result and making the elected committee members."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.elections import selectors, services
from governance.elections.models import (
    Candidate,
    CandidateStatus,
    ElectionBallot,
    ElectionRight,
    ElectionSelection,
    RoundStatus,
)
from governance.errors import DomainError, ErrorCode
from portal.accounts.models import Membership, Role
from tests.decisions.factories import community_with_owners
from tests.elections.factories import png, register, registering_round, street_staff, term_for, voting_stage
from tests.factories import (
    BuildingFactory,
    MembershipFactory,
    OwnershipFactory,
    ResidencyFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def code_of(call, **kwargs):
    with pytest.raises(DomainError) as exc:
        call(**kwargs)
    return exc.value.code


# --- terms and rounds -------------------------------------------------------------------------------------

def test_committee_street_and_rc_staff_create_terms_owners_and_other_communities_cannot():
    community, chair, owners = community_with_owners(2)
    street = street_staff(community)
    rc = MembershipFactory(role=Role.RC_STAFF, community=None, residents_committee=community.residents_committee).user
    stranger_chair = community_with_owners(1)[1]
    for actor in (chair, street, rc):
        assert term_for(community, actor).community == community
    for actor in (owners[0], stranger_chair):
        assert code_of(term_for, community=community, chair=actor) == ErrorCode.PERMISSION_DENIED
    assert AuditEvent.objects.filter(action="election.term.create", community=community).count() == 3


def test_round_windows_and_seats_are_checked():
    community, chair, _ = community_with_owners(2)
    term = term_for(community, chair, seats=5)
    now = timezone.now()
    base = dict(term=term, actor=chair, title="换届选举", registration_opens_at=now,
                registration_closes_at=now + timedelta(days=1), voting_opens_at=now + timedelta(days=2),
                voting_closes_at=now + timedelta(days=3))
    with pytest.raises(DomainError) as exc:
        services.round_create(**{**base, "voting_opens_at": now + timedelta(hours=1)})
    assert exc.value.field == "voting_opens_at"
    with pytest.raises(DomainError) as exc:
        services.round_create(**base, seats=6)
    assert exc.value.field == "seats"
    election = services.round_create(**base)
    assert (election.status, election.seats, election.community) == (RoundStatus.DRAFT, 5, community)
    assert election.rule.to_dict() == {"participation_area": "2/3", "participation_heads": "2/3",
                                       "approval_area": "1/2", "approval_heads": "1/2", "approval_strict": True}


# --- candidates -------------------------------------------------------------------------------------------

def test_a_verified_owner_registers_with_a_statement_and_the_roster_name():
    community, chair, owners = community_with_owners(3)
    election = registering_round(community, chair)
    candidate = register(election, owners[:1], approve=False)[0]
    person = owners[0].persons.get()
    assert (candidate.person, candidate.name, candidate.status) == (person, person.name, CandidateStatus.PENDING)
    assert candidate.statement == "我的参选陈述0"
    assert AuditEvent.objects.filter(action="election.candidate.register").count() == 1


def test_tenants_unverified_owners_and_other_communities_cannot_register():
    community, chair, owners = community_with_owners(2)
    election = registering_round(community, chair)
    during = election.registration_opens_at + timedelta(minutes=1)
    tenant = ResidencyFactory(unit=community.units.first()).user
    unverified = UserFactory()
    OwnershipFactory(unit=UnitFactory(building=community.buildings.first(), room="909"), person__user=unverified,
                     verified=False)
    stranger = community_with_owners(1)[2][0]
    for user in (tenant, unverified, stranger):
        assert code_of(services.candidate_register, election=election, actor=user, now=during) == ErrorCode.NOT_VERIFIED
    assert not Candidate.objects.exists()


def test_registration_only_inside_the_window_and_only_once():
    community, chair, owners = community_with_owners(2)
    election = registering_round(community, chair)
    after = election.registration_closes_at
    assert code_of(services.candidate_register, election=election, actor=owners[0],
                   now=after) == ErrorCode.WINDOW_CLOSED
    register(election, owners[:1], approve=False)
    during = election.registration_opens_at + timedelta(minutes=1)
    assert code_of(services.candidate_register, election=election, actor=owners[0], now=during) == ErrorCode.DUPLICATE
    assert Candidate.objects.count() == 1


def test_review_needs_a_manager_and_a_reason_to_reject():
    community, chair, owners = community_with_owners(3)
    election = registering_round(community, chair)
    first, second = register(election, owners[:2], approve=False)
    assert code_of(services.candidate_review, candidate=first, actor=owners[2], approve=True) \
        == ErrorCode.PERMISSION_DENIED
    with pytest.raises(DomainError) as exc:
        services.candidate_review(candidate=first, actor=chair, approve=False, reason=" ")
    assert exc.value.field == "reason"
    rejected = services.candidate_review(candidate=first, actor=chair, approve=False, reason="不符合参选条件")
    assert (rejected.status, rejected.reason, rejected.reviewed_by) == (
        CandidateStatus.REJECTED, "不符合参选条件", chair)
    assert services.candidate_review(candidate=second, actor=chair, approve=True).status == CandidateStatus.APPROVED
    assert code_of(services.candidate_review, candidate=second, actor=chair, approve=True) == ErrorCode.INVALID


def test_voting_opens_only_when_every_applicant_is_reviewed_and_freezes_the_roll():
    community, chair, owners = community_with_owners(4)
    building = BuildingFactory(community=community, name="2栋")
    UnitFactory(building=building, room="1", developer_held=True)
    UnitFactory(building=building, room="2", developer_held=True)
    election = registering_round(community, chair)
    first, second = register(election, owners[:2], approve=False)
    election = services.round_close_registration(election=election, actor=chair)
    assert code_of(services.round_open, election=election, actor=chair) == ErrorCode.INVALID  # pending applicants
    services.candidate_review(candidate=first, actor=chair, approve=False, reason="材料不全")
    services.candidate_review(candidate=second, actor=chair, approve=False, reason="材料不全")
    assert code_of(services.round_open, election=election, actor=chair) == ErrorCode.INVALID  # nobody approved
    Candidate.objects.filter(pk=second.pk).update(status=CandidateStatus.APPROVED)
    election = services.round_open(election=election, actor=chair)
    assert election.status == RoundStatus.VOTING
    rights = ElectionRight.objects.filter(round=election)
    assert rights.count() == 5  # four owners and the developer's two units as one right
    assert rights.get(is_developer=True).roll_units.count() == 2


def test_registration_cannot_be_closed_before_its_deadline():
    community, chair, _ = community_with_owners(2)
    now = timezone.now()
    election = registering_round(community, chair, registration_opens_at=now - timedelta(hours=1),
                                 registration_closes_at=now + timedelta(hours=1),
                                 voting_opens_at=now + timedelta(hours=2), voting_closes_at=now + timedelta(days=2))
    assert code_of(services.round_close_registration, election=election, actor=chair) == ErrorCode.INVALID


# --- ballots ------------------------------------------------------------------------------------------------

def test_an_owner_selects_up_to_seats_approved_candidates():
    stage = voting_stage(seats=2, n_candidates=3)
    right = stage.right(stage.owners[0])
    ballot = services.election_ballot_cast(right=right, candidates=stage.candidates[:2], actor=stage.owners[0])
    assert sorted(ballot.selections.values_list("pk", flat=True)) == sorted(c.pk for c in stage.candidates[:2])
    event = AuditEvent.objects.get(action="election.ballot.cast")
    assert event.summary["selections"] == [c.pk for c in stage.candidates[:2]]


def test_more_than_seats_is_refused_and_nothing_is_written():
    stage = voting_stage(seats=2, n_candidates=3)
    right = stage.right(stage.owners[0])
    assert code_of(services.election_ballot_cast, right=right, candidates=stage.candidates,
                   actor=stage.owners[0]) == ErrorCode.TOO_MANY_SELECTIONS
    assert not ElectionBallot.objects.exists() and not ElectionSelection.objects.exists()


def test_a_rejected_pending_or_foreign_candidate_is_not_a_candidate():
    stage = voting_stage(n_owners=6, seats=2, n_candidates=2)
    other = voting_stage(n_owners=2, seats=1, n_candidates=1)
    rejected = Candidate.objects.create(round=stage.election, user=stage.owners[4], name="落选者",
                                        status=CandidateStatus.REJECTED, registered_at=timezone.now())
    pending = Candidate.objects.create(round=stage.election, user=stage.owners[5], name="待审者",
                                       registered_at=timezone.now())
    right = stage.right(stage.owners[0])
    for bad in (rejected, pending, other.candidates[0], "abc"):
        assert code_of(services.election_ballot_cast, right=right, candidates=[bad],
                       actor=stage.owners[0]) == ErrorCode.NOT_A_CANDIDATE
    assert not ElectionBallot.objects.filter(round=stage.election).exists()


def test_tenants_unverified_and_other_communities_cannot_vote():
    stage = voting_stage()
    right = stage.right(stage.owners[0])
    tenant = ResidencyFactory(unit=stage.community.units.first()).user
    unverified = UserFactory()
    OwnershipFactory(unit=UnitFactory(building=stage.community.buildings.first(), room="808"),
                     person__user=unverified, verified=False)
    stranger = community_with_owners(1)[2][0]
    for user in (tenant, unverified, stranger):
        assert code_of(services.election_ballot_cast, right=right, candidates=[], actor=user) == ErrorCode.NOT_VERIFIED
    # a verified owner of the community casting another owner's right is not on that right's roll
    assert code_of(services.election_ballot_cast, right=right, candidates=[],
                   actor=stage.owners[1]) == ErrorCode.NOT_ON_ROLL
    assert not ElectionBallot.objects.exists()


def test_the_window_closes_at_the_deadline():
    stage = voting_stage()
    right = stage.right(stage.owners[0])
    assert code_of(services.election_ballot_cast, right=right, candidates=[], actor=stage.owners[0],
                   now=stage.election.voting_closes_at) == ErrorCode.WINDOW_CLOSED


def test_one_ballot_per_right_and_changes_only_when_allowed():
    stage = voting_stage()
    right = stage.right(stage.owners[0])
    services.election_ballot_cast(right=right, candidates=stage.candidates[:1], actor=stage.owners[0])
    assert code_of(services.election_ballot_cast, right=right, candidates=stage.candidates[1:2],
                   actor=stage.owners[0]) == ErrorCode.ALREADY_VOTED
    assert list(right.ballot.selections.all()) == stage.candidates[:1]

    changeable = voting_stage(allow_change=True)
    right = changeable.right(changeable.owners[0])
    services.election_ballot_cast(right=right, candidates=changeable.candidates[:1], actor=changeable.owners[0])
    ballot = services.election_ballot_cast(right=right, candidates=changeable.candidates[1:3],
                                           actor=changeable.owners[0])
    assert ballot.revision == 1
    assert sorted(ballot.selections.values_list("pk", flat=True)) == [c.pk for c in changeable.candidates[1:3]]
    change = AuditEvent.objects.get(action="election.ballot.change")
    assert change.summary["previous"] == [changeable.candidates[0].pk]


def test_the_database_refuses_a_second_ballot_for_a_right():
    stage = voting_stage()
    right = stage.right(stage.owners[0])
    now = timezone.now()
    ElectionBallot.objects.create(round=stage.election, right=right, cast_at=now, updated_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        ElectionBallot.objects.create(round=stage.election, right=right, cast_at=now, updated_at=now)


def test_handwritten_and_face_signatures():
    stage = voting_stage(signature_method="handwritten")
    right = stage.right(stage.owners[0])
    assert code_of(services.election_ballot_cast, right=right, candidates=[], actor=stage.owners[0]) \
        == ErrorCode.SIGNATURE_REQUIRED
    ballot = services.election_ballot_cast(right=right, candidates=[], actor=stage.owners[0], signature=png())
    assert ballot.signature.name.endswith(".png")

    face = voting_stage(signature_method="face")
    right = face.right(face.owners[0])
    assert code_of(services.election_ballot_cast, right=right, candidates=[], actor=face.owners[0], signature=png(),
                   face_token="nope") == ErrorCode.FACE_FAILED
    ballot = services.election_ballot_cast(right=right, candidates=[], actor=face.owners[0], signature=png(),
                                           face_token="pass:1")
    assert ballot.face_reference.startswith("test-")


# --- paper ballots and void ballots --------------------------------------------------------------------------

def test_staff_enter_a_paper_ballot_with_its_scan_and_owners_cannot():
    stage = voting_stage()
    right = stage.right(stage.owners[0])
    assert code_of(services.election_paper_ballot_enter, right=right, candidates=stage.candidates[:1],
                   actor=stage.owners[1], scan=png()) == ErrorCode.PERMISSION_DENIED
    with pytest.raises(DomainError) as exc:
        services.election_paper_ballot_enter(right=right, candidates=stage.candidates[:1], actor=stage.chair, scan=None)
    assert exc.value.field == "scan"
    assert code_of(services.election_paper_ballot_enter, right=right, candidates=stage.candidates, actor=stage.chair,
                   scan=png()) == ErrorCode.TOO_MANY_SELECTIONS
    ballot = services.election_paper_ballot_enter(right=right, candidates=stage.candidates[:2], actor=stage.chair,
                                                  scan=png("scan.png"))
    assert (ballot.channel, ballot.entered_by) == ("paper", stage.chair) and ballot.scan
    assert code_of(services.election_paper_ballot_enter, right=right, candidates=[], actor=stage.chair,
                   scan=png()) == ErrorCode.ALREADY_VOTED
    assert code_of(services.election_ballot_cast, right=right, candidates=[], actor=stage.owners[0]) \
        == ErrorCode.ALREADY_VOTED


def test_a_void_ballot_does_not_participate_and_a_closed_result_is_recounted():
    stage = voting_stage(n_owners=6, seats=1, n_candidates=2)
    a, b = stage.candidates
    for owner in stage.owners[:4]:
        services.election_ballot_cast(right=stage.right(owner), candidates=[a], actor=owner)
    services.election_ballot_cast(right=stage.right(stage.owners[4]), candidates=[b], actor=stage.owners[4])
    election = stage.close()
    assert election.result["elected"] == [str(a.pk)] and election.result["participating"]["heads"] == 5
    ballot = stage.right(stage.owners[0]).ballot
    assert code_of(services.election_ballot_void, ballot=ballot, actor=stage.owners[1], reason="x") \
        == ErrorCode.PERMISSION_DENIED
    with pytest.raises(DomainError) as exc:
        services.election_ballot_void(ballot=ballot, actor=stage.chair, reason="")
    assert exc.value.field == "reason"
    services.election_ballot_void(ballot=ballot, actor=stage.chair, reason="签名与名册不符")
    election.refresh_from_db()
    assert election.result["participating"]["heads"] == 4 and election.result["void"]["heads"] == 1
    assert election.result["participation_met"] is True  # 4 of 6 is exactly two thirds
    assert code_of(services.election_ballot_void, ballot=ballot, actor=stage.chair, reason="再次") == ErrorCode.INVALID


# --- closing, results and making members ---------------------------------------------------------------------

def test_the_round_closes_only_at_the_deadline_with_the_result_stored():
    stage = voting_stage(n_owners=3, seats=1, n_candidates=1)
    assert code_of(services.round_close, election=stage.election, actor=stage.chair) == ErrorCode.INVALID
    for owner in stage.owners:
        services.election_ballot_cast(right=stage.right(owner), candidates=stage.candidates, actor=owner)
    election = stage.close()
    assert election.status == RoundStatus.CLOSED
    assert election.result["verdict"] == "elected"
    assert election.result["candidates"][0]["support"] == {"area": "300.00", "heads": 3}
    assert AuditEvent.objects.filter(action="election.close", community=stage.community).exists()


def _tie_stage():
    """Seats 2; A supported by 4 of 5, B and C by 3 each with the same area: B and C tie at the cut."""
    stage = voting_stage(n_owners=5, seats=2, n_candidates=3)
    a, b, c = stage.candidates
    picks = [(a, b), (a, c), (a, b), (a, c), (b, c)]
    for owner, pick in zip(stage.owners, picks):
        services.election_ballot_cast(right=stage.right(owner), candidates=list(pick), actor=owner)
    stage.close()
    return stage


def test_make_members_grants_committee_member_to_the_elected():
    stage = voting_stage(n_owners=4, seats=2, n_candidates=3)
    a, b, c = stage.candidates
    for owner, pick in zip(stage.owners, [(a, b), (a, b), (a, b), (c,)]):
        services.election_ballot_cast(right=stage.right(owner), candidates=list(pick), actor=owner)
    election = stage.close()
    assert code_of(services.make_members, election=election, actor=stage.owners[3]) == ErrorCode.PERMISSION_DENIED
    memberships = services.make_members(election=election, actor=stage.chair)
    assert {m.user for m in memberships} == {a.user, b.user}
    for member in memberships:
        assert (member.role, member.community, member.active, member.title) == (
            Role.COMMITTEE_MEMBER, stage.community, True, "委员")
        assert (member.starts_on, member.ends_on) == (election.term.starts_on, election.term.ends_on)
    assert not Membership.objects.filter(user=c.user).exists()
    assert AuditEvent.objects.filter(action="election.members").count() == 1
    assert AuditEvent.objects.filter(action="membership.grant").count() == 2
    assert code_of(services.make_members, election=election, actor=stage.chair) == ErrorCode.INVALID


def test_make_members_refuses_an_unresolved_tie_then_follows_the_resolution():
    stage = _tie_stage()
    a, b, c = stage.candidates
    election = stage.election
    assert election.result["runoff_needed"] is True and set(election.result["tied"]) == {str(b.pk), str(c.pk)}
    with pytest.raises(DomainError) as exc:
        services.make_members(election=election, actor=stage.chair)
    assert exc.value.code == ErrorCode.INVALID and "并列" in exc.value.message
    assert not Membership.objects.filter(role=Role.COMMITTEE_MEMBER, community=stage.community).exclude(
        user=stage.chair).exists()
    assert code_of(services.round_resolve_tie, election=election, actor=stage.chair, winners=[a],
                   reason="抽签") == ErrorCode.NOT_A_CANDIDATE
    assert code_of(services.round_resolve_tie, election=election, actor=stage.chair, winners=[b, c],
                   reason="抽签") == ErrorCode.INVALID
    election = services.round_resolve_tie(election=election, actor=stage.chair, winners=[c],
                                          reason="2026-05-01 决选投票，丙当选")
    assert election.tie_resolution["winners"] == [str(c.pk)]
    memberships = services.make_members(election=election, actor=stage.chair)
    assert {m.user for m in memberships} == {a.user, c.user}


def test_nobody_elected_without_quorum_so_no_members():
    stage = voting_stage(n_owners=6, seats=1, n_candidates=1)
    services.election_ballot_cast(right=stage.right(stage.owners[0]), candidates=stage.candidates,
                                  actor=stage.owners[0])
    election = stage.close()
    assert election.result["verdict"] == "no_quorum"
    assert code_of(services.make_members, election=election, actor=stage.chair) == ErrorCode.INVALID


def test_result_matches_a_hand_count_through_selectors():
    stage = voting_stage(n_owners=3, seats=2, n_candidates=2)
    a, b = stage.candidates
    services.election_ballot_cast(right=stage.right(stage.owners[0]), candidates=[a, b], actor=stage.owners[0])
    services.election_ballot_cast(right=stage.right(stage.owners[1]), candidates=[a], actor=stage.owners[1])
    result = selectors.round_result(stage.election)
    rows = result.by_candidate()
    assert rows[str(a.pk)].support.heads == 2 and rows[str(b.pk)].support.heads == 1
    assert result.participating.heads == 2 and result.total.heads == 3


def test_the_clock_ends_registration_opens_reviewed_rounds_and_closes_at_the_deadline():
    from governance.elections.tasks import elections_step

    community, chair, owners = community_with_owners(3)
    election = registering_round(community, chair, seats=1)
    pending, = register(election, owners[:1], approve=False)
    assert elections_step()["registration_closed"] == [election.pk]
    assert elections_step()["opened"] == []  # an applicant is still pending: staff must review first
    services.candidate_review(candidate=pending, actor=chair, approve=True)
    assert elections_step()["opened"] == [election.pk]
    election.refresh_from_db()
    assert election.status == RoundStatus.VOTING and election.rights.count() == 3
    assert elections_step(now=election.voting_closes_at)["closed"] == [election.pk]
    election.refresh_from_db()
    assert election.status == RoundStatus.CLOSED and election.result["verdict"] == "no_quorum"
    assert elections_step(now=election.voting_closes_at) == {"registration_closed": [], "opened": [], "closed": []}


def test_a_transfer_during_voting_is_noted_on_the_election_but_its_roll_stays():
    from governance.elections.models import ElectionRosterChangeNote
    from governance.registry.services import ownership_transfer

    stage = voting_stage(n_owners=4)
    unit = stage.community.units.order_by("pk").first()
    before = list(ElectionRight.objects.filter(round=stage.election).values_list("key", "area"))

    ownership_transfer(unit=unit, new_owners=[("新业主", "13812349876")], actor=stage.chair)

    assert list(ElectionRight.objects.filter(round=stage.election).values_list("key", "area")) == before
    note = ElectionRosterChangeNote.objects.get(round=stage.election)
    assert note.summary == f"房屋过户：{unit.label}（表决名册不变）"


def test_a_transfer_before_voting_opens_leaves_no_note():
    from governance.elections.models import ElectionRosterChangeNote
    from governance.registry.services import ownership_transfer

    community, chair, owners = community_with_owners(3)
    registering_round(community, chair)
    ownership_transfer(unit=community.units.order_by("pk").first(), new_owners=[("新业主", "13812349876")], actor=chair)
    assert not ElectionRosterChangeNote.objects.exists()

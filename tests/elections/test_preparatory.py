"""Preparatory groups (筹备组): the street opens registration, owners apply and sign, the street reviews,
owners vote with the election machinery, and the street confirms the members."""

from datetime import timedelta

import pytest
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.elections import selectors, services
from governance.elections.models import ElectionKind, PreparatoryMember, RoundStatus
from governance.errors import DomainError, ErrorCode
from portal.accounts.models import Role
from tests.decisions.factories import community_with_owners
from tests.elections.factories import png, street_staff
from tests.factories import MembershipFactory, ResidencyFactory

pytestmark = pytest.mark.django_db


def open_group(community, street, seats=2, **kwargs):
    now = timezone.now()
    params = dict(name="阳光小区首届业主大会筹备组", seats=seats, leader_phone="13900001111", phone_public=True,
                  registration_opens_at=now - timedelta(days=2), registration_closes_at=now - timedelta(days=1),
                  voting_opens_at=now - timedelta(hours=1), voting_closes_at=now + timedelta(days=3))
    params.update(kwargs)
    return services.preparatory_group_create(community=community, actor=street, **params)


def apply(group, user, *, signature=True):
    return services.preparatory_apply(group=group, actor=user, statement="愿意为小区服务",
                                      signature=png() if signature else None,
                                      now=group.round.registration_opens_at + timedelta(minutes=5))


@pytest.fixture
def setting():
    community, chair, owners = community_with_owners(5)
    return community, chair, owners, street_staff(community)


def test_only_the_street_opens_a_preparatory_group(setting):
    community, chair, owners, street = setting
    rc = MembershipFactory(role=Role.RC_STAFF, community=None, residents_committee=community.residents_committee).user
    for actor in (chair, rc, owners[0]):
        with pytest.raises(DomainError) as exc:
            open_group(community, actor)
        assert exc.value.code == ErrorCode.PERMISSION_DENIED
    group = open_group(community, street)
    assert group.round.kind == ElectionKind.PREPARATORY and group.round.status == RoundStatus.REGISTRATION
    assert group.round.signature_method == "handwritten" and group.round.seats == group.seats == 2
    assert group.round.term is None
    assert AuditEvent.objects.filter(action="preparatory.create", community=community).count() == 1


def test_owners_apply_and_must_sign_tenants_cannot(setting):
    community, chair, owners, street = setting
    group = open_group(community, street)
    with pytest.raises(DomainError) as exc:
        apply(group, owners[0], signature=False)
    assert exc.value.code == ErrorCode.SIGNATURE_REQUIRED
    candidate = apply(group, owners[0])
    assert candidate.signature.name.endswith(".png") and candidate.status == "pending"
    tenant = ResidencyFactory(unit=community.units.first()).user
    with pytest.raises(DomainError) as exc:
        apply(group, tenant)
    assert exc.value.code == ErrorCode.NOT_VERIFIED


def test_only_the_street_reviews_applicants(setting):
    community, chair, owners, street = setting
    group = open_group(community, street)
    candidate = apply(group, owners[0])
    with pytest.raises(DomainError) as exc:
        services.candidate_review(candidate=candidate, actor=chair, approve=True)
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    assert services.candidate_review(candidate=candidate, actor=street, approve=True).status == "approved"


def _voted_group(setting, picks):
    community, chair, owners, street = setting
    group = open_group(community, street)
    applicants = [apply(group, owner) for owner in owners[:3]]
    for candidate in applicants:
        services.candidate_review(candidate=candidate, actor=street, approve=True)
    election = services.round_close_registration(election=group.round, actor=street)
    election = services.round_open(election=election, actor=street)
    for owner, pick in zip(owners, picks):
        right = selectors.rights_for_user(election, owner).get()
        services.election_ballot_cast(right=right, candidates=[applicants[i] for i in pick], actor=owner,
                                      signature=png())
    services.round_close(election=election, actor=street, now=election.voting_closes_at + timedelta(seconds=1))
    group.refresh_from_db()
    return group, applicants


def test_the_street_confirms_the_elected_as_members_with_a_leader(setting):
    community, chair, owners, street = setting
    group, (a, b, c) = _voted_group(setting, [(0, 1), (0, 1), (0, 1), (0, 2), (2,)])
    with pytest.raises(DomainError) as exc:
        services.preparatory_confirm(group=group, actor=chair)
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    with pytest.raises(DomainError) as exc:
        services.make_members(election=group.round, actor=street)
    assert exc.value.code == ErrorCode.INVALID  # a preparatory round never makes committee members
    members = services.preparatory_confirm(group=group, actor=street, leader=a)
    assert {m.candidate for m in members} == {a, b}
    assert PreparatoryMember.objects.get(is_leader=True).candidate == a
    group.refresh_from_db()
    assert group.confirmed_by == street and group.confirmed_at
    with pytest.raises(DomainError) as exc:
        services.preparatory_confirm(group=group, actor=street)
    assert exc.value.code == ErrorCode.INVALID


def test_the_street_may_name_members_but_not_more_than_the_seats(setting):
    community, chair, owners, street = setting
    # b and c tie for the second seat: the default confirmation is refused, naming members works
    group, (a, b, c) = _voted_group(setting, [(0, 1), (0, 2), (0, 1), (0, 2), (1, 2)])
    assert group.round.result["runoff_needed"] is True
    with pytest.raises(DomainError) as exc:
        services.preparatory_confirm(group=group, actor=street)
    assert "并列" in exc.value.message
    with pytest.raises(DomainError) as exc:
        services.preparatory_confirm(group=group, actor=street, candidates=[a, b, c])
    assert exc.value.code == ErrorCode.TOO_MANY_SELECTIONS
    members = services.preparatory_confirm(group=group, actor=street, candidates=[a, c])
    assert [m.name for m in members] == [a.name, c.name]

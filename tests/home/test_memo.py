"""`portal.memo`: the community home reads the user's memberships once for its two checks (member? manager?)
inside a `remembering()` block. What a block remembers never outlives it and is dropped on any write."""

from __future__ import annotations

import pytest

from governance.registry import roles
from governance.elections import permissions as election_rules
from portal.accounts.models import Membership, Role
from portal.memo import remember, remembering
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_outside_a_block_every_call_computes():
    calls = []
    for _ in range(2):
        assert remember(("k",), lambda: calls.append(1) or len(calls)) == len(calls)
    assert len(calls) == 2


def test_inside_a_block_a_key_is_computed_once_and_forgotten_after_it():
    calls = []
    with remembering():
        assert remember(("k",), lambda: calls.append(1) or "first") == "first"
        assert remember(("k",), lambda: calls.append(1) or "second") == "first"
        with remembering():  # a nested block shares the outer memo
            assert remember(("k",), lambda: "nested") == "first"
        assert remember(("other",), lambda: "other") == "other"
    assert remember(("k",), lambda: "after") == "after"
    assert len(calls) == 1


def test_the_membership_checks_read_the_memberships_once_in_a_block(django_assert_num_queries):
    community = CommunityFactory()
    chair = MembershipFactory(community=community, role=Role.COMMITTEE_MEMBER).user
    with django_assert_num_queries(1), remembering():
        assert roles.is_member(chair, community)
        assert roles.can_manage_registry(chair, community)
        assert not election_rules.can_manage_preparatory(chair, community)
    with django_assert_num_queries(2):  # no block: each check reads them
        assert roles.is_member(chair, community)
        assert roles.can_manage_registry(chair, community)


def test_a_write_inside_a_block_drops_what_it_remembered(django_assert_num_queries):
    """Granting a role in the middle of a block is seen by the next check in that block."""
    community = CommunityFactory()
    user = UserFactory()
    with remembering():
        assert not roles.can_manage_registry(user, community)
        Membership.objects.create(user=user, role=Role.COMMITTEE_MEMBER, community=community)
        assert roles.can_manage_registry(user, community)
        Membership.objects.filter(user=user).update(active=False)
        assert not roles.can_manage_registry(user, community)

"""On PostgreSQL: concurrent casting keeps exactly one ballot per right and loses none."""


import pytest

from governance.decisions import selectors, services
from governance.decisions.models import Ballot
from governance.errors import ErrorCode
from tests.decisions.factories import community_with_owners, voting_motion

from tests.concurrency import run_threads  # noqa: E402

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_many_threads_casting_for_one_right_leave_exactly_one_ballot():
    community, chair, owners = community_with_owners(2)
    motion = voting_motion(community, chair)
    right = selectors.rights_for_user(motion, owners[0]).get()
    outcomes = run_threads([lambda c=c: services.ballot_cast(right=right, choice=c, actor=owners[0]).pk
                            for c in ["agree", "oppose", "abstain"] * 4])
    assert [o[0] for o in outcomes].count("ok") == 1, outcomes
    assert all(o == ("error", ErrorCode.ALREADY_VOTED) for o in outcomes if o[0] != "ok"), outcomes
    assert Ballot.objects.filter(right=right).count() == 1


def test_many_rights_casting_at_once_lose_none():
    community, chair, owners = community_with_owners(16)
    motion = voting_motion(community, chair)
    rights = [(selectors.rights_for_user(motion, owner).get(), owner) for owner in owners]
    outcomes = run_threads([lambda r=r, o=o: services.ballot_cast(right=r, choice="agree", actor=o).pk
                            for r, o in rights])
    assert all(o[0] == "ok" for o in outcomes), outcomes
    assert Ballot.objects.filter(motion=motion).count() == 16
    assert selectors.motion_result(motion).agree.heads == 16

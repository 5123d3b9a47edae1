"""On PostgreSQL: concurrent casting keeps exactly one ballot per right and loses none."""

import threading

import pytest
from django.db import connection

from governance.decisions import selectors, services
from governance.decisions.models import Ballot
from governance.errors import DomainError, ErrorCode
from tests.decisions.factories import community_with_owners, voting_motion

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_threads(targets):
    barrier = threading.Barrier(len(targets))
    outcomes = [None] * len(targets)

    def runner(i, fn):
        try:
            barrier.wait()
            outcomes[i] = ("ok", fn())
        except DomainError as error:
            outcomes[i] = ("error", error.code)
        except Exception as error:  # reported, so the assertion shows what went wrong
            outcomes[i] = ("crash", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, fn)) for i, fn in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


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

"""On PostgreSQL: concurrent casting keeps exactly one election ballot per right and loses none."""


import pytest

from governance.elections import selectors, services
from governance.elections.models import ElectionBallot
from governance.errors import ErrorCode
from tests.elections.factories import voting_stage

from tests.concurrency import run_threads  # noqa: E402

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_many_threads_casting_for_one_right_leave_exactly_one_ballot():
    stage = voting_stage(n_owners=3, seats=2, n_candidates=3)
    owner = stage.owners[0]
    right = stage.right(owner)
    picks = [[c] for c in stage.candidates] * 4
    outcomes = run_threads([lambda p=p: services.election_ballot_cast(right=right, candidates=p, actor=owner).pk
                            for p in picks])
    assert [o[0] for o in outcomes].count("ok") == 1, outcomes
    assert all(o == ("error", ErrorCode.ALREADY_VOTED) for o in outcomes if o[0] != "ok"), outcomes
    ballot = ElectionBallot.objects.get(right=right)
    assert ballot.selections.count() == 1


def test_many_rights_casting_at_once_lose_none():
    stage = voting_stage(n_owners=12, seats=1, n_candidates=1)
    rights = [(stage.right(owner), owner) for owner in stage.owners]
    outcomes = run_threads([lambda r=r, o=o: services.election_ballot_cast(right=r, candidates=stage.candidates,
                                                                           actor=o).pk for r, o in rights])
    assert all(o[0] == "ok" for o in outcomes), outcomes
    result = selectors.round_result(stage.election)
    assert result.by_candidate()[str(stage.candidates[0].pk)].support.heads == 12

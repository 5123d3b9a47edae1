"""GraphQL for elections, on a local schema (the lead adds ElectionsQuery/ElectionsMutation to portal/api.py):
my open elections, casting with typed errors, the result after close, scoping and pinned query counts."""

import graphene
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from governance.elections import services
from governance.elections.models import ElectionBallot
from governance.elections.schema import ElectionsMutation, ElectionsQuery
from governance.registry.schema import RegistryMutation, RegistryQuery
from governance.registry.account_schema import AccountsQuery
from tests.decisions.factories import community_with_owners
from tests.elections.factories import png, voting_stage
from tests.factories import ResidencyFactory

pytestmark = pytest.mark.django_db

schema = graphene.Schema(query=type("Query", (ElectionsQuery, graphene.ObjectType), {}),
                         mutation=type("Mutation", (ElectionsMutation, graphene.ObjectType), {}))

MY_OPEN = """{ myOpenElections { id title seats status kind community { name }
  candidates { id name statement } myRights { id label area ballot { id } } } }"""
CAST = """mutation ($e: ID!, $c: [ID!]!, $s: Upload) {
  castElectionBallot(electionId: $e, candidateIds: $c, signature: $s) {
  ballot { id channel selections { id name } revision } errors { code message field } } }"""
ELECTION = """query ($id: ID!) { election(id: $id) { id status result {
  verdict verdictLabel participationMet runoffNeeded openSeats participating { area heads }
  candidates { candidate { name } support { area heads } rank elected tied } } } }"""


@pytest.fixture(autouse=True)
def _strict_prefetch(settings):
    settings.GRAPHQL_STRICT_PREFETCH = True


def run(query, user=None, **variables):
    request = RequestFactory().post("/graphql/")
    request.user = user or AnonymousUser()
    result = schema.execute(query, variable_values=variables, context_value=request)
    return result


def test_the_elections_schema_merges_with_the_root_domains():
    merged = graphene.Schema(
        query=type("Query", (AccountsQuery, RegistryQuery, ElectionsQuery, graphene.ObjectType), {}),
        mutation=type("Mutation", (RegistryMutation, ElectionsMutation, graphene.ObjectType), {}))
    sdl = str(merged)
    assert "myOpenElections" in sdl and "castElectionBallot" in sdl and "TOO_MANY_SELECTIONS" in sdl


def test_my_open_elections_lists_the_voters_rounds_only():
    a = voting_stage(n_owners=3, seats=2, n_candidates=2)
    b = voting_stage(n_owners=2, seats=1, n_candidates=1)
    result = run(MY_OPEN, a.owners[0])
    assert result.errors is None
    [election] = result.data["myOpenElections"]
    assert election["id"] == str(a.election.pk) and election["seats"] == 2 and election["status"] == "VOTING"
    assert [c["name"] for c in election["candidates"]] == [c.name for c in a.candidates]
    assert election["candidates"][0]["statement"] == "我的参选陈述0"
    assert len(election["myRights"]) == 1 and election["myRights"][0]["ballot"] is None
    tenant = ResidencyFactory(unit=a.community.units.first()).user
    assert run(MY_OPEN, tenant).data["myOpenElections"] == []
    everyone = [e["id"] for u in (a.owners[1], b.owners[0]) for e in run(MY_OPEN, u).data["myOpenElections"]]
    assert everyone == [str(a.election.pk), str(b.election.pk)]


def test_my_open_elections_query_count_does_not_grow_with_rounds():
    stage = voting_stage(n_owners=3, seats=2, n_candidates=2)
    owner = stage.owners[0]
    services.election_ballot_cast(right=stage.right(owner), candidates=stage.candidates[:1], actor=owner)
    with CaptureQueriesContext(connection) as one:
        assert len(run(MY_OPEN, owner).data["myOpenElections"]) == 1
    from governance.elections import services as s
    from tests.elections.factories import register, registering_round

    for _ in range(2):
        election = registering_round(stage.community, stage.chair, seats=1)
        register(election, stage.owners[1:3], actor=stage.chair)
        election = s.round_close_registration(election=election, actor=stage.chair)
        election = s.round_open(election=election, actor=stage.chair)
        right = s.selectors.rights_for_user(election, owner).get()
        s.election_ballot_cast(right=right, candidates=[election.candidates.first()], actor=owner)
    with CaptureQueriesContext(connection) as three:
        data = run(MY_OPEN, owner).data["myOpenElections"]
    assert len(data) == 3
    assert len(three.captured_queries) == len(one.captured_queries)


def test_cast_returns_the_ballot():
    stage = voting_stage()
    result = run(CAST, stage.owners[0], e=str(stage.election.pk), c=[str(stage.candidates[0].pk)])
    payload = result.data["castElectionBallot"]
    assert payload["errors"] == []
    assert payload["ballot"]["channel"] == "ONLINE"
    assert [s["name"] for s in payload["ballot"]["selections"]] == [stage.candidates[0].name]


@pytest.mark.parametrize("case,code,field", [
    ("too_many", "TOO_MANY_SELECTIONS", "candidateIds"),
    ("not_candidate", "NOT_A_CANDIDATE", "candidateIds"),
    ("tenant", "NOT_VERIFIED", None),
    ("stranger", "NOT_FOUND", "electionId"),
    ("anonymous", "NOT_AUTHENTICATED", None),
    ("signature", "SIGNATURE_REQUIRED", "signature"),
])
def test_cast_errors_are_typed_and_nothing_is_written(case, code, field):
    stage = voting_stage(signature_method="handwritten" if case == "signature" else "none")
    user, ids = stage.owners[0], [str(stage.candidates[0].pk)]
    if case == "too_many":
        ids = [str(c.pk) for c in stage.candidates]
    elif case == "not_candidate":
        ids = ["999999"]
    elif case == "tenant":
        user = ResidencyFactory(unit=stage.community.units.first()).user
    elif case == "stranger":
        user = community_with_owners(1)[2][0]
    elif case == "anonymous":
        user = None
    payload = run(CAST, user, e=str(stage.election.pk), c=ids).data["castElectionBallot"]
    assert payload["ballot"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]
    assert payload["errors"][0]["message"]
    assert not ElectionBallot.objects.exists()


def test_cast_with_an_uploaded_signature():
    stage = voting_stage(signature_method="handwritten")
    upload = SimpleUploadedFile("sig.png", png().getvalue(), content_type="image/png")
    payload = run(CAST, stage.owners[0], e=str(stage.election.pk), c=[], s=upload).data["castElectionBallot"]
    assert payload["errors"] == [] and payload["ballot"]["selections"] == []
    assert ElectionBallot.objects.get().signature


def test_the_result_appears_after_close_and_another_community_gets_not_found():
    stage = voting_stage(n_owners=3, seats=1, n_candidates=2)
    a, b = stage.candidates
    for owner, pick in zip(stage.owners, [a, a, b]):
        services.election_ballot_cast(right=stage.right(owner), candidates=[pick], actor=owner)
    before = run(ELECTION, stage.owners[0], id=str(stage.election.pk))
    assert before.errors is None and before.data["election"]["result"] is None
    stage.close()
    result = run(ELECTION, stage.owners[0], id=str(stage.election.pk)).data["election"]["result"]
    assert result["verdict"] == "ELECTED" and result["participationMet"] is True and not result["runoffNeeded"]
    assert result["participating"] == {"area": "300.00", "heads": 3}
    top = result["candidates"][0]
    assert top["candidate"]["name"] == a.name and top["elected"] and top["support"] == {"area": "200.00", "heads": 2}
    stranger = community_with_owners(1)[2][0]
    denied = run(ELECTION, stranger, id=str(stage.election.pk))
    assert denied.data["election"] is None and "没有找到该选举" in denied.errors[0].message

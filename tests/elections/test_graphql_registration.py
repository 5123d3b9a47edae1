"""GraphQL parity with the portal's registration form: registerCandidate for committee elections and preparatory
groups (same service, same refusals), and myOpenElections listing rounds open for registration with their phase."""

from datetime import timedelta

import graphene
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.elections import services
from governance.elections.models import Candidate
from governance.elections.schema import ElectionsMutation, ElectionsQuery
from tests.decisions.factories import community_with_owners
from tests.elections.factories import png, registering_round, street_staff, voting_stage
from tests.factories import ResidencyFactory

pytestmark = pytest.mark.django_db

schema = graphene.Schema(query=type("Query", (ElectionsQuery, graphene.ObjectType), {}),
                         mutation=type("Mutation", (ElectionsMutation, graphene.ObjectType), {}))

REGISTER = """mutation ($e: ID!, $st: String, $n: String, $s: Upload) {
  registerCandidate(electionId: $e, statement: $st, name: $n, signature: $s) {
  candidacy { id name statement status signed } errors { code message field } } }"""
MY_OPEN = "{ myOpenElections { id title status phase kind } }"


@pytest.fixture(autouse=True)
def _strict_prefetch(settings):
    settings.GRAPHQL_STRICT_PREFETCH = True


def run(query, user=None, **variables):
    request = RequestFactory().post("/graphql/")
    request.user = user or AnonymousUser()
    return schema.execute(query, variable_values=variables, context_value=request)


def open_windows(now):
    """Registration open since yesterday until tomorrow, voting next week."""
    return dict(registration_opens_at=now - timedelta(days=1), registration_closes_at=now + timedelta(days=1),
                voting_opens_at=now + timedelta(days=2), voting_closes_at=now + timedelta(days=9))


def registering(n_owners=3):
    community, chair, owners = community_with_owners(n_owners)
    election = registering_round(community, chair, seats=1, **open_windows(timezone.now()))
    return community, chair, owners, election


def preparatory(community):
    return services.preparatory_group_create(community=community, actor=street_staff(community),
                                             name="首届业主大会筹备组", seats=2, **open_windows(timezone.now()))


def test_an_owner_registers_as_a_candidate_like_on_the_portal():
    _, _, owners, election = registering()
    payload = run(REGISTER, owners[0], e=str(election.pk), st=" 愿意为大家服务 ", n="王先生").data["registerCandidate"]
    assert payload["errors"] == []
    candidate = Candidate.objects.get()
    assert payload["candidacy"] == {"id": str(candidate.pk), "name": "王先生", "statement": "愿意为大家服务",
                                    "status": "PENDING", "signed": False}
    assert (candidate.round_id, candidate.user_id) == (election.pk, owners[0].pk)
    event = AuditEvent.objects.get(action="election.candidate.register")
    assert event.summary == {"round": election.pk, "name": "王先生", "signed": False}


def test_an_owner_applies_to_a_preparatory_group_with_a_handwritten_signature():
    community, _, owners = community_with_owners(2)
    group = preparatory(community)
    upload = SimpleUploadedFile("sig.png", png().getvalue(), content_type="image/png")
    payload = run(REGISTER, owners[0], e=str(group.round.pk), s=upload).data["registerCandidate"]
    assert payload["errors"] == []
    assert (payload["candidacy"]["status"], payload["candidacy"]["signed"]) == ("PENDING", True)
    assert Candidate.objects.get(round=group.round).signature


@pytest.mark.parametrize("case,code,field", [
    ("closed", "WINDOW_CLOSED", None),
    ("tenant", "NOT_VERIFIED", None),
    ("duplicate", "DUPLICATE", None),
    ("stranger", "NOT_FOUND", "electionId"),
    ("anonymous", "NOT_AUTHENTICATED", None),
    ("unsigned_preparatory", "SIGNATURE_REQUIRED", "signature"),
])
def test_register_refusals_are_typed_and_nothing_is_written(case, code, field):
    community, chair, owners, election = registering()
    user = owners[0]
    if case == "closed":
        stage = voting_stage(n_owners=2, seats=1, n_candidates=1)
        election, user = stage.election, stage.owners[-1]
    elif case == "tenant":
        user = ResidencyFactory(unit=community.units.first()).user
    elif case == "duplicate":
        services.candidate_register(election=election, actor=user, statement="第一次报名")
    elif case == "stranger":
        user = community_with_owners(1)[2][0]
    elif case == "anonymous":
        user = None
    elif case == "unsigned_preparatory":
        election = preparatory(community).round
    before = list(Candidate.objects.order_by("pk").values_list("pk", "round_id", "user_id"))
    payload = run(REGISTER, user, e=str(election.pk), st="报名").data["registerCandidate"]
    assert payload["candidacy"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]
    assert payload["errors"][0]["message"]
    assert list(Candidate.objects.order_by("pk").values_list("pk", "round_id", "user_id")) == before


def test_my_open_elections_lists_rounds_open_for_registration_with_their_phase():
    stage = voting_stage(n_owners=3, seats=1, n_candidates=1)
    owner = stage.owners[0]
    registration = registering_round(stage.community, stage.chair, seats=1, title="补选",
                                     **open_windows(timezone.now()))
    registering_round(stage.community, stage.chair, seats=1, title="报名未开始",
                      registration_opens_at=timezone.now() + timedelta(days=1),
                      registration_closes_at=timezone.now() + timedelta(days=2),
                      voting_opens_at=timezone.now() + timedelta(days=3),
                      voting_closes_at=timezone.now() + timedelta(days=4))
    _, _, strangers, elsewhere = registering()
    result = run(MY_OPEN, owner)
    assert result.errors is None
    assert result.data["myOpenElections"] == [
        {"id": str(stage.election.pk), "title": stage.election.title, "status": "VOTING", "phase": "VOTING",
         "kind": "COMMITTEE"},
        {"id": str(registration.pk), "title": "补选", "status": "REGISTRATION", "phase": "REGISTRATION",
         "kind": "COMMITTEE"},
    ]
    assert [e["id"] for e in run(MY_OPEN, strangers[0]).data["myOpenElections"]] == [str(elsewhere.pk)]
    tenant = ResidencyFactory(unit=stage.community.units.first()).user
    assert run(MY_OPEN, tenant).data["myOpenElections"] == []

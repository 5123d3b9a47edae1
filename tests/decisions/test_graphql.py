"""Owner decisions over GraphQL: what an owner may vote on, casting (and changing) a ballot with the
typed error codes, results hidden until close, scoping across communities and pinned query counts."""

import io
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from governance.audit.models import AuditEvent
from governance.decisions import selectors, services
from governance.decisions.models import Ballot, Motion, MotionStatus, ScopeKind, SignatureMethod, VotingRight
from governance.decisions.schema import my_rights
from tests.decisions.factories import community_with_owners, voting_motion
from tests.factories import BuildingFactory, OwnershipFactory, ResidencyFactory, UnitFactory, UserFactory
from tests.graphql.conftest import phone_login  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

OPEN = """
{ myOpenMotions { id title matterTypeLabel closesAt signatureMethod allowChange
    myRights { id label area unitLabels ballot { choice channel void } } } }
"""

CAST = """
mutation ($right: ID!, $choice: BallotChoice!, $signature: Upload, $face: String) {
  castBallot(rightId: $right, choice: $choice, signature: $signature, faceToken: $face) {
    ballot { choice choiceLabel channel void revision }
    right { id ballot { choice } }
    errors { code message field }
  }
}
"""

MOTION = """
query ($id: ID!) {
  motion(id: $id) {
    id title status statusLabel
    result { total { area heads } participating { area heads } agree { area heads } oppose { area heads }
             abstain { area heads } void { area heads } participationMet approvalMet approved verdict verdictLabel }
  }
}
"""


def _post(client, query, variables=None, headers=None):
    response = client.post("/graphql/", json.dumps({"query": query, "variables": variables or {}}),
                           content_type="application/json", headers=headers or {})
    assert response.status_code == 200, response.content.decode()
    return response.json()


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _png(name="sig.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _multipart(client, query, variables, files):
    variables = dict(variables)
    mapping, parts = {}, {}
    for i, (name, upload) in enumerate(files.items()):
        variables[name] = None
        mapping[str(i)] = [f"variables.{name}"]
        parts[str(i)] = upload
    response = client.post("/graphql/", {"operations": json.dumps({"query": CAST, "variables": variables}),
                                         "map": json.dumps(mapping), **parts})
    assert response.status_code == 200, response.content.decode()
    return response.json()


def _right(motion, user) -> VotingRight:
    return selectors.rights_for_user(motion, user).get()


def _cast(user, right, choice="AGREE", **extra):
    body = _post(_signed_in(user), CAST, {"right": str(right.pk), "choice": choice, **extra})
    assert "errors" not in body, body
    return body["data"]["castBallot"]


@pytest.fixture(autouse=True)
def _strict_prefetch(settings):
    """A nested list read that the root selector did not prefetch fails instead of querying per row."""
    settings.GRAPHQL_STRICT_PREFETCH = True


@pytest.fixture
def vote():
    community, chair, owners = community_with_owners(6)
    motion = voting_motion(community, chair)
    return community, chair, owners, motion


# --- what an owner may vote on ------------------------------------------------------------------


def test_my_open_motions_lists_the_vote_with_my_own_right(vote):
    community, chair, owners, motion = vote
    right = _right(motion, owners[0])

    body = _post(_signed_in(owners[0]), OPEN)

    assert body["data"]["myOpenMotions"] == [{
        "id": str(motion.pk), "title": "更换小区大门门禁", "matterTypeLabel": "有关共有和共同管理权利的其他重大事项",
        "closesAt": motion.closes_at.isoformat(), "signatureMethod": "NONE", "allowChange": False,
        "myRights": [{"id": str(right.pk), "label": right.label, "area": "100.00", "unitLabels": ["1栋-1单元-101"],
                      "ballot": None}],
    }]


def test_staff_tenants_and_owners_elsewhere_have_nothing_to_vote_on(vote):
    community, chair, owners, motion = vote
    tenant = ResidencyFactory(unit=motion.roll_units.first().unit).user
    _, _, elsewhere = community_with_owners(1)
    for user in (chair, tenant, elsewhere[0]):
        assert _post(_signed_in(user), OPEN)["data"]["myOpenMotions"] == []


def test_a_vote_past_its_deadline_is_no_longer_open(vote):
    community, chair, owners, motion = vote
    Motion.objects.filter(pk=motion.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert _post(_signed_in(owners[0]), OPEN)["data"]["myOpenMotions"] == []


def test_anonymous_queries_are_not_authenticated(vote):
    body = _post(Client(), "{ myOpenMotions { id } }")
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_AUTHENTICATED"


# --- casting ---------------------------------------------------------------------------------------


def test_owner_casts_with_the_session_cookie_and_csrf_token(vote):
    community, chair, owners, motion = vote
    right = _right(motion, owners[0])
    web = Client(enforce_csrf_checks=True)
    web.force_login(owners[0])
    web.get("/graphql/", {"query": "{ ping }"})  # sets the CSRF cookie
    headers = {"X-CSRFToken": web.cookies["csrftoken"].value}

    body = _post(web, CAST, {"right": str(right.pk), "choice": "AGREE"}, headers=headers)

    assert body["data"]["castBallot"] == {
        "ballot": {"choice": "AGREE", "choiceLabel": "同意", "channel": "ONLINE", "void": False, "revision": 0},
        "right": {"id": str(right.pk), "ballot": {"choice": "AGREE"}},
        "errors": [],
    }
    ballot = Ballot.objects.get(right=right)
    assert (ballot.choice, ballot.cast_by) == ("agree", owners[0])
    assert AuditEvent.objects.filter(action="ballot.cast", community=community).count() == 1
    rights = _post(web, OPEN, headers=headers)["data"]["myOpenMotions"][0]["myRights"]
    assert rights[0]["ballot"] == {"choice": "AGREE", "channel": "ONLINE", "void": False}


def test_owner_casts_from_the_mini_program_with_a_session_token(vote, phone_login):  # noqa: F811
    from tests.graphql.test_auth import _app_login

    community, chair, owners, motion = vote
    right = _right(motion, owners[1])
    token = _app_login(Client(), owners[1].phone)

    body = _post(Client(enforce_csrf_checks=True), CAST, {"right": str(right.pk), "choice": "OPPOSE"},
                 headers={"X-Session-Token": token})

    assert body["data"]["castBallot"]["errors"] == []
    assert Ballot.objects.get(right=right).choice == "oppose"


def test_changing_where_allowed_is_the_same_mutation_and_is_audited(vote):
    community, chair, owners, _ = vote
    motion = voting_motion(community, chair, allow_change=True)
    right = _right(motion, owners[0])

    _cast(owners[0], right, "AGREE")
    changed = _cast(owners[0], right, "ABSTAIN")

    assert changed["errors"] == []
    assert changed["ballot"] == {"choice": "ABSTAIN", "choiceLabel": "弃权", "channel": "ONLINE", "void": False,
                                 "revision": 1}
    event = AuditEvent.objects.get(action="ballot.change")
    assert (event.summary["previous"], event.summary["choice"]) == ("agree", "abstain")


def test_handwritten_signature_arrives_as_a_multipart_upload(vote):
    community, chair, owners, _ = vote
    motion = voting_motion(community, chair, signature_method=SignatureMethod.HANDWRITTEN)
    right = _right(motion, owners[0])

    body = _multipart(_signed_in(owners[0]), CAST, {"right": str(right.pk), "choice": "AGREE"},
                      {"signature": _png()})

    assert body["data"]["castBallot"]["errors"] == []
    ballot = Ballot.objects.get(right=right)
    assert ballot.signature.name.endswith(".png")
    ballot.signature.delete(save=False)


def test_face_verification_passes_with_the_providers_token(vote):
    community, chair, owners, _ = vote
    motion = voting_motion(community, chair, signature_method=SignatureMethod.FACE)
    right = _right(motion, owners[0])

    body = _multipart(_signed_in(owners[0]), CAST, {"right": str(right.pk), "choice": "AGREE", "face": "pass:ok"},
                      {"signature": _png()})

    assert body["data"]["castBallot"]["errors"] == []
    ballot = Ballot.objects.get(right=right)
    assert ballot.face_reference.startswith("test-")
    ballot.signature.delete(save=False)


# --- each typed error, and nothing written -------------------------------------------------------


def _error(body) -> dict:
    payload = body["data"]["castBallot"]
    assert payload["ballot"] is None and payload["right"] is None
    (error,) = payload["errors"]
    return error


def test_anonymous_cast_is_not_authenticated(vote):
    community, chair, owners, motion = vote
    right = _right(motion, owners[0])
    error = _error(_post(Client(), CAST, {"right": str(right.pk), "choice": "AGREE"}))
    assert (error["code"], error["message"]) == ("NOT_AUTHENTICATED", "请先登录。")
    assert not Ballot.objects.exists()


def test_another_owners_right_is_not_on_roll(vote):
    community, chair, owners, motion = vote
    error = _error(_post(_signed_in(owners[0]), CAST, {"right": str(_right(motion, owners[1]).pk), "choice": "AGREE"}))
    assert (error["code"], error["message"]) == ("NOT_ON_ROLL", "您不在本次表决的表决名册中。")
    assert not Ballot.objects.exists()


def test_an_owner_outside_the_scope_is_not_on_roll(vote):
    community, chair, owners, _ = vote
    lift = BuildingFactory(community=community, name="2栋")
    lift_owner = UserFactory()
    OwnershipFactory(unit=UnitFactory(building=lift, room="201"), person__user=lift_owner, verified=True)
    motion = voting_motion(community, chair, scope_kind=ScopeKind.BUILDINGS, scope_buildings=[lift])
    right = VotingRight.objects.get(motion=motion)

    error = _error(_post(_signed_in(owners[0]), CAST, {"right": str(right.pk), "choice": "AGREE"}))

    assert error["code"] == "NOT_ON_ROLL"
    assert _cast(lift_owner, right)["errors"] == []


def test_an_owner_of_another_community_is_not_on_roll_and_learns_nothing(vote):
    community, chair, owners, motion = vote
    _, _, elsewhere = community_with_owners(1)
    real = _post(_signed_in(elsewhere[0]), CAST, {"right": str(_right(motion, owners[0]).pk), "choice": "AGREE"})
    missing = _post(_signed_in(elsewhere[0]), CAST, {"right": "999999", "choice": "AGREE"})
    assert _error(real) == _error(missing)
    assert _error(real)["code"] == "NOT_ON_ROLL" and _error(real)["field"] == "rightId"
    assert not Ballot.objects.exists()


def test_tenants_and_unverified_users_are_not_verified(vote):
    community, chair, owners, motion = vote
    right = _right(motion, owners[0])
    tenant = ResidencyFactory(unit=right.roll_units.get().unit).user
    stranger = UserFactory()
    for user in (tenant, stranger):
        error = _error(_post(_signed_in(user), CAST, {"right": str(right.pk), "choice": "AGREE"}))
        assert (error["code"], error["message"]) == ("NOT_VERIFIED", "只有已认证的业主才能投票。")
    assert not Ballot.objects.exists()


def test_after_the_deadline_the_window_is_closed(vote):
    community, chair, owners, motion = vote
    Motion.objects.filter(pk=motion.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    error = _error(_post(_signed_in(owners[0]), CAST, {"right": str(_right(motion, owners[0]).pk), "choice": "AGREE"}))
    assert (error["code"], error["message"]) == ("WINDOW_CLOSED", "不在表决时间内。")
    assert not Ballot.objects.exists()


def test_a_second_ballot_without_change_allowed_is_already_voted(vote):
    community, chair, owners, motion = vote
    right = _right(motion, owners[0])
    _cast(owners[0], right, "AGREE")

    error = _error(_post(_signed_in(owners[0]), CAST, {"right": str(right.pk), "choice": "OPPOSE"}))

    assert (error["code"], error["message"]) == ("ALREADY_VOTED", "您已投票，本次表决不允许改票。")
    ballot = Ballot.objects.get(right=right)
    assert (ballot.choice, ballot.revision) == ("agree", 0)


def test_a_signed_vote_without_a_signature_is_signature_required(vote):
    community, chair, owners, _ = vote
    motion = voting_motion(community, chair, signature_method=SignatureMethod.HANDWRITTEN)
    error = _error(_post(_signed_in(owners[0]), CAST, {"right": str(_right(motion, owners[0]).pk), "choice": "AGREE"}))
    assert (error["code"], error["field"]) == ("SIGNATURE_REQUIRED", "signature")
    assert not Ballot.objects.exists()


def test_a_refused_face_check_is_face_failed(vote):
    community, chair, owners, _ = vote
    motion = voting_motion(community, chair, signature_method=SignatureMethod.FACE)
    body = _multipart(_signed_in(owners[0]), CAST,
                      {"right": str(_right(motion, owners[0]).pk), "choice": "AGREE", "face": "spoofed"},
                      {"signature": _png()})
    error = _error(body)
    assert (error["code"], error["message"], error["field"]) == ("FACE_FAILED", "人脸核验未通过，请重试。", "faceToken")
    assert not Ballot.objects.exists()


# --- results -------------------------------------------------------------------------------------


def test_running_results_are_hidden_from_owners_and_staff_before_close(vote):
    community, chair, owners, motion = vote
    _cast(owners[0], _right(motion, owners[0]))
    for user in (owners[0], chair):
        data = _post(_signed_in(user), MOTION, {"id": str(motion.pk)})["data"]["motion"]
        assert data["status"] == "VOTING" and data["result"] is None


def test_running_results_show_when_the_vote_does_not_hide_them(vote):
    community, chair, owners, _ = vote
    motion = voting_motion(community, chair, hide_running_results=False)
    _cast(owners[0], _right(motion, owners[0]))
    result = _post(_signed_in(owners[1]), MOTION, {"id": str(motion.pk)})["data"]["motion"]["result"]
    assert result["agree"] == {"area": "100.00", "heads": 1}
    assert (result["participationMet"], result["verdict"], result["verdictLabel"]) == (False, "NO_QUORUM",
                                                                                       "未达到参与表决要求")


def test_after_close_everyone_sees_the_result_of_the_one_engine(vote):
    community, chair, owners, motion = vote
    for owner, choice in zip(owners, ["AGREE", "AGREE", "AGREE", "AGREE", "OPPOSE"]):
        _cast(owner, _right(motion, owner), choice)
    Motion.objects.filter(pk=motion.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    services.motion_close(motion=motion, actor=chair)

    result = _post(_signed_in(owners[5]), MOTION, {"id": str(motion.pk)})["data"]["motion"]["result"]

    assert result == {
        "total": {"area": "600.00", "heads": 6}, "participating": {"area": "500.00", "heads": 5},
        "agree": {"area": "400.00", "heads": 4}, "oppose": {"area": "100.00", "heads": 1},
        "abstain": {"area": "0.00", "heads": 0}, "void": {"area": "0.00", "heads": 0},
        "participationMet": True, "approvalMet": True, "approved": True, "verdict": "PASSED",
        "verdictLabel": "通过",
    }
    engine = selectors.motion_result(Motion.objects.get(pk=motion.pk))
    assert result["agree"]["area"] == f"{engine.agree.area:.2f}" and result["verdictLabel"] == engine.verdict_label


def per_ballot_count(motion):
    """The engine's other path: every roll unit and ballot counted one by one (as `recount` does)."""
    from governance.decisions.models import RollUnit
    from governance.voting.tally import CastBallot
    from governance.voting.tally import RollUnit as TallyUnit
    from governance.voting.tally import tally

    units = [TallyUnit(unit=str(u.unit_id), cents=int(u.area * 100), owner=u.right.key,
                       developer_held=u.right.is_developer)
             for u in RollUnit.objects.filter(motion=motion).select_related("right")]
    ballots = [CastBallot(owner=b.right.key, choice=b.choice, void=b.void)
               for b in Ballot.objects.filter(motion=motion).select_related("right")]
    return tally(motion.rule, units, ballots)


def test_the_batched_aggregate_count_equals_the_per_ballot_count():
    community, chair, owners = community_with_owners(5)
    first = voting_motion(community, chair)
    second = voting_motion(community, chair, matter_type="fund_raise")
    for motion in (first, second):
        for owner, choice in zip(owners, ["agree", "oppose", "abstain", "agree"]):
            services.ballot_cast(right=_right(motion, owner), choice=choice, actor=owner)
    services.ballot_void(ballot=Ballot.objects.filter(motion=second).first(), actor=chair, reason="字迹不清")
    batched = selectors.motion_results([first, second])
    for motion in (first, second):
        assert batched[motion.pk].to_dict() == per_ballot_count(motion).to_dict()
    assert batched[second.pk].void.heads == 1


def test_my_rights_across_motions_agree_with_rights_for_user(vote):
    community, chair, owners, motion = vote
    other = voting_motion(community, chair)
    for owner in owners:
        expected = [*selectors.rights_for_user(motion, owner), *selectors.rights_for_user(other, owner)]
        assert sorted(r.pk for r in my_rights(owner)) == sorted(r.pk for r in expected)


# --- scoping -------------------------------------------------------------------------------------


def test_another_communitys_motion_is_null_with_not_found(vote):
    community, chair, owners, motion = vote
    _, _, elsewhere = community_with_owners(1)
    for motion_id in (str(motion.pk), "999999", "abc"):
        body = _post(_signed_in(elsewhere[0]), MOTION, {"id": motion_id})
        assert body["data"]["motion"] is None
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert _post(_signed_in(elsewhere[0]), "{ motions { id } }")["data"]["motions"] == []
    code = community.code
    assert _post(_signed_in(elsewhere[0]), f'{{ motions(communityCode: "{code}") {{ id }} }}')["data"]["motions"] == []


def test_drafts_are_for_the_committee_only(vote):
    community, chair, owners, motion = vote
    now = timezone.now()
    draft = services.motion_create(community=community, actor=chair, matter_type="other", title="草稿事项",
                                   content="c", opens_at=now, closes_at=now + timedelta(days=3))
    owner_ids = [m["id"] for m in _post(_signed_in(owners[0]), "{ motions { id } }")["data"]["motions"]]
    chair_ids = [m["id"] for m in _post(_signed_in(chair), "{ motions { id } }")["data"]["motions"]]
    assert owner_ids == [str(motion.pk)]
    assert sorted(chair_ids) == sorted([str(motion.pk), str(draft.pk)])
    body = _post(_signed_in(owners[0]), MOTION, {"id": str(draft.pk)})
    assert body["data"]["motion"] is None and body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_motions_filter_by_status_and_page(vote):
    community, chair, owners, first = vote
    second = voting_motion(community, chair, title="第二项")
    third = voting_motion(community, chair, title="第三项")
    services.motion_withdraw(motion=third, actor=chair, reason="重新起草")
    client = _signed_in(owners[0])

    query = "query ($s: MotionStatus, $f: Int, $o: Int) { motions(status: $s, first: $f, offset: $o) { id status } }"
    voting = _post(client, query, {"s": "VOTING"})["data"]["motions"]
    page1 = _post(client, query, {"f": 2, "o": 0})["data"]["motions"]
    page2 = _post(client, query, {"f": 2, "o": 2})["data"]["motions"]
    bad = _post(client, query, {"f": 0})

    assert sorted(m["id"] for m in voting) == sorted([str(first.pk), str(second.pk)])
    assert len(page1) == 2 and len(page2) == 1
    assert {m["id"] for m in page1 + page2} == {str(first.pk), str(second.pk), str(third.pk)}
    assert bad["errors"][0]["extensions"]["code"] == "INVALID"


# --- query counts --------------------------------------------------------------------------------


def _count(client, query) -> int:
    with CaptureQueriesContext(connection) as ctx:
        body = _post(client, query)
    assert "errors" not in body, body
    return len(ctx.captured_queries)


def test_my_open_motions_costs_the_same_for_one_and_ten_motions():
    community, chair, owners = community_with_owners(3)
    owner = owners[0]
    query = OPEN.replace("allowChange", "allowChange attachments { title } result { verdictLabel agree { heads } }")
    first = voting_motion(community, chair, hide_running_results=False)
    services.ballot_cast(right=_right(first, owner), choice="agree", actor=owner)
    client = _signed_in(owner)
    client.get("/graphql/", {"query": "{ ping }"})

    one = _count(client, query)
    for i in range(9):
        motion = voting_motion(community, chair, title=f"事项{i}", hide_running_results=False)
        services.ballot_cast(right=_right(motion, owner), choice="oppose", actor=owner)
    ten = _count(client, query)

    assert len(_post(client, query)["data"]["myOpenMotions"]) == 10
    assert one == ten


def test_motions_list_costs_the_same_for_one_and_ten_closed_motions():
    community, chair, owners = community_with_owners(3)
    query = "{ motions(first: 50) { id title myRights { id ballot { choice } } result { verdict total { heads } } } }"

    def closed_motion(i):
        motion = voting_motion(community, chair, title=f"事项{i}")
        services.ballot_cast(right=_right(motion, owners[0]), choice="agree", actor=owners[0])
        Motion.objects.filter(pk=motion.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
        return services.motion_close(motion=motion, actor=chair)

    closed_motion(0)
    client = _signed_in(owners[0])
    client.get("/graphql/", {"query": "{ ping }"})
    one = _count(client, query)
    for i in range(1, 10):
        closed_motion(i)
    ten = _count(client, query)

    motions = _post(client, query)["data"]["motions"]
    assert len(motions) == 10 and all(m["result"]["total"]["heads"] == 3 for m in motions)
    assert Motion.objects.filter(status=MotionStatus.CLOSED).count() == 10
    assert one == ten

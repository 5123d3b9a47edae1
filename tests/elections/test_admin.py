"""The elections admin: terms, rounds, candidate review, paper ballots and void, results with "设为业委会委员",
preparatory groups — all scoped: another community's rows are absent from lists and 404 on every URL."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from governance.elections import services
from governance.elections.models import (
    Candidate,
    CandidateStatus,
    ElectionBallot,
    ElectionRound,
    PreparatoryGroup,
    RoundStatus,
    Term,
)
from portal.accounts.models import Membership, Role
from tests.decisions.factories import community_with_owners
from tests.elections.factories import png, register, registering_round, street_staff, term_for, voting_stage

pytestmark = pytest.mark.django_db


def scan_upload():
    return SimpleUploadedFile("scan.png", png().getvalue(), content_type="image/png")


@pytest.fixture
def two():
    """A: a round in voting with three candidates; B: another community's round and candidate."""
    a = voting_stage(n_owners=4, seats=2, n_candidates=3)
    b = voting_stage(n_owners=2, seats=1, n_candidates=1)
    ElectionRound.objects.filter(pk=b.election.pk).update(title="乙小区秘密选举")
    Candidate.objects.filter(pk=b.candidates[0].pk).update(name="乙候选人")
    return a, b


LISTS = ["elections_term:index", "elections_round:index", "elections_candidate:index",
         "elections_preparatory:index"]


@pytest.mark.parametrize("url_name", LISTS)
def test_lists_show_only_the_users_community(two, client, url_name):
    a, b = two
    client.force_login(a.chair)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "乙小区秘密选举" not in html and "乙候选人" not in html


def test_b_objects_are_404_on_every_url(two, client):
    a, b = two
    client.force_login(a.chair)
    rid = b.election.pk
    ballot_right = b.right(b.owners[0])
    services.election_ballot_cast(right=ballot_right, candidates=b.candidates, actor=b.owners[0])
    ballot = ElectionBallot.objects.get(right=ballot_right)
    for name, args in [("elections_round:inspect", [rid]), ("elections_round:paper", [rid]),
                       ("elections_round:results", [rid]), ("elections_round:details", [rid]),
                       ("elections_round:scan", [rid, ballot.pk]),
                       ("elections_candidate:inspect", [b.candidates[0].pk]),
                       ("elections_candidate:signature", [b.candidates[0].pk]),
                       ("elections_term:inspect", [b.election.term_id]), ("elections_term:edit", [b.election.term_id])]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    for name, args, data in [("elections_round:action", [rid], {"action": "close"}),
                             ("elections_round:void", [rid, ballot.pk], {"reason": "x"}),
                             ("elections_round:members", [rid], {}),
                             ("elections_round:paper", [rid], {"right": ballot_right.pk}),
                             ("elections_candidate:approve", [b.candidates[0].pk], {})]:
        assert client.post(reverse(name, args=args), data).status_code == 404, name
    assert not ElectionBallot.objects.get(pk=ballot.pk).void
    # A's own ballot id through A's round URL does not reach B's ballot either
    assert client.post(reverse("elections_round:void", args=[a.election.pk, ballot.pk]),
                       {"reason": "x"}).status_code == 404


def test_owners_have_no_admin(two, client):
    a, b = two
    client.force_login(a.owners[0])
    assert client.get(reverse("elections_round:inspect", args=[a.election.pk])).status_code in (302, 403)


def test_creating_a_term_and_a_round_through_the_admin(client):
    community, chair, owners = community_with_owners(2)
    client.force_login(chair)
    response = client.post(reverse("elections_term:add"), {
        "community": community.pk, "name": "第三届业主委员会", "starts_on": "2027-01-01", "ends_on": "2031-12-31",
        "seats": 5, "contact_phone": "0531-1234567"})
    assert response.status_code == 302, response.content.decode()[:3000]
    term = Term.objects.get(name="第三届业主委员会")
    assert term.created_by == chair
    response = client.post(reverse("elections_round:add"), {
        "term": term.pk, "title": "第三届业委会选举", "description": "", "seats": "",
        "registration_opens_at": "2026-12-01 09:00", "registration_closes_at": "2026-12-10 18:00",
        "voting_opens_at": "2026-12-11 09:00", "voting_closes_at": "2026-12-20 18:00",
        "signature_method": "handwritten", "participation_area": "2/3", "participation_heads": "2/3",
        "approval_area": "1/2", "approval_heads": "1/2", "approval_strict": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    election = ElectionRound.objects.get(title="第三届业委会选举")
    assert (election.seats, election.status, election.community) == (5, RoundStatus.DRAFT, community)
    response = client.post(reverse("elections_round:action", args=[election.pk]), {"action": "open_registration"},
                           follow=True)
    assert "已开始报名" in response.content.decode()
    assert ElectionRound.objects.get(pk=election.pk).status == RoundStatus.REGISTRATION


def test_a_bad_window_is_a_form_error_in_chinese(client):
    community, chair, owners = community_with_owners(1)
    term = term_for(community, chair)
    client.force_login(chair)
    response = client.post(reverse("elections_round:add"), {
        "term": term.pk, "title": "时间错误的选举", "seats": "2",
        "registration_opens_at": "2026-12-10 09:00", "registration_closes_at": "2026-12-01 18:00",
        "voting_opens_at": "2026-12-11 09:00", "voting_closes_at": "2026-12-20 18:00",
        "signature_method": "none", "participation_area": "2/3", "participation_heads": "2/3",
        "approval_area": "1/2", "approval_heads": "1/2"})
    assert response.status_code == 200
    assert "报名截止时间必须晚于报名开始时间" in response.content.decode()
    assert not ElectionRound.objects.filter(title="时间错误的选举").exists()


def test_candidate_review_screen_approves_and_rejects(client):
    community, chair, owners = community_with_owners(3)
    election = registering_round(community, chair)
    first, second = register(election, owners[:2], approve=False)
    client.force_login(chair)
    html = client.get(reverse("elections_candidate:inspect", args=[first.pk])).content.decode()
    assert "资格审查" in html and "我的参选陈述0" in html
    client.post(reverse("elections_candidate:approve", args=[first.pk]))
    response = client.post(reverse("elections_candidate:reject", args=[second.pk]), {"reason": ""}, follow=True)
    assert "不通过必须填写理由" in response.content.decode()
    client.post(reverse("elections_candidate:reject", args=[second.pk]), {"reason": "非本小区业主"})
    assert Candidate.objects.get(pk=first.pk).status == CandidateStatus.APPROVED
    assert Candidate.objects.get(pk=second.pk).reason == "非本小区业主"


def test_paper_entry_and_void_screens(two, client):
    a, b = two
    client.force_login(a.chair)
    right = a.right(a.owners[0])
    html = client.get(reverse("elections_round:paper", args=[a.election.pk])).content.decode()
    assert 'data-testid="paper-form"' in html and right.label in html
    response = client.post(reverse("elections_round:paper", args=[a.election.pk]),
                           {"right": right.pk, "candidates": [c.pk for c in a.candidates], "scan": scan_upload()},
                           follow=True)
    assert "最多选择 2 名候选人" in response.content.decode()
    response = client.post(reverse("elections_round:paper", args=[a.election.pk]),
                           {"right": right.pk, "candidates": [a.candidates[0].pk], "scan": scan_upload()}, follow=True)
    assert "已录入" in response.content.decode()
    ballot = ElectionBallot.objects.get(right=right)
    assert (ballot.channel, ballot.entered_by) == ("paper", a.chair)
    scan = client.get(reverse("elections_round:scan", args=[a.election.pk, ballot.pk]))
    assert scan.status_code == 200 and scan["Content-Type"] == "image/png"
    client.post(reverse("elections_round:void", args=[a.election.pk, ballot.pk]), {"reason": "无签名"})
    ballot.refresh_from_db()
    assert ballot.void and ballot.void_reason == "无签名" and ballot.voided_by == a.chair


def test_results_screen_makes_the_elected_committee_members(client):
    stage = voting_stage(n_owners=4, seats=2, n_candidates=3)
    a, b, c = stage.candidates
    for owner, pick in zip(stage.owners, [(a, b), (a, b), (a, b), (c,)]):
        services.election_ballot_cast(right=stage.right(owner), candidates=list(pick), actor=owner)
    client.force_login(stage.chair)
    results_url = reverse("elections_round:results", args=[stage.election.pk])
    assert "投票截止后显示结果" in client.get(results_url).content.decode()
    stage.close()
    html = client.get(reverse("elections_round:results", args=[stage.election.pk])).content.decode()
    assert "设为业委会委员" in html and "选举有效" in html
    response = client.post(reverse("elections_round:members", args=[stage.election.pk]), follow=True)
    assert "已将 2 名当选人设为业委会委员" in response.content.decode()
    assert set(Membership.objects.filter(role=Role.COMMITTEE_MEMBER, community=stage.community).exclude(
        user=stage.chair).values_list("user", flat=True)) == {a.user_id, b.user_id}
    details = client.get(reverse("elections_round:details", args=[stage.election.pk]))
    assert details.status_code == 200 and details.content[:2] == b"PK"


def test_results_screen_with_a_tie_resolves_it_before_members(client):
    stage = voting_stage(n_owners=5, seats=2, n_candidates=3)
    a, b, c = stage.candidates
    for owner, pick in zip(stage.owners, [(a, b), (a, c), (a, b), (a, c), (b, c)]):
        services.election_ballot_cast(right=stage.right(owner), candidates=list(pick), actor=owner)
    stage.close()
    client.force_login(stage.chair)
    html = client.get(reverse("elections_round:results", args=[stage.election.pk])).content.decode()
    assert "处理并列" in html and 'data-testid="make-members"' not in html
    response = client.post(reverse("elections_round:members", args=[stage.election.pk]), follow=True)
    assert "请先按议事规则决选或抽签确定当选人" in response.content.decode()
    client.post(reverse("elections_round:tie", args=[stage.election.pk]), {"winners": [b.pk], "reason": "抽签"})
    response = client.post(reverse("elections_round:members", args=[stage.election.pk]), follow=True)
    assert "已将 2 名当选人设为业委会委员" in response.content.decode()


def test_the_street_opens_a_preparatory_group_in_the_admin_and_committees_cannot(client):
    community, chair, owners = community_with_owners(2)
    street = street_staff(community)
    data = {"community": community.pk, "name": "首届业主大会筹备组", "seats": 5, "leader_phone": "13900002222",
            "phone_public": "on", "registration_opens_at": "2026-12-01 09:00",
            "registration_closes_at": "2026-12-10 18:00", "voting_opens_at": "2026-12-11 09:00",
            "voting_closes_at": "2026-12-20 18:00", "signature_method": "handwritten"}
    client.force_login(chair)
    assert client.get(reverse("elections_preparatory:add")).status_code in (302, 403)
    client.force_login(street)
    response = client.post(reverse("elections_preparatory:add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    group = PreparatoryGroup.objects.get()
    assert group.round.status == RoundStatus.REGISTRATION and group.round.seats == 5 and group.phone_public
    html = client.get(reverse("elections_preparatory:inspect", args=[group.pk])).content.decode()
    assert "首届业主大会筹备组" in html and "尚未确认成员" in html


def test_the_street_confirms_preparatory_members_on_the_results_screen(client):
    community, chair, owners = community_with_owners(3)
    street = street_staff(community)
    now = timezone.now()
    group = services.preparatory_group_create(
        community=community, actor=street, name="筹备组", seats=2, registration_opens_at=now - timedelta(days=2),
        registration_closes_at=now - timedelta(days=1), voting_opens_at=now - timedelta(hours=1),
        voting_closes_at=now + timedelta(days=1), signature_method="none")
    a, b = register(group.round, owners[:2], actor=street, signature=True)
    election = services.round_close_registration(election=group.round, actor=street)
    election = services.round_open(election=election, actor=street)
    from governance.elections import selectors

    for owner in owners:
        services.election_ballot_cast(right=selectors.rights_for_user(election, owner).get(), candidates=[a, b],
                                      actor=owner)
    services.round_close(election=election, actor=street, now=election.voting_closes_at + timedelta(seconds=1))
    client.force_login(street)
    html = client.get(reverse("elections_round:results", args=[election.pk])).content.decode()
    assert 'data-testid="confirm-form"' in html and "设为业委会委员" not in html
    response = client.post(reverse("elections_round:confirm", args=[election.pk]),
                           {"candidates": [a.pk, b.pk], "leader": a.pk}, follow=True)
    assert "已确认 2 名筹备组成员" in response.content.decode()
    assert list(group.members.values_list("name", "is_leader")) == [(a.name, True), (b.name, False)]

"""The owners' election pages: list, detail with candidates and statements, registering, voting with at most
`seats` ticks and a signature, results after close; another community's election is a 404 everywhere."""

import base64
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from governance.elections import services
from governance.elections.models import Candidate, ElectionBallot
from tests.decisions.factories import community_with_owners
from tests.elections.factories import registering_round, street_staff, voting_stage
from tests.factories import ResidencyFactory

pytestmark = pytest.mark.django_db


def signature_data_url():
    buffer = io.BytesIO()
    Image.new("RGB", (50, 20), "white").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def open_registration(community, chair):
    now = timezone.now()
    return registering_round(community, chair, registration_opens_at=now - timedelta(hours=1),
                             registration_closes_at=now + timedelta(hours=1), voting_opens_at=now + timedelta(hours=2),
                             voting_closes_at=now + timedelta(days=2))


def test_an_owner_registers_from_the_page_and_sees_the_pending_status(client):
    community, chair, owners = community_with_owners(2)
    election = open_registration(community, chair)
    client.force_login(owners[0])
    html = client.get(f"/elections/{election.pk}/").content.decode()
    assert 'data-testid="register-link"' in html
    response = client.post(f"/elections/{election.pk}/register/", {"statement": "热心小区事务十年"}, follow=True)
    html = response.content.decode()
    assert "报名成功" in html and 'data-testid="my-candidacy"' in html and "待审核" in html
    assert Candidate.objects.get().statement == "热心小区事务十年"


def test_a_tenant_cannot_register_from_the_page(client):
    community, chair, owners = community_with_owners(2)
    election = open_registration(community, chair)
    tenant = ResidencyFactory(unit=community.units.first()).user
    client.force_login(tenant)
    html = client.get(f"/elections/{election.pk}/").content.decode()
    assert 'data-testid="register-link"' not in html and "只有本小区已认证的业主才能报名" in html
    html = client.post(f"/elections/{election.pk}/register/", {"statement": "x"}, follow=True).content.decode()
    assert "只有本小区已认证的业主才能报名" in html
    assert not Candidate.objects.exists()


def test_candidates_and_statements_and_the_vote_form_with_signature(client):
    stage = voting_stage(signature_method="handwritten")
    client.force_login(stage.owners[0])
    html = client.get(f"/elections/{stage.election.pk}/").content.decode()
    assert "我的参选陈述0" in html and stage.candidates[2].name in html
    assert 'data-testid="vote-form"' in html and 'data-seats="2"' in html and 'data-testid="signature-pad"' in html
    right = stage.right(stage.owners[0])
    a, b, c = stage.candidates
    response = client.post(f"/elections/{stage.election.pk}/cast/",
                           {"right": right.pk, "candidates": [a.pk, b.pk, c.pk], "signature": signature_data_url()},
                           follow=True)
    assert "最多选择 2 名候选人" in response.content.decode()
    assert not ElectionBallot.objects.exists()
    response = client.post(f"/elections/{stage.election.pk}/cast/",
                           {"right": right.pk, "candidates": [a.pk, c.pk], "signature": signature_data_url()},
                           follow=True)
    html = response.content.decode()
    assert "投票成功" in html and 'data-testid="voted"' in html
    assert sorted(ElectionBallot.objects.get().selections.values_list("pk", flat=True)) == [a.pk, c.pk]
    assert 'data-testid="vote-form"' not in html  # no change allowed


def test_a_missing_signature_is_refused_with_a_chinese_message(client):
    stage = voting_stage(signature_method="handwritten")
    client.force_login(stage.owners[0])
    right = stage.right(stage.owners[0])
    html = client.post(f"/elections/{stage.election.pk}/cast/", {"right": right.pk,
                                                                  "candidates": [stage.candidates[0].pk]},
                       follow=True).content.decode()
    assert "本次选举需要手写电子签名" in html and not ElectionBallot.objects.exists()


def test_casting_for_another_owners_right_is_refused(client):
    stage = voting_stage()
    client.force_login(stage.owners[0])
    other = stage.right(stage.owners[1])
    html = client.post(f"/elections/{stage.election.pk}/cast/", {"right": other.pk}, follow=True).content.decode()
    assert "不在本次选举的表决名册中" in html and not ElectionBallot.objects.exists()


def test_results_after_close_show_heads_area_and_flags(client):
    stage = voting_stage(n_owners=5, seats=2, n_candidates=3)
    a, b, c = stage.candidates
    client.force_login(stage.owners[0])
    assert 'data-testid="result"' not in client.get(f"/elections/{stage.election.pk}/").content.decode()
    for owner, pick in zip(stage.owners, [(a, b), (a, c), (a, b), (a, c), (b, c)]):
        services.election_ballot_cast(right=stage.right(owner), candidates=list(pick), actor=owner)
    stage.close()
    html = client.get(f"/elections/{stage.election.pk}/").content.decode()
    assert 'data-testid="result"' in html and "名额线上票数并列，需决选" in html
    assert html.count('data-testid="elected"') == 1 and html.count('data-testid="runoff"') == 2
    assert "400.00（80.0%）" in html  # a: 4 heads, 400 m² of 500


def test_another_communitys_election_is_unreachable(client):
    stage = voting_stage()
    stranger = community_with_owners(1)[2][0]
    client.force_login(stranger)
    pk = stage.election.pk
    assert client.get(f"/elections/{pk}/").status_code == 404
    assert client.get(f"/elections/{pk}/register/").status_code == 404
    assert client.post(f"/elections/{pk}/cast/", {"right": stage.right(stage.owners[0]).pk}).status_code == 404
    assert client.get(f"/elections/{pk}/details.xlsx").status_code == 404
    assert stage.election.title not in client.get("/elections/").content.decode()
    assert not ElectionBallot.objects.exists()


def test_a_draft_round_is_not_shown_to_owners(client):
    community, chair, owners = community_with_owners(2)
    from tests.elections.factories import term_for

    now = timezone.now()
    draft = services.round_create(term=term_for(community, chair), actor=chair, title="草稿选举",
                                  registration_opens_at=now, registration_closes_at=now + timedelta(days=1),
                                  voting_opens_at=now + timedelta(days=2), voting_closes_at=now + timedelta(days=3))
    client.force_login(owners[0])
    assert client.get(f"/elections/{draft.pk}/").status_code == 404
    assert "草稿选举" not in client.get("/elections/").content.decode()


def test_the_preparatory_leader_phone_is_shown_only_when_public(client):
    community, chair, owners = community_with_owners(2)
    street = street_staff(community)
    now = timezone.now()
    common = dict(community=community, actor=street, seats=3, leader_phone="13900001111",
                  registration_opens_at=now - timedelta(hours=1), registration_closes_at=now + timedelta(days=1),
                  voting_opens_at=now + timedelta(days=2), voting_closes_at=now + timedelta(days=3))
    public = services.preparatory_group_create(name="公开筹备组", phone_public=True, **common)
    hidden = services.preparatory_group_create(name="不公开筹备组", phone_public=False, **common)
    client.force_login(owners[0])
    assert "13900001111" in client.get(f"/elections/{public.round.pk}/").content.decode()
    html = client.get(f"/elections/{hidden.round.pk}/").content.decode()
    assert "13900001111" not in html and "申请加入筹备组" in html

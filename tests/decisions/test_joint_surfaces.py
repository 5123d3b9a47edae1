"""Joint motions on the portal and over GraphQL: draft, co-sign, progress, convert; scoped to the community."""

import json

import pytest
from django.test import Client

from governance.decisions.joint import joint_motion_create
from governance.decisions.models import JointMotion, JointMotionStatus, Motion
from tests.decisions.factories import community_with_owners
from tests.factories import ResidencyFactory

pytestmark = pytest.mark.django_db


def gql(user, query, variables=None):
    client = Client()
    client.force_login(user)
    response = client.post("/graphql/", json.dumps({"query": query, "variables": variables or {}}),
                           content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


SIGN = """mutation($id: ID!) { signJointMotion(jointMotionId: $id) {
  errors { code message } jointMotion { signedHeads totalHeads signedArea reached status signedByMe } } }"""


def test_owners_draft_and_co_sign_on_the_portal_and_the_committee_converts(client):
    community, chair, owners = community_with_owners(6)
    client.force_login(owners[0])
    response = client.post("/votes/joint/new/", {"community": community.pk, "matter_type": "other",
                                                 "title": "增设充电桩", "content": "地面车位增设充电桩"}, follow=True)
    joint = JointMotion.objects.get()
    assert "联名动议已发起" in response.content.decode()
    assert 'data-testid="joint-signed"' in response.content.decode()
    client.force_login(owners[1])
    html = client.post(f"/votes/joint/{joint.pk}/sign/", follow=True).content.decode()
    assert "联署成功" in html and "已达联署比例" in html
    client.force_login(chair)
    response = client.post(f"/votes/joint/{joint.pk}/convert/",
                           {"opens_at": "2030-01-01T09:00", "closes_at": "2030-01-15T18:00"})
    motion = Motion.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/votes/{motion.pk}/"
    joint.refresh_from_db()
    assert joint.status == JointMotionStatus.CONVERTED and joint.motion == motion


def test_an_owner_cannot_convert_and_a_tenant_cannot_draft(client):
    community, chair, owners = community_with_owners(6)
    joint = joint_motion_create(community=community, actor=owners[0], title="t", content="c")
    client.force_login(owners[1])
    client.post(f"/votes/joint/{joint.pk}/sign/")
    html = client.post(f"/votes/joint/{joint.pk}/convert/", {"opens_at": "2030-01-01T09:00",
                                                             "closes_at": "2030-01-15T18:00"}, follow=True)
    assert "没有权限" in html.content.decode() and not Motion.objects.exists()
    tenant = ResidencyFactory(unit=community.units.first()).user
    client.force_login(tenant)
    response = client.post("/votes/joint/new/", {"community": community.pk, "matter_type": "other", "title": "x",
                                                 "content": "y"})
    assert JointMotion.objects.count() == 1 and response.status_code == 403
    assert "只有已认证的业主才能发起联名动议。" in response.content.decode()


def test_another_communitys_joint_motion_is_unreachable(client):
    community, chair, owners = community_with_owners(3)
    joint = joint_motion_create(community=community, actor=owners[0], title="本小区机密", content="c")
    _, _, strangers = community_with_owners(1)
    client.force_login(strangers[0])
    assert client.get(f"/votes/joint/{joint.pk}/").status_code == 404
    assert client.post(f"/votes/joint/{joint.pk}/sign/").status_code == 404
    assert "本小区机密" not in client.get("/votes/joint/").content.decode()
    answer = gql(strangers[0], SIGN, {"id": joint.pk})
    assert answer["data"]["signJointMotion"]["errors"][0]["code"] == "NOT_FOUND"
    assert joint.signatures.count() == 1


def test_graphql_draft_sign_and_progress():
    community, chair, owners = community_with_owners(10)
    draft = gql(owners[0], """mutation($c: String!) { draftJointMotion(communityCode: $c, title: "更换门禁",
        content: "理由") { errors { code } jointMotion { id signedHeads totalHeads signedArea totalArea
        areaThreshold reached signedByMe } } }""", {"c": community.code})["data"]["draftJointMotion"]
    assert draft["errors"] == []
    assert draft["jointMotion"] | {"id": None} == {"id": None, "signedHeads": 1, "totalHeads": 10, "signedArea": "100.00",
                                                   "totalArea": "1000.00", "areaThreshold": "1/5", "reached": False,
                                                   "signedByMe": True}
    signed = gql(owners[1], SIGN, {"id": draft["jointMotion"]["id"]})["data"]["signJointMotion"]
    assert signed["errors"] == [] and signed["jointMotion"]["reached"] is True
    assert signed["jointMotion"]["status"] == "REACHED"
    again = gql(owners[1], SIGN, {"id": draft["jointMotion"]["id"]})["data"]["signJointMotion"]
    assert again["errors"][0]["code"] == "ALREADY_SIGNED"
    listed = gql(owners[2], "{ jointMotions { title signedHeads signedByMe } }")["data"]["jointMotions"]
    assert listed == [{"title": "更换门禁", "signedHeads": 2, "signedByMe": False}]


def test_a_tenant_is_told_up_front_that_only_verified_owners_start_a_joint_motion(client):
    community, chair, owners = community_with_owners(3)
    tenant = ResidencyFactory(unit=community.units.first()).user
    client.force_login(tenant)
    response = client.get("/votes/joint/new/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "只有已认证的业主才能发起联名动议。" in html and 'href="/verify/"' in html
    assert 'name="community"' not in html
    response = client.post("/votes/joint/new/", {"community": community.pk, "matter_type": "other",
                                                 "title": "x", "content": "y"})
    assert response.status_code == 403 and "只有已认证的业主才能发起联名动议。" in response.content.decode()
    assert not JointMotion.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in_before_the_joint_motion_form(client):
    response = client.get("/votes/joint/new/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/votes/joint/new/")

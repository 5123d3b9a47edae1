"""角色成员: superusers and street offices manage roles in their scope; grants go through the service."""

import pytest
from django.urls import reverse

from governance.audit.models import AuditEvent
from portal.accounts.models import Membership, Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def b_member(world):
    return MembershipFactory(user=UserFactory(phone="13600000099", display_name="乙委员"),
                             role=Role.COMMITTEE_MEMBER, community=world.b.community)


def test_street_staff_see_their_streets_roles_only_with_masked_phones(world, as_user, b_member):
    html = as_user(world.street_a).get(reverse("accounts_membership:index")).content.decode()
    assert "136****0001" in html  # the committee member of A
    assert "13600000001" not in html
    assert "乙委员" not in html and "136****0099" not in html
    assert as_user(world.street_a).get(
        reverse("accounts_membership:inspect", args=[b_member.pk])
    ).status_code == 404


def test_committee_members_cannot_manage_roles(world, as_user):
    response = as_user(world.committee_a).get(reverse("accounts_membership:index"))
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_street_staff_grant_a_role_by_phone(world, as_user):
    grantee = UserFactory(phone="13688889999")
    response = as_user(world.street_a).post(reverse("accounts_membership:add"), {
        "phone": "13688889999", "role": Role.COMMITTEE_SECRETARY, "community": world.a.community.pk,
        "title": "执行秘书",
    })
    assert response.status_code == 302
    membership = Membership.objects.get(user=grantee)
    assert membership.role == Role.COMMITTEE_SECRETARY and membership.community == world.a.community
    assert AuditEvent.objects.filter(action="membership.grant", community=world.a.community).exists()


def test_street_staff_cannot_grant_in_another_street(world, as_user):
    UserFactory(phone="13688889999")
    response = as_user(world.street_a).post(reverse("accounts_membership:add"), {
        "phone": "13688889999", "role": Role.COMMITTEE_MEMBER, "community": world.b.community.pk,
    })
    assert response.status_code == 200
    assert not Membership.objects.filter(user__phone="13688889999").exists()


def test_an_unknown_phone_is_refused_in_chinese(world, as_user):
    response = as_user(world.street_a).post(reverse("accounts_membership:add"), {
        "phone": "13600009999", "role": Role.COMMITTEE_MEMBER, "community": world.a.community.pk,
    })
    assert "该手机号尚未注册账户" in response.content.decode()


def test_the_add_form_never_lists_users_or_other_streets(world, as_user, b_member):
    html = as_user(world.street_a).get(reverse("accounts_membership:add")).content.decode()
    assert "碧水小区" not in html and "乙委员" not in html and "136****0001" not in html


def test_superuser_sees_every_membership(world, as_user, b_member):
    html = as_user(world.superuser).get(reverse("accounts_membership:index")).content.decode()
    assert "乙委员" in html and "136****0001" in html

"""Page permissions follow roles (home.editorial): granting a role adds the Wagtail group that
carries its page permissions; deactivating or deleting the role takes it away; other groups are untouched."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupPagePermission

from home.services import ensure_community_page
from governance.registry import memberships as services
from home.editorial import COMMUNITY_GROUP_PREFIX, MODERATORS_GROUP, editorial_groups_sync
from knowledge.services import ensure_knowledge_home, ensure_legal_aid_home
from portal.accounts.models import Membership, Role
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def group_names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_an_editor_role_makes_a_moderator_and_its_end_unmakes_him():
    user = UserFactory()
    membership = services.membership_grant(user=user, role=Role.EDITOR)
    assert group_names(user) == {MODERATORS_GROUP}
    membership.active = False
    membership.save(update_fields=["active"])
    assert editorial_groups_sync(user=user) == ([], [MODERATORS_GROUP])
    assert group_names(user) == set()


def test_a_committee_role_gives_page_rights_on_that_communitys_home_only():
    sunny, blue = CommunityFactory(code="sunny"), CommunityFactory(code="blue")
    user = UserFactory()
    services.membership_grant(user=user, role=Role.COMMITTEE_SECRETARY, community=sunny)
    group = Group.objects.get(name=f"{COMMUNITY_GROUP_PREFIX}sunny")
    assert group_names(user) == {group.name}
    pages = set(GroupPagePermission.objects.filter(group=group).values_list("page_id", flat=True))
    assert pages == {ensure_community_page(sunny).pk}
    assert set(GroupPagePermission.objects.filter(group=group).values_list("permission__codename", flat=True)) == {
        "add_page", "change_page", "publish_page", "lock_page", "unlock_page"}
    assert ensure_community_page(blue).permissions_for_user(user).can_edit() is False
    assert ensure_community_page(sunny).permissions_for_user(user).can_edit() is True


def test_property_staff_owners_and_government_staff_get_no_page_rights():
    sunny = CommunityFactory(code="sunny")
    staff = UserFactory()
    services.membership_grant(user=staff, role=Role.PROPERTY_STAFF, community=sunny)
    services.membership_grant(user=staff, role=Role.RC_STAFF, residents_committee=sunny.residents_committee)
    assert group_names(staff) == set()


def test_two_members_share_one_group_and_granting_twice_changes_nothing():
    sunny = CommunityFactory(code="sunny")
    a, b = UserFactory(), UserFactory()
    services.membership_grant(user=a, role=Role.COMMITTEE_MEMBER, community=sunny)
    services.membership_grant(user=b, role=Role.COMMITTEE_MEMBER, community=sunny)
    services.membership_grant(user=a, role=Role.COMMITTEE_MEMBER, community=sunny)
    assert Group.objects.filter(name__startswith=COMMUNITY_GROUP_PREFIX).count() == 1
    group = Group.objects.get(name=f"{COMMUNITY_GROUP_PREFIX}sunny")
    assert set(group.user_set.all()) == {a, b}
    assert GroupPagePermission.objects.filter(group=group).count() == 5


def test_groups_not_managed_here_survive_a_sync():
    user = UserFactory()
    manual = Group.objects.create(name="手工授权的组")
    user.groups.add(manual)
    services.membership_grant(user=user, role=Role.EDITOR)
    Membership.objects.filter(user=user).update(active=False)
    editorial_groups_sync(user=user)
    assert group_names(user) == {"手工授权的组"}


def test_deactivating_in_the_admin_takes_the_page_rights_away(client):
    sunny = CommunityFactory(code="sunny")
    member = UserFactory()
    membership = services.membership_grant(user=member, role=Role.COMMITTEE_MEMBER, community=sunny)
    page = ensure_community_page(sunny)
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post(
        reverse("accounts_membership:edit", args=[membership.pk]),
        {"title": "", "team": "", "starts_on": "", "ends_on": ""},  # "active" unchecked
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    assert Membership.objects.get(pk=membership.pk).active is False
    assert group_names(member) == set()
    assert page.permissions_for_user(member).can_edit() is False


def test_a_flushed_database_without_wagtails_groups_still_grants_the_editor_role():
    # Given a database where Wagtail's initial "Moderators" group is gone (a flush, as transactional tests do)
    Group.objects.filter(name=MODERATORS_GROUP).delete()
    user = UserFactory()
    # When the editor role is granted, then the group is recreated, with page rights on the knowledge and
    # legal-aid roots (once they exist) and none on the tree's root
    services.membership_grant(user=user, role=Role.EDITOR)
    group = Group.objects.get(name=MODERATORS_GROUP)
    assert group_names(user) == {MODERATORS_GROUP}
    roots = {ensure_knowledge_home().pk, ensure_legal_aid_home().pk}
    granted = GroupPagePermission.objects.filter(group=group)
    assert set(granted.values_list("page_id", flat=True)) == roots
    assert set(granted.values_list("permission__codename", flat=True)) >= {"add_page", "change_page", "publish_page"}

"""Who may enter the Wagtail admin at all: staff with an admin role and editors; never owners or tenants."""

import pytest
from django.contrib.auth.models import AnonymousUser

from portal.accounts.models import Membership, Role
from governance.registry.admin_scoping import RoleAdminAccessBackend
from tests.admin.conftest import sidebar_menu
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _is_sent_to_login(response):
    return response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    assert _is_sent_to_login(client.get("/admin/"))


@pytest.mark.parametrize("who", ["tenant_a", "owner_a"])
def test_tenant_and_owner_without_a_staff_role_cannot_enter(world, as_user, who):
    response = as_user(getattr(world, who)).get("/admin/")
    assert _is_sent_to_login(response)
    assert as_user(getattr(world, who)).get("/admin/registry/units/").status_code == 302


@pytest.mark.parametrize("who", ["committee_a", "property_a", "street_a", "superuser"])
def test_staff_with_an_admin_role_enter_and_see_the_registry_menu(world, as_user, who):
    response = as_user(getattr(world, who)).get("/admin/")
    assert response.status_code == 200
    menu = sidebar_menu(response)
    assert "小区登记" in menu and menu["房屋"] == "/admin/registry/units/"


def test_editor_enters_but_sees_no_registry_menu(db, as_user):
    editor = Membership.objects.create(user=UserFactory(), role=Role.EDITOR).user
    response = as_user(editor).get("/admin/")
    assert response.status_code == 200
    assert "小区登记" not in sidebar_menu(response)


def test_an_ended_membership_closes_the_admin(world, as_user):
    Membership.objects.filter(user=world.committee_a).update(active=False)
    assert _is_sent_to_login(as_user(world.committee_a).get("/admin/"))


def test_the_backend_grants_admin_access_and_nothing_else(world):
    backend = RoleAdminAccessBackend()
    assert backend.has_perm(world.committee_a, "wagtailadmin.access_admin") is True
    assert backend.has_perm(world.committee_a, "registry.change_unit") is False
    assert backend.has_perm(world.owner_a, "wagtailadmin.access_admin") is False
    assert backend.has_perm(AnonymousUser(), "wagtailadmin.access_admin") is False
    world.committee_a.is_active = False
    assert backend.has_perm(world.committee_a, "wagtailadmin.access_admin") is False


def test_the_roster_menu_item_is_shown_to_registry_managers_only(world, as_user):
    import importlib.util

    if importlib.util.find_spec("governance.registry.admin_roster") is None:
        pytest.skip("名册导入页面（governance.registry.admin_roster）尚未加入")
    assert sidebar_menu(as_user(world.committee_a).get("/admin/"))["名册导入"] == "/admin/roster/"
    assert "名册导入" not in sidebar_menu(as_user(world.property_a).get("/admin/"))


def test_the_audit_and_role_menus_follow_the_users_rights(world, as_user):
    committee = sidebar_menu(as_user(world.committee_a).get("/admin/"))
    street = sidebar_menu(as_user(world.street_a).get("/admin/"))
    property_staff = sidebar_menu(as_user(world.property_a).get("/admin/"))
    assert "留痕记录" in committee and "角色成员" not in committee
    assert "留痕记录" in street and "角色成员" in street
    assert "留痕记录" not in property_staff and "认证申请" not in property_staff and "房屋" in property_staff

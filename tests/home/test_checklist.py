"""开启条件: two items ticked by staff, two computed (三项规约已上传, 物业经理已邀请); shown on the
community page to the community's registry managers only, and in the admin."""

import pytest
from django.urls import reverse

from governance.audit.models import AuditEvent
from governance.errors import DomainError, ErrorCode
from home import services
from home.models import ActivationChecklist, BylawKind
from home.selectors import activation_status
from portal.accounts.models import PropertyTeam, Role
from tests.factories import MembershipFactory
from tests.home.conftest import pdf_upload, sub_url

pytestmark = pytest.mark.django_db


def _done(community) -> dict[str, bool]:
    return {item.key: item.done for item in activation_status(community).items}


def test_a_new_community_meets_no_condition(world):
    status = activation_status(world.a.community)
    assert [(item.label, item.done, item.computed) for item in status.items] == [
        ("保密协议已签署", False, False),
        ("名册使用已授权", False, False),
        ("三项规约已上传", False, True),
        ("物业经理已邀请", False, True),
    ]
    assert status.complete is False and status.done_count == 0


def test_bylaws_uploaded_is_computed_from_all_three_bylaws(world):
    a = world.a
    services.bylaw_save(community=a.community, kind=BylawKind.RULES_OF_PROCEDURE, actor=a.committee,
                        upload=pdf_upload("议事规则"))
    services.bylaw_save(community=a.community, kind=BylawKind.WORKING_RULES, actor=a.committee, body="<p>工作规则</p>")
    assert _done(a.community)["bylaws_uploaded"] is False
    services.bylaw_save(community=a.community, kind=BylawKind.MANAGEMENT_STATUTE, actor=a.committee,
                        body="<p>管理规约</p>")
    assert _done(a.community)["bylaws_uploaded"] is True
    assert _done(world.b.community)["bylaws_uploaded"] is False


def test_manager_invited_needs_an_active_property_manager_of_the_community(world):
    a = world.a
    assert _done(a.community)["manager_invited"] is False  # the fixture's property staff has no team
    MembershipFactory(community=a.community, role=Role.PROPERTY_STAFF, team=PropertyTeam.REPAIR)
    MembershipFactory(community=world.b.community, role=Role.PROPERTY_STAFF, team=PropertyTeam.MANAGER)
    inactive = MembershipFactory(community=a.community, role=Role.PROPERTY_STAFF, team=PropertyTeam.MANAGER,
                                 active=False)
    assert _done(a.community)["manager_invited"] is False
    inactive.active = True
    inactive.save()
    assert _done(a.community)["manager_invited"] is True


def test_manual_items_are_ticked_through_the_service_with_an_audit_event(world):
    a = world.a
    checklist = services.checklist_set(community=a.community, actor=a.committee, nda_signed=True)
    assert checklist.nda_signed is True and checklist.nda_signed_at is not None
    assert checklist.roster_authorized is False and checklist.roster_authorized_at is None
    event = AuditEvent.objects.get(action="home.checklist.update")
    assert event.summary == {"nda_signed": True} and event.actor == a.committee
    services.checklist_set(community=a.community, actor=a.committee, nda_signed=True)  # no change, no event
    assert AuditEvent.objects.filter(action="home.checklist.update").count() == 1


def test_only_registry_managers_of_the_community_may_tick(world):
    for actor in (world.a.property_staff, world.a.owner, world.b.committee, world.outsider):
        with pytest.raises(DomainError) as caught:
            services.checklist_set(community=world.a.community, actor=actor, nda_signed=True)
        assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert not ActivationChecklist.objects.exists()


@pytest.mark.parametrize("who, shown", [
    ("committee", True), ("superuser", True), ("property_staff", False), ("owner", False), ("b_committee", False),
    ("outsider", False), ("anonymous", False),
])
def test_the_checklist_shows_on_the_community_page_to_its_managers_only(world, as_user, who, shown):
    user = {"committee": world.a.committee, "superuser": world.superuser, "property_staff": world.a.property_staff,
            "owner": world.a.owner, "b_committee": world.b.committee, "outsider": world.outsider,
            "anonymous": None}[who]
    html = as_user(user).get(world.a.page.url).content.decode()
    assert ('data-testid="activation-checklist"' in html) is shown


def test_staff_tick_items_on_the_page_and_computed_items_show_their_state(world, as_user):
    a = world.a
    MembershipFactory(community=a.community, role=Role.PROPERTY_STAFF, team=PropertyTeam.MANAGER)
    client = as_user(a.committee)
    response = client.post(sub_url(a.page, "checklist"), {"nda_signed": "on", "roster_authorized": "on"})
    assert response.status_code == 302 and response["Location"] == a.page.url + "#checklist"
    html = client.get(a.page.url).content.decode()
    assert 'data-testid="check-nda_signed" data-done="1"' in html
    assert 'data-testid="check-roster_authorized" data-done="1"' in html
    assert 'data-testid="check-bylaws_uploaded" data-done="0"' in html
    assert 'data-testid="check-manager_invited" data-done="1"' in html
    assert "3/4" in html


def test_others_cannot_post_to_the_checklist(world, as_user):
    url = sub_url(world.a.page, "checklist")
    for user in (world.a.owner, world.a.property_staff, world.b.committee):
        assert as_user(user).post(url, {"nda_signed": "on"}).status_code == 404
    assert as_user(world.a.committee).get(url).status_code == 405
    assert not ActivationChecklist.objects.exists()


def test_the_admin_lists_checklists_of_the_users_communities(world, as_user):
    services.checklist_set(community=world.a.community, actor=world.a.committee, nda_signed=True)
    services.checklist_set(community=world.b.community, actor=world.b.committee, roster_authorized=True)
    client = as_user(world.a.committee)
    html = client.get(reverse("home_checklist:index")).content.decode()
    assert "阳光小区" in html and "碧水小区" not in html
    b = ActivationChecklist.objects.get(community=world.b.community)
    assert client.get(reverse("home_checklist:edit", args=[b.pk])).status_code == 404
    a = ActivationChecklist.objects.get(community=world.a.community)
    response = client.post(reverse("home_checklist:edit", args=[a.pk]), {"nda_signed": "", "roster_authorized": "on"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.nda_signed, a.roster_authorized) == (False, True)
    assert AuditEvent.objects.filter(action="home.checklist.update", community=world.a.community).count() == 2

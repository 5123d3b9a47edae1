"""A committee member of A reaches A's registry and nothing of B: lists, filters, exports, search,
choosers and every object URL (inspect, edit, delete, history) answer 404 for B's rows."""

import pytest
from django.urls import reverse

from governance.registry.models import Building, Ownership, Person, Unit

pytestmark = pytest.mark.django_db

# B's unique markers: none of them may reach A's staff.
B_MARKERS = ["9901", "乙某某", "九号楼", "碧水小区", "乙某妻"]

LISTS = {
    "registry_community": "阳光小区",
    "registry_building": "1栋",
    "registry_unit": "1栋-1单元-101",
    "registry_person": "张甲某",
    "registry_ownership": "张甲某",
    "registry_residency": "1栋-1单元-101",
    "registry_application": "张甲妻",
}


def _objects(side):
    return {
        "registry_community": side.community,
        "registry_building": side.building,
        "registry_unit": side.unit,
        "registry_person": side.person,
        "registry_ownership": side.ownership,
        "registry_application": side.application,
        "registry_committee": side.community.residents_committee,
        "registry_street": side.community.residents_committee.street,
    }


def _assert_no_b(html):
    leaked = [marker for marker in B_MARKERS if marker in html]
    assert not leaked, f"B's rows leaked: {leaked}"


@pytest.mark.parametrize("viewset,a_marker", LISTS.items())
def test_lists_show_a_and_never_b(world, as_user, viewset, a_marker):
    response = as_user(world.committee_a).get(reverse(f"{viewset}:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert a_marker in html
    _assert_no_b(html)


@pytest.mark.parametrize("viewset", ["registry_street", "registry_committee"])
def test_streets_and_committees_list_only_the_users_own(world, as_user, viewset):
    html = as_user(world.committee_a).get(reverse(f"{viewset}:index")).content.decode()
    assert "东城" in html and "西城" not in html


OBJECT_VIEWS = ["inspect", "edit", "delete", "history"]


@pytest.mark.parametrize("view", OBJECT_VIEWS)
@pytest.mark.parametrize("viewset", ["registry_unit", "registry_person", "registry_building"])
def test_b_objects_are_404_on_every_object_url(world, as_user, viewset, view):
    obj = _objects(world.b)[viewset]
    client = as_user(world.committee_a)
    assert client.get(reverse(f"{viewset}:{view}", args=[obj.pk])).status_code == 404


@pytest.mark.parametrize("view", ["inspect", "edit", "history"])
def test_b_ownership_is_404(world, as_user, view):
    assert as_user(world.committee_a).get(
        reverse(f"registry_ownership:{view}", args=[world.b.ownership.pk])
    ).status_code == 404


@pytest.mark.parametrize("viewset", ["registry_community", "registry_application", "registry_committee",
                                     "registry_street"])
def test_b_inspect_is_404_for_every_registry_model(world, as_user, viewset):
    obj = _objects(world.b)[viewset]
    assert as_user(world.committee_a).get(reverse(f"{viewset}:inspect", args=[obj.pk])).status_code == 404


@pytest.mark.parametrize("viewset", ["registry_unit", "registry_person", "registry_building"])
def test_a_objects_open_for_the_committee_member(world, as_user, viewset):
    obj = _objects(world.a)[viewset]
    client = as_user(world.committee_a)
    for view in ("inspect", "edit", "history"):
        assert client.get(reverse(f"{viewset}:{view}", args=[obj.pk])).status_code == 200, view


def test_deleting_a_b_unit_by_post_is_404_and_deletes_nothing(world, as_user):
    response = as_user(world.committee_a).post(reverse("registry_unit:delete", args=[world.b.unit.pk]))
    assert response.status_code == 404
    assert Unit.objects.filter(pk=world.b.unit.pk).exists()


def test_editing_a_b_unit_by_post_is_404_and_changes_nothing(world, as_user):
    response = as_user(world.committee_a).post(
        reverse("registry_unit:edit", args=[world.b.unit.pk]),
        {"building": world.b.building.pk, "entrance": "1", "floor": 99, "room": "HACKED", "area": "1.00",
         "kind": "residential"},
    )
    assert response.status_code == 404
    assert Unit.objects.get(pk=world.b.unit.pk).room == "9901"


def test_ownerships_are_never_deletable(world, as_user):
    client = as_user(world.superuser)
    assert client.get(f"/admin/registry/ownerships/delete/{world.a.ownership.pk}/").status_code == 404
    assert Ownership.objects.filter(pk=world.a.ownership.pk).exists()


def test_export_contains_only_the_users_communities(world, as_user):
    response = as_user(world.committee_a).get(reverse("registry_unit:index") + "?export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "101" in body and "阳光小区" in body
    _assert_no_b(body)


def test_search_by_b_room_finds_nothing(world, as_user):
    response = as_user(world.committee_a).get(reverse("registry_unit:index") + "?q=9901")
    assert response.status_code == 200
    html = response.content.decode()  # the query itself is echoed in the search box; the row is not
    assert "九号楼" not in html and "碧水小区" not in html


def test_filter_choices_list_only_the_users_buildings_and_communities(world, as_user):
    html = as_user(world.committee_a).get(reverse("registry_unit:index")).content.decode()
    assert "1栋" in html
    _assert_no_b(html)
    html = as_user(world.committee_a).get(reverse("registry_person:index")).content.decode()
    _assert_no_b(html)


def test_filtering_by_b_building_does_not_reveal_its_units(world, as_user):
    response = as_user(world.committee_a).get(reverse("registry_unit:index") + f"?building={world.b.building.pk}")
    assert response.status_code == 200
    _assert_no_b(response.content.decode())


def test_unit_filters_narrow_by_building_kind_and_developer(world, as_user):
    Unit.objects.filter(pk=world.a.unit.pk).update(developer_held=True, kind="commercial")
    client = as_user(world.committee_a)
    html = client.get(reverse("registry_unit:index") + "?developer_held=true").content.decode()
    assert "1栋-1单元-101" in html and "1栋-1单元-102" not in html
    html = client.get(reverse("registry_unit:index") + "?kind=residential").content.decode()
    assert "1栋-1单元-102" in html and "1栋-1单元-101" not in html
    html = client.get(reverse("registry_unit:index") + "?q=102").content.decode()
    assert "1栋-1单元-102" in html and "1栋-1单元-101" not in html


def test_ownership_history_filter_separates_active_and_ended_links(world, as_user):
    from datetime import date

    Ownership.objects.filter(pk=world.a.ownership.pk).update(ends_on=date(2024, 1, 1))
    client = as_user(world.committee_a)
    ended = client.get(reverse("registry_ownership:index") + "?status=ended").content.decode()
    active = client.get(reverse("registry_ownership:index") + "?status=active").content.decode()
    assert "张甲某" in ended and "已终止" in ended
    assert "张甲某" not in active


def test_chooser_lists_and_returns_only_the_users_rows(world, as_user):
    client = as_user(world.committee_a)
    response = client.get(reverse("registry_unit_chooser:choose_results"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1栋-1单元-101" in html
    _assert_no_b(html)
    assert client.get(reverse("registry_unit_chooser:chosen", args=[world.b.unit.pk])).status_code == 404
    assert client.get(reverse("registry_unit_chooser:chosen", args=[world.a.unit.pk])).status_code == 200
    response = client.get(reverse("registry_person_chooser:chosen_multiple") + f"?id={world.b.person.pk}")
    _assert_no_b(response.content.decode())


def test_add_form_offers_only_the_users_buildings(world, as_user):
    html = as_user(world.committee_a).get(reverse("registry_unit:add")).content.decode()
    assert "1栋" in html
    _assert_no_b(html)


def test_adding_a_unit_in_b_is_refused_and_creates_nothing(world, as_user):
    before = Unit.objects.count()
    response = as_user(world.committee_a).post(reverse("registry_unit:add"), {
        "building": world.b.building.pk, "entrance": "1", "floor": 3, "room": "301", "area": "90.00",
        "kind": "residential",
    })
    assert response.status_code == 200  # the form again, with an error
    assert Unit.objects.count() == before


def test_adding_a_unit_in_a_works_and_is_audited(world, as_user):
    from governance.audit.models import AuditEvent

    response = as_user(world.committee_a).post(reverse("registry_unit:add"), {
        "building": world.a.building.pk, "entrance": "2", "floor": 3, "room": "301", "area": "90.00",
        "kind": "residential",
    })
    assert response.status_code == 302
    unit = Unit.objects.get(building=world.a.building, entrance="2", room="301")
    assert unit.community == world.a.community
    event = AuditEvent.objects.get(action="registry.unit.create")
    assert event.community == world.a.community and event.actor == world.committee_a


def test_an_ownership_joining_a_unit_and_another_communitys_person_is_refused(world, as_user):
    before = Ownership.objects.count()
    response = as_user(world.superuser).post(reverse("registry_ownership:add"), {
        "unit": world.a.unit.pk, "person": world.b.person.pk, "role": "co_owner", "position": 1,
    })
    assert response.status_code == 200
    assert "所选记录不属于同一小区" in response.content.decode()
    assert Ownership.objects.count() == before


def test_moving_a_person_to_b_is_refused(world, as_user):
    response = as_user(world.committee_a).post(
        reverse("registry_person:edit", args=[world.a.person.pk]),
        {"community": world.b.community.pk, "name": "张甲某"},
    )
    assert response.status_code == 200
    assert Person.objects.get(pk=world.a.person.pk).community == world.a.community


def test_property_staff_read_but_cannot_edit(world, as_user):
    client = as_user(world.property_a)
    assert client.get(reverse("registry_unit:index")).status_code == 200
    assert client.get(reverse("registry_unit:inspect", args=[world.a.unit.pk])).status_code == 200
    response = client.get(reverse("registry_unit:edit", args=[world.a.unit.pk]))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(reverse("registry_unit:inspect", args=[world.b.unit.pk])).status_code == 404
    # reviewing applications is for registry managers only
    assert client.get(reverse("registry_application:inspect", args=[world.a.application.pk])).status_code == 404


def test_street_staff_see_their_streets_communities_only(world, as_user):
    html = as_user(world.street_a).get(reverse("registry_community:index")).content.decode()
    assert "阳光小区" in html
    _assert_no_b(html)


def test_only_superusers_and_street_staff_may_add_communities(world, as_user):
    assert as_user(world.committee_a).get(reverse("registry_community:add")).status_code == 302
    response = as_user(world.street_a).get(reverse("registry_community:add"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "东城居委会" in html and "西城居委会" not in html


def test_street_staff_create_a_community_through_the_service(world, as_user):
    from governance.audit.models import AuditEvent
    from governance.registry.models import Community

    response = as_user(world.street_a).post(reverse("registry_community:add"), {
        "code": "xinyuan", "name": "新苑小区", "residents_committee": world.a.community.residents_committee.pk,
        "address": "东城路 1 号",
    })
    assert response.status_code == 302
    community = Community.objects.get(code="xinyuan")
    assert community.residents_committee == world.a.community.residents_committee
    assert AuditEvent.objects.filter(action="community.create", community=community).exists()


def test_superuser_sees_everything(world, as_user):
    client = as_user(world.superuser)
    html = client.get(reverse("registry_unit:index")).content.decode()
    assert "1栋-1单元-101" in html and "九号楼-1单元-9901" in html
    assert client.get(reverse("registry_unit:inspect", args=[world.b.unit.pk])).status_code == 200
    assert client.get(reverse("registry_person:edit", args=[world.b.person.pk])).status_code == 200


def test_deleting_a_unit_with_ownership_history_is_refused(world, as_user):
    response = as_user(world.committee_a).post(reverse("registry_unit:delete", args=[world.a.unit.pk]))
    assert response.status_code == 302
    assert Unit.objects.filter(pk=world.a.unit.pk).exists()


def test_deleting_an_empty_building_in_a_works(world, as_user):
    building = Building.objects.create(community=world.a.community, name="空楼")
    response = as_user(world.committee_a).post(reverse("registry_building:delete", args=[building.pk]))
    assert response.status_code == 302
    assert not Building.objects.filter(pk=building.pk).exists()


def test_site_history_report_shows_no_registry_entries_to_staff(world, as_user):
    """Staff hold no Django model permissions, so Wagtail's log reports list none of B's rows."""
    from django.test import Client

    admin = Client()
    admin.force_login(world.superuser)
    admin.post(reverse("registry_unit:edit", args=[world.b.unit.pk]), {
        "building": world.b.building.pk, "entrance": "1", "floor": 99, "room": "9901", "area": "66.00",
        "kind": "residential",
    })
    response = as_user(world.committee_a).get("/admin/reports/site-history/")
    assert response.status_code == 200
    _assert_no_b(response.content.decode())
    assert "九号楼-1单元-9901" in admin.get("/admin/reports/site-history/").content.decode()


@pytest.mark.parametrize("viewset", ["registry_unit", "registry_person", "registry_ownership"])
def test_list_query_count_does_not_grow_with_rows(world, as_user, viewset, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import OwnershipFactory, UnitFactory

    client = as_user(world.committee_a)
    url = reverse(f"{viewset}:index")
    client.get(url)  # warm caches (content types, site)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(15):
        OwnershipFactory(unit=UnitFactory(building=world.a.building, room=f"5{n:02d}"))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_residencies_are_reviewed_not_added_and_edits_are_audited(world, as_user):
    from governance.audit.models import AuditEvent
    from governance.registry.models import Residency

    client = as_user(world.committee_a)
    assert client.get("/admin/registry/residencies/new/").status_code == 404
    residency = Residency.objects.get(user=world.tenant_a)
    response = client.post(reverse("registry_residency:edit", args=[residency.pk]), {
        "name": "租户王", "kind": "tenant", "verified": "on", "starts_on": "2025-01-01", "ends_on": "2025-12-31",
    })
    assert response.status_code == 302
    residency.refresh_from_db()
    assert residency.ends_on.isoformat() == "2025-12-31"
    assert AuditEvent.objects.filter(action="registry.residency.update", community=world.a.community).exists()


def test_ending_an_ownership_keeps_the_link_as_history(world, as_user):
    response = as_user(world.committee_a).post(reverse("registry_ownership:edit", args=[world.a.ownership.pk]), {
        "role": "primary", "position": 0, "starts_on": "2020-01-01", "ends_on": "2019-01-01",
    })
    assert "终止日期不能早于起始日期" in response.content.decode()
    response = as_user(world.committee_a).post(reverse("registry_ownership:edit", args=[world.a.ownership.pk]), {
        "role": "primary", "position": 0, "starts_on": "2020-01-01", "ends_on": "2025-06-30",
    })
    assert response.status_code == 302
    ownership = Ownership.objects.get(pk=world.a.ownership.pk)
    assert ownership.ends_on.isoformat() == "2025-06-30" and ownership.person == world.a.person


def test_a_unit_edited_in_the_admin_goes_through_the_service_and_a_vote_in_progress_notes_it(world, as_user):
    from governance.audit.models import AuditEvent
    from governance.decisions.models import RosterChangeNote
    from tests.decisions.factories import voting_motion

    motion = voting_motion(world.a.community, world.committee_a)
    unit = world.a.unit
    label = unit.label
    response = as_user(world.committee_a).post(reverse("registry_unit:edit", args=[unit.pk]), {
        "building": unit.building_id, "entrance": unit.entrance, "floor": unit.floor, "room": unit.room,
        "area": "120.50", "kind": unit.kind, "developer_held": "",
    })
    assert response.status_code == 302
    unit.refresh_from_db()
    assert str(unit.area) == "120.50"
    event = AuditEvent.objects.filter(action="registry.unit.update").get()
    assert event.summary == {"fields": {"area": "120.50"}}
    assert RosterChangeNote.objects.get(motion=motion).summary == f"房屋信息修改：{label}（表决名册不变）"


def test_an_ownership_edit_in_the_admin_is_noted_on_the_vote_in_progress(world, as_user):
    from governance.decisions.models import RosterChangeNote
    from governance.registry.models import Ownership
    from tests.decisions.factories import voting_motion

    motion = voting_motion(world.a.community, world.committee_a)
    ownership = Ownership.objects.filter(unit=world.a.unit).first()
    response = as_user(world.committee_a).post(reverse("registry_ownership:edit", args=[ownership.pk]), {
        "role": ownership.role, "position": ownership.position, "starts_on": "2020-01-01", "ends_on": "",
    })
    assert response.status_code == 302
    assert RosterChangeNote.objects.get(motion=motion).summary == f"产权信息修改：{world.a.unit.label}（表决名册不变）"


def test_a_unit_of_another_community_cannot_be_edited_through_the_service(world):
    from governance.errors import DomainError, ErrorCode
    from governance.registry.services import unit_update

    with pytest.raises(DomainError) as refused:
        unit_update(unit=world.b.unit, actor=world.committee_a, changes={"area": "1.00"})
    assert refused.value.code == ErrorCode.PERMISSION_DENIED
    world.b.unit.refresh_from_db()
    assert str(world.b.unit.area) != "1.00"

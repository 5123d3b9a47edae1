"""Phones and ID numbers appear masked in every list, inspect page, export and form; never in full."""

import pytest
from django.urls import reverse

from governance.registry.models import Person
from tests.admin.conftest import A_PHONE

pytestmark = pytest.mark.django_db

A_MASKED = "138****2222"
APPLICANT_PHONE = "13700000101"
APPLICANT_MASKED = "137****0101"


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def person_with_id(world):
    person = world.a.person
    person.set_id_number("370102199001011234")
    person.save()
    return person


def test_person_list_inspect_and_edit_show_only_masks(world, as_user, person_with_id):
    client = as_user(world.committee_a)
    pages = [
        _page(client, reverse("registry_person:index")),
        _page(client, reverse("registry_person:inspect", args=[world.a.person.pk])),
        _page(client, reverse("registry_person:edit", args=[world.a.person.pk])),
    ]
    for html in pages:
        assert A_MASKED in html
        assert A_PHONE not in html
        assert "370102199001011234" not in html
    assert "3701**********1234" in pages[0] and "3701**********1234" in pages[1]


def test_ownership_and_application_pages_mask_phones(world, as_user):
    client = as_user(world.committee_a)
    for url in (
        reverse("registry_ownership:index"),
        reverse("registry_ownership:inspect", args=[world.a.ownership.pk]),
        reverse("registry_application:index"),
        reverse("registry_application:inspect", args=[world.a.application.pk]),
    ):
        html = _page(client, url)
        assert A_PHONE not in html and APPLICANT_PHONE not in html, url
    assert APPLICANT_MASKED in _page(client, reverse("registry_application:index"))
    assert A_MASKED in _page(client, reverse("registry_ownership:index"))


def test_person_export_is_masked(world, as_user):
    response = as_user(world.committee_a).get(reverse("registry_person:index") + "?export=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert A_MASKED in body and A_PHONE not in body


def test_editing_a_phone_takes_the_new_number_without_echoing_it(world, as_user):
    from governance.audit.models import AuditEvent

    client = as_user(world.committee_a)
    response = client.post(reverse("registry_person:edit", args=[world.a.person.pk]), {
        "community": world.a.community.pk, "name": "张甲某", "new_phone": "13855556666",
    })
    assert response.status_code == 302
    assert Person.objects.get(pk=world.a.person.pk).phone == "13855556666"
    event = AuditEvent.objects.get(action="registry.person.update")
    assert event.summary["fields"]["new_phone"] == "138****6666"
    html = _page(client, reverse("registry_person:edit", args=[world.a.person.pk]))
    assert "138****6666" in html and "13855556666" not in html


def test_leaving_the_phone_blank_keeps_it(world, as_user):
    response = as_user(world.committee_a).post(reverse("registry_person:edit", args=[world.a.person.pk]), {
        "community": world.a.community.pk, "name": "张甲某（更名）", "new_phone": "",
    })
    assert response.status_code == 302
    person = Person.objects.get(pk=world.a.person.pk)
    assert person.phone == A_PHONE and person.name == "张甲某（更名）"


def test_a_phone_already_on_the_roster_is_refused_in_chinese(world, as_user):
    other = Person.objects.create(community=world.a.community, name="另一人", phone="13877778888")
    response = as_user(world.committee_a).post(reverse("registry_person:edit", args=[other.pk]), {
        "community": world.a.community.pk, "name": "另一人", "new_phone": A_PHONE,
    })
    assert response.status_code == 200
    assert "该小区名册中已有使用此手机号的人员" in response.content.decode()
    assert Person.objects.get(pk=other.pk).phone == "13877778888"


def test_a_new_person_needs_a_valid_phone(world, as_user):
    client = as_user(world.committee_a)
    response = client.post(reverse("registry_person:add"), {
        "community": world.a.community.pk, "name": "新业主", "new_phone": "12345",
    })
    assert "请填写 11 位手机号" in response.content.decode()
    response = client.post(reverse("registry_person:add"), {
        "community": world.a.community.pk, "name": "新业主", "new_phone": "13912340000",
        "id_number": "370102199001015678",
    })
    assert response.status_code == 302
    person = Person.objects.get(name="新业主")
    assert person.phone == "13912340000"
    assert person.id_number_masked == "3701**********5678" and len(person.id_number_hash) == 64

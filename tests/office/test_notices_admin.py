"""Staff follow a notice in the admin (通知阅读统计): recipients, delivered, read, read rate, each channel, and
the unread list with names and masked phones only. Other communities' notices do not exist for them; owners
and tenants see no statistics. Notices are written in Wagtail's page editor, whose publish fans out once."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from governance.office.models import Delivery, NoticeAudience, NoticeDispatch, NoticePage
from governance.office.notices import permissions, selectors, services
from governance.office.selectors import messages_about
from portal.masking import mask_phone
from tests.factories import UserFactory
from tests.office.test_notices import add_notice, estate, publish  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def read_by_one(estate, publish, memory_channel):
    """An owners-only notice on in-site and SMS; SMS fails for owner2; owner1 has read it."""
    memory_channel.failures[estate.owner2.pk] = "空号"
    notice = publish(estate.page, audience=NoticeAudience.OWNERS, channels=["insite", "sms"], must_confirm=True)
    services.notice_mark_read(notice=notice, user=estate.owner1)
    return notice


def index_url():
    return reverse("office_notice_stats:index")


def inspect_url(notice):
    return reverse("office_notice_stats:inspect", args=[NoticeDispatch.objects.get(notice=notice).pk])


def test_the_figures_are_exact_counts_of_people_with_percentages_for_display(estate, read_by_one):
    stats = selectors.notice_stats(read_by_one)
    assert (stats.recipients, stats.delivered, stats.read, stats.unread, stats.confirmed) == (3, 3, 1, 2, 0)
    assert (stats.read_percent, stats.delivered_percent) == ("33.3", "100.0")
    channels = {c.channel: (c.total, c.sent, c.failed, c.queued, c.read) for c in stats.channels}
    assert channels == {"insite": (3, 3, 0, 0, 1), "sms": (3, 2, 1, 0, 1)}
    assert [c.channel for c in stats.channels] == ["insite", "sms"]
    assert selectors.percent(2, 3) == "66.7" and selectors.percent(1, 8) == "12.5" and selectors.percent(0, 0) == "0.0"


def test_the_unread_list_has_roster_names_and_masked_phones_only(estate, read_by_one):
    rows = selectors.notice_unread(read_by_one)
    # ordered by account (owner2 signed up before co_owner)
    assert [(r.name, r.masked_phone) for r in rows] == [
        ("李四", mask_phone(estate.owner2.phone)), ("王五", mask_phone(estate.co_owner.phone))]
    assert all("****" in r.masked_phone for r in rows)


def test_staff_see_the_statistics_screen(estate, read_by_one, client):
    for staff in (estate.committee, estate.property_staff):
        client.force_login(staff)
        listing = client.get(index_url())
        assert listing.status_code == 200
        assert "停水通知" in listing.content.decode() and "33.3%" in listing.content.decode()
        response = client.get(inspect_url(read_by_one))
        assert response.status_code == 200
        html = response.content.decode()
        for testid, value in (("stat-recipients", "3"), ("stat-read", "1"), ("stat-read-rate", "33.3%"),
                              ("stat-unread", "2"), ("stat-confirmed", "0（0.0%）"), ("stat-delivered", "3（100.0%）")):
            assert f'data-testid="{testid}">{value}<' in html
        assert 'data-testid="channel-sms"' in html and 'data-testid="channel-insite"' in html
        for person in (estate.owner2, estate.co_owner):
            assert mask_phone(person.phone) in html
            assert person.phone not in html  # never the full number
        assert "李四" in html and "王五" in html and "张三" not in html  # owner1 has read it


def test_another_communitys_staff_get_404_and_see_nothing_in_the_list(estate, read_by_one, publish, client):
    theirs = publish(estate.other_page, title="碧水停电通知")
    client.force_login(estate.other_committee)
    assert client.get(inspect_url(read_by_one)).status_code == 404
    html = client.get(index_url()).content.decode()
    assert "碧水停电通知" in html and "停水通知" not in html
    client.force_login(estate.committee)
    assert client.get(inspect_url(theirs)).status_code == 404
    assert "碧水停电通知" not in client.get(index_url()).content.decode()


def test_owners_tenants_and_outsiders_cannot_see_statistics(estate, read_by_one, client):
    for person in (estate.owner1, estate.tenant1, estate.outsider):
        assert not permissions.can_view_notice_stats(person, estate.community)
        client.force_login(person)
        for url in (index_url(), inspect_url(read_by_one)):
            response = client.get(url)
            assert response.status_code in (302, 403, 404)
            assert "李四" not in response.content.decode()
    assert permissions.can_view_notice_stats(estate.committee, estate.community)
    assert not permissions.can_view_notice_stats(estate.committee, estate.other_community)


# --- writing a notice in the page editor ------------------------------------------------------------------


def editor_post(estate, **overrides):
    data = {
        "title": "电梯维保通知", "slug": "lift", "summary": "", "body": rich_text("<p>周三电梯维保。</p>"),
        "audience": NoticeAudience.OWNERS, "scope_kind": "buildings", "second_reminder_hours": "24",
        "comments": inline_formset([]), "action-publish": "publish",
    }
    multiple = {"scope_buildings": [str(estate.b1.pk)], "channels": ["insite", "email"]}
    for key, value in overrides.items():
        (multiple if key in multiple else data)[key] = value
    return {**nested_form_data(data), **multiple}


def test_publishing_in_the_page_editor_fans_out_once_to_the_scope(
        estate, client, django_capture_on_commit_callbacks):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    add_url = reverse("wagtailadmin_pages:add", args=["office", "noticepage", estate.page.pk])
    form = client.get(add_url)
    assert form.status_code == 200
    html = form.content.decode()
    # only the parent community's buildings are offered
    foreign = estate.other_community.buildings.get()
    assert f'value="{estate.b1.pk}"' in html and f'value="{foreign.pk}"' not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add_url, editor_post(estate))
    assert response.status_code == 302
    notice = NoticePage.objects.get(slug="lift")
    assert notice.live and notice.community == estate.community and notice.channels == ["insite", "email"]
    message = messages_about(notice).get()
    assert set(Delivery.objects.filter(message=message).values_list("recipient_id", flat=True)) == {
        estate.owner1.pk, estate.co_owner.pk}
    # publishing an edit does not send it again
    edit_url = reverse("wagtailadmin_pages:edit", args=[notice.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url, editor_post(estate, title="电梯维保通知（更正）", scope_kind="community",
                                                     scope_buildings=[]))
    assert response.status_code == 302
    assert NoticePage.objects.get(pk=notice.pk).title == "电梯维保通知（更正）"
    assert messages_about(notice).count() == 1 and NoticeDispatch.objects.count() == 1


def test_the_page_editor_refuses_a_building_scope_without_buildings(estate, client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    add_url = reverse("wagtailadmin_pages:add", args=["office", "noticepage", estate.page.pk])
    foreign = estate.other_community.buildings.get()
    for buildings in ([], [str(foreign.pk)]):
        response = client.post(add_url, editor_post(estate, scope_buildings=buildings))
        assert response.status_code == 200  # the form again, with its error
    assert not NoticePage.objects.exists()


def test_the_editors_preview_renders_without_marking_anything(estate, publish, rf):
    notice = publish(estate.page, must_confirm=True, buildings=[estate.b2])
    request = rf.get("/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    response = notice.serve_preview(request, "")
    html = response.render().content.decode()
    assert "停水通知" in html and "2栋" in html and "本通知须接收人点击" in html
    assert 'data-testid="notice-confirm"' not in html
    assert not Delivery.objects.filter(read_at__isnull=False).exists()

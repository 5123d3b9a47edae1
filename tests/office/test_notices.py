"""Notices (通知公告): who a notice reaches, the fan-out once per notice, reading and confirming on the portal.

Notices are pages under a community's home: `ensure_community_page(community).add_child(instance=NoticePage(...))`
then `revision.publish()`. The fan-out runs after the publish commits (captured here with
`django_capture_on_commit_callbacks(execute=True)`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from governance.errors import DomainError, ErrorCode
from governance.office.models import (
    Delivery,
    DeliveryStatus,
    Message,
    NoticeAudience,
    NoticeConfirmation,
    NoticeDispatch,
    NoticePage,
    NoticeScope,
)
from governance.office.notices import selectors, services
from governance.office.selectors import messages_about
from governance.registry.models import Building, Community
from home.services import ensure_community_page
from portal.accounts.models import Role, User
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    MembershipFactory,
    OwnershipFactory,
    ResidencyFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@dataclass
class Estate:
    community: Community
    page: object
    b1: Building
    b2: Building
    owner1: User  # 1栋101 and co-owner of 1栋102: one recipient however many units
    owner2: User  # 2栋201
    co_owner: User  # 1栋102 (primary)
    tenant1: User  # verified tenant of 1栋101
    tenant2_unverified: User  # registered in 2栋, not reviewed
    owner_unverified: User  # 1栋103, not verified
    former_owner: User  # 1栋104, sold (ends_on)
    inactive_owner: User  # 2栋202, account disabled
    committee: User  # 业委会委员, not an owner
    property_staff: User
    other_community: Community
    other_page: object
    other_owner: User
    other_tenant: User
    other_committee: User
    outsider: User

    @property
    def owners(self) -> list[User]:
        return [self.owner1, self.owner2, self.co_owner]


@pytest.fixture
def estate(db) -> Estate:
    community = CommunityFactory(code="sunny", name="阳光小区")
    b1 = BuildingFactory(community=community, name="1栋", sort_key=1)
    b2 = BuildingFactory(community=community, name="2栋", sort_key=2)
    u101, u102, u103, u104 = (UnitFactory(building=b1, room=r) for r in ("101", "102", "103", "104"))
    u201, u202 = UnitFactory(building=b2, room="201"), UnitFactory(building=b2, room="202")
    owner1, owner2, co_owner = UserFactory(), UserFactory(), UserFactory()
    OwnershipFactory(unit=u101, person__user=owner1, person__name="张三", verified=True)
    OwnershipFactory(unit=u102, person__user=co_owner, person__name="王五", verified=True)
    OwnershipFactory(unit=u102, person__user=owner1, person__name="张三丰", role="co_owner", position=1,
                     verified=True)
    OwnershipFactory(unit=u201, person__user=owner2, person__name="李四", verified=True)
    owner_unverified = OwnershipFactory(unit=u103, person__user=UserFactory(), verified=False).person.user
    former_owner = OwnershipFactory(unit=u104, person__user=UserFactory(), verified=True,
                                    ends_on=date(2024, 1, 1)).person.user
    inactive_owner = OwnershipFactory(unit=u202, person__user=UserFactory(is_active=False), verified=True).person.user
    tenant1 = ResidencyFactory(unit=u101, user=UserFactory(), name="赵租户", verified=True).user
    tenant2 = ResidencyFactory(unit=u201, user=UserFactory(), name="钱租户", verified=False).user
    committee = MembershipFactory(community=community, role=Role.COMMITTEE_MEMBER).user
    property_staff = MembershipFactory(community=community, role=Role.PROPERTY_STAFF).user

    other = CommunityFactory(code="blue", name="碧水小区")
    ob = BuildingFactory(community=other, name="1栋", sort_key=1)
    other_owner = OwnershipFactory(unit=UnitFactory(building=ob, room="101"), person__user=UserFactory(),
                                   verified=True).person.user
    other_tenant = ResidencyFactory(unit=UnitFactory(building=ob, room="102"), user=UserFactory(), verified=True).user
    other_committee = MembershipFactory(community=other, role=Role.COMMITTEE_MEMBER).user
    return Estate(
        community=community, page=ensure_community_page(community), b1=b1, b2=b2, owner1=owner1, owner2=owner2,
        co_owner=co_owner, tenant1=tenant1, tenant2_unverified=tenant2, owner_unverified=owner_unverified,
        former_owner=former_owner, inactive_owner=inactive_owner, committee=committee,
        property_staff=property_staff, other_community=other, other_page=ensure_community_page(other),
        other_owner=other_owner, other_tenant=other_tenant, other_committee=other_committee, outsider=UserFactory(),
    )


def add_notice(parent, *, title="停水通知", slug=None, buildings=(), publish=False, **fields) -> NoticePage:
    values = {"body": "<p>因管道检修，6月1日 9:00–17:00 停水。</p><p>请提前储水。</p>", "summary": "6月1日 9:00–17:00 停水",
              "channels": ["insite", "sms"], "audience": NoticeAudience.ALL_RESIDENTS}
    values.update(fields)
    if buildings:
        values["scope_kind"] = NoticeScope.BUILDINGS
        values["scope_buildings"] = list(buildings)
    notice = NoticePage(title=title, slug=slug or f"n{NoticePage.objects.count() + 1}", live=False, **values)
    parent.add_child(instance=notice)
    if publish:
        notice.save_revision().publish()
    return NoticePage.objects.get(pk=notice.pk)


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Add and publish a notice, letting the publish commit (so the fan-out runs)."""

    def go(parent, **kwargs) -> NoticePage:
        with django_capture_on_commit_callbacks(execute=True):
            notice = add_notice(parent, publish=True, **kwargs)
        return NoticePage.objects.get(pk=notice.pk)

    return go


def recipients_of(notice) -> set[int]:
    message = selectors.notice_message(notice)
    if message is None:
        return set()
    return set(Delivery.objects.filter(message=message).values_list("recipient_id", flat=True))


def ids(*users) -> set[int]:
    return {u.pk for u in users}


# --- audience ----------------------------------------------------------------------------------------


def test_an_owners_only_notice_reaches_verified_active_owners_and_never_a_tenant(estate, publish):
    notice = publish(estate.page, audience=NoticeAudience.OWNERS)
    assert recipients_of(notice) == ids(estate.owner1, estate.owner2, estate.co_owner)
    # the tenant of 1栋101 lives with a recipient and still gets nothing, on no channel
    assert not Delivery.objects.filter(recipient=estate.tenant1).exists()
    for nobody in (estate.owner_unverified, estate.former_owner, estate.inactive_owner, estate.committee,
                   estate.other_owner, estate.other_tenant, estate.outsider):
        assert not Delivery.objects.filter(recipient=nobody).exists()


def test_an_all_residents_notice_adds_verified_tenants_and_counts_everyone_once(estate, publish):
    notice = publish(estate.page, audience=NoticeAudience.ALL_RESIDENTS, channels=["insite", "sms", "email"])
    assert recipients_of(notice) == ids(estate.owner1, estate.owner2, estate.co_owner, estate.tenant1)
    # owner1 owns two units: one delivery per channel, not two
    assert Delivery.objects.filter(recipient=estate.owner1).count() == 3
    assert NoticeDispatch.objects.get(notice=notice).recipients == 4
    assert not Delivery.objects.filter(recipient=estate.tenant2_unverified).exists()


def test_a_building_scope_reaches_only_the_units_of_the_chosen_buildings(estate, publish):
    second = publish(estate.page, buildings=[estate.b2])
    assert recipients_of(second) == ids(estate.owner2)
    first = publish(estate.page, buildings=[estate.b1], audience=NoticeAudience.OWNERS)
    assert recipients_of(first) == ids(estate.owner1, estate.co_owner)


def test_another_communitys_notice_never_reaches_this_community(estate, publish):
    notice = publish(estate.other_page)
    assert recipients_of(notice) == ids(estate.other_owner, estate.other_tenant)
    assert notice.community == estate.other_community


def test_a_building_of_another_community_is_refused_and_never_widens_the_audience(estate):
    foreign = estate.other_community.buildings.get()
    # saving a revision or publishing validates (a draft save checks only title and slug, as Wagtail does)
    with pytest.raises(ValidationError) as refused:
        add_notice(estate.page, buildings=[foreign], publish=True)
    assert "scope_buildings" in refused.value.message_dict
    assert not NoticePage.objects.live().exists() and not Message.objects.exists()
    # even a row that bypassed validation reaches nobody outside the notice's community
    notice = add_notice(estate.page, buildings=[estate.b2])
    NoticePage.scope_buildings.through.objects.create(noticepage=notice, building=foreign)
    notice = NoticePage.objects.get(pk=notice.pk)
    assert set(selectors.notice_recipient_ids(notice)) == ids(estate.owner2)


def test_the_community_comes_from_the_tree(estate):
    notice = add_notice(estate.page)
    assert notice.community_id == estate.community.pk


# --- fan-out once ------------------------------------------------------------------------------------


def test_publishing_fans_out_once_even_when_republished_or_the_task_runs_again(
        estate, publish, django_capture_on_commit_callbacks, sms_outbox):
    from governance.office.tasks import notice_fanout_task

    notice = publish(estate.page, audience=NoticeAudience.OWNERS)
    assert messages_about(notice).count() == 1
    assert len(sms_outbox) == 3
    # when an editor publishes a new revision (widening the audience, even) and the task runs again
    notice.audience = NoticeAudience.ALL_RESIDENTS
    with django_capture_on_commit_callbacks(execute=True):
        notice.save_revision().publish()
    notice_fanout_task.call_local(notice.pk)
    assert services.notice_publish_fanout(notice=notice).message == messages_about(notice).get()
    # then nothing more is sent: one message, the same deliveries, no new text
    assert messages_about(notice).count() == 1
    assert recipients_of(notice) == ids(*estate.owners)
    assert len(sms_outbox) == 3
    assert NoticeDispatch.objects.filter(notice=notice).count() == 1
    # nor after an unpublish and a publish again
    notice.unpublish()
    with django_capture_on_commit_callbacks(execute=True):
        NoticePage.objects.get(pk=notice.pk).save_revision().publish()
    assert Message.objects.filter(source_id=str(notice.pk)).count() == 1


def test_the_editors_publish_hook_and_the_signal_lead_to_one_fan_out(estate, django_capture_on_commit_callbacks):
    from governance.office.wagtail_hooks import fan_out_published_notice

    notice = add_notice(estate.page)
    with django_capture_on_commit_callbacks(execute=True):
        notice.save_revision().publish()  # the page_published signal
        fan_out_published_notice(None, notice.page_ptr)  # the after_publish_page hook gets a Page
    assert messages_about(notice).count() == 1
    assert NoticeDispatch.objects.get(notice=notice).recipients == 4


def test_a_draft_is_not_sent_and_nothing_is_sent_before_the_publish_commits(
        estate, django_capture_on_commit_callbacks):
    draft = add_notice(estate.page)
    assert services.notice_publish_fanout(notice=draft) is None  # never published: not live
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        draft.save_revision().publish()
    assert not Message.objects.exists()
    for callback in callbacks:
        callback()
    assert messages_about(draft).count() == 1


def test_the_message_carries_the_text_the_link_and_the_channels(estate, publish, sms_outbox):
    notice = publish(estate.page, audience=NoticeAudience.OWNERS, channels=["insite", "sms"])
    message = messages_about(notice).get()
    assert (message.kind, message.title, message.summary) == ("notice", "停水通知", "6月1日 9:00–17:00 停水")
    assert message.body == "因管道检修，6月1日 9:00–17:00 停水。\n请提前储水。"
    assert message.link == notice.url == "/sunny/n1/"
    assert message.community == estate.community
    assert sorted(Delivery.objects.filter(message=message).values_list("channel", "status").distinct()) == [
        ("insite", DeliveryStatus.SENT), ("sms", DeliveryStatus.SENT)]
    assert sorted(sms_outbox, key=lambda m: m["phone"]) == sorted(
        ({"phone": u.phone, "message": "【小区治理】6月1日 9:00–17:00 停水"} for u in estate.owners),
        key=lambda m: m["phone"])


def test_a_notice_that_reaches_nobody_is_recorded_and_not_retried(estate, publish):
    empty = BuildingFactory(community=estate.community, name="9栋")
    notice = publish(estate.page, buildings=[empty])
    dispatch = NoticeDispatch.objects.get(notice=notice)
    assert (dispatch.message, dispatch.recipients) == (None, 0)
    assert services.notices_fanout_sweep() == []


def test_the_sweep_fans_out_a_notice_whose_task_was_lost(estate):
    from datetime import timedelta

    from django.utils import timezone

    notice = add_notice(estate.page, publish=True)  # the publish never committed here: no fan-out ran
    assert not NoticeDispatch.objects.exists()
    assert services.notices_fanout_sweep() == []  # too recent: its task may still be on the way
    later = timezone.now() + timedelta(minutes=6)
    assert services.notices_fanout_sweep(now=later) == [notice.pk]
    assert services.notices_fanout_sweep(now=later) == []
    assert messages_about(notice).count() == 1


# --- reading on the portal ------------------------------------------------------------------------------


def test_opening_the_notice_marks_the_readers_receipt_read_on_every_channel(estate, publish, client):
    notice = publish(estate.page)
    client.force_login(estate.owner1)
    response = client.get(notice.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "停水通知" in html and "请提前储水。" in html
    assert "我已阅读并确认" not in html
    rows = Delivery.objects.filter(recipient=estate.owner1)
    assert rows.count() == 2 and not rows.filter(read_at__isnull=True).exists()
    first_read = rows.first().read_at
    # a second visit changes nothing; the others are still unread
    client.get(notice.url)
    assert Delivery.objects.filter(recipient=estate.owner1).first().read_at == first_read
    assert not Delivery.objects.filter(read_at__isnull=False).exclude(recipient=estate.owner1).exists()
    assert selectors.notice_stats(notice).read == 1


def test_members_who_are_not_recipients_may_read_it_and_nothing_is_marked(estate, publish, client):
    notice = publish(estate.page, audience=NoticeAudience.OWNERS)
    for member in (estate.tenant1, estate.committee, estate.property_staff):
        client.force_login(member)
        assert client.get(notice.url).status_code == 200
    assert not Delivery.objects.filter(read_at__isnull=False).exists()


def test_a_visitor_is_asked_to_sign_in_and_a_non_member_gets_404_on_the_notice(estate, publish, client):
    notice = publish(estate.page)
    response = client.get(notice.url)  # anonymous: the link in a message works once they sign in
    login_url = f"{reverse('account_login')}?next={quote(notice.url)}"
    assert (response.status_code, response["Location"]) == (302, login_url)
    for stranger in (estate.outsider, estate.other_owner, estate.other_committee, estate.owner_unverified):
        client.force_login(stranger)
        assert client.get(notice.url).status_code == 404
        assert client.post(notice.url, {"action": "confirm"}).status_code == 404
    assert not Delivery.objects.filter(read_at__isnull=False).exists()


def test_a_draft_or_unpublished_notice_is_404_even_for_members(estate, publish, client):
    notice = publish(estate.page)
    url = notice.url
    notice.unpublish()
    client.force_login(estate.owner1)
    assert client.get(url).status_code == 404


# --- must confirm ----------------------------------------------------------------------------------------


def test_must_confirm_shows_the_button_and_the_confirmation_is_stored_once(estate, publish, client):
    notice = publish(estate.page, must_confirm=True, audience=NoticeAudience.OWNERS)
    client.force_login(estate.owner2)
    html = client.get(notice.url).content.decode()
    assert "我已阅读并确认" in html and 'data-testid="notice-confirm"' in html
    response = client.post(notice.url, {"action": "confirm"})
    assert response.status_code == 302 and response["Location"] == notice.url
    confirmation = NoticeConfirmation.objects.get()
    assert (confirmation.notice_id, confirmation.user_id) == (notice.pk, estate.owner2.pk)
    html = client.get(notice.url).content.decode()
    assert 'data-testid="notice-confirmed"' in html and 'data-testid="notice-confirm"' not in html
    # confirming again keeps the first confirmation
    client.post(notice.url, {"action": "confirm"})
    assert NoticeConfirmation.objects.get().confirmed_at == confirmation.confirmed_at
    stats = selectors.notice_stats(notice)
    assert (stats.recipients, stats.read, stats.confirmed) == (3, 1, 1)


def test_confirming_marks_read_and_is_refused_to_non_recipients_and_for_plain_notices(estate, publish, client):
    notice = publish(estate.page, must_confirm=True, audience=NoticeAudience.OWNERS)
    services.notice_confirm(notice=notice, user=estate.owner1)
    assert not Delivery.objects.filter(recipient=estate.owner1, read_at__isnull=True).exists()
    # a tenant (member, not a recipient of an owners-only notice) sees no button and cannot confirm
    client.force_login(estate.tenant1)
    assert "我已阅读并确认" not in client.get(notice.url).content.decode()
    client.post(notice.url, {"action": "confirm"})
    with pytest.raises(DomainError) as refused:
        services.notice_confirm(notice=notice, user=estate.tenant1)
    assert refused.value.code == ErrorCode.NOT_IN_AUDIENCE
    # a notice that asks for no confirmation
    plain = publish(estate.page, title="绿化通知")
    with pytest.raises(DomainError) as invalid:
        services.notice_confirm(notice=plain, user=estate.owner1)
    assert invalid.value.code == ErrorCode.INVALID
    # a stranger
    with pytest.raises(DomainError) as hidden:
        services.notice_confirm(notice=notice, user=estate.other_owner)
    assert hidden.value.code == ErrorCode.NOT_FOUND
    assert list(NoticeConfirmation.objects.values_list("user_id", flat=True)) == [estate.owner1.pk]

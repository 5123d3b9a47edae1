"""The community home's cache (`home.cache`): what it keeps, that every write that matters is visible on the
next render, that it never shows members-only records to anyone else nor one community's records on another's
home, and the number of queries a render takes with it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import transaction
from django.utils import translation
from wagtail.models import Page

from governance.office.models import NoticeAudience, NoticePage
from home import cache as home_cache
from home import services
from home.models import (
    BulletinItem,
    BulletinType,
    BylawKind,
    CarouselItem,
    CommunityPage,
    DisclosurePage,
    HelpPage,
    HomeCacheToken,
)
from home.selectors import community_home_context
from tests.home.conftest import png_upload, sub_url, wagtail_image

pytestmark = pytest.mark.django_db


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start:html.index("</section>", start)]


def _sign_in(client, user) -> None:
    if user is None:
        client.logout()
    else:
        client.force_login(user)


def _home(client, side, user=None, *, as_is: bool = False) -> str:
    """The home of `side` as `user` sees it (anonymous when None); `as_is` keeps the client's session."""
    if not as_is:
        _sign_in(client, user)
    response = client.get(side.page.url)
    assert response.status_code == 200
    return response.content.decode()


def _archive_count(html: str) -> int:
    return int(re.search(r"<small class=\"muted\">(\d+) 份</small>", _section(html, "archive")).group(1))


def _key(side) -> str:
    page = CommunityPage.objects.get(pk=side.page.pk)
    return home_cache._key(page, side.community)


def _notice(parent, title: str) -> NoticePage:
    notice = NoticePage(title=title, slug=f"n{NoticePage.objects.count() + 1}", live=False, body="<p>停水</p>",
                        channels=["insite"], audience=NoticeAudience.ALL_RESIDENTS)
    parent.add_child(instance=notice)
    notice.save_revision().publish()
    return notice


# --- what is cached, and the queries a render takes -------------------------------------------------------


def test_a_second_render_reads_the_shared_parts_from_the_cache(world, client, django_assert_num_queries):
    """Given a home with a bylaw, a disclosure and a bulletin item, the first render reads them (and the
    figures) and fills the cache; the second reads only the cache tokens in their place and renders the same
    page."""
    a = world.a
    services.bylaw_save(community=a.community, kind=BylawKind.MANAGEMENT_STATUTE, actor=a.committee, body="<p>规约</p>")
    _publish(a.page, DisclosurePage(title="维修基金公示", slug="fund"))
    events = BulletinType.objects.create(community=a.community, name="社区活动")
    BulletinItem.objects.create(community=a.community, type=events, title="端午包粽子", date=date(2024, 6, 1))
    first = _home(client, a)
    with django_assert_num_queries(8):
        second = _home(client, a, as_is=True)
    assert second == first
    assert "维修基金公示" in second and "端午包粽子" in second and "管理规约</a>" in second


def test_the_home_reads_a_fixed_number_of_queries(world, client, django_assert_num_queries):
    """Anonymous: Wagtail's routing (site, the page twice, aliases, view restrictions), the community with its
    committee and street, and the cache tokens — 8. The owner adds the session, the user, the membership check
    (memberships, then ownerships; the checklist permission reuses the memberships) and the inbox badge — 13.
    A committee member is a member through a membership (no ownership read) and a manager, who sees the
    activation checklist (its row, and whether a property manager is invited) — 14. However many buildings,
    disclosures, bulletin items or notices the community has."""
    a = world.a
    events = BulletinType.objects.create(community=a.community, name="社区活动")
    for i in range(6):
        _publish(a.page, DisclosurePage(title=f"公示{i}", slug=f"d{i}", members_only=bool(i % 2)))
        BulletinItem.objects.create(community=a.community, type=events, title=f"活动{i}", date=date(2024, 6, i + 1))
    _notice(a.page, "停水通知")
    for user in (None, a.owner, a.committee):  # warm the cache
        _home(client, a, user)

    _sign_in(client, None)
    with django_assert_num_queries(8):
        _home(client, a, as_is=True)
    _sign_in(client, a.owner)
    with django_assert_num_queries(13):
        html = _home(client, a, as_is=True)
    assert "停水通知" in html and "公示5" in html
    _sign_in(client, a.committee)
    with django_assert_num_queries(14):
        html = _home(client, a, as_is=True)
    assert 'data-testid="activation-checklist"' in html


# --- every write that matters is visible on the next render -----------------------------------------------


def _figures(html: str) -> tuple[str, str]:
    share = re.search(r'data-testid="verified-share">([\d.]+)%<', html).group(1)
    rows = re.findall(r"<tr><td>(?:<a [^>]*>)?([^<]+)(?:</a>)?</td><td>(\d+)</td><td>(\d+)</td></tr>", html)
    return share, rows


def test_an_audited_registry_write_changes_the_figures_on_the_next_render(world, client):
    """Verifying an owner in person writes with `QuerySet.update()` (no model signal); its audit event, in the
    same transaction, is what replaces the token."""
    from governance.registry import services as registry_services
    from tests.factories import OwnershipFactory, UserFactory

    a = world.a
    pending = OwnershipFactory(unit=a.units[1], verified=False)
    assert _figures(_home(client, a)) == ("25.0", [("1栋", "4", "1")])
    registry_services.person_link_account(person=pending.person, user=UserFactory(), actor=a.committee)
    assert _figures(_home(client, a)) == ("50.0", [("1栋", "4", "2")])
    assert _figures(_home(client, world.b)) == ("25.0", [("1栋", "4", "1")])  # the other community's own


def test_registry_rows_written_without_an_audit_event_need_bump_audited(world, client):
    """A factory (or a shell) writing registry rows directly records no audit event: the cached figures stay
    until `bump_audited` — which is why every registry write goes through an audited service."""
    from tests.factories import OwnershipFactory

    a = world.a
    assert _figures(_home(client, a))[0] == "25.0"
    OwnershipFactory(unit=a.units[2], verified=True)
    assert _figures(_home(client, a))[0] == "25.0"
    home_cache.bump_audited(a.community.pk)
    assert _figures(_home(client, a))[0] == "50.0"


def test_a_saved_bylaw_is_linked_on_the_next_render(world, client):
    a = world.a
    assert "管理规约 <small" in _section(_home(client, a), "bylaws")
    services.bylaw_save(community=a.community, kind=BylawKind.MANAGEMENT_STATUTE, actor=a.committee, body="<p>规约</p>")
    html = _section(_home(client, a), "bylaws")
    assert f'<a href="{sub_url(a.page, "bylaw", "management_statute")}">管理规约</a>' in html


def test_archive_uploads_and_publicity_change_the_counts_on_the_next_render(world, client):
    a = world.a
    assert (_archive_count(_home(client, a)), _archive_count(_home(client, a, a.owner))) == (0, 0)
    document = services.archive_upload(community=a.community, actor=a.committee, title="竣工图", category="other",
                                       year=2020, upload=png_upload())
    assert (_archive_count(_home(client, a)), _archive_count(_home(client, a, a.owner))) == (0, 1)
    services.archive_set_public(document=document, actor=a.committee, is_public=True)
    assert (_archive_count(_home(client, a)), _archive_count(_home(client, a, a.owner))) == (1, 1)
    document.delete()
    assert (_archive_count(_home(client, a)), _archive_count(_home(client, a, a.owner))) == (0, 0)


def test_bulletin_writes_of_the_admin_are_visible_on_the_next_render(world, client):
    """The scoped admin creates, edits and deletes bulletin records with plain model saves."""
    a = world.a
    assert "宣传栏暂无内容。" in _home(client, a)
    events = BulletinType.objects.create(community=a.community, name="社区活动")
    item = BulletinItem.objects.create(community=a.community, type=events, title="端午包粽子", date=date(2024, 6, 1))
    assert "端午包粽子" in _section(_home(client, a), "bulletin")
    item.title = "中秋赏月"
    item.save()
    events.name = "邻里活动"
    events.save()
    html = _section(_home(client, a), "bulletin")
    assert "中秋赏月" in html and "邻里活动" in html and "端午包粽子" not in html
    platform = BulletinType.objects.create(community=None, name="文明宣传")
    item.type = platform
    item.save()
    platform.name = "全市文明宣传"
    platform.save()  # a platform-wide type: every community's home
    assert "全市文明宣传" in _section(_home(client, a), "bulletin")
    item.delete()
    assert "宣传栏暂无内容。" in _home(client, a)


def test_a_published_carousel_is_shown_on_the_next_render(world, client):
    a = world.a
    assert 'data-testid="carousel"' not in _home(client, a)
    page = CommunityPage.objects.get(pk=a.page.pk)
    page.carousel_items = [CarouselItem(image=wagtail_image("入口", 800, 600), caption="小区入口")]
    page.save_revision().publish()
    assert "小区入口" in _section(_home(client, a), "carousel")
    page = CommunityPage.objects.get(pk=a.page.pk)
    page.carousel_items = []
    page.save_revision().publish()
    assert 'data-testid="carousel"' not in _home(client, a)


def test_help_pages_published_unpublished_and_deleted_are_followed(world, client):
    a = world.a
    assert "使用帮助" not in _section(_home(client, a), "help")
    site_help = _publish(Page.objects.get(pk=a.page.get_parent().pk).specific, HelpPage(title="帮助", slug="help"))
    assert f'href="{site_help.url}"' in _section(_home(client, a), "help")
    own = _publish(a.page, HelpPage(title="阳光帮助", slug="sunny-help"))
    assert f'href="{own.url}"' in _section(_home(client, a), "help")
    own.unpublish()
    assert f'href="{site_help.url}"' in _section(_home(client, a), "help")
    HelpPage.objects.get(pk=site_help.pk).delete()
    assert "使用帮助" not in _section(_home(client, a), "help")


def test_a_disclosure_made_members_only_disappears_for_visitors_on_the_next_render(world, client):
    a = world.a
    disclosure = _publish(a.page, DisclosurePage(title="维修基金公示", slug="fund"))
    assert "维修基金公示" in _section(_home(client, a), "disclosures")
    disclosure = DisclosurePage.objects.get(pk=disclosure.pk)
    disclosure.members_only = True
    disclosure.save_revision().publish()
    assert "维修基金公示" not in _section(_home(client, a), "disclosures")
    assert "维修基金公示" in _section(_home(client, a, a.owner), "disclosures")


def test_a_disclosure_moved_to_another_community_follows_on_both_homes(world, client):
    a, b = world.a, world.b
    disclosure = _publish(a.page, DisclosurePage(title="维修基金公示", slug="fund"))
    assert "维修基金公示" in _home(client, a) and "维修基金公示" not in _home(client, b)
    Page.objects.get(pk=disclosure.pk).move(Page.objects.get(pk=b.page.pk), pos="last-child")
    assert "维修基金公示" not in _home(client, a)
    html = _section(_home(client, b), "disclosures")
    assert "维修基金公示" in html and f'href="{b.page.url}fund/"' in html


def test_a_published_and_an_unpublished_notice_are_followed(world, client):
    a = world.a
    assert "暂无通知。" in _section(_home(client, a, a.owner), "notices")
    notice = _notice(a.page, "停水通知")
    assert "停水通知" in _section(_home(client, a, a.owner), "notices")
    NoticePage.objects.get(pk=notice.pk).unpublish()
    assert "暂无通知。" in _section(_home(client, a, a.owner), "notices")


def test_a_write_replaces_a_database_token_and_a_rolled_back_write_does_not(world):
    """Tokens live in the database: a committed write changes the key every process computes; a write that is
    rolled back leaves it as it was (and the cache is never asked to forget anything)."""
    a = world.a
    before = _key(a)
    with pytest.raises(RuntimeError), transaction.atomic():
        BulletinType.objects.create(community=a.community, name="社区活动")
        assert _key(a) != before
        raise RuntimeError
    assert _key(a) == before
    BulletinType.objects.create(community=a.community, name="社区活动")
    after = _key(a)
    assert after != before and _key(world.b) == _key(world.b)
    assert HomeCacheToken.objects.filter(scope=home_cache.community_scope(a.community.pk)).exists()
    wagtail_image()  # an image (and so its renditions) changed: every community's home
    assert _key(a) != after


def test_the_key_follows_the_language_and_the_community_record(world):
    a = world.a
    with translation.override("zh-hans"):
        chinese = _key(a)
    with translation.override("en"):
        assert _key(a) != chinese
    a.community.created_at = a.community.created_at.replace(year=2001)  # as if re-created under the same pk
    with translation.override("zh-hans"):
        assert _key(a) != chinese


def test_writes_that_bypass_model_signals_need_a_bump(world, client):
    """`QuerySet.update()` sends no signal: the cached home keeps what it had until `bump` is called (as the
    module says), while an uncached read (a preview's) sees the change at once."""
    a = world.a
    events = BulletinType.objects.create(community=a.community, name="社区活动")
    BulletinItem.objects.create(community=a.community, type=events, title="端午包粽子", date=date(2024, 6, 1))
    assert "端午包粽子" in _home(client, a)
    BulletinItem.objects.filter(community=a.community).update(title="中秋赏月")
    page = CommunityPage.objects.get(pk=a.page.pk)
    assert community_home_context(page, world.outsider)["bulletin"][0].items[0].title == "端午包粽子"
    assert community_home_context(page, world.outsider, cached=False)["bulletin"][0].items[0].title == "中秋赏月"
    home_cache.bump_community(a.community.pk)
    assert "中秋赏月" in _home(client, a)


def test_a_preview_shows_the_carousel_being_edited_not_the_cached_one(world, client):
    a = world.a
    _home(client, a)  # the live home (no carousel) is cached
    page = CommunityPage.objects.get(pk=a.page.pk)
    page.carousel_items = [CarouselItem(image=wagtail_image("花园", 800, 600), caption="预览中的花园")]
    preview = page.make_preview_request().content.decode()
    assert "预览中的花园" in preview
    assert 'data-testid="carousel"' not in _home(client, a)


# --- privacy: a shared bundle never shows members-only records to others, nor another community's ---------


def test_a_bundle_filled_by_a_member_shows_visitors_only_public_records(world, client):
    a = world.a
    _publish(a.page, DisclosurePage(title="公开公示", slug="public"))
    _publish(a.page, DisclosurePage(title="内部公示", slug="internal", members_only=True))
    _notice(a.page, "停水通知")
    services.archive_upload(community=a.community, actor=a.committee, title="内部档案", category="other",
                            year=2020, upload=png_upload())
    member = _home(client, a, a.owner)  # fills the cache
    assert "内部公示" in member and "停水通知" in member and _archive_count(member) == 1
    for visitor in (None, world.outsider, world.b.owner):
        html = _home(client, a, visitor)
        assert "公开公示" in html and "内部公示" not in html and "停水通知" not in html
        assert _archive_count(html) == 0 and "暂无通知。" in _section(html, "notices")


def test_a_bundle_filled_by_a_visitor_still_gives_members_their_records(world, client):
    a = world.a
    _publish(a.page, DisclosurePage(title="内部公示", slug="internal", members_only=True))
    _notice(a.page, "停水通知")
    assert "内部公示" not in _home(client, a)  # fills the cache
    member = _home(client, a, a.committee)
    assert "内部公示" in member and "停水通知" in member


def test_each_community_home_shows_only_its_own_records(world, client):
    a, b = world.a, world.b
    _publish(a.page, DisclosurePage(title="阳光公示", slug="sunny-fund"))
    services.bylaw_save(community=a.community, kind=BylawKind.WORKING_RULES, actor=a.committee, body="<p>x</p>")
    events = BulletinType.objects.create(community=a.community, name="阳光活动")
    BulletinItem.objects.create(community=a.community, type=events, title="阳光包粽子", date=date(2024, 6, 1))
    assert "阳光公示" in _home(client, a, a.owner)
    html = _home(client, b, b.owner)
    assert "阳光公示" not in html and "阳光包粽子" not in html and "阳光活动" not in html
    assert "工作规则 <small" in _section(html, "bylaws")
    assert 'data-testid="community-name">碧水小区<' in html


def test_every_visitor_sees_exactly_the_uncached_page(world, client, settings):
    """Whoever fills the cache, each visitor's page is byte for byte the page read without any cache (only the
    per-response CSRF token differs)."""
    a = world.a
    services.bylaw_save(community=a.community, kind=BylawKind.MANAGEMENT_STATUTE, actor=a.committee, body="<p>规约</p>")
    _publish(a.page, DisclosurePage(title="公开公示", slug="public"))
    _publish(a.page, DisclosurePage(title="内部公示", slug="internal", members_only=True))
    _publish(a.page, HelpPage(title="帮助", slug="help"))
    _notice(a.page, "停水通知")
    events = BulletinType.objects.create(community=a.community, name="社区活动")
    BulletinItem.objects.create(community=a.community, type=events, title="端午包粽子", date=date(2024, 6, 1))
    services.archive_upload(community=a.community, actor=a.committee, title="内部档案", category="other",
                            year=2020, upload=png_upload())
    visitors = [None, world.outsider, a.owner, a.committee, a.property_staff, world.b.owner, world.superuser]

    def strip(html: str) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    uncached = {visitor: strip(_home(client, a, visitor)) for visitor in visitors}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "home-cache-test"}}
    for filler in (a.committee, None):
        home_cache.bump_site()  # a fresh bundle, filled by `filler`
        _home(client, a, filler)
        for visitor in visitors:
            assert strip(_home(client, a, visitor)) == uncached[visitor], (filler, visitor)
    assert "内部公示" in uncached[a.owner] and "内部公示" not in uncached[None]
    assert "停水通知" in uncached[world.superuser] and "停水通知" not in uncached[world.b.owner]

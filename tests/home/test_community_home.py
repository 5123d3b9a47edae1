"""A community's home: info, the three bylaws, notices, disclosures, the archive link, the bulletin
board, the carousel (750×540 renditions), help and feedback links."""

import re
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.models import Page

from governance.errors import DomainError, ErrorCode
from home import services
from home.models import (
    BulletinItem,
    BulletinType,
    BylawKind,
    CarouselItem,
    CommunityPage,
    DisclosurePage,
    HelpPage,
    HomePage,
)
from tests.home.conftest import pdf_upload, sub_url, wagtail_image

pytestmark = pytest.mark.django_db


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start:html.index("</section>", start)]


def test_the_home_shows_info_and_every_section(world, client):
    page = world.a.page
    page.intro = "<p>建于2005年的花园小区</p>"
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert 'data-testid="community-name">阳光小区<' in html
    assert 'data-testid="community-address">地址：阳光小区路1号<' in html
    assert "建于2005年的花园小区" in html
    assert 'data-testid="verified-share">25.0%<' in html
    for testid in ("notices", "bylaws", "disclosures", "bulletin", "archive", "help"):
        assert f'data-testid="{testid}"' in html
    assert f'href="{sub_url(page, "archive")}" data-testid="archive-link"' in html
    assert f'href="{sub_url(page, "feedback")}" data-testid="feedback-link"' in html
    assert 'data-testid="activation-checklist"' not in html  # anonymous


def test_bylaws_link_once_uploaded_and_render_as_text_or_an_inline_pdf(world, client):
    a = world.a
    services.bylaw_save(community=a.community, kind=BylawKind.MANAGEMENT_STATUTE, actor=a.committee,
                        body="<p>第一条 本规约对全体业主具有约束力。</p>")
    services.bylaw_save(community=a.community, kind=BylawKind.RULES_OF_PROCEDURE, actor=a.committee,
                        upload=pdf_upload("业主大会议事规则"))
    html = _section(client.get(a.page.url).content.decode(), "bylaws")
    assert f'<a href="{sub_url(a.page, "bylaw", "management_statute")}">管理规约</a>' in html
    assert f'<a href="{sub_url(a.page, "bylaw", "rules_of_procedure")}">议事规则</a>' in html
    assert "工作规则 <small class=\"muted\">（尚未上传）</small>" in html

    text = client.get(sub_url(a.page, "bylaw", "management_statute")).content.decode()
    assert 'data-testid="bylaw-title">管理规约<' in text and "本规约对全体业主具有约束力" in text
    pdf = client.get(sub_url(a.page, "bylaw", "rules_of_procedure")).content.decode()
    file_url = sub_url(a.page, "bylaw_file", "rules_of_procedure")
    assert f'<iframe src="{file_url}"' in pdf
    response = client.get(file_url)
    assert response["Content-Type"] == "application/pdf" and response["Content-Disposition"].startswith("inline;")
    assert client.get(sub_url(a.page, "bylaw", "working_rules")).status_code == 404
    assert client.get(sub_url(a.page, "bylaw", "nonsense")).status_code == 404


def test_a_bylaw_needs_a_file_or_a_text_and_a_manager_of_the_community(world):
    a = world.a
    with pytest.raises(DomainError) as caught:
        services.bylaw_save(community=a.community, kind=BylawKind.WORKING_RULES, actor=a.committee, body="<p> </p>")
    assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID, "file")
    with pytest.raises(DomainError) as caught:
        services.bylaw_save(community=a.community, kind=BylawKind.WORKING_RULES, actor=world.b.committee,
                            body="<p>x</p>")
    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert not a.community.bylaws.exists()


def test_notices_are_child_pages_whose_class_says_is_notice(world, client, monkeypatch):
    """The notice page model is another app's: any child page class with `is_notice = True` is listed."""
    a = world.a
    _publish(a.page, HelpPage(title="不是通知的帮助页", slug="help"))
    assert "暂无通知。" in _section(client.get(a.page.url).content.decode(), "notices")
    monkeypatch.setattr(HelpPage, "is_notice", True, raising=False)
    assert "不是通知的帮助页" not in client.get(a.page.url).content.decode()  # notices are members-only
    client.force_login(a.committee)
    html = _section(client.get(a.page.url).content.decode(), "notices")
    assert "不是通知的帮助页" in html and "暂无通知。" not in html


def test_notice_page_types_are_allowed_under_a_community_page(world, monkeypatch):
    """A page class of another app that declares `is_notice = True` becomes a subpage type of CommunityPage."""
    monkeypatch.setattr(CommunityPage, "_clean_subpage_models", None)
    monkeypatch.setattr(HomePage, "is_notice", True, raising=False)  # stands in for a notice page model
    allowed = CommunityPage.clean_subpage_models()
    assert allowed[:2] == [DisclosurePage, HelpPage]
    assert HomePage in allowed[2:]
    assert all(getattr(model, "is_notice", False) for model in allowed[2:])
    monkeypatch.setattr(CommunityPage, "_clean_subpage_models", None)


def test_disclosures_are_listed_and_members_only_ones_hidden_from_outsiders(world, as_user):
    a = world.a
    public = _publish(a.page, DisclosurePage(title="2024年度维修基金公示", slug="fund-2024"))
    private = _publish(a.page, DisclosurePage(title="业委会内部公示", slug="internal", members_only=True))
    html = _section(as_user(None).get(a.page.url).content.decode(), "disclosures")
    assert "2024年度维修基金公示" in html and "业委会内部公示" not in html
    visitor = as_user(None).get(private.url)
    login_url = f"{reverse('account_login')}?next={quote(private.url)}"
    assert (visitor.status_code, visitor["Location"]) == (302, login_url)
    assert as_user(world.outsider).get(private.url).status_code == 404
    assert as_user(world.b.owner).get(private.url).status_code == 404
    member = as_user(world.a.owner)
    assert "业委会内部公示" in _section(member.get(a.page.url).content.decode(), "disclosures")
    assert member.get(private.url).status_code == 200
    assert member.get(public.url).status_code == 200


def test_the_bulletin_board_groups_published_items_by_type(world, client):
    a = world.a
    events = BulletinType.objects.create(community=a.community, name="社区活动", sort_order=1)
    civic = BulletinType.objects.create(community=None, name="文明宣传", sort_order=2)
    other = BulletinType.objects.create(community=world.b.community, name="碧水专栏")
    BulletinItem.objects.create(community=a.community, type=civic, title="垃圾分类指南", date=date(2024, 5, 1),
                                image=wagtail_image())
    BulletinItem.objects.create(community=a.community, type=events, title="端午包粽子", date=date(2024, 6, 1))
    BulletinItem.objects.create(community=a.community, type=events, title="草稿活动", published=False)
    BulletinItem.objects.create(community=world.b.community, type=other, title="B-SECRET-POSTER")
    html = _section(client.get(a.page.url).content.decode(), "bulletin")
    assert html.count('data-testid="bulletin-type"') == 2
    assert html.index("社区活动") < html.index("端午包粽子") < html.index("文明宣传") < html.index("垃圾分类指南")
    assert "草稿活动" not in html and "B-SECRET-POSTER" not in html and "碧水专栏" not in html
    assert re.search(r'<img [^>]*src="/media/images/slide[^"]*\.fill-240x160\.png"', html)

    listing = client.get(sub_url(a.page, "bulletin"), {"type": civic.pk}).content.decode()
    assert listing.count('data-testid="bulletin-item"') == 1 and "垃圾分类指南" in listing
    item = BulletinItem.objects.get(title="端午包粽子")
    detail = client.get(sub_url(a.page, "bulletin_item", item.pk)).content.decode()
    assert 'data-testid="bulletin-title">端午包粽子<' in detail
    b_item = BulletinItem.objects.get(title="B-SECRET-POSTER")
    assert client.get(sub_url(a.page, "bulletin_item", b_item.pk)).status_code == 404


def test_the_carousel_renders_750_by_540_renditions(world, client, media_root):
    a = world.a
    page = CommunityPage.objects.get(pk=a.page.pk)
    page.carousel_items = [
        CarouselItem(image=wagtail_image("入口", 1600, 1200), caption="小区入口"),
        CarouselItem(image=wagtail_image("花园", 1200, 1600), caption="中心花园"),
    ]
    page.save_revision().publish()
    html = _section(client.get(page.url).content.decode(), "carousel")
    sources = re.findall(r'<img [^>]*src="(/media/[^"]+)"', html)
    assert len(sources) == 2
    assert html.index("小区入口") < html.index("中心花园")
    for source in sources:
        assert ".fill-750x540" in source
        with PILImage.open(Path(media_root) / source.removeprefix("/media/")) as rendered:
            assert rendered.size == (750, 540)
    assert html.count('height="540"') == 2 and html.count('width="750"') == 2


def test_help_links_to_the_communitys_own_help_page_or_the_site_one(world, client):
    a = world.a
    site_help = _publish(Page.objects.get(pk=a.page.get_parent().pk).specific, HelpPage(
        title="使用帮助", slug="help",
        body=[("qa", {"question": "如何认证业主身份？", "answer": "<p>在“业主认证”中选择房屋，输入短信验证码。</p>"})],
    ))
    html = _section(client.get(a.page.url).content.decode(), "help")
    assert f'href="{site_help.url}"' in html
    qa = client.get(site_help.url).content.decode()
    assert '<summary>如何认证业主身份？</summary>' in qa and "输入短信验证码" in qa
    own = _publish(a.page, HelpPage(title="阳光小区帮助", slug="sunny-help"))
    html = _section(client.get(a.page.url).content.decode(), "help")
    assert f'href="{own.url}"' in html and f'href="{site_help.url}"' not in html

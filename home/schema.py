"""GraphQL for the community pages (mini-program): a community's home, its archive and feedback.

`communityHome` is public information (what the community page shows to anyone). `archive` follows
the portal's rule: members get every document of their community, anyone else the public ones only.
Lists are read with one query each (images with their renditions prefetched); URLs are absolute.
Add `HomeQuery` / `HomeMutation` to the bases in `portal/api.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import graphene
from wagtail.rich_text import expand_db_html

from governance.errors import DomainError, ErrorCode
from governance.registry.models import Community
from portal.graphql.auth import current_user
from portal.graphql.enums import enum_from_choices
from portal.graphql.errors import not_authenticated
from portal.graphql.mutations import DomainMutation

from . import permissions, selectors, services
from .models import (
    ArchiveCategory,
    ArchiveDocument,
    BulletinItem,
    BylawKind,
    CarouselItem,
    CommunityPage,
    Feedback,
    FeedbackCategory,
    FeedbackStatus,
)

CAROUSEL_SPEC = CarouselItem.RENDITION
BULLETIN_SPEC = "fill-750x540"
ARCHIVE_PAGE = 50
ARCHIVE_MAX = 100

ArchiveCategoryEnum = enum_from_choices("ArchiveCategory", ArchiveCategory, "档案类别")
BylawKindEnum = enum_from_choices("BylawKind", BylawKind, "三项规约")
FeedbackCategoryEnum = enum_from_choices("FeedbackCategory", FeedbackCategory, "反馈类别")
FeedbackStatusEnum = enum_from_choices("FeedbackStatus", FeedbackStatus, "反馈状态")


def _absolute(info, path: str | None) -> str | None:
    if not path:
        return None
    request = info.context
    if path.startswith(("http://", "https://")) or request is None:
        return path
    return request.build_absolute_uri(path)


def _enum_value(value):
    return getattr(value, "value", value)


def _page_for(code: str) -> CommunityPage:
    page = (CommunityPage.objects.live().select_related("community__residents_committee__street")
            .filter(community__code=(code or "").strip()).first())
    if page is None:
        raise DomainError(ErrorCode.NOT_FOUND, "没有找到该小区。", field="code")
    return page


def _community_for(code: str) -> Community:
    community = Community.objects.filter(code=(code or "").strip()).first()
    if community is None:
        raise DomainError(ErrorCode.NOT_FOUND, "没有找到该小区。", field="community_code")
    return community


# --- types ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BylawLink:
    page: CommunityPage
    entry: selectors.BylawEntry


class HomeBylawType(graphene.ObjectType):
    """三项规约之一：议事规则、工作规则或管理规约"""

    class Meta:
        name = "HomeBylaw"

    kind = graphene.Field(BylawKindEnum, required=True, description="规约类型")
    label = graphene.String(required=True, description="简称：议事规则 / 工作规则 / 管理规约")
    title = graphene.String(required=True, description="全称，如“业主大会议事规则”")
    present = graphene.Boolean(required=True, description="是否已上传（文件或正文）")
    url = graphene.String(description="规约页面地址（未上传时为空）")
    file_url = graphene.String(description="文件地址（PDF 或图片，可在线预览；无文件时为空）")

    @staticmethod
    def resolve_kind(link: BylawLink, info):
        return link.entry.kind

    @staticmethod
    def resolve_label(link: BylawLink, info):
        return link.entry.label

    @staticmethod
    def resolve_title(link: BylawLink, info):
        from .models import BYLAW_FULL_TITLES

        return str(BYLAW_FULL_TITLES[link.entry.kind])

    @staticmethod
    def resolve_present(link: BylawLink, info):
        return link.entry.present

    @staticmethod
    def resolve_url(link: BylawLink, info):
        if not link.entry.present:
            return None
        return _absolute(info, link.page.url + link.page.reverse_subpage("bylaw", args=[link.entry.kind]))

    @staticmethod
    def resolve_file_url(link: BylawLink, info):
        if not (link.entry.present and link.entry.bylaw.file):
            return None
        return _absolute(info, link.page.url + link.page.reverse_subpage("bylaw_file", args=[link.entry.kind]))


class CarouselImageType(graphene.ObjectType):
    """轮播图：750×540 的裁切图"""

    class Meta:
        name = "CarouselImage"

    url = graphene.String(required=True, description="图片地址（750×540）")
    width = graphene.Int(required=True, description="宽度（像素）")
    height = graphene.Int(required=True, description="高度（像素）")
    caption = graphene.String(required=True, description="说明文字，可为空字符串")
    link = graphene.String(required=True, description="点击后打开的地址，可为空字符串")

    @staticmethod
    def resolve_url(item: CarouselItem, info):
        return _absolute(info, item.image.get_rendition(CAROUSEL_SPEC).url)

    @staticmethod
    def resolve_width(item: CarouselItem, info):
        return item.image.get_rendition(CAROUSEL_SPEC).width

    @staticmethod
    def resolve_height(item: CarouselItem, info):
        return item.image.get_rendition(CAROUSEL_SPEC).height


@dataclass(frozen=True)
class BulletinEntry:
    page: CommunityPage
    item: BulletinItem


class BulletinItemType(graphene.ObjectType):
    """宣传栏中的一条内容"""

    class Meta:
        name = "BulletinItem"

    id = graphene.ID(required=True, description="ID")
    type_name = graphene.String(required=True, description="类别名称")
    title = graphene.String(required=True, description="标题")
    date = graphene.Date(required=True, description="日期")
    image_url = graphene.String(description="图片地址（750×540），无图片时为空")
    body = graphene.String(required=True, description="内容（HTML）")
    url = graphene.String(required=True, description="详情页地址")

    @staticmethod
    def resolve_id(entry: BulletinEntry, info):
        return entry.item.pk

    @staticmethod
    def resolve_type_name(entry: BulletinEntry, info):
        return entry.item.type.name

    @staticmethod
    def resolve_title(entry: BulletinEntry, info):
        return entry.item.title

    @staticmethod
    def resolve_date(entry: BulletinEntry, info):
        return entry.item.date

    @staticmethod
    def resolve_image_url(entry: BulletinEntry, info):
        if entry.item.image is None:
            return None
        return _absolute(info, entry.item.image.get_rendition(BULLETIN_SPEC).url)

    @staticmethod
    def resolve_body(entry: BulletinEntry, info):
        return expand_db_html(entry.item.body or "")

    @staticmethod
    def resolve_url(entry: BulletinEntry, info):
        return _absolute(info, entry.page.url + entry.page.reverse_subpage("bulletin_item", args=[entry.item.pk]))


class PageLinkType(graphene.ObjectType):
    """一个页面的标题与地址（公示、通知公告）"""

    class Meta:
        name = "HomePageLink"

    title = graphene.String(required=True, description="标题")
    url = graphene.String(required=True, description="页面地址")
    published_at = graphene.DateTime(description="首次发布时间")

    @staticmethod
    def resolve_url(page, info):
        return _absolute(info, page.get_url(info.context))

    @staticmethod
    def resolve_published_at(page, info):
        return page.first_published_at


class CommunityHomeData:
    """What `communityHome` resolves from: the page, read once per request."""

    def __init__(self, page: CommunityPage, user):
        self.page = page
        self.community = page.community
        self.user = user

    @cached_property
    def overview(self):
        from governance.registry.selectors import community_overview

        return community_overview(self.community)


class CommunityHomeType(graphene.ObjectType):
    """小区主页：公开信息、三项规约、轮播图、宣传栏、公示与通知"""

    class Meta:
        name = "CommunityHome"

    code = graphene.String(required=True, description="小区编码")
    name = graphene.String(required=True, description="小区名称")
    address = graphene.String(required=True, description="地址，可为空字符串")
    intro = graphene.String(required=True, description="小区简介（HTML），可为空字符串")
    buildings = graphene.Int(required=True, description="楼栋数")
    units = graphene.Int(required=True, description="房屋数")
    verified_share = graphene.String(required=True, description="已认证户数占比（百分数，一位小数，如 \"33.3\"）")
    is_member = graphene.Boolean(required=True, description="当前用户是否为本小区成员")
    bylaws = graphene.List(graphene.NonNull(HomeBylawType), required=True, description="三项规约，固定顺序")
    carousel = graphene.List(graphene.NonNull(CarouselImageType), required=True, description="轮播图")
    bulletin_items = graphene.List(graphene.NonNull(BulletinItemType), required=True, description="宣传栏内容")
    disclosures = graphene.List(graphene.NonNull(PageLinkType), required=True, description="公示，新的在前")
    notices = graphene.List(graphene.NonNull(PageLinkType), required=True, description="最新通知公告")

    @staticmethod
    def resolve_code(home: CommunityHomeData, info):
        return home.community.code

    @staticmethod
    def resolve_name(home: CommunityHomeData, info):
        return home.community.name

    @staticmethod
    def resolve_address(home: CommunityHomeData, info):
        return home.community.address

    @staticmethod
    def resolve_intro(home: CommunityHomeData, info):
        return expand_db_html(home.page.intro or "")

    @staticmethod
    def resolve_buildings(home: CommunityHomeData, info):
        return len(home.overview.buildings)

    @staticmethod
    def resolve_units(home: CommunityHomeData, info):
        return home.overview.units

    @staticmethod
    def resolve_verified_share(home: CommunityHomeData, info):
        return home.overview.verified_percent

    @staticmethod
    def resolve_is_member(home: CommunityHomeData, info):
        return permissions.can_view_archive(home.user, home.community)

    @staticmethod
    def resolve_bylaws(home: CommunityHomeData, info):
        return [BylawLink(home.page, entry) for entry in selectors.bylaws_of(home.community)]

    @staticmethod
    def resolve_carousel(home: CommunityHomeData, info):
        return selectors.carousel_of(home.page)

    @staticmethod
    def resolve_bulletin_items(home: CommunityHomeData, info):
        return [BulletinEntry(home.page, item) for item in selectors.bulletin_items_of(home.community)]

    @staticmethod
    def resolve_disclosures(home: CommunityHomeData, info):
        return selectors.disclosures_of(home.page, home.user)

    @staticmethod
    def resolve_notices(home: CommunityHomeData, info):
        return selectors.notices_of(home.page, home.user)


@dataclass(frozen=True)
class ArchiveEntry:
    page: CommunityPage | None
    document: ArchiveDocument


class ArchiveDocumentType(graphene.ObjectType):
    """小区档案中的一份文件（PDF 或图片）"""

    class Meta:
        name = "ArchiveDocument"

    id = graphene.ID(required=True, description="档案 ID")
    title = graphene.String(required=True, description="标题")
    category = graphene.Field(ArchiveCategoryEnum, required=True, description="类别")
    category_label = graphene.String(required=True, description="类别中文名称")
    year = graphene.Int(required=True, description="年份")
    is_public = graphene.Boolean(required=True, description="是否公开")
    content_type = graphene.String(required=True, description="文件类型，如 application/pdf、image/jpeg")
    url = graphene.String(description="详情页（在线预览）地址")
    file_url = graphene.String(description="文件地址（在线预览，需登录身份访问非公开档案）")
    uploaded_at = graphene.DateTime(required=True, description="上传时间")

    @staticmethod
    def resolve_id(entry: ArchiveEntry, info):
        return entry.document.pk

    @staticmethod
    def resolve_title(entry: ArchiveEntry, info):
        return entry.document.title

    @staticmethod
    def resolve_category(entry: ArchiveEntry, info):
        return entry.document.category

    @staticmethod
    def resolve_category_label(entry: ArchiveEntry, info):
        return entry.document.get_category_display()

    @staticmethod
    def resolve_year(entry: ArchiveEntry, info):
        return entry.document.year

    @staticmethod
    def resolve_is_public(entry: ArchiveEntry, info):
        return entry.document.is_public

    @staticmethod
    def resolve_content_type(entry: ArchiveEntry, info):
        return entry.document.content_type

    @staticmethod
    def resolve_url(entry: ArchiveEntry, info):
        if entry.page is None:
            return None
        return _absolute(info, entry.page.url + entry.page.reverse_subpage("archive_detail", args=[entry.document.pk]))

    @staticmethod
    def resolve_file_url(entry: ArchiveEntry, info):
        if entry.page is None:
            return None
        return _absolute(info, entry.page.url + entry.page.reverse_subpage("archive_file", args=[entry.document.pk]))

    @staticmethod
    def resolve_uploaded_at(entry: ArchiveEntry, info):
        return entry.document.uploaded_at


class CommunityFeedbackType(graphene.ObjectType):
    """一条意见反馈及工作人员的回复"""

    class Meta:
        name = "CommunityFeedback"

    id = graphene.ID(required=True, description="反馈 ID")
    category = graphene.Field(FeedbackCategoryEnum, required=True, description="类别")
    content = graphene.String(required=True, description="内容")
    status = graphene.Field(FeedbackStatusEnum, required=True, description="状态")
    reply = graphene.String(required=True, description="回复，未回复时为空字符串")
    created_at = graphene.DateTime(required=True, description="提交时间")
    replied_at = graphene.DateTime(description="回复时间")

    @staticmethod
    def resolve_category(feedback: Feedback, info):
        return str(feedback.category)

    @staticmethod
    def resolve_status(feedback: Feedback, info):
        return str(feedback.status)


# --- queries ------------------------------------------------------------------------------------------


class HomeQuery(graphene.ObjectType):
    community_home = graphene.Field(
        CommunityHomeType,
        code=graphene.String(required=True, description="小区编码"),
        description="小区主页（公开信息）；没有该小区时为 null 并给出 NOT_FOUND 错误",
    )
    archive = graphene.List(
        graphene.NonNull(ArchiveDocumentType), required=True,
        community_code=graphene.String(required=True, description="小区编码"),
        category=graphene.Argument(ArchiveCategoryEnum, description="按类别筛选"),
        year=graphene.Int(description="按年份筛选"),
        q=graphene.String(description="搜索标题和正文（每个词都须出现）"),
        first=graphene.Int(default_value=ARCHIVE_PAGE, description=f"返回条数，1–{ARCHIVE_MAX}，默认 {ARCHIVE_PAGE}"),
        offset=graphene.Int(default_value=0, description="跳过的条数，默认 0"),
        description="小区档案：本小区成员可见全部档案，其他人只能看到公开档案；年份新的在前",
    )
    my_feedback = graphene.List(
        graphene.NonNull(CommunityFeedbackType), required=True,
        community_code=graphene.String(required=True, description="小区编码"),
        description="我在该小区提交的意见反馈，新的在前",
    )

    @staticmethod
    def resolve_community_home(root, info, code):
        return CommunityHomeData(_page_for(code), current_user(info))

    @staticmethod
    def resolve_archive(root, info, community_code, category=None, year=None, q=None, first=ARCHIVE_PAGE,
                        offset=0):
        if first is None or not 1 <= first <= ARCHIVE_MAX:
            raise DomainError(ErrorCode.INVALID, f"first 必须在 1 到 {ARCHIVE_MAX} 之间。", field="first")
        if offset is None or offset < 0:
            raise DomainError(ErrorCode.INVALID, "offset 不能为负数。", field="offset")
        community = _community_for(community_code)
        documents = selectors.archive_search(
            selectors.archive_documents_for(current_user(info), community),
            q=(q or "")[:100], category=_enum_value(category), year=year,
        ).defer("extracted_text")
        page = selectors.community_page_of(community)
        return [ArchiveEntry(page, document) for document in documents[offset:offset + first]]

    @staticmethod
    def resolve_my_feedback(root, info, community_code):
        user = current_user(info)
        if user is None:
            raise not_authenticated()
        return list(selectors.my_feedback(user, _community_for(community_code)))


# --- mutations ----------------------------------------------------------------------------------------


class SubmitFeedback(DomainMutation):
    """向小区工作人员提交意见反馈（本小区成员）；回复后会收到站内消息"""

    class Meta:
        name = "SubmitFeedbackPayload"

    class Arguments:
        community_code = graphene.String(required=True, description="小区编码")
        category = FeedbackCategoryEnum(required=True, description="类别")
        content = graphene.String(required=True, description=f"内容，不超过 {services.FEEDBACK_MAX_CHARS} 字")

    feedback = graphene.Field(CommunityFeedbackType, description="提交的反馈；失败时为空")

    @classmethod
    def perform(cls, root, info, *, user, community_code, category, content):
        community = _community_for(community_code)
        feedback = services.feedback_submit(community=community, user=user, category=_enum_value(category),
                                            content=content)
        return cls(feedback=feedback)


class HomeMutation(graphene.ObjectType):
    submit_feedback = SubmitFeedback.Field(description="提交意见反馈")

"""Reads behind the community pages, the admin and GraphQL. Private records are scoped here:
an archive document of another community is never fetched for a non-member."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db.models import Prefetch, Q, QuerySet

from portal.accounts.models import Membership, PropertyTeam, Role
from portal.memo import remembering

from . import permissions
from .models import (
    ActivationChecklist,
    ArchiveCategory,
    ArchiveDocument,
    BulletinItem,
    BulletinType,
    Bylaw,
    BylawKind,
    CarouselItem,
    CommunityPage,
    DisclosurePage,
    Feedback,
    HelpPage,
    HomePage,
)

LATEST_NOTICES = 5
BULLETIN_PER_TYPE = 6
BULLETIN_RENDITIONS = ("fill-240x160", "fill-750x540")


# --- bylaws -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BylawEntry:
    kind: str
    label: str
    bylaw: Bylaw | None

    @property
    def present(self) -> bool:
        return self.bylaw is not None and self.bylaw.is_present


def bylaws_of(community) -> list[BylawEntry]:
    """The three bylaws in their fixed order, each with its row when one exists (one query)."""
    rows = {bylaw.kind: bylaw for bylaw in Bylaw.objects.filter(community=community)}
    return [BylawEntry(kind, str(label), rows.get(kind)) for kind, label in BylawKind.choices]


# --- notices, disclosures, help ----------------------------------------------------------------------


def notice_page_models() -> list:
    """Page classes of any app that declare ``is_notice = True`` (the notice page model is another app's)."""
    from wagtail.models import get_page_models

    return [model for model in get_page_models() if getattr(model, "is_notice", False)]


def notice_pages(page: CommunityPage, limit: int = LATEST_NOTICES) -> list:
    """Live child pages whose class declares ``is_notice = True``, newest first, whoever asks: callers show
    them to members only (`notices_of`). One query when a single page class is a notice (the usual case)."""
    models = notice_page_models()
    if not models:
        return []
    if len(models) == 1:  # no subclass either: a subclass of a notice class is a notice class too
        return list(models[0].objects.child_of(page).live().order_by("-first_published_at", "-pk")[:limit])
    children = page.get_children().live().type(*models).order_by("-first_published_at", "-pk")
    return list(children.specific()[:limit])


def notices_of(page: CommunityPage, user, limit: int = LATEST_NOTICES) -> list:
    """Live child pages whose class declares ``is_notice = True``, newest first — for members only.

    Notices are members-only (their pages 404 for anyone else), so their titles are too.
    """
    from governance.registry.roles import is_member

    if not notice_page_models() or not (getattr(user, "is_authenticated", False)
                                        and is_member(user, page.community)):
        return []
    return notice_pages(page, limit)


def disclosures_of(page: CommunityPage, user) -> list[DisclosurePage]:
    """Live disclosure pages of the community the user may see, newest first."""
    pages = DisclosurePage.objects.child_of(page).live().order_by("-first_published_at", "-pk")
    if not permissions.can_view_archive(user, page.community):
        pages = pages.filter(members_only=False)
    return list(pages)


def help_page_for(page: CommunityPage) -> HelpPage | None:
    """The community's own help page, else the site-wide one (for the link: its body is not read)."""
    own = HelpPage.objects.child_of(page).live().defer_streamfields().first()
    if own is not None:
        return own
    root = HomePage.objects.ancestor_of(page).first()
    return HelpPage.objects.child_of(root).live().defer_streamfields().first() if root is not None else None


# --- bulletin board (宣传栏) -------------------------------------------------------------------------


def bulletin_types_for(community) -> QuerySet[BulletinType]:
    """Types offered to a community: its own and the platform-wide ones."""
    return BulletinType.objects.filter(Q(community=community) | Q(community__isnull=True)).order_by(
        "sort_order", "name")


def _images_with_renditions(*specs):
    from wagtail.images import get_image_model

    return get_image_model().objects.prefetch_renditions(*specs)


def bulletin_items_of(community) -> QuerySet[BulletinItem]:
    return (BulletinItem.objects.filter(community=community, published=True).select_related("type")
            .prefetch_related(Prefetch("image", queryset=_images_with_renditions(*BULLETIN_RENDITIONS)))
            .order_by("sort_order", "-date", "-pk"))


@dataclass(frozen=True)
class BulletinColumn:
    type: BulletinType
    items: list[BulletinItem]


def bulletin_board(community, per_type: int = BULLETIN_PER_TYPE) -> list[BulletinColumn]:
    """The board in columns (types in their order), only types that have items; two queries."""
    columns: dict[int, BulletinColumn] = {}
    order = {t.pk: i for i, t in enumerate(bulletin_types_for(community))}
    for item in bulletin_items_of(community):
        column = columns.setdefault(item.type_id, BulletinColumn(item.type, []))
        if len(column.items) < per_type:
            column.items.append(item)
    return sorted(columns.values(), key=lambda c: (order.get(c.type.pk, len(order)), c.type.name))


# --- archive (小区档案) ------------------------------------------------------------------------------


def archive_documents_for(user, community) -> QuerySet[ArchiveDocument]:
    """The documents of `community` the user reaches: all of them for members, the public ones otherwise."""
    documents = ArchiveDocument.objects.filter(community=community)
    if not permissions.can_view_archive(user, community):
        documents = documents.filter(is_public=True)
    return documents


def archive_search(documents: QuerySet[ArchiveDocument], *, q: str | None = None, category: str | None = None,
                   year: int | None = None) -> QuerySet[ArchiveDocument]:
    """Narrow by category and year; every word of `q` must be in the title or the extracted text.

    A plain `icontains` over the stored text, which finds Chinese words without segmentation; the
    model is also `index.Indexed`, so a search backend can take over later."""
    if category:
        documents = documents.filter(category=category)
    if year:
        documents = documents.filter(year=year)
    for word in (q or "").split()[:10]:
        documents = documents.filter(Q(title__icontains=word) | Q(extracted_text__icontains=word))
    return documents.order_by("-year", "category", "-uploaded_at", "-pk")


def archive_groups(documents) -> list[tuple[str, list[tuple[int, list[ArchiveDocument]]]]]:
    """Documents grouped by category (in the category order), then by year (newest first)."""
    labels = dict(ArchiveCategory.choices)
    grouped: dict[str, dict[int, list]] = {}
    for document in documents:
        grouped.setdefault(document.category, {}).setdefault(document.year, []).append(document)
    result = []
    for category in ArchiveCategory.values:
        if category in grouped:
            years = sorted(grouped[category].items(), key=lambda pair: -pair[0])
            result.append((str(labels[category]), years))
    return result


def community_page_of(community) -> CommunityPage | None:
    return CommunityPage.objects.filter(community=community).live().first()


def archive_file_url(document: ArchiveDocument) -> str:
    """The checked route that serves a document's file ("" when the community has no live page)."""
    page = community_page_of(document.community)
    if page is None or page.url is None:
        return ""
    return page.url + page.reverse_subpage("archive_file", args=[document.pk])


def archive_years(documents: QuerySet[ArchiveDocument]) -> list[int]:
    return sorted(set(documents.values_list("year", flat=True)), reverse=True)


# --- feedback ----------------------------------------------------------------------------------------


def my_feedback(user, community) -> QuerySet[Feedback]:
    if not getattr(user, "is_authenticated", False):
        return Feedback.objects.none()
    return Feedback.objects.filter(user=user, community=community).order_by("-created_at", "-pk")


# --- activation checklist (开启条件) ------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool
    computed: bool


@dataclass(frozen=True)
class ActivationStatus:
    community: object
    items: list[ChecklistItem]

    @property
    def complete(self) -> bool:
        return all(item.done for item in self.items)

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.items if item.done)


def property_manager_invited(community) -> bool:
    """An active property-staff membership of the community in the manager team (项目经理)."""
    return Membership.objects.filter(community=community, role=Role.PROPERTY_STAFF, team=PropertyTeam.MANAGER,
                                     active=True).exists()


def activation_status(community, *, bylaws: list[BylawEntry] | None = None) -> ActivationStatus:
    """The four conditions of 开启条件: two ticked by staff, two computed from the records (`bylaws`: the
    community's `bylaws_of`, when the caller has them already)."""
    checklist = ActivationChecklist.objects.filter(community=community).first()
    bylaws_uploaded = all(entry.present for entry in (bylaws_of(community) if bylaws is None else bylaws))
    return ActivationStatus(community, [
        ChecklistItem("nda_signed", "保密协议已签署", bool(checklist and checklist.nda_signed), False),
        ChecklistItem("roster_authorized", "名册使用已授权", bool(checklist and checklist.roster_authorized), False),
        ChecklistItem("bylaws_uploaded", "三项规约已上传", bylaws_uploaded, True),
        ChecklistItem("manager_invited", "物业经理已邀请", property_manager_invited(community), True),
    ])


# --- the community home ------------------------------------------------------------------------------


def carousel_of(page: CommunityPage) -> list:
    """The slides in order, each image with its 750×540 rendition prefetched."""
    return list(page.carousel_items.prefetch_related(
        Prefetch("image", queryset=_images_with_renditions(CarouselItem.RENDITION))).order_by("sort_order", "pk"))


def community_home_context(page: CommunityPage, user, *, cached: bool = True) -> dict:
    """Everything the community home renders besides the page itself.

    The parts every visitor sees alike come from `home.cache` (read afresh with `cached=False`, as a
    preview must); membership is checked here, live, and picks the members' or the public lists."""
    from governance.registry.models import Community
    from home.cache import build_bundle, home_bundle

    community = Community.objects.select_related("residents_committee__street").get(pk=page.community_id)
    page.community = community
    with remembering():  # the user's memberships are read once for both checks below
        is_member = permissions.can_view_archive(user, community)
        # Managers of the community content are always its members (every staff role counts for membership).
        manager = is_member and permissions.can_manage_checklist(user, community)
    bundle = home_bundle(page, community) if cached else build_bundle(page, community)
    context = {
        "overview": replace(bundle.overview, community=community),  # the figures, with the live record
        "is_member": is_member,
        "bylaws": bundle.bylaws,
        "notices": bundle.members_notices if is_member else [],
        "disclosures": bundle.members_disclosures if is_member else bundle.public_disclosures,
        "bulletin": bundle.bulletin,
        "carousel": bundle.carousel,
        "help_page": bundle.help_page,
        "archive_count": bundle.members_documents if is_member else bundle.public_documents,
        "can_submit_feedback": is_member,
        "checklist": None,
    }
    if manager:
        context["checklist"] = activation_status(community, bylaws=bundle.bylaws)
    return context

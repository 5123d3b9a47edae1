"""Wagtail page permissions that follow the roles (DOMAIN §1: who edits what in the CMS).

Wagtail grants page and image permissions to groups, so each role that edits pages is mirrored
into a group, and `editorial_groups_sync(user)` makes the user's groups match his active
memberships (the listener of every membership write, `portal.accounts.signals.memberships_changed`):

- 内容编辑 (Role.EDITOR, platform-wide) → Wagtail's "Moderators" group, named 审核员 here: edits and
  publishes the knowledge community and the legal-aid corner (page rights on those two roots only, never
  on a community's home), and approves submissions in the 审核员审批 workflow (Wagtail's "Moderators
  approval"; case submissions, editors' changes).
- 业委会委员 / 执行秘书 of a community → that community's group "小区页面编辑·<code>": add, edit and
  publish pages under the community's home only (notices, disclosures, help; the home itself), and
  add/choose images in the community's own image collection (the carousel). Another community's
  pages stay out of reach in the page explorer.

Groups this module does not manage (anything without the prefix, except 审核员) are never
touched, so a superuser's manual grants survive. Wagtail's initial data names the groups and the
workflow in English; migration home 0004 renames them, and the lookups here also accept the English
names, so a database still carrying them keeps working.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from portal.accounts.models import Membership, Role

MODERATORS_GROUP = "审核员"
EDITORS_GROUP = "编辑员"
MODERATION_WORKFLOW = "审核员审批"
# The names Wagtail's initial data gives them.
WAGTAIL_GROUP_NAMES = {MODERATORS_GROUP: "Moderators", EDITORS_GROUP: "Editors"}
WAGTAIL_WORKFLOW_NAME = "Moderators approval"
MODERATORS_GROUP_NAMES = (MODERATORS_GROUP, WAGTAIL_GROUP_NAMES[MODERATORS_GROUP])
COMMUNITY_GROUP_PREFIX = "小区页面编辑·"
COMMUNITY_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
COMMUNITY_IMAGE_PERMISSIONS = ("add_image", "choose_image", "change_image")
COMMUNITY_EDITOR_ROLES = (Role.COMMITTEE_MEMBER, Role.COMMITTEE_SECRETARY)
# The roots of the editor's trees, by content type (this layer does not import the knowledge app).
MODERATOR_ROOT_MODELS = ("knowledgeindexpage", "legalaidindexpage")
MODERATOR_PAGE_PERMISSIONS = COMMUNITY_PAGE_PERMISSIONS


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _community_collection(community) -> Collection:
    name = f"小区图片·{community.code}"
    root = Collection.get_first_root_node()
    found = root.get_children().filter(name=name).first()
    return found if found is not None else root.add_child(name=name)


@transaction.atomic
def community_editor_group(community) -> Group:
    """The group of a community's page editors, with its page and image permissions (created once)."""
    from .services import ensure_community_page

    group, created = Group.objects.get_or_create(name=f"{COMMUNITY_GROUP_PREFIX}{community.code}")
    if created:
        group.permissions.add(_permission("wagtailadmin", "access_admin"))
    page = ensure_community_page(community)
    for codename in COMMUNITY_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=_permission("wagtailcore", codename))
    collection = _community_collection(community)
    for codename in COMMUNITY_IMAGE_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_permission("wagtailimages", codename)
        )
    return group


def moderator_roots():
    """The knowledge home and the legal-aid home: the only pages the 审核员 group holds rights on."""
    return Page.objects.filter(content_type__app_label="knowledge", content_type__model__in=MODERATOR_ROOT_MODELS)


def moderators_page_permissions_sync(group: Group | None = None) -> None:
    """Give the 审核员 group its page rights on the knowledge and legal-aid roots, and none elsewhere."""
    group = group or moderators_group()
    roots = list(moderator_roots())
    GroupPagePermission.objects.filter(group=group).exclude(page__in=roots).delete()
    for page in roots:
        for codename in MODERATOR_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(group=group, page=page,
                                                      permission=_permission("wagtailcore", codename))


def moderators_group() -> Group:
    """Wagtail's "Moderators" group, 审核员 (made by Wagtail's initial data, renamed by migration home 0004, found
    under either name); recreated, with its page rights on the knowledge and legal-aid roots, when a flushed
    database lost it."""
    found = {group.name: group for group in Group.objects.filter(name__in=MODERATORS_GROUP_NAMES)}
    group = found.get(MODERATORS_GROUP) or found.get(WAGTAIL_GROUP_NAMES[MODERATORS_GROUP])
    if group is None:
        group = Group.objects.create(name=MODERATORS_GROUP)
        group.permissions.add(_permission("wagtailadmin", "access_admin"))
        moderators_page_permissions_sync(group)
    return group


def _wanted_groups(user) -> set[Group]:
    active = Membership.objects.filter(user=user, active=True).select_related("community")
    wanted: set[Group] = set()
    for membership in active:
        if membership.role == Role.EDITOR:
            wanted.add(moderators_group())
        elif membership.role in COMMUNITY_EDITOR_ROLES and membership.community is not None:
            wanted.add(community_editor_group(membership.community))
    return wanted


@transaction.atomic
def editorial_groups_sync(*, user) -> tuple[list[str], list[str]]:
    """Make the user's managed groups match his active memberships. Returns (added, removed) group names."""
    wanted = _wanted_groups(user)
    managed = {g for g in user.groups.all()
               if g.name in MODERATORS_GROUP_NAMES or g.name.startswith(COMMUNITY_GROUP_PREFIX)}
    to_add = wanted - managed
    to_remove = managed - wanted
    if to_add:
        user.groups.add(*to_add)
    if to_remove:
        user.groups.remove(*to_remove)
    return sorted(g.name for g in to_add), sorted(g.name for g in to_remove)


def groups_follow_roles(*, user, **_signal) -> None:
    """Listener of `portal.accounts.signals.memberships_changed`."""
    editorial_groups_sync(user=user)


def sees_whole_page_tree(user) -> bool:
    """Wagtail's reports (page types, locked and aging pages, site history, workflows) list pages from the whole
    tree: only a superuser or a group holding page rights on the tree's root may read them."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or GroupPagePermission.objects.filter(group__user=user, page__depth=1).exists()

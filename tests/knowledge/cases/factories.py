"""People and submissions for the case-submission tests, built through the real services."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, Workflow, WorkflowPage, WorkflowTask

from home.editorial import MODERATION_WORKFLOW, moderators_group
from home.services import ensure_site_root
from knowledge.cases import services
from portal.accounts.models import Membership, Role
from tests.factories import BuildingFactory, CommunityFactory, OwnershipFactory, UnitFactory, UserFactory

GOOD = {
    "title": "地下车库漏水维修资金使用争议",
    "background": "小区地下车库去年雨季多处渗漏，积水最深处没过脚踝，车位业主反映强烈。",
    "dispute": "维修费用约八万元，是否可以动用全体业主的专项维修资金，还是只由车位业主分摊。",
    "handling": "业委会请第三方检测，确认属于共有部位防水层老化；按规定在公告栏公示方案七日，组织全体业主表决。",
    "outcome": "表决通过，使用维修资金完成防水翻新，今年雨季未再渗漏。",
    "lessons": "先做检测定性，再谈费用分摊，争议会小很多。",
}


def owner_in(community, **user_kwargs):
    """A user who is a verified owner of a unit in `community`."""
    user = UserFactory(**user_kwargs)
    building = BuildingFactory(community=community)
    OwnershipFactory(unit=UnitFactory(building=building), person__user=user, verified=True)
    return user


def new_community():
    return CommunityFactory()


def editor_user(**user_kwargs):
    """A 内容编辑 who moderates in the Wagtail admin: the editor role (admin access) and the 审核员 group
    (the default workflow's approval task)."""
    user = UserFactory(**user_kwargs)
    Membership.objects.create(user=user, role=Role.EDITOR)
    user.groups.add(moderators_group())
    return user


def submit(user, *, community=None, **overrides):
    data = {**GOOD, **overrides}
    return services.case_submit(actor=user, community=community, **data)


def moderation_workflow():
    """The site root and the default 审核员审批 workflow on the tree's root, as Wagtail's migrations
    make them (the flushed database of a transactional test has lost them)."""
    ensure_site_root()
    if Workflow.objects.filter(name=MODERATION_WORKFLOW).exists():
        return
    group = moderators_group()
    for codename in ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"):
        GroupPagePermission.objects.get_or_create(  # as wagtailcore's initial data grants them on the root
            group=group, page=Page.get_first_root_node(),
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename))
    task = GroupApprovalTask.objects.create(name=MODERATION_WORKFLOW)
    task.groups.add(group)
    workflow = Workflow.objects.create(name=MODERATION_WORKFLOW)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=Page.get_first_root_node())

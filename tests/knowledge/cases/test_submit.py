"""case_submit: who may submit, what a submission must look like, and the draft it becomes."""

import pytest
from django.contrib.auth.models import AnonymousUser
from wagtail.models import WorkflowState

from governance.errors import DomainError, ErrorCode
from knowledge.cases import services
from knowledge.cases.models import CaseStatus, CaseSubmission
from knowledge.models import ArticlePage, KnowledgeIndexPage, KnowledgeSectionPage
from portal.accounts.models import Membership, Role
from tests.factories import MembershipFactory, ResidencyFactory, UnitFactory

from .factories import GOOD, submit

pytestmark = pytest.mark.django_db


def _nothing_written():
    assert CaseSubmission.objects.count() == 0
    assert ArticlePage.objects.count() == 0


def _refused(code, user, field=None, message=None, **kwargs):
    with pytest.raises(DomainError) as caught:
        submit(user, **kwargs)
    assert caught.value.code == code
    if field is not None:
        assert caught.value.field == field
    if message is not None:
        assert caught.value.message == message
    return caught.value


# --- the draft ------------------------------------------------------------------------------------------


def test_a_submission_becomes_an_unpublished_draft_in_the_moderation_workflow(site_root, community, owner):
    submission = submit(owner, community=community, kind="dispute")

    page = ArticlePage.objects.get(pk=submission.page_id)
    assert (page.live, page.has_unpublished_changes) == (False, True)
    assert (page.title, page.tier, page.kind, page.owner) == (GOOD["title"], "advanced", "dispute", owner)
    assert [tag.name for tag in page.tags.all()] == ["用户投稿"]
    assert page.summary == GOOD["background"]

    section = page.get_parent().specific
    assert isinstance(section, KnowledgeSectionPage)
    assert (section.title, section.tier, section.kind, section.live) == ("进阶·案例", "advanced", "case", True)
    assert isinstance(section.get_parent().specific, KnowledgeIndexPage)

    blocks = [(block.block_type, block.value) for block in page.body]
    assert blocks[0][0] == "case_facts"
    assert dict(blocks[0][1]) == {"title": GOOD["title"], "facts": GOOD["background"], "outcome": GOOD["outcome"]}
    assert [kind for kind, _ in blocks[1:]] == ["paragraph", "paragraph", "paragraph"]
    assert [value.source for _, value in blocks[1:]] == [
        f"<h3>争议焦点</h3><p>{GOOD['dispute']}</p>",
        f"<h3>处理经过</h3><p>{GOOD['handling']}</p>",
        f"<h3>启示</h3><p>{GOOD['lessons']}</p>",
    ]
    assert GOOD["handling"] in page.plain_text()

    revision = page.get_latest_revision()
    assert revision.user == owner
    state = page.current_workflow_state
    assert (state.status, state.requested_by, state.workflow.name) == ("in_progress", owner, "审核员审批")
    assert state.current_task_state.revision == revision
    assert submission.community == community
    assert submission.review.status == CaseStatus.IN_REVIEW


def test_kind_case_makes_a_case_article_and_no_lessons_means_no_lessons_paragraph(site_root, owner):
    submission = submit(owner, kind="case", lessons="")
    page = ArticlePage.objects.get(pk=submission.page_id)
    assert page.kind == "case"
    assert [block.block_type for block in page.body] == ["case_facts", "paragraph", "paragraph"]


def test_the_section_is_created_once_and_reused(site_root, owner):
    first = submit(owner)
    second = submit(owner, title="电梯更换资金分摊争议")
    assert KnowledgeSectionPage.objects.count() == 1
    assert first.page.get_parent().pk == second.page.get_parent().pk == services.ensure_case_section().pk


def test_an_unknown_kind_is_refused(site_root, owner):
    _refused(ErrorCode.INVALID, owner, field="kind", kind="gossip")
    _nothing_written()


# --- who may submit -------------------------------------------------------------------------------------


def test_anonymous_visitors_cannot_submit(site_root):
    _refused(ErrorCode.NOT_AUTHENTICATED, AnonymousUser())
    _nothing_written()


def test_a_user_of_no_community_without_a_role_cannot_submit(site_root, stranger):
    _refused(ErrorCode.PERMISSION_DENIED, stranger)
    _nothing_written()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.EXPERT])
def test_editors_and_experts_submit_without_a_community(site_root, stranger, role):
    Membership.objects.create(user=stranger, role=role)
    assert submit(stranger).review.status == CaseStatus.IN_REVIEW


def test_an_inactive_role_does_not_count(site_root, stranger):
    Membership.objects.create(user=stranger, role=Role.EXPERT, active=False)
    _refused(ErrorCode.PERMISSION_DENIED, stranger)


def test_tenants_and_committee_members_belong_to_their_community(site_root, community):
    tenant = ResidencyFactory(unit=UnitFactory(building__community=community)).user
    member = MembershipFactory(community=community).user
    assert submit(tenant, community=community).community == community
    assert submit(member, community=community).community == community


def test_the_community_must_be_one_of_the_submitters(site_root, owner, other_owner):
    from governance.registry.roles import communities_for

    other_community = communities_for(other_owner).get()
    _refused(ErrorCode.INVALID, owner, field="community", message="请选择您所在的小区。", community=other_community)
    _nothing_written()


# --- lengths and required sections ------------------------------------------------------------------------


@pytest.mark.parametrize("length, ok", [(4, False), (5, True), (80, True), (81, False)])
def test_the_title_has_5_to_80_characters(site_root, owner, length, ok):
    title = "维" * length
    if ok:
        assert submit(owner, title=title).title == title
    else:
        _refused(ErrorCode.INVALID, owner, field="title",
                 message=f"标题须为 5–80 个字（现为 {length} 个字）。", title=title)
        _nothing_written()


def test_a_blank_title_is_asked_for(site_root, owner):
    _refused(ErrorCode.INVALID, owner, field="title", message="请填写标题。", title="   ")


@pytest.mark.parametrize("field, label", [("background", "背景"), ("dispute", "争议焦点"), ("handling", "处理经过"),
                                          ("outcome", "结果")])
def test_each_section_is_required(site_root, owner, field, label):
    _refused(ErrorCode.INVALID, owner, field=field, message=f"请填写{label}。", **{field: " \n "})
    _nothing_written()


@pytest.mark.parametrize("field, label, limit", [("background", "背景", 3000), ("dispute", "争议焦点", 3000),
                                                 ("handling", "处理经过", 3000), ("outcome", "结果", 3000),
                                                 ("lessons", "启示", 2000)])
def test_each_section_has_a_maximum_length(site_root, owner, field, label, limit):
    assert len(getattr(submit(owner, **{field: "字" * limit}), field)) == limit
    _refused(ErrorCode.INVALID, owner, field=field,
             message=f"{label}不能超过 {limit} 个字（现为 {limit + 1} 个字）。", **{field: "字" * (limit + 1)})
    assert CaseSubmission.objects.count() == 1


# --- privacy first ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "物业经理电话13800138000，可以直接联系",
    "联系 138 0013 8000",
    "联系138-0013-8000",
    "电话１３９００１３８０００",
    "手机19912345678",
    "身份证11010519491231002X",
    "身份证号 110105194912310021 已登记",
    "电话+8613812345678",
    "电话 +86 138 1234 5678",
    "电话008613812345678",
    "电话86-13812345678",
    "身份证 110101 19900307 123X",
    "身份证110101-19900307-1234",
])
def test_personal_numbers_are_refused_naming_the_field(site_root, owner, text):
    _refused(ErrorCode.INVALID, owner, field="handling", message="请删除手机号、身份证号等个人信息：处理经过",
             handling=GOOD["handling"] + text)
    _nothing_written()


@pytest.mark.parametrize("field, label", [("title", "标题"), ("background", "背景"), ("dispute", "争议焦点"),
                                          ("outcome", "结果"), ("lessons", "启示")])
def test_every_field_is_checked_for_personal_numbers(site_root, owner, field, label):
    _refused(ErrorCode.INVALID, owner, field=field, message=f"请删除手机号、身份证号等个人信息：{label}",
             **{field: GOOD[field] + "13912345678"})


def test_privacy_is_checked_before_anything_else(site_root, owner):
    _refused(ErrorCode.INVALID, owner, field="outcome", message="请删除手机号、身份证号等个人信息：结果",
             title="短", outcome="13912345678")


@pytest.mark.parametrize("text", [
    "合同编号1380013800",  # 10 digits
    "流水号138001380001",  # 12 digits
    "编号12800138000",  # 11 digits, but 12… is no mobile prefix
    "共计 3000 元，分摊到 120 户",
    "发票号1101051949123100211",  # 19 digits
    "面积86 平方米，13 户",
    "编号8613800",  # too short to be a number after a country code
])
def test_other_numbers_are_not_refused(site_root, owner, text):
    assert text in submit(owner, handling=GOOD["handling"] + text).handling


# --- at most CASE_MAX_PENDING in review -------------------------------------------------------------------


def test_at_most_three_submissions_in_review_per_user(site_root, owner, other_owner):
    for n in range(3):
        submit(owner, title=f"第{n + 1}个案例：漏水维修")
    error = _refused(ErrorCode.RATE_LIMITED, owner, title="第4个案例：漏水维修")
    assert error.message == "您已有 3 篇投稿在审核中，请等审核有了结果再提交。"
    assert CaseSubmission.objects.filter(submitted_by=owner).count() == 3
    assert ArticlePage.objects.count() == 3
    # another user is not limited by the owner's submissions
    assert submit(other_owner).review.status == CaseStatus.IN_REVIEW


def test_the_limit_follows_settings(site_root, owner, settings):
    settings.CASE_MAX_PENDING = 1
    submit(owner)
    _refused(ErrorCode.RATE_LIMITED, owner, message="您已有 1 篇投稿在审核中，请等审核有了结果再提交。")


def test_withdrawn_sent_back_and_published_submissions_do_not_count(site_root, owner, editor):
    withdrawn, sent_back, published = (submit(owner, title=f"第{n}个案例：漏水维修") for n in range(1, 4))
    services.case_withdraw(actor=owner, submission=withdrawn)
    sent_back.page.current_workflow_task_state.reject(user=editor, comment="请补充细节")
    published.page.current_workflow_task_state.approve(user=editor)
    assert WorkflowState.objects.filter(status="in_progress").count() == 0
    for n in range(3):
        submit(owner, title=f"新案例{n + 1}：电梯维修")
    _refused(ErrorCode.RATE_LIMITED, owner, title="新案例4：电梯维修")


def test_text_is_escaped_and_each_line_becomes_a_paragraph(site_root, owner):
    submission = submit(owner, dispute="第一行：<b>谁出钱</b>\n\n第二行：怎么分摊 & 何时公示")
    page = ArticlePage.objects.get(pk=submission.page_id)
    dispute = next(block.value.source for block in page.body if block.block_type == "paragraph")
    assert dispute == ("<h3>争议焦点</h3><p>第一行：&lt;b&gt;谁出钱&lt;/b&gt;</p>"
                       "<p>第二行：怎么分摊 &amp; 何时公示</p>")


def test_an_existing_case_section_made_by_editors_is_used(site_root, owner):
    from knowledge.services import ensure_knowledge_home

    home = ensure_knowledge_home()
    section = KnowledgeSectionPage(title="进阶 · 案例精选", slug="cases", tier="advanced", kind="case")
    home.add_child(instance=section)
    section.save_revision().publish()
    submission = submit(owner)
    assert ArticlePage.objects.get(pk=submission.page_id).get_parent().pk == section.pk
    assert KnowledgeSectionPage.objects.count() == 1


def test_without_an_active_moderation_workflow_nothing_is_submitted(site_root, owner):
    from wagtail.models import Workflow

    Workflow.objects.update(active=False)
    _refused(ErrorCode.INVALID, owner, message="暂时无法投稿：审核流程未启用，请联系管理员。")
    _nothing_written()

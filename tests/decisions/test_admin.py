"""The "业主共同决定" admin: drafts through the service, the lifecycle buttons, the residents'
committee's approval queue, paper ballots with scans, void ballots, the tally screen and who has
voted — each scoped to the staff's own community (another community's motion is a 404)."""

import io
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from governance.audit.models import AuditEvent
from governance.decisions import selectors, services
from governance.decisions.admin_views import rule_not_looser
from governance.decisions.models import Ballot, Channel, MatterType, Motion, MotionStatus, VotingRight
from governance.voting.tally import RULE_MAJORITY, RULE_THREE_QUARTERS, Rule
from governance.registry.models import Community
from portal.accounts.models import Role
from tests.admin.conftest import sidebar_menu
from tests.decisions.factories import community_with_owners, voting_motion
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@dataclass
class Side:
    community: Community
    chair: object  # committee member: manages motions
    rc: object  # residents' committee staff: reviews motions
    owners: list


@dataclass
class World:
    a: Side
    b: Side


def _side() -> Side:
    community, chair, owners = community_with_owners(4)
    rc = MembershipFactory(role=Role.RC_STAFF, community=None, residents_committee=community.residents_committee).user
    return Side(community, chair, rc, owners)


@pytest.fixture
def world() -> World:
    return World(_side(), _side())


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def _url(name, *args):
    return reverse(f"decisions_motion:{name}", args=args)


def _draft(side: Side, **kwargs) -> Motion:
    now = timezone.now()
    data = dict(community=side.community, actor=side.chair, matter_type=MatterType.OTHER, title="增设电动车充电桩",
                content="是否同意在地面停车场增设充电桩。", opens_at=now - timedelta(hours=1),
                closes_at=now + timedelta(days=7))
    data.update(kwargs)
    return services.motion_create(**data)


def _past_deadline(motion):
    Motion.objects.filter(pk=motion.pk).update(closes_at=timezone.now() - timedelta(minutes=1))


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def _denied(response) -> bool:
    """Wagtail answers PermissionDenied with a redirect to the dashboard and a message."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def _png(name="scan.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (20, 20, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _form_data(community, **overrides):
    now = timezone.localtime()
    data = {
        "community": community.pk, "matter_type": MatterType.FUND_RAISE, "title": "续筹维修资金",
        "content": "是否同意按每平方米 20 元续筹维修资金。", "importance": "important", "scope_kind": "community",
        "opens_at": (now + timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
        "closes_at": (now + timedelta(days=8)).strftime("%Y-%m-%d %H:%M"),
        "signature_method": "handwritten", "hide_running_results": "on",
    }
    data.update(overrides)
    return data


# --- the menu and who may enter ------------------------------------------------------------------------


def test_the_menu_shows_motions_to_staff_and_the_queue_to_the_residents_committee(world, login):
    chair_menu = sidebar_menu(login(world.a.chair).get("/admin/"))
    rc_menu = sidebar_menu(login(world.a.rc).get("/admin/"))
    assert "业主共同决定" in chair_menu and chair_menu["议事事项"] == "/admin/decisions/motions/"
    assert "议事审核" not in chair_menu
    assert rc_menu["议事审核"] == "/admin/decisions/review/" and "议事事项" in rc_menu


def test_owners_never_reach_the_motion_admin(world, login):
    motion = voting_motion(world.a.community, world.a.chair)
    response = login(world.a.owners[0]).get(_url("tally", motion.pk))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_list_shows_only_the_own_communitys_motions_and_filters_by_status(world, login):
    mine = voting_motion(world.a.community, world.a.chair, title="甲小区事项")
    draft = _draft(world.a, title="甲小区草稿")
    voting_motion(world.b.community, world.b.chair, title="乙小区事项")
    client = login(world.a.chair)

    html = client.get(_url("index")).content.decode()
    voting_only = client.get(_url("index"), {"status": "voting"}).content.decode()

    assert "甲小区事项" in html and "甲小区草稿" in html and "乙小区事项" not in html
    assert "甲小区事项" in voting_only and "甲小区草稿" not in voting_only
    assert _url("edit", draft.pk) in html and _url("edit", mine.pk) not in html  # only drafts are editable


# --- drafts ---------------------------------------------------------------------------------------------


def test_creating_a_draft_goes_through_motion_create(world, login):
    response = login(world.a.chair).post(_url("add"), _form_data(world.a.community))

    motion = Motion.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("inspect", motion.pk)
    assert (motion.status, motion.created_by, motion.community) == (MotionStatus.DRAFT, world.a.chair,
                                                                    world.a.community)
    assert (motion.approval_area, motion.approval_strict) == ("3/4", False)  # item 6: three quarters
    assert AuditEvent.objects.get(action="motion.create").actor == world.a.chair


def test_the_forms_render_for_the_committee(world, login):
    motion = _draft(world.a)
    client = login(world.a.chair)
    add = client.get(_url("add")).content.decode()
    edit = client.get(_url("edit", motion.pk)).content.decode()
    assert world.a.community.name in add and world.b.community.name not in add
    assert 'name="participation_area"' in edit and 'name="community"' not in edit
    inspect = client.get(_url("inspect", motion.pk)).content.decode()
    assert "截止前允许改票" in inspect and ">否<" in inspect.replace(" ", "").replace("\n", "")


def test_a_draft_for_another_community_is_refused(world, login):
    response = login(world.a.chair).post(_url("add"), _form_data(world.b.community))
    assert response.status_code == 200
    assert not Motion.objects.exists()


def test_the_deadline_must_follow_the_opening_in_chinese(world, login):
    yesterday = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    data = _form_data(world.a.community, closes_at=yesterday)
    response = login(world.a.chair).post(_url("add"), data)
    assert "表决截止时间必须晚于开始时间。" in response.content.decode()
    assert not Motion.objects.exists()


def test_the_residents_committee_may_not_create(world, login):
    assert _denied(login(world.a.rc).get(_url("add")))
    assert _denied(login(world.a.rc).post(_url("add"), _form_data(world.a.community)))
    assert not Motion.objects.exists()


def test_editing_a_draft_updates_it_directly_and_is_audited(world, login):
    motion = _draft(world.a)
    data = _form_data(world.a.community, matter_type=MatterType.OTHER, title="增设电动车充电桩（修订）",
                      participation_area="3/4", participation_heads="2/3", approval_area="2/3",
                      approval_heads="1/2", approval_strict="on")
    data.pop("community")

    response = login(world.a.chair).post(_url("edit", motion.pk), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    motion.refresh_from_db()
    assert (motion.title, motion.participation_area, motion.approval_area) == ("增设电动车充电桩（修订）", "3/4", "2/3")
    event = AuditEvent.objects.get(action="decisions.motion.update")
    assert event.actor == world.a.chair and event.community == world.a.community
    assert "title" in event.summary["fields"]


def test_a_rule_looser_than_the_law_is_refused(world, login):
    motion = _draft(world.a, matter_type=MatterType.FUND_RAISE)
    data = _form_data(world.a.community, participation_area="2/3", participation_heads="2/3", approval_area="1/2",
                      approval_heads="1/2", approval_strict="on")
    data.pop("community")
    response = login(world.a.chair).post(_url("edit", motion.pk), data)
    assert "表决规则不得低于法定标准" in response.content.decode()
    motion.refresh_from_db()
    assert motion.approval_area == "3/4"


def test_rule_strictness_is_compared_exactly():
    assert rule_not_looser(RULE_MAJORITY, RULE_MAJORITY)
    assert rule_not_looser(RULE_THREE_QUARTERS, RULE_MAJORITY)
    assert not rule_not_looser(RULE_MAJORITY, RULE_THREE_QUARTERS)
    at_least_half = Rule(approval_strict=False)  # "1/2 以上" includes one half: looser than "过半数"
    assert not rule_not_looser(at_least_half, RULE_MAJORITY)


def test_only_a_draft_can_be_edited(world, login):
    motion = voting_motion(world.a.community, world.a.chair)
    client = login(world.a.chair)
    response = client.get(_url("edit", motion.pk), follow=True)
    assert "只有草稿状态的议事事项可以编辑。" in _messages(response)
    data = _form_data(world.a.community, title="偷改标题")
    data.pop("community")
    client.post(_url("edit", motion.pk), data)
    assert Motion.objects.get(pk=motion.pk).title == "更换小区大门门禁"
    assert not AuditEvent.objects.filter(action="decisions.motion.update").exists()


# --- the lifecycle buttons -------------------------------------------------------------------------------


def _buttons(html) -> set[str]:
    return set(re.findall(r'data-action="(\w+)"', html))


def test_lifecycle_buttons_call_the_services(world, login):
    motion = _draft(world.a)
    client = login(world.a.chair)
    assert _buttons(client.get(_url("inspect", motion.pk)).content.decode()) == {"submit", "withdraw"}

    assert "已发布" in _messages(client.post(_url("submit", motion.pk), follow=True))
    assert Motion.objects.get(pk=motion.pk).status == MotionStatus.PUBLISHED
    assert _buttons(client.get(_url("inspect", motion.pk)).content.decode()) == {"open", "withdraw"}

    client.post(_url("open", motion.pk))
    motion.refresh_from_db()
    assert motion.status == MotionStatus.VOTING and VotingRight.objects.filter(motion=motion).count() == 4

    early = client.post(_url("close", motion.pk), follow=True)
    assert "尚未到表决截止时间。" in _messages(early)
    assert Motion.objects.get(pk=motion.pk).status == MotionStatus.VOTING

    _past_deadline(motion)
    client.post(_url("close", motion.pk))
    assert Motion.objects.get(pk=motion.pk).status == MotionStatus.CLOSED
    client.post(_url("announce", motion.pk))
    motion.refresh_from_db()
    assert motion.status == MotionStatus.ANNOUNCED and motion.result["verdict"] == "no_quorum"
    assert _buttons(client.get(_url("inspect", motion.pk)).content.decode()) == set()
    actions = list(AuditEvent.objects.filter(community=world.a.community, action__startswith="motion.")
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["motion.create", "motion.submit", "motion.open", "motion.close", "motion.announce"]


def test_withdrawing_needs_a_reason(world, login):
    motion = voting_motion(world.a.community, world.a.chair)
    client = login(world.a.chair)
    assert "撤回必须填写理由。" in _messages(client.post(_url("withdraw", motion.pk), {"reason": " "}, follow=True))
    assert Motion.objects.get(pk=motion.pk).status == MotionStatus.VOTING
    client.post(_url("withdraw", motion.pk), {"reason": "方案需要调整"})
    motion.refresh_from_db()
    assert (motion.status, motion.reason) == (MotionStatus.WITHDRAWN, "方案需要调整")


def test_staff_who_may_not_manage_see_no_buttons_and_are_refused_in_chinese(world, login):
    motion = _draft(world.a)
    client = login(world.a.rc)
    assert _buttons(client.get(_url("inspect", motion.pk)).content.decode()) == set()
    response = client.post(_url("submit", motion.pk), follow=True)
    assert "您没有权限进行此操作。" in _messages(response)
    assert Motion.objects.get(pk=motion.pk).status == MotionStatus.DRAFT


def test_the_get_method_never_acts(world, login):
    motion = _draft(world.a)
    assert login(world.a.chair).get(_url("submit", motion.pk)).status_code == 405
    assert Motion.objects.get(pk=motion.pk).status == MotionStatus.DRAFT


# --- the approval queue ----------------------------------------------------------------------------------


@pytest.fixture
def pending(world):
    Community.objects.filter(pk=world.a.community.pk).update(requires_rc_approval=True)
    world.a.community.refresh_from_db()
    motion = _draft(world.a)
    return services.motion_submit(motion=motion, actor=world.a.chair)


def test_the_queue_lists_pending_motions_to_the_residents_committee_of_that_community_only(world, login, pending):
    assert pending.status == MotionStatus.PENDING_REVIEW
    mine = login(world.a.rc).get(reverse("decisions_review:index"))
    theirs = login(world.b.rc).get(reverse("decisions_review:index"))
    assert f'data-motion="{pending.pk}"' in mine.content.decode()
    assert f'data-motion="{pending.pk}"' not in theirs.content.decode()
    assert "没有待审核的议事事项" in theirs.content.decode()
    assert _denied(login(world.a.chair).get(reverse("decisions_review:index")))


def test_approving_publishes_the_motion(world, login, pending):
    response = login(world.a.rc).post(reverse("decisions_review:approve", args=[pending.pk]), follow=True)
    assert "已通过审核并发布。" in _messages(response)
    assert Motion.objects.get(pk=pending.pk).status == MotionStatus.PUBLISHED
    assert AuditEvent.objects.get(action="motion.approve").actor == world.a.rc


def test_rejecting_needs_a_reason(world, login, pending):
    client = login(world.a.rc)
    assert "驳回必须填写理由。" in _messages(client.post(reverse("decisions_review:reject", args=[pending.pk]),
                                                       {"reason": ""}, follow=True))
    assert Motion.objects.get(pk=pending.pk).status == MotionStatus.PENDING_REVIEW
    client.post(reverse("decisions_review:reject", args=[pending.pk]), {"reason": "内容与议事规则不符"})
    motion = Motion.objects.get(pk=pending.pk)
    assert (motion.status, motion.reason) == (MotionStatus.REJECTED, "内容与议事规则不符")


def test_another_committees_staff_and_the_chair_cannot_review(world, login, pending):
    assert login(world.b.rc).post(reverse("decisions_review:approve", args=[pending.pk])).status_code == 404
    assert login(world.a.chair).post(reverse("decisions_review:approve", args=[pending.pk])).status_code == 404
    assert Motion.objects.get(pk=pending.pk).status == MotionStatus.PENDING_REVIEW


def test_the_reviewer_also_finds_the_buttons_on_the_motion(world, login, pending):
    html = login(world.a.rc).get(_url("inspect", pending.pk)).content.decode()
    assert reverse("decisions_review:approve", args=[pending.pk]) in html
    assert reverse("decisions_review:reject", args=[pending.pk]) in html


# --- paper ballots and void ballots ----------------------------------------------------------------------


@pytest.fixture
def vote(world):
    return voting_motion(world.a.community, world.a.chair)


def _right_of_unit(motion, room) -> VotingRight:
    return VotingRight.objects.get(motion=motion, roll_units__unit__room=room)


def test_the_paper_screen_searches_rights_without_a_ballot_by_unit(world, login, vote):
    voted = world.a.owners[0]
    services.ballot_cast(right=selectors.rights_for_user(vote, voted).get(), choice="agree", actor=voted)
    client = login(world.a.chair)

    everyone = client.get(_url("paper", vote.pk)).context["candidates"]
    searched = client.get(_url("paper", vote.pk), {"q": "103"}).context["candidates"]

    assert [r.pk for r in everyone] == list(VotingRight.objects.filter(motion=vote, ballot__isnull=True)
                                            .order_by("pk").values_list("pk", flat=True))
    assert len(everyone) == 3
    assert [r.pk for r in searched] == [_right_of_unit(vote, "103").pk]


def test_entering_a_paper_ballot_with_its_scan(world, login, vote):
    right = _right_of_unit(vote, "102")
    client = login(world.a.chair)

    response = client.post(_url("paper", vote.pk), {"right": right.pk, "choice": "oppose", "scan": _png()},
                           follow=True)

    ballot = Ballot.objects.get(right=right)
    assert (ballot.channel, ballot.choice, ballot.entered_by, ballot.cast_by) == (Channel.PAPER, "oppose",
                                                                                  world.a.chair, None)
    assert ballot.scan.name.endswith(".png")
    html = response.content.decode()
    assert f'data-ballot="{ballot.pk}"' in html and str(world.a.chair) in html
    assert AuditEvent.objects.get(action="ballot.paper").actor == world.a.chair
    scan = client.get(_url("scan", ballot.pk))
    assert scan.status_code == 200 and b"".join(scan.streaming_content).startswith(b"\x89PNG")
    ballot.scan.delete(save=False)


def test_a_paper_ballot_needs_a_scan_and_a_right_without_a_ballot(world, login, vote):
    owner = world.a.owners[0]
    voted = selectors.rights_for_user(vote, owner).get()
    services.ballot_cast(right=voted, choice="agree", actor=owner)
    client = login(world.a.chair)

    no_scan = client.post(_url("paper", vote.pk), {"right": _right_of_unit(vote, "102").pk, "choice": "agree"})
    twice = client.post(_url("paper", vote.pk), {"right": voted.pk, "choice": "oppose", "scan": _png()})

    assert no_scan.context["form"].errors["scan"]
    assert "该表决权已投票或不在表决名册中。" in twice.content.decode()
    assert list(Ballot.objects.values_list("channel", "choice")) == [("online", "agree")]


def test_the_paper_screen_is_for_managers_only(world, login, vote):
    assert _denied(login(world.a.rc).get(_url("paper", vote.pk)))


def test_voiding_a_ballot_needs_a_reason_and_then_it_stops_participating(world, login, vote):
    owner = world.a.owners[0]
    ballot = services.ballot_cast(right=selectors.rights_for_user(vote, owner).get(), choice="agree", actor=owner)
    client = login(world.a.chair)

    refused = client.post(_url("void", ballot.pk), {"reason": "", "back": "voters"}, follow=True)
    assert "认定废票必须填写理由。" in _messages(refused)
    assert not Ballot.objects.get(pk=ballot.pk).void

    response = client.post(_url("void", ballot.pk), {"reason": "代签，非本人意愿", "back": "voters"})
    assert response["Location"] == _url("voters", vote.pk)
    ballot.refresh_from_db()
    assert (ballot.void, ballot.void_reason, ballot.voided_by) == (True, "代签，非本人意愿", world.a.chair)
    assert selectors.motion_result(vote).participating.heads == 0


def test_the_residents_committee_cannot_void(world, login, vote):
    owner = world.a.owners[0]
    ballot = services.ballot_cast(right=selectors.rights_for_user(vote, owner).get(), choice="agree", actor=owner)
    response = login(world.a.rc).post(_url("void", ballot.pk), {"reason": "x"}, follow=True)
    assert "您没有权限进行此操作。" in _messages(response)
    assert not Ballot.objects.get(pk=ballot.pk).void


# --- the tally and who voted -----------------------------------------------------------------------------


def _ballots(world, motion):
    for owner, choice in zip(world.a.owners[:3], ["agree", "agree", "oppose"]):
        services.ballot_cast(right=selectors.rights_for_user(motion, owner).get(), choice=choice, actor=owner)
    paper = services.paper_ballot_enter(right=_right_of_unit(motion, "104"), choice="abstain", actor=world.a.chair,
                                        scan=_png())
    services.ballot_void(ballot=Ballot.objects.get(right__motion=motion, choice="oppose"), actor=world.a.chair,
                         reason="签名不符")
    return paper


def test_the_tally_screen_shows_motion_result_to_staff_while_running(world, login, vote):
    paper = _ballots(world, vote)

    response = login(world.a.rc).get(_url("tally", vote.pk))

    result = response.context["result"]
    assert result.to_dict() == selectors.motion_result(vote).to_dict()
    assert (result.agree.heads, result.abstain.heads, result.void.heads, result.participating.heads) == (2, 1, 1, 3)
    html = response.content.decode()
    assert "以下为实时结果" in html and "表决结果：通过" in html and "参与表决要求：已达到" in html
    assert "300.00" in html and "75.0%" in html  # participating area and share of the roll
    assert "已投票 3 / 4 项表决权" in html
    assert _url("details", vote.pk) not in html  # downloads only after close
    assert login(world.a.chair).get(_url("details", vote.pk)).status_code == 404
    paper.scan.delete(save=False)


def test_after_close_the_tally_links_the_details_and_the_notice(world, login, vote):
    paper = _ballots(world, vote)
    _past_deadline(vote)
    services.motion_close(motion=vote, actor=world.a.chair)
    client = login(world.a.chair)

    html = client.get(_url("tally", vote.pk)).content.decode()
    xlsx = client.get(_url("details", vote.pk))
    pdf = client.get(_url("notice", vote.pk))

    assert _url("details", vote.pk) in html and _url("notice", vote.pk) in html
    assert "以下为实时结果" not in html
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats") and xlsx.content[:2] == b"PK"
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    paper.scan.delete(save=False)


def test_who_voted_shows_yes_or_no_never_the_choice(world, login, vote):
    paper = _ballots(world, vote)
    client = login(world.a.chair)

    response = client.get(_url("voters", vote.pk))
    table = response.content.decode().split('<table class="listing voters">')[1].split("</table>")[0]
    not_voted = client.get(_url("voters", vote.pk), {"voted": "no"}).context["page"]

    assert table.count(">是<") == 3 and "否（废票）" in table
    assert "同意" not in table and "反对" not in table and "弃权" not in table
    voided = VotingRight.objects.get(motion=vote, ballot__void=True)  # 103's ballot was declared void
    assert [r.pk for r in not_voted] == [voided.pk] == [_right_of_unit(vote, "103").pk]
    paper.scan.delete(save=False)


# --- another community: 404 everywhere ----------------------------------------------------------------------


def test_another_communitys_motion_is_a_404_on_every_screen(world, login):
    theirs = voting_motion(world.b.community, world.b.chair)
    owner = world.b.owners[0]
    ballot = services.ballot_cast(right=selectors.rights_for_user(theirs, owner).get(), choice="agree", actor=owner)
    client = login(world.a.chair)

    for name in ("inspect", "edit", "tally", "paper", "voters", "details", "notice"):
        assert client.get(_url(name, theirs.pk)).status_code == 404, name
    for name in ("submit", "open", "close", "announce", "withdraw"):
        assert client.post(_url(name, theirs.pk), {"reason": "x"}).status_code == 404, name
    assert client.post(_url("void", ballot.pk), {"reason": "x"}).status_code == 404
    assert client.get(_url("scan", ballot.pk)).status_code == 404
    assert Motion.objects.get(pk=theirs.pk).status == MotionStatus.VOTING and not Ballot.objects.get().void

"""The demo's motions and joint motion: an open vote, an announced one, one waiting for the residents'
committee's approval, and a joint motion a few co-signers short of its threshold."""

from __future__ import annotations

import io
import random
from datetime import timedelta

from django.utils import timezone

from governance.decisions import selectors as decision_selectors
from governance.decisions import services as decisions
from governance.decisions.joint import community_totals, joint_motion_create, joint_motion_sign, joint_progress
from governance.decisions.models import JointMotion, MatterType, ScopeKind, SignatureMethod, VotingRight
from governance.registry.models import Community
from portal.accounts.models import User

OPEN_VOTE_TITLE = "关于更换小区门禁系统的议案"
ANNOUNCED_VOTE_TITLE = "关于使用维修资金更换3栋电梯的议案"
PENDING_TITLE = "关于调整地面停车位收费标准的议案"
JOINT_TITLE = "关于在小区增设电动自行车集中充电棚的联名动议"
JOINT_SHORT_BY = 3  # co-signers (rights) still missing to reach the heads threshold


def scan_image(label: str = "scan") -> io.BytesIO:
    """A stand-in for a scanned paper ballot or a drawn signature: a small PNG."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 120), "white")
    ImageDraw.Draw(image).rectangle((8, 8, 232, 112), outline="black", width=2)
    ImageDraw.Draw(image).line((30, 80, 90, 40, 150, 85, 210, 45), fill="black", width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = f"{label}.png"
    return buffer


def _publish(motion, *, chair: User, rc_staff: User):
    """Submit a motion and, when the community requires it, have the residents' committee approve it."""
    motion = decisions.motion_submit(motion=motion, actor=chair)
    if motion.community.requires_rc_approval:
        motion = decisions.motion_review(motion=motion, actor=rc_staff, approve=True)
    return motion


def seed_motions(community: Community, *, chair: User, rc_staff: User, rng: random.Random) -> None:
    """An open vote with handwritten signatures, an announced one with its result, and one awaiting approval."""
    now = timezone.now()
    existing = set(community.motions.values_list("title", flat=True))
    if OPEN_VOTE_TITLE not in existing:
        open_vote = decisions.motion_create(
            community=community, actor=chair, matter_type=MatterType.OTHER, title=OPEN_VOTE_TITLE,
            content="现有门禁系统已使用十年，故障频发。业委会提议更换为刷卡与人脸识别门禁，费用由公共收益支出，预算 18.6 万元。",
            opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=14),
            signature_method=SignatureMethod.HANDWRITTEN, allow_change=False,
        )
        _publish(open_vote, chair=chair, rc_staff=rc_staff)
        decisions.motion_open(motion=open_vote, actor=chair)
    if ANNOUNCED_VOTE_TITLE not in existing:
        _announced_vote(community, chair=chair, rc_staff=rc_staff, rng=rng, now=now)
    if PENDING_TITLE not in existing:
        pending = decisions.motion_create(
            community=community, actor=chair, matter_type=MatterType.COMMON_USE, title=PENDING_TITLE,
            content="地面临时停车位现按每小时 2 元收取，高峰时段一位难求。业委会提议业主车辆月租 150 元、外来车辆首小时 5 元，"
                    "停车收益扣除管理成本后全部计入公共收益，每季度公示。",
            opens_at=now + timedelta(days=7), closes_at=now + timedelta(days=21),
        )
        decisions.motion_submit(motion=pending, actor=chair)  # waits in the residents' committee's queue


def _announced_vote(community: Community, *, chair: User, rc_staff: User, rng: random.Random, now) -> None:
    opened = now - timedelta(days=20)
    lift = decisions.motion_create(
        community=community, actor=chair, matter_type=MatterType.FUND_USE, title=ANNOUNCED_VOTE_TITLE,
        content="3栋两部电梯已运行十八年，经特种设备检验机构检测存在安全隐患，拟使用3栋维修资金更换，预算 96 万元，按专有面积分摊。",
        opens_at=opened, closes_at=now - timedelta(days=6),
        scope_kind=ScopeKind.BUILDINGS, scope_buildings=list(community.buildings.filter(name="3栋")),
    )
    _publish(lift, chair=chair, rc_staff=rc_staff)
    decisions.motion_open(motion=lift, actor=chair, now=opened)
    for right in VotingRight.objects.filter(motion=lift).order_by("pk"):
        voters = [p.user for p in right.persons.filter(user__isnull=False).order_by("pk")]
        choice = rng.choices(["agree", "oppose", "abstain"], weights=[80, 12, 8])[0]
        if voters and rng.random() < 0.9:
            decisions.ballot_cast(right=right, choice=choice, actor=voters[0], now=opened + timedelta(days=1))
        elif not right.is_developer and rng.random() < 0.8:  # owners without accounts voted on paper
            decisions.paper_ballot_enter(right=right, choice=choice, actor=chair, scan=scan_image(right.label),
                                         now=opened + timedelta(days=2))
    decisions.motion_close(motion=lift, actor=chair)
    decisions.motion_announce(motion=lift, actor=chair)
    assert decision_selectors.motion_result(lift).total.heads > 0


def joint_heads_needed(community: Community) -> int:
    """The fewest co-signing rights that meet the community's heads threshold (at least the fraction)."""
    from fractions import Fraction
    from math import ceil

    return ceil(community_totals(community).heads * Fraction(community.joint_heads_threshold))


def seed_joint_motion(community: Community, *, owners: list[User], rng: random.Random) -> JointMotion:
    """A joint motion drafted by an owner and co-signed by others, JOINT_SHORT_BY rights short of the threshold."""
    joint = JointMotion.objects.filter(community=community, title=JOINT_TITLE).first()
    if joint is not None:
        return joint
    signers = rng.sample(owners, len(owners))
    joint = joint_motion_create(
        community=community, actor=signers[0], matter_type=MatterType.COMMON_USE, title=JOINT_TITLE,
        content="小区现有电动自行车约三百辆，楼道充电、飞线充电屡禁不止，去年冬天2栋楼道险些起火。"
                "我们提议在地面停车场东侧利用绿化带边角建设集中充电棚，设 120 个智能充电口，按度计费，建设费用由公共收益支出。"
                "请业委会提交业主大会表决。",
    )
    target = joint_heads_needed(community) - JOINT_SHORT_BY
    signed = joint_progress(joint).signed.heads
    for signer in signers[1:]:
        if signed >= target:
            break
        signed = joint_motion_sign(joint=joint, actor=signer).signed.heads
    return joint

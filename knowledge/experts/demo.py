"""Demo data for 专家预约: one expert (a lawyer for property disputes) with a published profile and six upcoming
slots over the next two weeks. Idempotent: running it again changes nothing while six slots are still ahead.

The expert signs in with phone 13900000701 / demo1234. (13900000601 is already the demo editor 内容编辑小林 in
portal/demo.py, so the expert gets the next free number in the demo's 1390000xx01 series.)
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from portal.accounts.models import Membership, Role, User
from governance.registry.memberships import membership_grant

from . import services
from .models import LOCAL_TZ, ExpertProfile, ExpertSlot, SlotMode

EXPERT_PHONE = "13900000701"
DEMO_PASSWORD = "demo1234"
UPCOMING = 6

PROFILE = {
    "name": "周明远",
    "title": "执业律师、合伙人",
    "organisation": "江城明理律师事务所",
    "specialties": "物业服务合同纠纷、共有部分收益、维修资金使用、业主大会与业委会程序",
    "bio": (
        "执业十五年，专注物业管理与建筑物区分所有权纠纷，代理过百余起业主与物业公司之间的诉讼和调解。"
        "曾为多个小区的业委会起草管理规约、议事规则，指导选聘和解聘物业公司的全过程。\n"
        "擅长把法条讲成大白话：车位归属怎么认定、公共收益该怎么分、维修资金动用要走哪些程序，"
        "都可以带着材料来聊。咨询前请把相关合同、公告或会议记录整理好，效率会高很多。"
    ),
}

#: (days from today, start, end, mode, place) in Beijing time.
PLAN = [
    (1, time(19, 0), time(20, 0), SlotMode.VIDEO, "腾讯会议，确认后发送会议号"),
    (3, time(10, 0), time(11, 0), SlotMode.PHONE, "确认后由律师来电"),
    (5, time(14, 30), time(15, 30), SlotMode.ONSITE, "和平街道党群服务中心二楼法律服务室"),
    (8, time(19, 0), time(20, 0), SlotMode.VIDEO, "腾讯会议，确认后发送会议号"),
    (10, time(10, 0), time(11, 30), SlotMode.ONSITE, "江城明理律师事务所（人民路88号12楼）"),
    (13, time(19, 30), time(20, 30), SlotMode.PHONE, "确认后由律师来电"),
]


def _expert_user() -> User:
    user, _ = User.objects.get_or_create(
        username=EXPERT_PHONE,
        defaults={"phone": EXPERT_PHONE, "phone_verified": True, "password": make_password(DEMO_PASSWORD),
                  "display_name": "周明远律师"},
    )
    return user


def _profile(user: User) -> ExpertProfile:
    profile = ExpertProfile.objects.filter(user=user).first()
    if profile is None:
        profile = ExpertProfile(user=user, live=False, **PROFILE)
        profile.save()
        profile.save_revision().publish()
        profile.refresh_from_db()
    return profile


def _slots(profile: ExpertProfile, now: datetime) -> int:
    live = ExpertSlot.objects.filter(expert=profile, cancelled_at__isnull=True)
    created = 0
    today = now.astimezone(LOCAL_TZ).date()
    for days, start, end, mode, place in PLAN:
        if live.filter(starts_at__gt=now).count() >= UPCOMING:
            break
        day = today + timedelta(days=days)
        starts_at = datetime.combine(day, start, tzinfo=LOCAL_TZ)
        ends_at = datetime.combine(day, end, tzinfo=LOCAL_TZ)
        if live.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
            continue
        services.slot_create(expert=profile, starts_at=starts_at, ends_at=ends_at, mode=mode, place=place,
                             actor=profile.user, now=now)
        created += 1
    return created


@transaction.atomic
def seed_experts_demo(*, now: datetime | None = None) -> dict:
    """The demo expert, his role, his published profile and six upcoming slots (created as he would)."""
    now = now or timezone.now()
    user = _expert_user()
    if not Membership.objects.filter(user=user, role=Role.EXPERT, active=True).exists():
        membership_grant(user=user, role=Role.EXPERT)
    profile = _profile(user)
    created = _slots(profile, now)
    return {"expert": profile.pk, "phone": EXPERT_PHONE, "slots_created": created,
            "upcoming": ExpertSlot.objects.filter(expert=profile, cancelled_at__isnull=True,
                                                  starts_at__gt=now).count()}

"""The demo's surveys and elections: an open survey and a closed one with results, a committee election
taking registrations, and a preparatory group (筹备组) taking applications."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from governance.elections import services as elections
from governance.elections.models import ElectionRound, PreparatoryGroup, Term
from governance.registry.models import Community
from governance.surveys import services as surveys
from governance.surveys.models import PublisherKind, QuestionKind, Survey
from portal.accounts.models import User

from .votes import scan_image

OPEN_SURVEY = "2026年小区物业服务满意度调查"
CLOSED_SURVEY = "关于增设电动自行车充电桩的意见征集"
OPEN_SURVEY_ANSWERS = 6
CLOSED_SURVEY_ANSWERS = 12

TERM_NAME = "第二届业主委员会"
ELECTION_TITLE = "第二届业主委员会委员选举"
ELECTION_CANDIDATES = 3
GROUP_NAME = "第二届业委会换届筹备组"
GROUP_APPLICANTS = 2

STATEMENTS = [
    "退休会计，愿意把公共收益的每一笔账都算清楚、晒出来。",
    "在小区住了十二年，熟悉各栋情况，希望推动地库改造和电梯更新。",
    "从事建筑工程管理工作，可以帮助业委会审核维修方案和预算。",
    "家里有老人和孩子，关心小区安全和适老化改造。",
    "做过多年社区志愿者，愿意为换届筹备跑腿出力。",
]


def _answers(survey: Survey, rng: random.Random) -> dict[int, object]:
    answers: dict[int, object] = {}
    for question in survey.questions.prefetch_related("options").order_by("order"):
        options = [o.pk for o in question.options.order_by("order")]
        if question.kind == QuestionKind.SINGLE:
            answers[question.pk] = rng.choices(options, weights=range(len(options), 0, -1))[0]
        elif question.kind == QuestionKind.MULTIPLE:
            answers[question.pk] = rng.sample(options, rng.randint(1, len(options)))
        elif question.kind == QuestionKind.RATING:
            answers[question.pk] = rng.choice([3, 4, 4, 5, 5])
        elif question.kind == QuestionKind.NUMBER:
            answers[question.pk] = rng.choice([0, 1, 1, 1, 2, 2, 3])
        elif question.required:
            answers[question.pk] = "希望物业加强夜间巡逻。"
    return answers


def seed_surveys(community: Community, *, chair: User, owners: list[User], rng: random.Random) -> None:
    now = timezone.now()
    titles = set(Survey.objects.filter(community=community).values_list("title", flat=True))
    if OPEN_SURVEY not in titles:
        survey = surveys.survey_create(
            community=community, actor=chair, publisher_kind=PublisherKind.OWNERS_COMMITTEE, title=OPEN_SURVEY,
            description="业委会每年一次的物业服务评价，结果将作为物业服务合同续签的参考。",
            opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=11),
            questions=[
                {"kind": QuestionKind.RATING, "text": "您对物业服务的总体评价"},
                {"kind": QuestionKind.SINGLE, "text": "您最希望物业优先改进哪一方面？",
                 "options": ["保洁", "绿化", "安保", "维修响应"]},
                {"kind": QuestionKind.MULTIPLE, "text": "您愿意参加哪些社区活动？",
                 "options": ["志愿巡逻", "垃圾分类督导", "邻里节", "老年人助餐"]},
                {"kind": QuestionKind.TEXT, "text": "其他意见和建议", "required": False},
            ],
        )
        surveys.survey_open(survey=survey, actor=chair)
        for owner in rng.sample(owners, OPEN_SURVEY_ANSWERS):
            surveys.survey_answer(survey=survey, user=owner, answers=_answers(survey, rng))
    if CLOSED_SURVEY not in titles:
        opens_at, closes_at = now - timedelta(days=30), now - timedelta(days=16)
        survey = surveys.survey_create(
            community=community, actor=chair, publisher_kind=PublisherKind.OWNERS_COMMITTEE, title=CLOSED_SURVEY,
            description="了解业主对在地面停车场东侧增设电动自行车充电桩的意见。",
            opens_at=opens_at, closes_at=closes_at,
            questions=[
                {"kind": QuestionKind.SINGLE, "text": "您是否同意在地面停车场东侧增设充电桩？",
                 "options": ["同意", "不同意", "无所谓"]},
                {"kind": QuestionKind.NUMBER, "text": "您家有几辆电动自行车？", "min_value": 0, "max_value": 10},
            ],
        )
        surveys.survey_open(survey=survey, actor=chair, now=opens_at)
        for day, owner in enumerate(rng.sample(owners, CLOSED_SURVEY_ANSWERS)):
            surveys.survey_answer(survey=survey, user=owner, answers=_answers(survey, rng),
                                  now=opens_at + timedelta(days=1 + day % 10))
        surveys.survey_close(survey=survey, actor=None, now=now)  # the scheduler, past the deadline


def seed_elections(community: Community, *, chair: User, street_staff: User, owners: list[User],
                   rng: random.Random) -> None:
    """The next committee's election in registration, and its preparatory group taking applications."""
    now = timezone.now()
    today = timezone.localdate()
    statements = rng.sample(STATEMENTS, len(STATEMENTS))
    if not ElectionRound.objects.filter(community=community, title=ELECTION_TITLE).exists():
        term = Term.objects.filter(community=community, name=TERM_NAME).first() or elections.term_create(
            community=community, actor=chair, name=TERM_NAME, starts_on=today + timedelta(days=90),
            ends_on=today + timedelta(days=90 + 5 * 365), seats=5, contact_phone="13900000202",
        )
        election = elections.round_create(
            term=term, actor=chair, title=ELECTION_TITLE,
            description="第一届业委会任期将满，现开始第二届委员候选人报名，本小区已认证业主均可报名。",
            registration_opens_at=now - timedelta(days=2), registration_closes_at=now + timedelta(days=12),
            voting_opens_at=now + timedelta(days=15), voting_closes_at=now + timedelta(days=22),
        )
        elections.round_open_registration(election=election, actor=chair)
        for candidate, statement in zip(rng.sample(owners, ELECTION_CANDIDATES), statements[:ELECTION_CANDIDATES],
                                        strict=True):
            elections.candidate_register(election=election, actor=candidate, statement=statement)
    if not PreparatoryGroup.objects.filter(community=community, name=GROUP_NAME).exists():
        group = elections.preparatory_group_create(
            community=community, actor=street_staff, name=GROUP_NAME, seats=5,
            registration_opens_at=now - timedelta(days=1), registration_closes_at=now + timedelta(days=10),
            voting_opens_at=now + timedelta(days=12), voting_closes_at=now + timedelta(days=19),
            description="由街道办指导，负责第二届业委会选举的筹备工作。",
        )
        for applicant, statement in zip(rng.sample(owners, GROUP_APPLICANTS), statements[ELECTION_CANDIDATES:],
                                        strict=True):
            elections.preparatory_apply(group=group, actor=applicant, statement=statement,
                                        signature=scan_image("signature"))

"""The demo shows every module: a newcomer who runs `make run` finds content in each of them, seeding twice
changes nothing, and the sign-ins `make run` prints are the README's."""

import io
from datetime import date
from fractions import Fraction
from math import ceil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from pypdf import PdfReader

from governance.audit.models import AuditEvent
from governance.decisions.admin_views import reviewable_motions
from governance.decisions.joint import community_totals, joint_progress
from governance.decisions.models import JointMotion, JointMotionStatus, JointSignature, Motion, MotionStatus
from governance.elections.models import (
    Candidate,
    CandidateStatus,
    ElectionKind,
    ElectionRound,
    PreparatoryGroup,
    RoundStatus,
)
from governance.registry.models import Community
from governance.surveys.models import Response, Survey, SurveyStatus
from governance.surveys.results import survey_result
from governance.surveys.selectors import closed_surveys_with_results, my_open_surveys
from home.models import ArchiveDocument, BulletinItem, Bylaw, BylawKind, DisclosurePage
from home.selectors import bulletin_board, bylaws_of, disclosures_of
from knowledge.qa.models import Question
from portal.accounts.models import User
from portal.demo import DEMO_SIGN_INS

import os

# The demo is what `make run` serves, on SQLite. On PostgreSQL, inside one test transaction the planner has no
# statistics for the freshly seeded tables and the seed takes many minutes, so this module runs on the SQLite pass.
pytestmark = [pytest.mark.django_db, pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="演示数据由 make run 在 SQLite 上使用；PostgreSQL 一轮不重复播种")]


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def printed_sign_ins(output: str) -> list[tuple[str, str]]:
    lines = output.split("演示账号（密码均为 demo1234）：\n", 1)[1].splitlines()
    return [tuple(line.strip().split(None, 1)) for line in lines if line.startswith("  ")]


def readme_sign_ins() -> list[tuple[str, str]]:
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Demo sign-ins", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]  # past the header and its rule
    return [tuple(cell.strip().strip("`") for cell in row.strip("|").split("|")) for row in rows]


def counts() -> dict[str, int]:
    models = [Motion, JointMotion, JointSignature, Survey, Response, ElectionRound, Candidate, PreparatoryGroup,
              Bylaw, ArchiveDocument, BulletinItem, DisclosurePage, Question, User, AuditEvent]
    return {model.__name__: model.objects.count() for model in models}


def test_the_seeded_demo_community_shows_content_in_every_module_and_a_second_seed_changes_nothing():
    # given an empty database, when the demo is seeded
    seed()
    demo = Community.objects.get(code="demo")
    owner = User.objects.get(username="13900000001")
    rc_staff = User.objects.get(username="13900000301")

    # then the demo community needs the residents' committee's approval, and one motion waits for it
    assert demo.requires_rc_approval is True
    statuses = dict(Motion.objects.filter(community=demo).values_list("title", "status"))
    assert statuses == {
        "关于更换小区门禁系统的议案": MotionStatus.VOTING,
        "关于使用维修资金更换3栋电梯的议案": MotionStatus.ANNOUNCED,
        "关于调整地面停车位收费标准的议案": MotionStatus.PENDING_REVIEW,
    }
    queue = reviewable_motions(rc_staff).filter(status=MotionStatus.PENDING_REVIEW)
    assert list(queue.values_list("title", flat=True)) == ["关于调整地面停车位收费标准的议案"]

    # and the joint motion collects co-signers, three rights short of its 1/5 heads threshold
    joint = JointMotion.objects.get(community=demo)
    assert joint.title == "关于在小区增设电动自行车集中充电棚的联名动议"
    assert joint.status == JointMotionStatus.COLLECTING and joint.heads_threshold == "1/5"
    needed = ceil(community_totals(demo).heads * Fraction(1, 5))
    progress = joint_progress(joint)
    assert progress.signed.heads == needed - 3 == joint.signatures.count()
    assert progress.reached is False
    assert not joint.signatures.filter(user=owner).exists()  # the demo owner can still co-sign

    # and the three bylaws are PDFs titled with their full names
    entries = bylaws_of(demo)
    assert [(entry.kind, entry.present) for entry in entries] == [
        (BylawKind.RULES_OF_PROCEDURE, True), (BylawKind.WORKING_RULES, True), (BylawKind.MANAGEMENT_STATUTE, True),
    ]
    titles = {}
    for bylaw in Bylaw.objects.filter(community=demo):
        assert bylaw.content_type == "application/pdf" and bylaw.adopted_on == date(2024, 3, 16)
        with bylaw.file.open("rb") as fh:
            data = fh.read()
        assert data.startswith(b"%PDF-")
        reader = PdfReader(io.BytesIO(data))
        assert bylaw.full_title in reader.pages[0].extract_text()
        titles[bylaw.kind] = reader.metadata.title
    assert titles == {
        BylawKind.RULES_OF_PROCEDURE: "业主大会议事规则",
        BylawKind.WORKING_RULES: "业主委员会工作规则",
        BylawKind.MANAGEMENT_STATUTE: "管理规约",
    }

    # and the community's page has two disclosures, a bulletin board of two columns and three archive documents
    page = demo.page
    assert [d.title for d in disclosures_of(page, owner)] == ["3栋电梯更换维修资金使用表决结果公示", "业主名册统计公示"]
    board = bulletin_board(demo)
    assert [(column.type.name, [item.title for item in column.items]) for column in board] == [
        ("社区活动", ["重阳节敬老茶话会", "周末跳蚤市场"]),
        ("文明宣传", ["电动自行车请勿进楼道充电", "垃圾分类，从我做起"]),
    ]
    documents = {d.title: d for d in ArchiveDocument.objects.filter(community=demo)}
    assert sorted(documents) == sorted(["2025年第四季度业委会会议纪要", "物业服务合同（2024—2027）", "2025年度公共收益收支情况"])
    assert [title for title, d in documents.items() if d.is_public] == ["2025年度公共收益收支情况"]
    assert all(d.content_type == "application/pdf" for d in documents.values())
    assert "年末结余" in documents["2025年度公共收益收支情况"].extracted_text

    # and one survey is open with six answers, another closed with twelve answers counted in its results
    open_survey = Survey.objects.get(community=demo, status=SurveyStatus.OPEN)
    closed = Survey.objects.get(community=demo, status=SurveyStatus.CLOSED)
    assert open_survey.title == "2026年小区物业服务满意度调查" and open_survey.responses.count() == 6
    assert closed.title == "关于增设电动自行车充电桩的意见征集" and closed.responses.count() == 12
    result = survey_result(closed)
    assert result.responses == 12
    assert sum(bar.count for bar in result.questions[0].bars) == 12 and result.questions[1].answered == 12
    assert Response.objects.filter(survey=closed).values("user").distinct().count() == 12
    assert [p.survey for p in my_open_surveys(owner)] == [open_survey]
    assert [p.survey for p in closed_surveys_with_results(owner)] == [closed]

    # and the committee election takes registrations (three candidates), as does the preparatory group (two)
    election = ElectionRound.objects.get(community=demo, kind=ElectionKind.COMMITTEE)
    assert election.title == "第二届业主委员会委员选举" and election.status == RoundStatus.REGISTRATION
    assert list(election.candidates.values_list("status", flat=True)) == [CandidateStatus.PENDING] * 3
    group = PreparatoryGroup.objects.get(community=demo)
    assert group.name == "第二届业委会换届筹备组" and group.round.status == RoundStatus.REGISTRATION
    applicants = list(group.round.candidates.all())
    assert len(applicants) == 2 and all(a.signature.name.endswith(".png") for a in applicants)

    # and the committee Q&A has an answered question of the demo community, its answer accepted
    answered = Question.objects.get(community=demo, solved=True)
    assert answered.title == "小区维修基金怎么申请使用？" and answered.accepted_answer is not None

    # when the demo is seeded again, then nothing is added anywhere
    before = counts()
    seed()
    assert counts() == before


def test_make_run_prints_the_readmes_sign_ins_and_each_signs_in():
    # given the README's list of demo sign-ins
    listed = readme_sign_ins()
    # when seed_demo runs (as `make run` starts it), and again with --if-empty (a database already seeded)
    printed = printed_sign_ins(seed())
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    # then both print exactly the README's list, which is DEMO_SIGN_INS, and every sign-in is an account
    assert printed == listed == printed_sign_ins(out.getvalue()) == [tuple(row) for row in DEMO_SIGN_INS]
    assert len(listed) == 12 and ("13900000202", "业委会执行秘书 小刘") in listed
    assert ("13900000102", "物业维修师傅 小孙（维修班组）") in listed
    for login, _label in listed:
        user = User.objects.get(username=login)
        assert user.check_password("demo1234")

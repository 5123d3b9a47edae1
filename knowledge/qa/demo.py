"""Demo content for 业委会问答: three questions between the committees of 幸福家园 (demo) and 河畔花园 (riverside).

Run after `portal.demo.seed_demo()` (it needs the demo chair 13900000201 and secretary 13900000202). Adds the
riverside committee chair (13900000211, password demo1234) when missing. Everything is written through the
services, so the askers also get the "您的问题有了新回答" inbox messages. Running it again changes nothing.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction

from governance.registry.models import Community
from portal.accounts.models import Membership, Role, User
from governance.registry.memberships import membership_grant

from . import services
from .models import Question

RIVERSIDE_CHAIR_PHONE = "13900000211"

QUESTIONS = [
    {
        "asker": "demo_chair",
        "community": "demo",
        "title": "小区维修基金怎么申请使用？",
        "body": "我们小区3栋的电梯用了十五年，最近半年困人两次。维保单位说主板和曳引机都要换，报价二十六万左右，"
                "想动用专项维修资金，但委员们都没走过这个流程：要准备哪些材料？业主表决要达到多少比例？"
                "街道和住建部门分别审批什么？有经验的委员能不能讲讲具体步骤。",
        "answers": [
            ("riverside_chair",
             ("我们去年刚走完外墙渗水的维修资金申请，大致是这几步：\n"
             "1. 物业或业委会出维修方案和预算，最好请有资质的第三方做造价审核；\n"
             "2. 方案在小区公告栏公示，公示期不少于七天；\n"
             "3. 组织涉及的业主表决。按民法典第二百七十八条，要有专有部分面积占比三分之二以上、人数占比三分之二以上的业主"
             "参与表决，使用维修资金还要经参与表决的专有部分面积过半数、参与表决人数过半数的业主同意（筹集维修资金才要四分之三）；\n"
             "4. 表决通过后，把表决结果、方案和施工合同报街道和区维修资金管理中心审核，一般先拨一部分，验收合格后付尾款；\n"
             "5. 完工后把费用分摊明细张榜公示。\n"
             "各区要的材料清单不太一样，建议先打电话找维修资金管理中心要一份。"),
             True),
            ("demo_secretary",
             ("补充一点：电梯是3栋业主的共有部分，表决范围只算3栋的业主，不用全小区表决。"
             "另外电梯困人属于安全隐患，可以问问区里能不能走应急维修程序，先修后补手续，但事后要把原因和费用公示清楚。"),
             False),
        ],
    },
    {
        "asker": "riverside_chair",
        "community": "riverside",
        "title": "物业要把物业费从1.6元涨到2.2元，业委会该怎么应对？",
        "body": "物业公司上周发函，说人工和能耗成本上涨，明年1月起物业费调到每月每平方米2.2元，涨幅接近四成。"
                "合同里写的是价格调整要经业主大会同意。想请教：业委会能不能直接拒绝？如果要谈，应该让物业提供哪些成本资料？"
                "有没有小区谈下来过的经验？",
        "answers": [
            ("demo_chair",
             ("物业费调价属于业主共同决定的事项，业委会不能替业主答应，也不宜一口回绝。我们的做法是：先书面要求物业提供"
             "近两年的收支明细、人员配置表和水电能耗账单，请几位懂财务的业主代表一起核对；再拿周边同档次小区的收费标准做对比；"
             "最后把“调价方案＋服务标准承诺”一起交业主大会表决。我们小区最后谈成了每平方米1.9元，"
             "物业同时承诺增加两名秩序维护员、地库每周保洁两次，这些都写进了补充协议。"),
             False),
        ],
    },
    {
        "asker": "demo_secretary",
        "community": "demo",
        "title": "业委会任期快到了，换届工作应该提前多久启动？",
        "body": "我们是第一届业委会，任期明年3月届满。听说换届要先成立换届小组，还要街道和居委会指导。"
                "什么时候开始筹备比较合适？候选人怎么产生？如果到期前没选出来，原来的业委会还能继续履职吗？",
        "answers": [
            ("riverside_chair",
             ("建议至少提前三到六个月启动。我们当时提前四个月向街道书面报告，由街道、居委会、业主代表和现任委员组成换届小组；"
             "候选人由业主自荐或者联名推荐，换届小组审核资格后在小区公示。至于任期届满后，按我们当地的规定，"
             "新一届选出之前原业委会只能处理日常事务，不能再做重大决定，具体要看你们所在城市的物业管理条例。"),
             False),
        ],
    },
]


def _riverside_chair(community: Community) -> User:
    user, _created = User.objects.get_or_create(
        username=RIVERSIDE_CHAIR_PHONE,
        defaults={"phone": RIVERSIDE_CHAIR_PHONE, "phone_verified": True, "display_name": "周卫东",
                  "password": make_password("demo1234")},
    )
    if not Membership.objects.filter(user=user, role=Role.COMMITTEE_MEMBER, community=community).exists():
        membership_grant(user=user, role=Role.COMMITTEE_MEMBER, community=community, title="主任")
    return user


@transaction.atomic
def seed_qa_demo() -> dict:
    """Three questions with answers (one accepted) about 维修资金申请, 物业费调价 and 换届. Idempotent."""
    communities = {c.code: c for c in Community.objects.filter(code__in=["demo", "riverside"])}
    people = {
        "demo_chair": User.objects.filter(username="13900000201").first(),
        "demo_secretary": User.objects.filter(username="13900000202").first(),
    }
    if len(communities) < 2 or None in people.values():
        raise RuntimeError("请先运行 seed_demo：问答演示数据需要 demo 与 riverside 小区及 demo 的业委会账号。")
    people["riverside_chair"] = _riverside_chair(communities["riverside"])
    created = 0
    for item in QUESTIONS:
        asker = people[item["asker"]]
        if Question.objects.filter(author=asker, title=item["title"]).exists():
            continue
        question = services.question_ask(author=asker, community=communities[item["community"]],
                                         title=item["title"], body=item["body"])
        for author_key, body, accepted in item["answers"]:
            answer = services.answer_post(question=question, author=people[author_key], body=body)
            if accepted:
                services.answer_accept(answer=answer, actor=asker)
        created += 1
    return {"questions": created, "total": Question.objects.count()}

"""Demo data for case submissions: one case by the demo owner (王建国, 13900000001, see portal/demo.py),
waiting in the editors' review queue. Run after `portal.demo.seed_demo()`; running again changes nothing."""

from __future__ import annotations

from django.db import transaction

from portal.accounts.models import User
from governance.registry.roles import communities_for

from . import services
from .models import CaseKind, CaseSubmission

DEMO_OWNER_PHONE = "13900000001"
DEMO_COMMUNITY_CODE = "demo"

DEMO_CASE = {
    "kind": CaseKind.DISPUTE,
    "title": "地下车库漏水维修资金使用争议",
    "background": (
        "我们小区建成十二年，地下车库共有三百多个车位。前年夏天连续暴雨后，车库顶板多处渗水，"
        "B区积水一度没过脚踝，有几辆车的底盘泡了水。车位业主在业主群里情绪很大，要求马上维修。"
    ),
    "dispute": (
        "物业报价维修约八万六千元。一部分业主认为车库只有买了车位的人用，费用应由车位业主分摊；"
        "另一部分业主认为车库顶板就是小区花园的底板，渗漏源头在公共绿地，属于全体业主共有部分，"
        "应当使用全体业主的专项维修资金。双方争执了一个多月。"
    ),
    "handling": (
        "业委会没有急着表态，先请了有资质的第三方做渗漏检测，结论是绿地下方防水层老化开裂，属于共有部位。\n"
        "随后业委会拟定了使用维修资金的方案，列明工程内容、预算和按专有面积分摊的明细，"
        "在各楼栋公告栏和业主群公示七天，并请居委会派人列席说明会，当面回答业主的疑问。\n"
        "公示期满后组织全体业主表决，线上投票和纸质票同时进行，纸质票由两名业主代表监票。"
    ),
    "outcome": (
        "参与表决的业主超过总人数和总面积的三分之二，同意的超过参与表决人数和面积的四分之三，方案通过。"
        "施工完成后由业委会、物业和三名业主代表共同验收，当年雨季再没有出现渗漏。"
    ),
    "lessons": (
        "遇到“该谁出钱”的争议，先请第三方把原因查清楚，定了性再谈分摊，吵架会少很多。"
        "公示材料写得越细，表决时的疑问就越少。"
    ),
}


@transaction.atomic
def seed_cases_demo() -> CaseSubmission:
    """The demo owner's submission in review (审核中), in the demo community. Idempotent."""
    owner = User.objects.filter(phone=DEMO_OWNER_PHONE).first()
    if owner is None:
        raise RuntimeError("demo owner 13900000001 not found: run portal.demo.seed_demo() first")
    existing = CaseSubmission.objects.filter(submitted_by=owner, title=DEMO_CASE["title"]).first()
    if existing is not None:
        return existing
    communities = communities_for(owner)
    community = communities.filter(code=DEMO_COMMUNITY_CODE).first() or communities.order_by("pk").first()
    return services.case_submit(actor=owner, community=community, **DEMO_CASE)

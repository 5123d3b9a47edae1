"""The demo data set: a realistic community `demo` and a small second one, `riverside`.

Everything goes through the services (community creation, roster import, role grants, offline verification,
motions, surveys, elections, bylaws and the archive), so the demo exercises the same paths as real use. The
demo community requires the residents' committee's approval of motions. Each part is written once: running
the seed again changes nothing, and a seeded random number generator makes every run alike.
"""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password
from django.db import transaction

from governance.registry.models import Unit
from home.services import ensure_site_root

from . import pages, participation, votes
from .registry import (
    demo_rows,
    ensure_community,
    ensure_user,
    require_rc_approval,
    riverside_rows,
    seed_people,
    verified_owners,
)

DEMO_PASSWORD = "demo1234"

# Every demo sign-in, as `make run` prints it and the README lists it.
DEMO_SIGN_INS = [
    ("13900000001", "业主 王建国（已认证，两套房）"),
    ("13900000501", "租户 小吴（2栋1单元801）"),
    ("13900000201", "业委会主任 陈志文（也是业主）"),
    ("13900000202", "业委会执行秘书 小刘"),
    ("13900000101", "物业项目经理 老赵"),
    ("13900000102", "物业维修师傅 小孙（维修班组）"),
    ("13900000301", "居委会李主任（仅 demo 小区，审核议事事项）"),
    ("13900000401", "街道办周科长（两个小区，筹备组）"),
    ("13900000211", "河畔花园业委会主任（问答）"),
    ("13900000601", "内容编辑（审核投稿、管理问答）"),
    ("13900000701", "专家顾问 周明远律师（可预约）"),
    ("admin", "超级管理员（用户名登录 /admin/）"),
]


@transaction.atomic
def seed_demo(*, verified_share: float = 0.6, seed: int = 20261122) -> dict:
    """Build the demo data once; running again changes nothing."""
    rng = random.Random(seed)
    ensure_site_root()
    password_hash = make_password(DEMO_PASSWORD)
    ensure_user("admin", password_hash, display_name="平台管理员", superuser=True)

    demo = ensure_community("demo", "幸福家园小区", "和平街道", "幸福社区居委会", demo_rows(rng))
    riverside = ensure_community("riverside", "河畔花园", "和平街道", "河畔社区居委会", riverside_rows(rng))
    require_rc_approval(demo)
    people = seed_people(demo, rng, password_hash, verified_share=verified_share)
    chair, secretary = people["chair"], people["secretary"]
    owners = verified_owners(demo)

    votes.seed_motions(demo, chair=chair, rc_staff=people["rc_staff"], rng=rng)
    votes.seed_joint_motion(demo, owners=owners, rng=random.Random(f"{seed}-joint"))
    participation.seed_surveys(demo, chair=chair, owners=owners, rng=random.Random(f"{seed}-surveys"))
    participation.seed_elections(demo, chair=chair, street_staff=people["street_staff"], owners=owners,
                                 rng=random.Random(f"{seed}-elections"))
    pages.seed_notice(demo)
    pages.seed_bylaws(demo, actor=secretary)
    pages.seed_disclosures(demo, actor=secretary)
    pages.seed_bulletin(demo, actor=secretary)
    pages.seed_archive(demo, actor=secretary)
    return {
        "communities": [demo.code, riverside.code],
        "units": Unit.objects.filter(community=demo).count(),
        "sign_ins": DEMO_SIGN_INS,
    }

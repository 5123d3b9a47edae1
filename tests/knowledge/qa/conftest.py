"""Two communities and the people of 业委会问答: committee members and a secretary of A, a committee member of B,
a member whose term has ended, an expert, an editor (moderator), an owner, residents'-committee staff."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from governance.registry.models import Community
from portal.accounts.models import Role, User
from tests.factories import CommunityFactory, MembershipFactory, UserFactory


@dataclass
class QAWorld:
    a: Community
    b: Community
    member_a: User  # 业委会委员 of A
    member_a2: User  # another 委员 of A
    secretary_a: User  # 执行秘书 of A
    member_b: User  # 委员 of B
    former_a: User  # 委员 of A whose membership is no longer active
    expert: User
    editor: User  # moderator
    superuser: User
    owner: User  # signed-in, no role
    rc_staff_a: User  # 居委会 staff over A: not a committee member


@pytest.fixture
def qa(db) -> QAWorld:
    a = CommunityFactory(code="xingfu", name="幸福家园")
    b = CommunityFactory(code="hepan", name="河畔花园")

    def person(phone, name, role=None, community=None, **extra):
        user = UserFactory(phone=phone, display_name=name)
        if role is not None:
            MembershipFactory(user=user, role=role, community=community, **extra)
        return user

    world = QAWorld(
        a=a, b=b,
        member_a=person("13900001001", "陈委员", Role.COMMITTEE_MEMBER, a),
        member_a2=person("13900001002", "李委员", Role.COMMITTEE_MEMBER, a),
        secretary_a=person("13900001003", "刘秘书", Role.COMMITTEE_SECRETARY, a),
        member_b=person("13900001004", "周主任", Role.COMMITTEE_MEMBER, b),
        former_a=person("13900001005", "赵前委员", Role.COMMITTEE_MEMBER, a, active=False),
        expert=person("13900001006", "王律师", Role.EXPERT, None),
        editor=person("13900001007", "林编辑", Role.EDITOR, None),
        superuser=UserFactory(phone="13900001008", display_name="平台管理员", is_superuser=True, is_staff=True),
        owner=person("13900001009", "业主老吴"),
        rc_staff_a=UserFactory(phone="13900001010", display_name="居委会小王"),
    )
    MembershipFactory(user=world.rc_staff_a, role=Role.RC_STAFF, community=None,
                      residents_committee=a.residents_committee)
    return world


@pytest.fixture
def as_user(db):
    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make

"""Fixtures for the GraphQL tests: a small registry of two communities and a `gql` caller."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.test import Client

from governance.registry.models import Community, Unit
from portal.accounts.models import User
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    OwnershipFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)

GRAPHQL_URL = "/graphql/"


@dataclass
class GQL:
    """Posts GraphQL as JSON through a Django test client and returns the decoded body."""

    client: Client

    def __call__(self, query: str, variables: dict | None = None, *, headers: dict | None = None,
                 status: int = 200) -> dict:
        response = self.client.post(
            GRAPHQL_URL, json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json", headers=headers or {},
        )
        assert response.status_code == status, response.content.decode()
        return response.json()

    def raw(self, query: str, variables: dict | None = None, *, headers: dict | None = None):
        return self.client.post(
            GRAPHQL_URL, json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json", headers=headers or {},
        )


@pytest.fixture
def gql(client) -> GQL:
    return GQL(client)


@pytest.fixture
def gql_as(db):
    """`gql_as(user)`: a caller signed in with the session cookie (CSRF not enforced, as in Django's test client)."""

    def make(user: User | None) -> GQL:
        c = Client()
        if user is not None:
            c.force_login(user)
        return GQL(c)

    return make


@dataclass
class World:
    a: Community
    b: Community
    a_unit: Unit  # 1栋-1单元-502 in A, owner 王业主 138****0001
    a_other: Unit  # 1栋-1单元-601 in A, no owner
    b_unit: Unit  # 8栋-2单元-101 in B


@pytest.fixture
def world(db) -> World:
    a = CommunityFactory(code="yuanhe", name="苑和小区")
    b = CommunityFactory(code="lanting", name="兰亭小区")
    a1 = BuildingFactory(community=a, name="1栋", sort_key=1)
    BuildingFactory(community=a, name="2栋", sort_key=2)
    b8 = BuildingFactory(community=b, name="8栋", sort_key=8)
    a_unit = UnitFactory(building=a1, entrance="1", floor=5, room="502")
    a_other = UnitFactory(building=a1, entrance="1", floor=6, room="601")
    b_unit = UnitFactory(building=b8, entrance="2", floor=1, room="101")
    owner = PersonFactory(community=a, name="王业主", phone="13800000001")
    OwnershipFactory(unit=a_unit, person=owner)
    OwnershipFactory(unit=b_unit, person=PersonFactory(community=b, name="李业主", phone="13800000002"))
    return World(a=a, b=b, a_unit=a_unit, a_other=a_other, b_unit=b_unit)


@pytest.fixture
def verified_owner(world) -> User:
    """A user who is the verified primary owner of A's 1栋-1单元-502."""
    user = UserFactory(phone="13900000001", display_name="王业主")
    ownership = world.a_unit.ownerships.get()
    ownership.person.user = user
    ownership.person.save(update_fields=["user"])
    ownership.verified = True
    ownership.save(update_fields=["verified"])
    return user


@pytest.fixture
def phone_login(settings):
    """Phone + password login through allauth headless. Until the project's adapter implements
    allauth's phone methods, a stand-in adapter is used; afterwards the real one is."""
    from portal.accounts.adapter import AccountAdapter

    if not AccountAdapter()._has_phone_impl:
        settings.ACCOUNT_ADAPTER = "tests.graphql.phone_adapter.PhoneLoginAdapter"

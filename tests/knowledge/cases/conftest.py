import pytest

from tests.factories import UserFactory

from .factories import editor_user, new_community, owner_in


@pytest.fixture
def community(db):
    return new_community()


@pytest.fixture
def owner(community):
    return owner_in(community)


@pytest.fixture
def editor(db):
    return editor_user()


@pytest.fixture
def stranger(db):
    """Signed in, but belongs to no community and holds no role."""
    return UserFactory()


@pytest.fixture
def other_owner(db):
    """An owner of another community."""
    return owner_in(new_community())

import pytest

from home.services import ensure_site_root


@pytest.fixture
def site_root(db):
    return ensure_site_root()


@pytest.fixture
def superuser(db):
    from tests.factories import UserFactory

    return UserFactory(phone="13600000001", username="kb-admin", is_superuser=True, is_staff=True)

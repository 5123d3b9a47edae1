"""The loader convention: nested resolvers read what the root selector prefetched."""

import pytest

from governance.registry.models import Unit
from portal.graphql.loaders import NotPrefetched, prefetched
from tests.factories import OwnershipFactory

pytestmark = pytest.mark.django_db


def test_prefetched_rows_are_read_without_a_query(django_assert_num_queries):
    OwnershipFactory()
    unit = Unit.objects.prefetch_related("ownerships").get()
    with django_assert_num_queries(0):
        assert len(prefetched(unit, "ownerships")) == 1


def test_missing_prefetch_fails_loudly_when_strict(settings):
    settings.GRAPHQL_STRICT_PREFETCH = True
    OwnershipFactory()
    with pytest.raises(NotPrefetched):
        prefetched(Unit.objects.get(), "ownerships")


def test_missing_prefetch_falls_back_with_a_warning_in_production(settings, caplog):
    settings.GRAPHQL_STRICT_PREFETCH = False
    OwnershipFactory()
    assert len(prefetched(Unit.objects.get(), "ownerships")) == 1
    assert "was not prefetched" in caplog.text

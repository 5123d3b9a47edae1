"""seed_cases_demo: one submission by the demo owner, in review, idempotent."""

import pytest

from knowledge.cases.demo import DEMO_CASE, seed_cases_demo
from knowledge.cases.models import CaseStatus, CaseSubmission
from knowledge.models import ArticlePage
from tests.factories import CommunityFactory

from .factories import owner_in

pytestmark = pytest.mark.django_db


def test_the_demo_case_is_seeded_once(site_root):
    community = CommunityFactory(code="demo", name="幸福家园小区")
    owner = owner_in(community, phone="13900000001", display_name="王建国")

    first = seed_cases_demo()
    second = seed_cases_demo()

    assert first.pk == second.pk
    assert CaseSubmission.objects.count() == 1 and ArticlePage.objects.count() == 1
    assert (first.submitted_by, first.community, first.title) == (owner, community, "地下车库漏水维修资金使用争议")
    assert first.review.status == CaseStatus.IN_REVIEW
    assert ArticlePage.objects.get(pk=first.page_id).kind == "dispute"
    assert DEMO_CASE["handling"].split("\n")[0] in ArticlePage.objects.get(pk=first.page_id) \
        .get_latest_revision_as_object().plain_text()


def test_the_demo_needs_the_demo_owner(site_root):
    with pytest.raises(RuntimeError):
        seed_cases_demo()

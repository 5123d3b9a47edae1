"""On PostgreSQL: simultaneous submissions by one user never exceed CASE_MAX_PENDING in review, the 进阶·案例
section is created once, and simultaneous submissions under it each get their page."""

import pytest

from governance.errors import ErrorCode
from knowledge.cases.models import CaseSubmission
from knowledge.models import ArticlePage, KnowledgeSectionPage
from tests.concurrency import run_threads

from .factories import moderation_workflow, new_community, owner_in, submit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_submissions_stop_at_the_limit(settings):
    settings.CASE_MAX_PENDING = 3
    moderation_workflow()
    owner = owner_in(new_community())
    outcomes = run_threads([lambda n=n: submit(owner, title=f"同时提交的第{n}个案例").pk for n in range(6)])
    assert sorted(o[0] for o in outcomes) == ["error"] * 3 + ["ok"] * 3, outcomes
    assert all(o == ("error", ErrorCode.RATE_LIMITED) for o in outcomes if o[0] != "ok"), outcomes
    assert CaseSubmission.objects.filter(submitted_by=owner).count() == 3
    assert ArticlePage.objects.count() == 3
    assert KnowledgeSectionPage.objects.count() == 1


def test_first_submissions_of_different_users_create_one_section():
    moderation_workflow()
    community = new_community()
    owners = [owner_in(community) for _ in range(4)]
    outcomes = run_threads([lambda o=o: submit(o).pk for o in owners])
    assert [o[0] for o in outcomes] == ["ok"] * 4, outcomes
    assert KnowledgeSectionPage.objects.count() == 1
    assert ArticlePage.objects.child_of(KnowledgeSectionPage.objects.get()).count() == 4


def test_simultaneous_submissions_under_an_existing_section_all_get_a_page():
    moderation_workflow()
    community = new_community()
    submit(owner_in(community))  # the section exists from here on
    owners = [owner_in(community) for _ in range(5)]
    outcomes = run_threads([lambda o=o: submit(o).pk for o in owners])
    assert [o[0] for o in outcomes] == ["ok"] * 5, outcomes
    section = KnowledgeSectionPage.objects.get()
    assert ArticlePage.objects.child_of(section).count() == 6
    assert KnowledgeSectionPage.objects.get(pk=section.pk).numchild == 6

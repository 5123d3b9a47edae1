"""On PostgreSQL: simultaneous submissions by one user never exceed CASE_MAX_PENDING in review, the 进阶·案例
section is created once, and simultaneous submissions under it each get their page."""

import time

import pytest

from governance.errors import ErrorCode
from knowledge.cases import selectors, services
from knowledge.cases.models import CaseStatus, CaseSubmission
from knowledge.models import ArticlePage, KnowledgeSectionPage
from tests.concurrency import run_threads

from .factories import editor_user, moderation_workflow, new_community, owner_in, submit

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


def _approve(page_id, editor):
    """What Wagtail's 批准 button does: the task's `approve` action (publishes the page)."""
    task_state = ArticlePage.objects.get(pk=page_id).current_workflow_task_state
    task_state.task.specific.on_action(task_state, user=editor, action_name="approve")
    return "approved"


def _pause_after(monkeypatch, name, seconds=1.5):
    """Make services.<name> (or selectors.case_review) sleep after it ran, holding whatever locks it holds."""
    module = selectors if name == "case_review" else services
    real = getattr(module, name)

    def slow(*args, **kwargs):
        result = real(*args, **kwargs)
        time.sleep(seconds)
        return result

    monkeypatch.setattr(module, name, slow)


def test_withdraw_holding_its_locks_while_an_editor_approves_never_deadlocks(monkeypatch):
    # Given a submission in review, and a withdrawal that pauses after it has read the status
    moderation_workflow()
    owner = owner_in(new_community())
    editor = editor_user()
    submission = submit(owner)
    _pause_after(monkeypatch, "case_review")

    def withdraw():
        return services.case_withdraw(actor=owner, submission=CaseSubmission.objects.get(pk=submission.pk)).pk

    def approve():
        time.sleep(0.5)
        return _approve(submission.page_id, editor)

    # When an editor approves it during that pause
    outcomes = run_threads([withdraw, approve])

    # Then nothing crashes ("deadlock detected"): the withdrawal, first to lock, wins; the page stays a draft
    assert outcomes[0] == ("ok", submission.pk), outcomes
    assert outcomes[1][0] != "crash", outcomes
    stored = CaseSubmission.objects.get(pk=submission.pk)
    assert stored.withdrawn_at is not None
    assert not ArticlePage.objects.get(pk=submission.page_id).live
    assert selectors.case_status(stored) == CaseStatus.WITHDRAWN


def test_withdraw_while_an_approval_is_publishing_never_deadlocks(monkeypatch):
    # Given a submission in review, and an approval that pauses while the page is being published
    moderation_workflow()
    owner = owner_in(new_community())
    editor = editor_user()
    submission = submit(owner)
    real_published = services.case_page_published

    def slow_published(*, page):
        time.sleep(1.5)
        return real_published(page=page)

    monkeypatch.setattr(services, "case_page_published", slow_published)

    def withdraw():
        time.sleep(0.5)
        return services.case_withdraw(actor=owner, submission=CaseSubmission.objects.get(pk=submission.pk)).pk

    # When the submitter withdraws it during that pause
    outcomes = run_threads([withdraw, lambda: _approve(submission.page_id, editor)])

    # Then nothing crashes: the approval wins, the withdrawal is refused as no longer in review
    assert outcomes == [("error", ErrorCode.INVALID), ("ok", "approved")], outcomes
    stored = CaseSubmission.objects.get(pk=submission.pk)
    assert stored.withdrawn_at is None and stored.published_notified_at is not None
    assert ArticlePage.objects.get(pk=submission.page_id).live
    assert selectors.case_status(stored) == CaseStatus.PUBLISHED

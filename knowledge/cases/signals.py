"""Thin receivers of Wagtail's signals: they only hand the event to a service (no business logic here).

- `page_published` (an ArticlePage went live: workflow approval, a direct publish, a scheduled publish)
  → `services.case_page_published`.
- `workflow_rejected` (a moderator requested changes) → `services.case_changes_requested`.

Connected once in `CasesConfig.ready()`.
"""

from __future__ import annotations

from wagtail.models import WorkflowState
from wagtail.signals import page_published, workflow_rejected

from knowledge.models import ArticlePage


def _article_published(sender, instance, **kwargs):
    from .services import case_page_published

    case_page_published(page=instance)


def _workflow_rejected(sender, instance, **kwargs):
    from .services import case_changes_requested

    case_changes_requested(workflow_state=instance)


def connect() -> None:
    page_published.connect(_article_published, sender=ArticlePage, dispatch_uid="cases_article_published")
    workflow_rejected.connect(_workflow_rejected, sender=WorkflowState, dispatch_uid="cases_workflow_rejected")

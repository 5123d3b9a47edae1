"""Who may open the registry's private files. One function per rule, built on `governance.registry.roles`."""

from __future__ import annotations

from governance.registry import roles


def can_view_application_proof(user, application) -> bool:
    """An application's proof (房产证/结婚证/租赁合同): the applicant who uploaded it, and the reviewers of the
    application's community (`roles.can_review_applications`)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return application.user_id == user.pk or roles.can_review_applications(user, application.community)


def can_download_roster_import(user, roster_import) -> bool:
    """The uploaded roster file (names, phones, ID numbers): the registry managers of its community
    (`roles.can_manage_registry`)."""
    return roles.can_manage_registry(user, roster_import.community)

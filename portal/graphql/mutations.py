"""The base of every mutation: parse input, call a service, return the object and typed errors.

    class ApplyCoOwner(DomainMutation):
        class Arguments:
            ...
        application = graphene.Field(UnitApplicationType)

        @classmethod
        def perform(cls, root, info, *, user, **data):
            return cls(application=services.coowner_apply(user=user, ...))

`perform` raises `DomainError` for anything the user can act on; the base turns it into
`errors: [Error!]!` (and an empty list on success). An anonymous caller gets
NOT_AUTHENTICATED without `perform` being called, unless `login_required = False`.
Unexpected exceptions are not caught here: they reach the view, which logs them and shows
a generic message.
"""

from __future__ import annotations

import graphene

from governance.errors import DomainError

from .auth import current_user
from .errors import Error, error_from_domain, not_authenticated


class DomainMutation(graphene.Mutation):
    class Meta:
        abstract = True

    errors = graphene.List(
        graphene.NonNull(Error), required=True, description="失败原因；成功时为空列表"
    )

    login_required = True

    @classmethod
    def perform(cls, root, info, *, user, **data):
        raise NotImplementedError

    @classmethod
    def mutate(cls, root, info, **data):
        user = current_user(info)
        try:
            if cls.login_required and user is None:
                raise not_authenticated()
            result = cls.perform(root, info, user=user, **data)
        except DomainError as exc:
            return cls(errors=[error_from_domain(exc)])
        if getattr(result, "errors", None) is None:
            result.errors = []
        return result

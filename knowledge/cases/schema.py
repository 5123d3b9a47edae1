"""GraphQL of this area, assembled into portal/api.py."""

import graphene


class CasesQuery(graphene.ObjectType):
    pass


class CasesMutation(graphene.ObjectType):
    pass

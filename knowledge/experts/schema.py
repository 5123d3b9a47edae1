"""GraphQL of this area, assembled into portal/api.py."""

import graphene


class ExpertsQuery(graphene.ObjectType):
    pass


class ExpertsMutation(graphene.ObjectType):
    pass

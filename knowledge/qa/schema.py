"""GraphQL of this area, assembled into portal/api.py."""

import graphene


class QAQuery(graphene.ObjectType):
    pass


class QAMutation(graphene.ObjectType):
    pass

"""The root GraphQL schema, assembled from the domains' schema modules."""

import graphene


class Query(graphene.ObjectType):
    ping = graphene.String(description="健康检查")

    def resolve_ping(root, info):
        return "pong"


schema = graphene.Schema(query=Query)

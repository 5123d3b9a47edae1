"""The GraphQL endpoint: session cookie or allauth's `X-Session-Token`, depth-limited."""

from django.conf import settings
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView


class PortalGraphQLView(GraphQLView):
    pass


graphql_view = csrf_exempt(PortalGraphQLView.as_view(graphiql=settings.GRAPHIQL_ENABLED))

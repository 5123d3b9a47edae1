"""The root GraphQL schema, assembled from the domains' schema modules.

Each domain contributes a `<Domain>Query` and a `<Domain>Mutation` ObjectType; add them to
the bases below. Shared machinery (error codes, the mutation base, auth, depth limit,
uploads, loaders) is in `portal.graphql`. After changing any type, regenerate the
committed SDL: `python manage.py graphql_schema --schema portal.api.schema --out schema.graphql`.
"""

import graphene

from governance.decisions.schema import DecisionsMutation, DecisionsQuery
from governance.elections.schema import ElectionsMutation, ElectionsQuery
from governance.registry.schema import RegistryMutation, RegistryQuery
from governance.office.schema import OfficeMutation, OfficeQuery
from governance.surveys.schema import SurveysMutation, SurveysQuery
from home.schema import HomeMutation, HomeQuery
from knowledge.cases.schema import CasesMutation, CasesQuery
from knowledge.experts.schema import ExpertsMutation, ExpertsQuery
from knowledge.qa.schema import QAMutation, QAQuery
from knowledge.schema import KnowledgeQuery
from governance.registry.account_schema import AccountsQuery


class Query(AccountsQuery, RegistryQuery, DecisionsQuery, SurveysQuery, ElectionsQuery, HomeQuery, OfficeQuery, KnowledgeQuery,
            QAQuery, ExpertsQuery, CasesQuery, graphene.ObjectType):
    ping = graphene.String(required=True, description="健康检查，返回 pong")

    @staticmethod
    def resolve_ping(root, info):
        return "pong"


class Mutation(RegistryMutation, DecisionsMutation, SurveysMutation, ElectionsMutation, HomeMutation, OfficeMutation,
               QAMutation, ExpertsMutation, CasesMutation, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)

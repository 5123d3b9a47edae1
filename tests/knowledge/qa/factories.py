"""Factories for 业委会问答 rows written directly (states the services reach only through several steps)."""

import factory

from knowledge.qa.models import Answer, PostStatus, Question
from tests.factories import CommunityFactory, UserFactory


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    author = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"第{n}个关于业委会工作的问题")
    body = "请各位委员指点。"
    status = PostStatus.VISIBLE


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    question = factory.SubFactory(QuestionFactory)
    author = factory.SubFactory(UserFactory)
    body = "我们小区是这么做的。"
    status = PostStatus.VISIBLE

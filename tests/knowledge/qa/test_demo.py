"""The demo content: three questions with answers (one accepted), written through the services; idempotent."""

import pytest

from knowledge.qa.demo import seed_qa_demo
from knowledge.qa.models import Answer, Question
from portal.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_seed_qa_demo_needs_the_demo_and_adds_three_questions_once(django_capture_on_commit_callbacks):
    with pytest.raises(RuntimeError):
        seed_qa_demo()
    seed_demo()
    with django_capture_on_commit_callbacks(execute=True):
        assert seed_qa_demo() == {"questions": 3, "total": 3}
    titles = set(Question.objects.values_list("title", flat=True))
    assert "小区维修基金怎么申请使用？" in titles and any("物业费" in t for t in titles) and any("换届" in t for t in titles)
    assert Answer.objects.count() == 4
    assert Question.objects.filter(solved=True).count() == 1
    fund = Question.objects.get(title="小区维修基金怎么申请使用？")
    assert fund.community.code == "demo" and fund.author.phone == "13900000201"
    assert fund.accepted_answer.author.phone == "13900000211"  # the riverside chair
    assert set(Question.objects.values_list("community__code", flat=True)) == {"demo", "riverside"}
    assert list(Question.objects.search("维修基金")) == [fund]
    assert seed_qa_demo() == {"questions": 0, "total": 3}  # again: nothing new
    assert Answer.objects.count() == 4

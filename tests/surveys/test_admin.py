"""The surveys admin: scoped to the user's communities (another community's rows are 404 on every URL),
writes through the services, the results screen with charts and the .xlsx export."""

import io
from governance.surveys import permissions as survey_rules
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from governance.audit.models import AuditEvent
from governance.surveys import services
from governance.surveys.models import Survey, SurveyStatus, SurveyTemplate

from .conftest import ALL_KINDS, good_answers, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def both(world):
    a = publish(world, title="阳光小区满意度")
    b = publish(world, actor=world.committee_b, community=world.b, title="碧水专属问卷")
    services.survey_answer(survey=a, user=world.owner, answers=good_answers(a))
    ta = services.template_create(actor=world.chair, community=world.a, title="阳光模板", questions=ALL_KINDS)
    tb = services.template_create(actor=world.committee_b, community=world.b, title="碧水模板", questions=ALL_KINDS)
    tg = services.template_create(actor=world.superuser, title="全平台满意度模板", questions=ALL_KINDS)
    return a, b, ta, tb, tg


def _fmt(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M")


def test_lists_show_the_users_communities_only(client, world, both):
    client.force_login(world.chair)
    html = client.get(reverse("surveys_survey:index")).content.decode()
    assert "阳光小区满意度" in html and "碧水专属问卷" not in html
    html = client.get(reverse("surveys_template:index")).content.decode()
    assert "阳光模板" in html and "全平台满意度模板" in html and "碧水模板" not in html


@pytest.mark.parametrize("view", ["inspect", "edit", "delete", "history", "results", "export"])
def test_another_communitys_survey_is_404_on_every_url(client, world, both, view):
    _, b, *_ = both
    client.force_login(world.chair)
    assert client.get(reverse(f"surveys_survey:{view}", args=[b.pk])).status_code == 404


@pytest.mark.parametrize("view", ["open", "close"])
def test_another_communitys_survey_cannot_be_opened_or_closed(client, world, both, view):
    _, b, *_ = both
    client.force_login(world.chair)
    assert client.post(reverse(f"surveys_survey:{view}", args=[b.pk])).status_code == 404
    assert Survey.objects.get(pk=b.pk).status == SurveyStatus.OPEN


@pytest.mark.parametrize("view", ["inspect", "edit", "delete"])
def test_another_communitys_template_is_404(client, world, both, view):
    *_, tb, _ = both
    client.force_login(world.chair)
    assert client.get(reverse(f"surveys_template:{view}", args=[tb.pk])).status_code == 404


def test_platform_templates_are_readable_but_only_superusers_edit_them(client, world, both):
    *_, tg = both
    client.force_login(world.chair)
    assert client.get(reverse("surveys_template:inspect", args=[tg.pk])).status_code == 200
    assert client.get(reverse("surveys_template:edit", args=[tg.pk])).status_code == 404
    assert client.get(reverse("surveys_template:delete", args=[tg.pk])).status_code == 404
    client.force_login(world.superuser)
    assert client.get(reverse("surveys_template:edit", args=[tg.pk])).status_code == 200


def test_the_menu_shows_surveys_to_publishers(client, world):
    from tests.admin.conftest import sidebar_menu

    client.force_login(world.property_staff)
    menu = sidebar_menu(client.get(reverse("wagtailadmin_home")))
    assert menu["问卷调查"] == reverse("surveys_survey:index")
    assert menu["问卷模板"] == reverse("surveys_template:index")


def test_residents_do_not_reach_the_admin(client, world, both):
    client.force_login(world.owner)
    response = client.get(reverse("surveys_survey:index"))
    assert response.status_code in (302, 403)


def test_creating_a_survey_in_the_admin_goes_through_the_service(client, world):
    client.force_login(world.chair)
    now = timezone.now()
    response = client.post(reverse("surveys_survey:add"), {
        "community": world.a.pk, "publisher_kind": "committee", "title": "停车位改造意见征询",
        "description": "", "audience": "owners", "scope_kind": "buildings", "scope_buildings": [world.b2.pk],
        "answer_per": "unit", "opens_at": _fmt(now), "closes_at": _fmt(now + timedelta(days=5)),
        "questions_text": "单选*：是否同意改造？｜同意｜不同意\n数字：愿意承担的费用（元）｜0｜5000\n文本：其他意见",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    survey = Survey.objects.get(title="停车位改造意见征询")
    assert survey.status == SurveyStatus.DRAFT and survey.publisher == world.chair
    assert list(survey.scope_buildings.all()) == [world.b2]
    assert list(survey.questions.values_list("order", "kind", "required")) == [
        (1, "single", True), (2, "number", False), (3, "text", False)]
    number = survey.questions.get(order=2)
    assert (number.min_value, number.max_value) == (0, 5000)
    assert AuditEvent.objects.filter(action="survey.create", object_id=str(survey.pk)).count() == 1


def test_creating_from_a_template_copies_its_questions(client, world, both):
    *_, tg = both
    client.force_login(world.property_staff)
    now = timezone.now()
    response = client.post(reverse("surveys_survey:add"), {
        "community": world.a.pk, "template": tg.pk, "publisher_kind": "property", "title": "",
        "audience": "all_residents", "scope_kind": "community", "answer_per": "person",
        "opens_at": _fmt(now), "closes_at": _fmt(now + timedelta(days=5)), "questions_text": "",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    survey = Survey.objects.get(template=tg)
    assert survey.title == "全平台满意度模板" and survey.questions.count() == 5


def test_publishing_in_another_bodys_name_is_a_form_error(client, world):
    client.force_login(world.property_staff)
    now = timezone.now()
    response = client.post(reverse("surveys_survey:add"), {
        "community": world.a.pk, "publisher_kind": "committee", "title": "冒名问卷", "audience": "owners",
        "scope_kind": "community", "answer_per": "person", "opens_at": _fmt(now),
        "closes_at": _fmt(now + timedelta(days=5)), "questions_text": "文本：意见",
    })
    assert response.status_code == 200
    assert "您不能以“业委会”的名义在该小区发布问卷。" in response.content.decode()
    assert not Survey.objects.filter(title="冒名问卷").exists()


def test_a_bad_question_line_is_a_chinese_form_error(client, world):
    client.force_login(world.chair)
    now = timezone.now()
    response = client.post(reverse("surveys_survey:add"), {
        "community": world.a.pk, "publisher_kind": "committee", "title": "问卷", "audience": "owners",
        "scope_kind": "community", "answer_per": "person", "opens_at": _fmt(now),
        "closes_at": _fmt(now + timedelta(days=5)), "questions_text": "文本：意见\n问答：什么？",
    })
    assert response.status_code == 200
    assert "第2行：请以题型开头" in response.content.decode()
    response = client.post(reverse("surveys_survey:add"), {
        "community": world.a.pk, "publisher_kind": "committee", "title": "问卷", "audience": "owners",
        "scope_kind": "community", "answer_per": "person", "opens_at": _fmt(now),
        "closes_at": _fmt(now + timedelta(days=5)), "questions_text": "文本：意见\n单选：只有一项｜是",
    })
    assert "第2题：选择题至少需要两个选项" in response.content.decode()
    assert not Survey.objects.exists()


def test_another_communitys_buildings_are_not_offered(client, world):
    client.force_login(world.chair)
    html = client.get(reverse("surveys_survey:add")).content.decode()
    assert "1栋" in html and "九号楼" not in html and "碧水小区" not in html


def test_templates_are_created_and_edited_in_the_admin(client, world):
    client.force_login(world.chair)
    response = client.post(reverse("surveys_template:add"), {
        "community": world.a.pk, "title": "季度满意度", "description": "",
        "questions_text": "评分*：物业服务\n多选：需要改进｜保洁｜绿化",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    template = SurveyTemplate.objects.get(title="季度满意度")
    assert list(template.questions.values_list("kind", flat=True)) == ["rating", "multiple"]
    edit_url = reverse("surveys_template:edit", args=[template.pk])
    html = client.get(edit_url).content.decode()
    assert "评分*：物业服务" in html and "多选：需要改进｜保洁｜绿化" in html
    response = client.post(edit_url, {"title": "季度满意度（新）", "description": "",
                                      "questions_text": "文本*：一句话评价"})
    assert response.status_code == 302, response.content.decode()[:3000]
    template.refresh_from_db()
    assert template.title == "季度满意度（新）"
    assert list(template.questions.values_list("kind", "required")) == [("text", True)]
    assert list(AuditEvent.objects.filter(object_id=str(template.pk), object_type="surveys.SurveyTemplate")
                .values_list("action", flat=True)) == ["survey.template.create", "survey.template.edit"]


def test_open_close_and_edit_a_draft(client, world):
    survey = publish(world, open_=False)
    client.force_login(world.chair)
    edit_url = reverse("surveys_survey:edit", args=[survey.pk])
    assert client.get(edit_url).status_code == 200
    client.post(reverse("surveys_survey:open", args=[survey.pk]))
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.OPEN
    response = client.get(edit_url, follow=True)
    assert "问卷发布后不能再修改。" in response.content.decode()
    client.force_login(world.property_staff)  # another body may not close the committee's survey
    response = client.post(reverse("surveys_survey:close", args=[survey.pk]), follow=True)
    assert "您没有权限进行此操作。" in response.content.decode()
    client.force_login(world.chair)
    client.post(reverse("surveys_survey:close", args=[survey.pk]))
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.CLOSED


def test_a_published_survey_cannot_be_deleted(client, world):
    survey = publish(world)
    client.force_login(world.chair)
    response = client.post(reverse("surveys_survey:delete", args=[survey.pk]), follow=True)
    assert "已发布的问卷不能删除。" in response.content.decode()
    assert Survey.objects.filter(pk=survey.pk).exists()


def test_results_screen_and_export(client, world, both):
    a, *_ = both
    client.force_login(world.street_staff)
    html = client.get(reverse("surveys_survey:results", args=[a.pk])).content.decode()
    assert "共 1 份答卷" in html and "<svg" in html and "1 · 100.0%" in html
    html = client.get(reverse("surveys_survey:inspect", args=[a.pk])).content.decode()
    assert "您对物业服务总体是否满意？" in html and "已收到 1 份答卷" in html
    response = client.get(reverse("surveys_survey:export", args=[a.pk]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb["答卷明细"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and rows[0][4] == "满意"


def test_the_admin_scope_is_the_set_form_of_can_publish_surveys(world):
    from governance.registry.models import Community
    from governance.surveys.admin_views import survey_publishers
    
    communities = list(Community.objects.all())
    users = [world.owner, world.tenant, world.chair, world.secretary, world.property_staff, world.rc_staff,
             world.street_staff, world.committee_b, world.superuser]
    for user in users:
        expected = {c.pk for c in communities if survey_rules.can_publish_surveys(user, c)}
        assert set(survey_publishers(user).values_list("pk", flat=True)) == expected, user
    assert {c.code for c in survey_publishers(world.street_staff)} == {"yangguang"}

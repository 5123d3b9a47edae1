"""The mobile survey pages: my open surveys, the form for every question kind, Chinese errors per
question, the 已提交 state, results for publishers always and for the audience after close, and 404s."""

import io
import re

import pytest
from openpyxl import load_workbook

from governance.surveys import services
from governance.surveys.models import Response

from .conftest import good_answers, publish, qs

pytestmark = pytest.mark.django_db


def _post_data(survey, **overrides):
    questions, options = qs(survey)
    data = {
        f"q{questions[1].pk}": str(options[1]["满意"]),
        f"q{questions[2].pk}": [str(options[2]["保洁"]), str(options[2]["停车"])],
        f"q{questions[3].pk}": "4",
        f"q{questions[4].pk}": "2",
        f"q{questions[5].pk}": "希望增加充电桩",
    }
    for number, value in overrides.items():
        data[f"q{questions[int(number[1:])].pk}"] = value
    return data


def test_my_open_surveys_list_only_those_i_may_answer(client, world):
    owners = publish(world, title="业主专项调查", audience="owners")
    residents = publish(world, title="全体住户调查", audience="all_residents")
    publish(world, title="草稿问卷", open_=False)
    publish(world, actor=world.committee_b, community=world.b, title="碧水问卷")
    client.force_login(world.tenant)
    html = client.get("/surveys/").content.decode()
    assert residents.title in html and owners.title not in html
    assert "草稿问卷" not in html and "碧水问卷" not in html
    client.force_login(world.owner)
    html = client.get("/surveys/").content.decode()
    assert residents.title in html and owners.title in html and "碧水问卷" not in html


def test_the_form_renders_every_question_kind(client, world):
    survey = publish(world)
    client.force_login(world.owner)
    html = client.get(f"/surveys/{survey.pk}/").content.decode()
    questions, options = qs(survey)
    assert 'data-testid="survey-form"' in html
    assert f'type="radio" name="q{questions[1].pk}" value="{options[1]["满意"]}"' in html
    assert f'type="checkbox" name="q{questions[2].pk}" value="{options[2]["绿化"]}"' in html
    assert len(re.findall(rf'type="radio" name="q{questions[3].pk}" value="[1-5]"', html)) == 5
    assert f'type="number" step="0.01" inputmode="decimal" name="q{questions[4].pk}" value="" min="0" max="10"' \
        in html
    assert f'<textarea name="q{questions[5].pk}"' in html
    assert "范围：0 到 10" in html


def test_submitting_shows_the_submitted_state(client, world):
    survey = publish(world)
    client.force_login(world.owner)
    response = client.post(f"/surveys/{survey.pk}/", _post_data(survey), follow=True)
    html = response.content.decode()
    assert "已提交，感谢您的参与。" in html and 'data-testid="answered"' in html
    assert 'data-testid="survey-form"' not in html
    stored = Response.objects.get(user=world.owner)
    assert stored.answers.count() == 5
    assert "已提交" in client.get("/surveys/").content.decode()


def test_errors_are_shown_per_question_in_chinese_and_values_are_kept(client, world):
    survey = publish(world)
    questions, options = qs(survey)
    client.force_login(world.owner)
    response = client.post(f"/surveys/{survey.pk}/", _post_data(survey, q1="", q3="7", q4="11"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "提交失败，请按提示修改后重新提交。" in html
    assert '<p class="q-error" data-testid="error-1">第1题：此题为必答题，请选择一项</p>' in html
    assert '<p class="q-error" data-testid="error-3">第3题：请选择1到5分</p>' in html
    assert '<p class="q-error" data-testid="error-4">第4题：请填写0到10之间的数字</p>' in html
    assert 'data-testid="error-2"' not in html
    assert f'value="{options[2]["停车"]}" checked' in html and ">希望增加充电桩</textarea>" in html
    assert not Response.objects.exists()


def test_a_tenant_sees_why_they_cannot_answer_an_owners_survey(client, world):
    survey = publish(world, audience="owners")
    client.force_login(world.tenant)
    html = client.get(f"/surveys/{survey.pk}/").content.decode()
    assert "本问卷仅限调查范围内已认证的业主填写。" in html and 'data-testid="survey-form"' not in html
    response = client.post(f"/surveys/{survey.pk}/", _post_data(survey))
    assert response.status_code == 400 and "本问卷仅限调查范围内已认证的业主填写。" in response.content.decode()
    assert not Response.objects.exists()


def test_another_communitys_survey_is_404_everywhere(client, world):
    survey = publish(world, audience="all_residents")
    client.force_login(world.owner_b)
    for url in (f"/surveys/{survey.pk}/", f"/surveys/{survey.pk}/results/", f"/surveys/{survey.pk}/results.xlsx"):
        assert client.get(url).status_code == 404
    assert client.post(f"/surveys/{survey.pk}/", _post_data(survey)).status_code == 404
    assert not Response.objects.exists()


def test_a_draft_is_404_to_residents(client, world):
    survey = publish(world, open_=False)
    client.force_login(world.owner)
    assert client.get(f"/surveys/{survey.pk}/").status_code == 404


def test_per_unit_form_asks_which_unit_and_shows_each_units_state(client, world):
    survey = publish(world, answer_per="unit")
    client.force_login(world.owner)
    html = client.get(f"/surveys/{survey.pk}/").content.decode()
    assert 'data-testid="unit-select"' in html
    data = _post_data(survey)
    data["unit"] = str(world.u201.pk)
    client.post(f"/surveys/{survey.pk}/", data)
    html = client.get(f"/surveys/{survey.pk}/").content.decode()
    assert "2栋-1单元-201：已提交" in html and "1栋-1单元-101：未提交" in html
    assert 'data-testid="unit-select"' not in html  # one unit left: no choice needed
    client.post(f"/surveys/{survey.pk}/", _post_data(survey))
    assert sorted(Response.objects.values_list("unit__room", flat=True)) == ["101", "201"]


def test_results_for_publishers_always_and_for_the_audience_after_close(client, world):
    survey = publish(world)
    services.survey_answer(survey=survey, user=world.owner2, answers=good_answers(survey))
    client.force_login(world.owner)
    assert client.get(f"/surveys/{survey.pk}/results/").status_code == 404
    assert "问卷截止后公布结果。" in client.get(f"/surveys/{survey.pk}/").content.decode()
    for staff in (world.chair, world.property_staff, world.street_staff):
        client.force_login(staff)
        assert client.get(f"/surveys/{survey.pk}/results/").status_code == 200
    services.survey_close(survey=survey, actor=world.chair)
    client.force_login(world.owner)
    html = client.get(f"/surveys/{survey.pk}/results/").content.decode()
    assert 'data-testid="results"' in html and "共 1 份答卷" in html
    assert "<svg" in html and 'class="survey-chart"' in html
    assert 'data-count="1"' in html and "1 · 100.0%" in html
    assert 'data-testid="export-link"' not in html  # residents do not export
    assert client.get(f"/surveys/{survey.pk}/results.xlsx").status_code == 404
    assert survey.title in client.get("/surveys/").content.decode()  # listed under 已截止的问卷
    client.force_login(world.tenant)  # not in an owners survey's audience
    assert client.get(f"/surveys/{survey.pk}/results/").status_code == 404


def test_publishers_export_the_xlsx_from_the_portal(client, world):
    survey = publish(world)
    services.survey_answer(survey=survey, user=world.owner, answers=good_answers(survey))
    client.force_login(world.chair)
    response = client.get(f"/surveys/{survey.pk}/results.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb["答卷明细"].max_row == 2


def test_anonymous_is_sent_to_login(client, world):
    survey = publish(world)
    response = client.get(f"/surveys/{survey.pk}/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_text_answer_with_a_phone_number_is_shown_refused_at_its_question(client, world):
    survey = publish(world)
    client.force_login(world.owner)
    response = client.post(f"/surveys/{survey.pk}/", _post_data(survey, q5="电话 138-1234-5678"))
    assert response.status_code == 400
    assert ('<p class="q-error" data-testid="error-5">请删除手机号、身份证号等个人信息：第5题</p>'
            in response.content.decode())
    assert not Response.objects.exists()

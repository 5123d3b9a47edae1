"""The portal pages /cases/submit/, /cases/mine/, /cases/<id>/ (edit, withdraw): signed-in only, and a
submission is visible to its submitter, editors and superusers only — anyone else gets 404."""

import pytest

from knowledge.cases.models import CaseStatus, CaseSubmission
from knowledge.models import ArticlePage

from .factories import GOOD, owner_in, submit

pytestmark = pytest.mark.django_db


def _form(community=None, **overrides):
    data = {**GOOD, "kind": "case", "community": str(community.pk) if community else "", **overrides}
    return data


@pytest.mark.parametrize("path", ["/cases/", "/cases/submit/", "/cases/mine/", "/cases/1/", "/cases/1/edit/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_form_explains_a_good_case_and_the_privacy_rule(client, site_root, community, owner):
    client.force_login(owner)
    response = client.get("/cases/submit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="case-guidance"' in html and "争议焦点" in html and "处理经过" in html
    assert "请不要写真实姓名、手机号、身份证号、门牌号" in html
    assert response.context["values"]["community"] == str(community.pk)  # the only community, preselected
    assert [c.pk for c in response.context["communities"]] == [community.pk]


def test_someone_without_a_community_is_told_how_to_join(client, site_root, stranger):
    client.force_login(stranger)
    response = client.get("/cases/submit/")
    assert response.status_code == 403
    assert "加入小区（完成业主认证或住户登记）后才能投稿。" in response.content.decode()
    assert client.post("/cases/submit/", _form()).status_code == 403
    assert CaseSubmission.objects.count() == 0


def test_a_refused_submission_shows_the_reason_and_keeps_what_was_typed(client, site_root, community, owner):
    client.force_login(owner)
    response = client.post("/cases/submit/", _form(community, handling="请联系物业 13800138000"))
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("请删除手机号、身份证号等个人信息：处理经过") == 2  # the alert and the field
    assert 'data-testid="error-handling"' in html
    assert GOOD["background"] in html
    assert CaseSubmission.objects.count() == 0


def test_another_communitys_id_is_refused(client, site_root, community, owner, other_owner):
    from governance.registry.roles import communities_for

    other = communities_for(other_owner).get()
    client.force_login(owner)
    for raw in (str(other.pk), "999999", "abc"):
        response = client.post("/cases/submit/", {**_form(community), "community": raw})
        assert response.status_code == 400
        assert "请选择您所在的小区。" in response.content.decode()
    assert CaseSubmission.objects.count() == 0


def test_my_list_shows_my_submissions_with_their_status(client, site_root, community, owner, other_owner, editor):
    in_review = submit(owner, community=community)
    sent_back = submit(owner, title="电梯更换资金分摊争议", community=community)
    ArticlePage.objects.get(pk=sent_back.page_id).current_workflow_task_state.reject(user=editor, comment="补充")
    submit(other_owner, title="别人的案例：停车位争议")

    client.force_login(owner)
    response = client.get("/cases/mine/")
    assert [(s.pk, s.review.label) for s in response.context["submissions"]] == [
        (sent_back.pk, "退回修改"), (in_review.pk, "审核中")]
    assert "别人的案例" not in response.content.decode()


def test_my_list_reads_in_a_fixed_number_of_queries(client, site_root, community, owner, django_assert_num_queries):
    # session, user, the list (page, community and workflow state in one query), the can-submit check,
    # the header's unread-inbox count
    client.force_login(owner)
    submit(owner, community=community)
    with django_assert_num_queries(5):
        client.get("/cases/mine/")
    submit(owner, title="电梯更换资金分摊争议", community=community)
    submit(owner, title="停车位出租收益归属争议", community=community)
    with django_assert_num_queries(5):
        response = client.get("/cases/mine/")
    assert len(response.context["submissions"]) == 3


def test_the_status_page_is_the_submitters_editors_and_superusers_only(client, site_root, community, owner,
                                                                       other_owner, editor, superuser):
    submission = submit(owner, community=community)
    url = f"/cases/{submission.pk}/"
    client.force_login(other_owner)
    assert client.get(url).status_code == 404
    assert client.post(f"{url}withdraw/").status_code == 404
    assert client.get(f"{url}edit/").status_code == 404
    assert client.get("/cases/999999/").status_code == 404
    assert CaseSubmission.objects.get(pk=submission.pk).review.status == CaseStatus.IN_REVIEW

    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert (response.context["can_withdraw"], response.context["can_edit"], response.context["admin_edit_url"]) == (
        True, False, "")

    for user in (editor, superuser):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["admin_edit_url"] == f"/admin/pages/{submission.page_id}/edit/"
        assert (response.context["can_withdraw"], response.context["can_edit"]) == (False, False)


def test_the_submitter_withdraws_from_the_status_page(client, site_root, community, owner):
    submission = submit(owner, community=community)
    client.force_login(owner)
    assert client.get(f"/cases/{submission.pk}/withdraw/").status_code == 405
    response = client.post(f"/cases/{submission.pk}/withdraw/", follow=True)
    assert response.redirect_chain == [(f"/cases/{submission.pk}/", 302)]
    assert response.context["review"].status == CaseStatus.WITHDRAWN
    assert "投稿已撤回。" in response.content.decode()
    assert "撤回这篇投稿，它不会被发布" in response.content.decode()

    response = client.post(f"/cases/{submission.pk}/withdraw/", follow=True)
    assert "只有审核中或退回修改的投稿可以撤回。" in response.content.decode()


def test_editing_is_offered_only_when_sent_back(client, site_root, community, owner, editor):
    submission = submit(owner, community=community)
    client.force_login(owner)
    response = client.get(f"/cases/{submission.pk}/edit/", follow=True)
    assert response.redirect_chain == [(f"/cases/{submission.pk}/", 302)]
    assert "只有被退回修改的投稿，投稿人才可以修改后重新提交。" in response.content.decode()

    ArticlePage.objects.get(pk=submission.page_id).current_workflow_task_state.reject(user=editor, comment="补充金额")
    response = client.get(f"/cases/{submission.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "补充金额" in html and GOOD["handling"] in html
    assert response.context["values"]["community"] == str(community.pk)

    response = client.post(f"/cases/{submission.pk}/edit/", _form(community, title="短"))
    assert response.status_code == 400
    assert "标题须为 5–80 个字（现为 1 个字）。" in response.content.decode()
    assert CaseSubmission.objects.get(pk=submission.pk).review.status == CaseStatus.CHANGES_REQUESTED


def test_the_published_status_page_links_to_the_article(client, site_root, community, owner, editor):
    submission = submit(owner, community=community)
    ArticlePage.objects.get(pk=submission.page_id).current_workflow_task_state.approve(user=editor)
    client.force_login(owner)
    response = client.get(f"/cases/{submission.pk}/")
    page = ArticlePage.objects.get(pk=submission.page_id)
    assert f'href="{page.url}" data-testid="article-link"' in response.content.decode()
    assert (response.context["can_withdraw"], response.context["can_edit"]) == (False, False)


def test_a_draft_is_a_404_for_everyone_on_the_public_site(client, site_root, community, owner, stranger):
    submission = submit(owner, community=community)
    page = ArticlePage.objects.get(pk=submission.page_id)
    for user in (None, stranger, owner, owner_in(community)):
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        assert client.get(page.url).status_code == 404

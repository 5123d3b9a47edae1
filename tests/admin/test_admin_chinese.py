"""Staff meet the Wagtail admin in Chinese: the strings Wagtail 8 ships untranslated come from the project's own
catalogs (locale/zh_Hans), the editorial groups and the moderation workflow have Chinese names, the login page
asks for the phone number, and the project's own screens carry their own titles instead of "首页"."""

import gettext
import json
import html
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Task, Workflow

from home.editorial import EDITORS_GROUP, MODERATION_WORKFLOW, MODERATORS_GROUP, editorial_groups_sync
from home.services import ensure_community_page, ensure_site_root
from tests.elections.factories import voting_stage

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
LOCALE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def _title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


def _assert_english_gone(page: str, *english: str) -> None:
    left = [text for text in english if text in page]
    assert left == []


# --- the compiled catalogs ----------------------------------------------------------------------------------------


def test_the_install_step_compiles_the_project_catalogs_without_gettext():
    # When the install step's compile script runs (standard library only, no msgfmt)
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "compile_messages.py")], capture_output=True,
                          text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr

    # Then both catalogs exist next to their sources, and GNU gettext reads the Chinese from them
    assert settings.LOCALE_PATHS == [ROOT / "locale"]
    django_mo, js_mo = LOCALE / "django.mo", LOCALE / "djangojs.mo"
    assert django_mo.is_file() and js_mo.is_file()
    with django_mo.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    assert catalog.gettext("Go to the first error") == "转到第一个错误"
    assert catalog.gettext("Search all pages…") == "搜索所有页面…"
    with js_mo.open("rb") as fh:
        assert gettext.GNUTranslations(fh).gettext("Insert a block") == "插入块"


def test_compiled_catalogs_are_not_committed():
    ignored = subprocess.run(["git", "check-ignore", "-q", str(LOCALE / "django.mo")], cwd=ROOT)
    assert ignored.returncode == 0


def test_the_admin_javascript_catalog_serves_the_project_translations(world, as_user):
    response = as_user(world.committee_a).get("/admin/jsi18n/")
    assert response.status_code == 200
    assert f'"Insert a block": {json.dumps("插入块")}' in response.content.decode()


# --- the pages staff meet ---------------------------------------------------------------------------------------


def test_the_dashboard_search_box_is_chinese(world, as_user):
    page = _text(as_user(world.committee_a).get("/admin/"))
    assert 'placeholder="搜索所有页面…"' in page
    _assert_english_gone(page, "Search all pages", "Show keyboard shortcuts", "Wagtail upgrade available",
                         "created in", "Images")


def test_the_page_explorer_is_chinese(world, as_user):
    ensure_site_root()
    community_page = ensure_community_page(world.a.community)
    editorial_groups_sync(user=world.committee_a)
    page = _text(as_user(world.committee_a).get(f"/admin/pages/{community_page.pk}/"))
    assert _title(page) == "浏览: 阳光小区 - 小区治理"
    assert "页面类型" in page and "更新日期" in page
    _assert_english_gone(page, "Exploring", "Page type", "Date updated", "Edited by", "Has child pages")


def test_an_empty_listing_invites_to_add_in_chinese(world, as_user):
    page = _text(as_user(world.committee_a).get(reverse("decisions_motion:index")))
    assert '暂无议事事项。要<a href="/admin/decisions/motions/new/">添加一个</a>吗？' in page
    _assert_english_gone(page, "There are no", "to display", "Why not", "add one")


def test_a_page_in_the_workflow_is_submitted_to_the_chinese_workflow(world, as_user):
    ensure_site_root()
    community_page = ensure_community_page(world.a.community)
    editorial_groups_sync(user=world.committee_a)
    page = _text(as_user(world.committee_a).get(f"/admin/pages/{community_page.pk}/edit/"))
    assert "提交给审核员审批" in page
    assert "内容指标" in page and "阅读时间" in page
    _assert_english_gone(page, "Moderators approval", "Content metrics", "Reading time", "Schedule to publish",
                         "Choose when this page should go live", "Locking:", "Autosave is")


def test_an_edit_form_without_autosave_warns_in_chinese(world, as_user):
    url = reverse("registry_unit:edit", args=[world.a.unit.pk])
    page = _text(as_user(world.superuser).get(url))
    assert "离开前请保存更改" in page
    _assert_english_gone(page, "Save your changes before leaving")


def test_a_form_with_errors_offers_the_first_error_in_chinese(world, as_user):
    url = reverse("registry_unit:edit", args=[world.a.unit.pk])
    page = _text(as_user(world.superuser).post(url, {"room": ""}))
    assert "转到第一个错误" in page
    _assert_english_gone(page, "Go to the first error")


# --- the login page ---------------------------------------------------------------------------------------------


def test_the_login_page_asks_for_the_phone_number(client):
    page = _text(client.get("/admin/login/"))
    assert _title(page) == "登录 - 小区治理"
    assert re.search(r"<h1>\s*登录管理后台\s*</h1>", page)
    assert re.search(r"<label[^>]*for=\"id_username\"[^>]*>\s*手机号", page)
    assert re.search(r"<label[^>]*for=\"id_password\"[^>]*>\s*密码", page)
    assert 'placeholder="请输入手机号"' in page
    _assert_english_gone(page, "Password", "用户名", "Sign in to", "登录Wagtail", "- Wagtail", "JavaScript is required")


def test_staff_sign_in_with_phone_and_password(world, client):
    response = client.post("/admin/login/", {"username": world.committee_a.phone, "password": "demo1234"})
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_wrong_password_is_told_in_chinese(world, client):
    page = _text(client.post("/admin/login/", {"username": world.committee_a.phone, "password": "wrong"}))
    assert "手机号或密码不正确，请重新输入。" in page
    _assert_english_gone(page, "didn't match")


# --- groups and workflow ---------------------------------------------------------------------------------------


def test_the_editorial_groups_and_the_workflow_have_chinese_names():
    assert (MODERATORS_GROUP, EDITORS_GROUP, MODERATION_WORKFLOW) == ("审核员", "编辑员", "审核员审批")
    assert set(Group.objects.filter(name__in=["审核员", "编辑员", "Moderators", "Editors"])
               .values_list("name", flat=True)) == {"审核员", "编辑员"}
    assert list(Workflow.objects.values_list("name", flat=True)) == ["审核员审批"]
    assert list(Task.objects.values_list("name", flat=True)) == ["审核员审批"]


def test_the_moderators_group_keeps_its_page_rights_on_the_knowledge_roots():
    from home.editorial import moderators_group

    group = moderators_group()
    assert group.name == "审核员"
    assert Group.objects.filter(name="审核员").count() == 1
    assert group.permissions.filter(codename="access_admin").exists()


# --- the project's own screens ---------------------------------------------------------------------------------


def _header_crumbs(page: str) -> list[str]:
    nav = re.search(r'<nav[^>]*aria-label="面包屑导航">(.*?)</nav>', page, re.S).group(1)
    return [re.sub(r"<[^>]+>|\s+", "", item) for item in re.findall(r"<li.*?</li>", nav, re.S)]


def test_the_review_queue_has_its_own_title(world, as_user):
    page = _text(as_user(world.superuser).get(reverse("decisions_review:index")))
    assert _title(page) == "议事审核 - 小区治理"
    assert _header_crumbs(page) == ["首页", "议事审核"]


def test_the_building_grid_has_its_own_title(world, as_user):
    page = _text(as_user(world.committee_a).get(reverse("registry_grid:index")))
    assert _title(page) == "楼栋可视化 - 小区治理"
    assert _header_crumbs(page) == ["首页", "楼栋可视化"]


def test_the_election_results_have_their_own_title(client):
    stage = voting_stage(n_owners=3, seats=1, n_candidates=2)
    client.force_login(stage.chair)
    page = _text(client.get(reverse("elections_round:results", args=[stage.election.pk])))
    title = stage.election.title
    assert _title(page) == f"选举结果: {title} - 小区治理"
    assert _header_crumbs(page) == ["首页", "选举", title, "选举结果"]


def test_the_data_migration_renames_wagtails_english_names_and_back():
    from django.apps import apps

    rename = importlib.import_module("home.migrations.0004_chinese_editorial_names")
    # Given a database as Wagtail's initial data leaves it
    rename.to_english(apps, None)
    assert set(Group.objects.values_list("name", flat=True)) >= {"Moderators", "Editors"}
    assert list(Workflow.objects.values_list("name", flat=True)) == ["Moderators approval"]
    # When the migration runs, then the groups, the workflow and its task carry the Chinese names
    rename.to_chinese(apps, None)
    assert not Group.objects.filter(name__in=["Moderators", "Editors"]).exists()
    assert list(Workflow.objects.values_list("name", flat=True)) == ["审核员审批"]
    assert list(Task.objects.values_list("name", flat=True)) == ["审核员审批"]


def test_a_database_still_naming_the_group_moderators_keeps_working():
    # Given the moderators' group under Wagtail's English name
    Group.objects.filter(name="审核员").update(name="Moderators")
    legacy = Group.objects.get(name="Moderators")
    # When an editor role's groups are synced, then that group is the one used and no second group appears
    from home.editorial import moderators_group

    assert moderators_group() == legacy
    assert not Group.objects.filter(name="审核员").exists()


def test_staff_whose_user_name_is_not_the_phone_sign_in_with_the_phone(client):
    from tests.factories import UserFactory

    UserFactory(username="zhang-wei", phone="13600000077", is_staff=True, is_superuser=True)
    response = client.post("/admin/login/", {"username": "+86 136-0000-0077", "password": "demo1234"})
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_the_admin_account_still_signs_in_with_its_user_name(client):
    from tests.factories import UserFactory

    UserFactory(username="admin", phone=None, is_staff=True, is_superuser=True)
    response = client.post("/admin/login/", {"username": "admin", "password": "demo1234"})
    assert response.status_code == 302 and response["Location"] == "/admin/"

"""Admin roster upload: upload → dry-run preview → confirm → progress, scoped to the user's communities."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from openpyxl import load_workbook
from wagtail.admin.auth import require_admin_access
from wagtail.utils.urlpatterns import decorate_urlpatterns

import portal.urls
from governance.audit.models import AuditEvent
from governance.registry.admin_roster import roster_admin_urls
from governance.registry.models import Person, RosterImport, Unit
from governance.registry.tasks import roster_import_task, run_roster_import
from portal.accounts.models import Role
from portal.uploads import LEGACY_XLS_REFUSED
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    MembershipFactory,
    OwnershipFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)
from tests.registry.factories import legacy_xls, roster_csv, roster_xlsx, snapshot, unit_row

# Mounted the way Wagtail's register_admin_urls hook mounts them: under /admin/, behind the admin check.
urlpatterns = [
    path("admin/", include(decorate_urlpatterns(roster_admin_urls(), require_admin_access))),
    *portal.urls.urlpatterns,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def admin_user(community=None, role=Role.COMMITTEE_MEMBER):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    if community is not None:
        MembershipFactory(user=user, community=community, role=role)
    return user


def upload_file(rows, name="名册.xlsx"):
    data = roster_xlsx(rows).getvalue()
    handle = io.BytesIO(data)
    handle.name = name
    return handle


@pytest.fixture
def community():
    return CommunityFactory(name="兰亭小区")


@pytest.fixture
def member(client, community):
    user = admin_user(community)
    client.force_login(user)
    return user


def upload(client, community, rows, capture):
    with capture(execute=True):
        response = client.post(reverse("roster_upload"), {"community": community.pk, "file": upload_file(rows)})
    return response


# --- upload and preview -----------------------------------------------------------------------------


def test_upload_page_offers_only_the_communities_the_user_manages(client, member, community):
    other = CommunityFactory(name="梅园小区")
    response = client.get(reverse("roster_upload"))
    assert response.status_code == 200
    assert list(response.context["form"].fields["community"].queryset) == [community]
    content = response.content.decode()
    assert "兰亭小区" in content and "梅园小区" not in content
    assert reverse("roster_export", args=[community.pk]) in content
    assert reverse("roster_export", args=[other.pk]) not in content
    assert reverse("roster_template") in content


def test_upload_runs_a_dry_run_and_the_preview_shows_counts_and_a_confirm_button(
    client, member, community, django_capture_on_commit_callbacks
):
    # when a clean file is uploaded
    response = upload(client, community, [unit_row(1), unit_row(2, 共有人姓名="李四", 共有人手机="13900000001")],
                      django_capture_on_commit_callbacks)
    imp = RosterImport.objects.get()
    # then it is checked in the background and nothing is written
    assert response.status_code == 302 and response.url == reverse("roster_progress", args=[imp.pk])
    assert (imp.status, imp.dry_run, imp.created_by, imp.original_name) == (
        RosterImport.Status.PREVIEWED, True, member, "名册.xlsx",
    )
    assert (imp.processed_rows, imp.total_rows) == (2, 2)
    assert not Unit.objects.exists() and not AuditEvent.objects.filter(action="roster.import").exists()
    # and the progress page moves on to the preview, which shows the counts and the confirm button
    response = client.get(reverse("roster_progress", args=[imp.pk]))
    assert response.status_code == 302 and response.url == reverse("roster_preview", args=[imp.pk])
    response = client.get(response.url)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<td data-count="units-new">2</td>' in content
    assert '<td data-count="persons-new">3</td>' in content
    assert '<td data-count="ownerships-new">3</td>' in content
    assert reverse("roster_confirm", args=[imp.pk]) in content
    assert response.context["can_confirm"] is True


def test_the_preview_lists_every_error_as_row_column_reason_and_offers_no_confirm(
    client, member, community, django_capture_on_commit_callbacks
):
    rows = [unit_row(1), None, unit_row(2, 面积="89.255"), unit_row(3, 开发商持有="也许")]
    upload(client, community, rows, django_capture_on_commit_callbacks)
    imp = RosterImport.objects.get()
    assert imp.status == RosterImport.Status.FAILED
    response = client.get(reverse("roster_preview", args=[imp.pk]))
    content = response.content.decode()
    assert response.context["errors"] == [
        "第4行 面积: 面积最多保留两位小数（当前为 89.255）",
        "第5行 开发商持有: “也许”无效：只能填写 是/否（留空为否）",
    ]
    assert "第4行 面积: 面积最多保留两位小数（当前为 89.255）" in content
    assert "名册有 2 个错误，未导入任何数据。" in content
    assert reverse("roster_confirm", args=[imp.pk]) not in content
    # and confirming anyway is refused
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("roster_confirm", args=[imp.pk]))
    assert response.status_code == 302 and response.url == reverse("roster_preview", args=[imp.pk])
    imp.refresh_from_db()
    assert imp.status == RosterImport.Status.FAILED and imp.dry_run
    assert not Unit.objects.exists()


def test_an_upload_with_only_the_header_fails_with_no_unit_data(
    client, member, community, django_capture_on_commit_callbacks
):
    upload(client, community, [], django_capture_on_commit_callbacks)
    imp = RosterImport.objects.get()
    assert imp.status == RosterImport.Status.FAILED
    response = client.get(reverse("roster_preview", args=[imp.pk]))
    assert response.context["errors"] == ["没有房屋数据：第1行的表头下面没有任何房屋行"]
    assert response.context["can_confirm"] is False
    assert reverse("roster_confirm", args=[imp.pk]) not in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster_confirm", args=[imp.pk]))
    imp.refresh_from_db()
    assert imp.status == RosterImport.Status.FAILED and imp.dry_run
    assert not Unit.objects.exists() and not AuditEvent.objects.exists()


def test_an_upload_that_is_not_an_xlsx_is_refused_on_the_form(client, member, community):
    fake = io.BytesIO("楼栋,房号\n".encode())
    fake.name = "名册.xlsx"
    response = client.post(reverse("roster_upload"), {"community": community.pk, "file": fake})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["名册文件格式不支持：只接受 CSV、XLSX。"]
    assert not RosterImport.objects.exists()


def test_an_old_xls_upload_is_refused_with_how_to_save_it_as_xlsx(client, member, community):
    old = io.BytesIO(legacy_xls())
    old.name = "业主清册.xls"
    response = client.post(reverse("roster_upload"), {"community": community.pk, "file": old})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [LEGACY_XLS_REFUSED]
    assert not RosterImport.objects.exists()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_csv_upload_is_previewed_and_imported_like_an_xlsx(
    client, member, community, django_capture_on_commit_callbacks, encoding
):
    # given a roster saved from Excel as CSV, with a title row above the header
    handle = io.BytesIO(roster_csv([unit_row(1, 业主姓名="张三"), unit_row(2)], encoding=encoding,
                                   title="幸福家园小区业主清册"))
    handle.name = "名册.csv"
    # when it is uploaded, it is previewed in the background and nothing is written
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("roster_upload"), {"community": community.pk, "file": handle})
    imp = RosterImport.objects.get()
    assert response.status_code == 302
    assert (imp.status, imp.dry_run, imp.original_name) == (RosterImport.Status.PREVIEWED, True, "名册.csv")
    assert imp.file.name.endswith(".csv")
    assert imp.report["counts"]["units"] == {"new": 2, "updated": 0, "unchanged": 0}
    assert not Unit.objects.exists()
    # and confirming imports it
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster_confirm", args=[imp.pk]))
    imp.refresh_from_db()
    assert imp.status == RosterImport.Status.DONE
    assert sorted(Unit.objects.filter(community=community).values_list("room", flat=True)) == ["501", "502"]
    assert Person.objects.get(community=community, phone="13800000001").name == "张三"
    assert AuditEvent.objects.filter(action="roster.import").count() == 1


def test_a_csv_upload_with_errors_lists_them_by_row_and_column(
    client, member, community, django_capture_on_commit_callbacks
):
    handle = io.BytesIO(roster_csv([unit_row(1), unit_row(2, 开发商持有="也许")]))
    handle.name = "名册.csv"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster_upload"), {"community": community.pk, "file": handle})
    imp = RosterImport.objects.get()
    assert imp.status == RosterImport.Status.FAILED
    response = client.get(reverse("roster_preview", args=[imp.pk]))
    assert response.context["errors"] == ["第3行 开发商持有: “也许”无效：只能填写 是/否（留空为否）"]
    assert response.context["can_confirm"] is False


# --- confirm and progress ------------------------------------------------------------------------------


def test_confirm_imports_in_the_background_and_the_status_says_done(
    client, member, community, django_capture_on_commit_callbacks
):
    upload(client, community, [unit_row(1), unit_row(2)], django_capture_on_commit_callbacks)
    imp = RosterImport.objects.get()
    # when the preview is confirmed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("roster_confirm", args=[imp.pk]))
    # then the import runs and the progress page leads to the result
    assert response.status_code == 302 and response.url == reverse("roster_progress", args=[imp.pk])
    imp.refresh_from_db()
    assert (imp.status, imp.dry_run) == (RosterImport.Status.DONE, False)
    assert imp.finished_at is not None and imp.report["written"] is True
    assert Unit.objects.filter(community=community).count() == 2
    event = AuditEvent.objects.get(action="roster.import")
    assert event.actor == member and event.community == community
    status = client.get(reverse("roster_status", args=[imp.pk])).json()
    assert status == {
        "id": imp.pk, "status": "done", "status_label": "已完成", "dry_run": False, "processed_rows": 2,
        "total_rows": 2, "percent": 100, "finished": True, "errors": 0,
        "next_url": reverse("roster_preview", args=[imp.pk]),
    }
    content = client.get(reverse("roster_preview", args=[imp.pk])).content.decode()
    assert "导入完成，已写入数据并记录留痕。" in content
    assert reverse("roster_confirm", args=[imp.pk]) not in content
    # and a second confirm does nothing
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster_confirm", args=[imp.pk]))
    assert AuditEvent.objects.filter(action="roster.import").count() == 1


def test_another_manager_may_confirm_and_is_the_audit_actor(
    client, member, community, django_capture_on_commit_callbacks
):
    upload(client, community, [unit_row(1)], django_capture_on_commit_callbacks)
    imp = RosterImport.objects.get()
    secretary = admin_user(community, role=Role.COMMITTEE_SECRETARY)
    client.force_login(secretary)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster_confirm", args=[imp.pk]))
    assert AuditEvent.objects.get(action="roster.import").actor == secretary


def test_the_progress_page_and_status_show_a_running_import(client, member, community):
    imp = RosterImport.objects.create(
        community=community, file="roster-imports/x.xlsx", original_name="x.xlsx", dry_run=False,
        status=RosterImport.Status.RUNNING, total_rows=200, processed_rows=50, created_by=member,
    )
    response = client.get(reverse("roster_progress", args=[imp.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<progress id="roster-progress-bar" max="100" value="25"' in content
    assert f'data-status-url="{reverse("roster_status", args=[imp.pk])}"' in content
    status = client.get(reverse("roster_status", args=[imp.pk])).json()
    assert (status["percent"], status["finished"], status["status_label"]) == (25, False, "导入中")
    # a preview that is still running sends the preview page back to the progress page
    response = client.get(reverse("roster_preview", args=[imp.pk]))
    assert response.status_code == 302 and response.url == reverse("roster_progress", args=[imp.pk])


def test_the_task_is_safe_to_run_twice(client, member, community, django_capture_on_commit_callbacks):
    upload(client, community, [unit_row(1)], django_capture_on_commit_callbacks)
    imp = RosterImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster_confirm", args=[imp.pk]))
    before = snapshot(community)
    # when the same message is delivered again
    roster_import_task(imp.pk)
    run_roster_import(imp.pk)
    # then nothing more happens
    assert AuditEvent.objects.filter(action="roster.import").count() == 1
    assert snapshot(community) == before
    imp.refresh_from_db()
    assert imp.status == RosterImport.Status.DONE
    assert run_roster_import(999_999) is None


def test_a_task_whose_uploader_lost_the_role_fails_with_a_reason(
    client, member, community, django_capture_on_commit_callbacks
):
    upload(client, community, [unit_row(1)], django_capture_on_commit_callbacks)
    imp = RosterImport.objects.get()
    RosterImport.objects.filter(pk=imp.pk).update(dry_run=False, status=RosterImport.Status.PENDING)
    member.memberships.update(active=False)
    run_roster_import(imp.pk)
    imp.refresh_from_db()
    assert imp.status == RosterImport.Status.FAILED
    assert imp.report["errors"][0]["text"] == "您没有权限导入该小区的业主名册。"
    assert not Unit.objects.exists()


# --- downloads ----------------------------------------------------------------------------------------------


def test_template_download(client, member, community):
    response = client.get(reverse("roster_template"), {"community": community.pk})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content))["业主名册"]["A1"].value == "楼栋"


def test_export_download(client, member, community, django_capture_on_commit_callbacks):
    upload(client, community, [unit_row(1)], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster_confirm", args=[RosterImport.objects.get().pk]))
    response = client.get(reverse("roster_export", args=[community.pk]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(response.content))["业主名册"].iter_rows(values_only=True))
    assert rows[1][:4] == ("1栋", "1", 5, "501")
    # and the download is on the audit trail: who, which community, how many rows
    event = AuditEvent.objects.get(action="roster.export")
    assert (event.actor, event.community, event.summary) == (member, community, {"community": community.code, "rows": 1})


@pytest.mark.parametrize("role", [Role.PROPERTY_STAFF, None])
def test_property_staff_and_owners_get_no_export_and_leave_no_audit_event(client, community, role):
    # given an admin user who is property staff of the community, or a verified owner there
    user = admin_user(community, role=role) if role else admin_user()
    if role is None:
        OwnershipFactory(unit=UnitFactory(building=BuildingFactory(community=community)),
                         person=PersonFactory(community=community, user=user), verified=True)
    client.force_login(user)
    # when they ask for the roster export
    response = client.get(reverse("roster_export", args=[community.pk]))
    # then there is no file and nothing on the audit trail
    assert response.status_code == 404 and response["Content-Type"] != XLSX
    assert not AuditEvent.objects.filter(action="roster.export").exists()


# --- scope: another community is unreachable ---------------------------------------------------------------------


def test_a_user_of_another_community_cannot_see_or_import_into_it(
    client, community, django_capture_on_commit_callbacks
):
    # given an import of 兰亭 uploaded by its committee member
    owner_client = client
    owner_client.force_login(admin_user(community))
    upload(owner_client, community, [unit_row(1)], django_capture_on_commit_callbacks)
    imp = RosterImport.objects.get()
    # when a committee member of another community tries every page
    stranger = admin_user(CommunityFactory(name="梅园小区"))
    client.force_login(stranger)
    for name in ("roster_preview", "roster_progress", "roster_status"):
        assert client.get(reverse(name, args=[imp.pk])).status_code == 404, name
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("roster_confirm", args=[imp.pk])).status_code == 404
    assert client.get(reverse("roster_export", args=[community.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="roster.export").exists()
    assert client.get(reverse("roster_template"), {"community": community.pk}).status_code == 404
    # and uploading into it is forbidden
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("roster_upload"), {"community": community.pk, "file": upload_file([unit_row(1)])}
        )
    assert response.status_code == 403
    assert RosterImport.objects.count() == 1
    imp.refresh_from_db()
    assert imp.dry_run and imp.status == RosterImport.Status.PREVIEWED
    assert not Unit.objects.exists()


def test_property_staff_may_not_import(client, community):
    client.force_login(admin_user(community, role=Role.PROPERTY_STAFF))
    assert client.get(reverse("roster_upload")).status_code == 403
    assert client.get(reverse("roster_template")).status_code == 403


def test_street_staff_manage_every_community_of_their_street(client, community, django_capture_on_commit_callbacks):
    user = admin_user()
    MembershipFactory(user=user, role=Role.STREET_STAFF, community=None, street=community.street)
    client.force_login(user)
    response = upload(client, community, [unit_row(1)], django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert RosterImport.objects.get().status == RosterImport.Status.PREVIEWED


def test_anonymous_users_are_sent_to_the_login(client, community):
    response = client.get(reverse("roster_upload"))
    assert response.status_code == 302 and "login" in response.url

"""The "小区主页" admin: bulletin types and posts, archive uploads and bylaws, each scoped to the
staff's own communities; files go through the services."""

import pytest
from django.urls import reverse

from governance.audit.models import AuditEvent
from home.models import ArchiveDocument, BulletinItem, BulletinType, Bylaw
from tests.home.conftest import pdf_upload, sub_url
from tests.hostile_files import active_pdf, bomb_png_upload
from tests.hostile_files import pdf_upload as hostile_pdf

pytestmark = pytest.mark.django_db


def test_staff_add_and_rename_a_bulletin_type_and_the_board_follows(world, as_user, client):
    a = world.a
    staff = as_user(a.committee)
    response = staff.post(reverse("home_bulletin_type:add"),
                          {"community": a.community.pk, "name": "社区活动", "sort_order": "1"})
    assert response.status_code == 302
    bulletin_type = BulletinType.objects.get(name="社区活动")
    assert bulletin_type.community == a.community
    response = staff.post(reverse("home_bulletin_item:add"), {
        "community": a.community.pk, "type": bulletin_type.pk, "title": "端午包粽子",
        "date": "2024-06-01", "sort_order": "0", "published": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert BulletinItem.objects.get().title == "端午包粽子"

    staff.post(reverse("home_bulletin_type:edit", args=[bulletin_type.pk]),
               {"community": a.community.pk, "name": "邻里活动", "sort_order": "1"})
    html = client.get(a.page.url).content.decode()
    board = html[html.index('data-testid="bulletin"'):]
    board = board[:board.index("</section>")]
    assert "邻里活动" in board and "社区活动" not in board and "端午包粽子" in board
    actions = list(AuditEvent.objects.filter(action__startswith="home.bulletin").values_list("action", flat=True))
    assert actions == ["home.bulletin_type.create", "home.bulletin_item.create", "home.bulletin_type.update"]


def test_a_type_with_posts_cannot_be_deleted(world, as_user):
    a = world.a
    bulletin_type = BulletinType.objects.create(community=a.community, name="社区活动")
    BulletinItem.objects.create(community=a.community, type=bulletin_type, title="端午包粽子")
    response = as_user(a.committee).post(reverse("home_bulletin_type:delete", args=[bulletin_type.pk]), follow=True)
    assert "该类别下还有宣传内容，不能删除。" in response.content.decode()
    assert BulletinType.objects.filter(pk=bulletin_type.pk).exists()


def test_staff_cannot_make_platform_wide_types_or_use_another_communitys_type(world, as_user):
    a, b = world.a, world.b
    staff = as_user(a.committee)
    response = staff.post(reverse("home_bulletin_type:add"), {"community": "", "name": "全平台", "sort_order": "0"})
    assert response.status_code == 200 and not BulletinType.objects.filter(name="全平台").exists()
    b_type = BulletinType.objects.create(community=b.community, name="碧水专栏")
    response = staff.post(reverse("home_bulletin_item:add"), {
        "community": a.community.pk, "type": b_type.pk, "title": "X", "date": "2024-06-01", "sort_order": "0",
    })
    assert response.status_code == 200 and not BulletinItem.objects.exists()
    form = staff.get(reverse("home_bulletin_item:add")).content.decode()
    assert "碧水专栏" not in form and "碧水小区" not in form
    assert staff.get(reverse("home_bulletin_type:edit", args=[b_type.pk])).status_code == 404


def test_staff_upload_an_archive_document_through_the_service(world, as_user):
    a = world.a
    staff = as_user(a.committee)
    response = staff.post(reverse("home_archive:add"), {
        "community": a.community.pk, "title": "2024年业主大会决议", "category": "minutes", "year": "2024",
        "upload": pdf_upload("业主大会决议 维修基金"),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    document = ArchiveDocument.objects.get()
    assert document.uploaded_by == a.committee and "维修基金" in document.extracted_text and not document.is_public
    assert AuditEvent.objects.filter(action="home.archive.upload", object_id=str(document.pk)).count() == 1
    inspect = staff.get(reverse("home_archive:inspect", args=[document.pk])).content.decode()
    assert f'href="{sub_url(a.page, "archive_file", document.pk)}"' in inspect
    response = staff.post(reverse("home_archive:edit", args=[document.pk]), {
        "title": "2024年业主大会决议", "category": "minutes", "year": "2024", "is_public": "on"})
    assert response.status_code == 302
    assert ArchiveDocument.objects.get().is_public is True
    assert AuditEvent.objects.filter(action="home.archive.set_public").count() == 1


def test_an_invalid_archive_upload_shows_the_service_error(world, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    a = world.a
    response = as_user(a.committee).post(reverse("home_archive:add"), {
        "community": a.community.pk, "title": "X", "category": "other", "year": "2024",
        "upload": SimpleUploadedFile("x.pdf", b"not a pdf at all", content_type="application/pdf"),
    })
    assert response.status_code == 200
    assert "档案文件格式不支持" in response.content.decode()
    assert not ArchiveDocument.objects.exists()


@pytest.mark.parametrize("upload, message", [
    (lambda: bomb_png_upload("扫描件.png"),
     "档案文件“扫描件.png”的图片尺寸过大（20000×20000 像素，最多 6000 万像素），请缩小后重新上传。"),
    (lambda: hostile_pdf(active_pdf("open_action_js"), name="决议.pdf"),
     "档案文件“决议.pdf”含有脚本、自动动作或嵌入文件等活动内容，不能上传；请打印为普通 PDF 或拍照后重新上传。"),
], ids=["decompression-bomb", "javascript-pdf"])
def test_a_hostile_archive_upload_is_a_form_error_naming_the_file(world, as_user, upload, message):
    """Given staff uploading a PNG claiming 20000x20000 pixels or a PDF that runs JavaScript when opened,
    when they submit the archive form, then the form shows the refusal by file name and nothing is filed."""
    a = world.a
    response = as_user(a.committee).post(reverse("home_archive:add"), {
        "community": a.community.pk, "title": "X", "category": "other", "year": "2024", "upload": upload(),
    })
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ArchiveDocument.objects.exists()
    assert not AuditEvent.objects.filter(action="home.archive.upload").exists()


def test_archive_admin_is_scoped_to_the_staffs_communities(world, as_user):
    from home import services

    b_doc = services.archive_upload(community=world.b.community, actor=world.b.committee, title="碧水物业服务合同",
                                    category="contract", year=2024, upload=pdf_upload("x"))
    staff = as_user(world.a.committee)
    assert "碧水物业服务合同" not in staff.get(reverse("home_archive:index")).content.decode()
    for name in ("inspect", "edit"):
        assert staff.get(reverse(f"home_archive:{name}", args=[b_doc.pk])).status_code == 404
    response = staff.post(reverse("home_archive:add"), {
        "community": world.b.community.pk, "title": "X", "category": "other", "year": "2024",
        "upload": pdf_upload("x")})
    assert response.status_code == 200 and ArchiveDocument.objects.count() == 1
    # property staff of A answer feedback but do not keep the archive
    response = as_user(world.a.property_staff).get(reverse("home_archive:index"))
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_staff_upload_a_bylaw_in_the_admin(world, as_user):
    a = world.a
    staff = as_user(a.committee)
    response = staff.post(reverse("home_bylaw:add"), {
        "community": a.community.pk, "kind": "management_statute", "upload": pdf_upload("管理规约")})
    assert response.status_code == 302, response.content.decode()[:2000]
    bylaw = Bylaw.objects.get()
    assert bylaw.kind == "management_statute" and bylaw.content_type == "application/pdf" and bylaw.is_present
    assert AuditEvent.objects.get(action="home.bylaw.save").summary == {"kind": "management_statute",
                                                                      "file": "application/pdf"}

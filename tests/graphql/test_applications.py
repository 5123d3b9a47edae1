"""Reviewed applications over GraphQL: a co-owner's proof arrives as a multipart upload, EXIF stripped."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from governance.registry.models import ApplicationStatus, UnitApplication
from tests.factories import UserFactory
from tests.hostile_files import active_pdf, bomb_png_upload, clean_pdf, pdf_upload

pytestmark = pytest.mark.django_db

APPLY = """
mutation ($proof: Upload!) {
  applyCoOwner(communityCode: "yuanhe", building: "1栋", entrance: "1", room: "502",
               name: "王共有", phone: "13955556666", proof: $proof) {
    application { id kind status name maskedPhone hasProof unit { label } }
    errors { code message field }
  }
}
"""


def _png_with_exif() -> bytes:
    image = Image.new("RGB", (8, 8), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (31.0, 14.0, 5.0)}  # GPS latitude: where the photo was taken
    out = io.BytesIO()
    image.save(out, format="PNG", exif=exif)
    data = out.getvalue()
    assert b"SecretCam" in data
    return data


def _multipart(client: Client, query: str, files: dict, variables: dict | None = None, headers=None):
    """The GraphQL multipart request spec: operations + map + one part per file."""
    variables = dict(variables or {})
    mapping = {}
    parts = {}
    for i, (name, upload) in enumerate(files.items()):
        variables[name] = None
        mapping[str(i)] = [f"variables.{name}"]
        parts[str(i)] = upload
    return client.post(
        "/graphql/",
        {"operations": json.dumps({"query": query, "variables": variables}), "map": json.dumps(mapping), **parts},
        headers=headers or {},
    )


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_co_owner_uploads_proof_and_waits_for_review(world):
    """Given a signed-in user, when they apply as co-owner of 502 with a PNG proof,
    then a pending application exists and the stored proof has no EXIF."""
    user = UserFactory()
    proof = SimpleUploadedFile("房产证.png", _png_with_exif(), content_type="image/png")

    response = _multipart(_signed_in(user), APPLY, {"proof": proof})

    assert response.status_code == 200, response.content
    result = response.json()["data"]["applyCoOwner"]
    assert result["errors"] == []
    application = UnitApplication.objects.get()
    assert result["application"] == {
        "id": str(application.pk), "kind": "CO_OWNER", "status": "PENDING", "name": "王共有",
        "maskedPhone": "139****6666", "hasProof": True, "unit": {"label": "1栋-1单元-502"},
    }
    assert (application.user, application.unit, application.status) == (user, world.a_unit, ApplicationStatus.PENDING)
    with application.proof.open("rb") as fh:
        stored = fh.read()
    assert stored.startswith(b"\x89PNG")
    assert b"SecretCam" not in stored
    with Image.open(io.BytesIO(stored)) as img:
        assert not img.getexif()
    application.proof.delete(save=False)


def test_co_owner_via_token_and_multipart(phone_login, world):
    from tests.graphql.test_auth import _app_login

    UserFactory(phone="13700003333", phone_verified=True)
    token = _app_login(Client(), "13700003333")
    proof = SimpleUploadedFile("proof.png", _png_with_exif(), content_type="image/png")

    response = _multipart(Client(enforce_csrf_checks=True), APPLY, {"proof": proof},
                          headers={"X-Session-Token": token})

    assert response.json()["data"]["applyCoOwner"]["errors"] == []
    UnitApplication.objects.get().proof.delete(save=False)


def test_proof_that_is_not_an_image_or_pdf_is_refused(world):
    proof = SimpleUploadedFile("proof.png", b"MZ this is not a picture", content_type="image/png")

    result = _multipart(_signed_in(UserFactory()), APPLY, {"proof": proof}).json()["data"]["applyCoOwner"]

    assert result["application"] is None
    assert result["errors"][0]["code"] == "UPLOAD_INVALID"
    assert UnitApplication.objects.count() == 0


@pytest.mark.parametrize("proof, message", [
    (lambda: bomb_png_upload("房产证.png"),
     "证明材料“房产证.png”的图片尺寸过大（20000×20000 像素，最多 6000 万像素），请缩小后重新上传。"),
    (lambda: pdf_upload(active_pdf("open_action_js"), name="房产证.pdf"),
     "证明材料“房产证.pdf”含有脚本、自动动作或嵌入文件等活动内容，不能上传；请打印为普通 PDF 或拍照后重新上传。"),
], ids=["decompression-bomb", "javascript-pdf"])
def test_a_hostile_proof_is_refused_by_name_and_nothing_is_filed(world, proof, message):
    response = _multipart(_signed_in(UserFactory()), APPLY, {"proof": proof()})

    assert response.status_code == 200
    assert response.json()["data"]["applyCoOwner"] == {
        "application": None, "errors": [{"code": "UPLOAD_INVALID", "message": message, "field": None}],
    }
    assert UnitApplication.objects.count() == 0


def test_a_clean_pdf_proof_is_accepted(world):
    response = _multipart(_signed_in(UserFactory()), APPLY, {"proof": pdf_upload(clean_pdf(), name="房产证.pdf")})

    assert response.json()["data"]["applyCoOwner"]["errors"] == []
    application = UnitApplication.objects.get()
    assert application.proof.name.endswith(".pdf")
    application.proof.delete(save=False)


def test_second_pending_application_is_refused(world):
    client = _signed_in(UserFactory())
    first = _multipart(client, APPLY, {"proof": SimpleUploadedFile("a.png", _png_with_exif())})
    assert first.json()["data"]["applyCoOwner"]["errors"] == []

    second = _multipart(client, APPLY, {"proof": SimpleUploadedFile("b.png", _png_with_exif())})

    assert second.json()["data"]["applyCoOwner"]["errors"][0]["code"] == "ALREADY_PENDING"
    assert UnitApplication.objects.count() == 1
    UnitApplication.objects.get().proof.delete(save=False)


def test_proof_cannot_be_sent_inline_as_json(gql_as, world):
    body = gql_as(UserFactory())(APPLY, {"proof": "aGVsbG8="}, status=400)
    assert body["errors"][0]["message"].startswith("Variable '$proof' got invalid value")
    assert "multipart" in body["errors"][0]["message"]


def test_map_pointing_outside_variables_is_a_bad_request(world):
    client = _signed_in(UserFactory())
    response = client.post("/graphql/", {
        "operations": json.dumps({"query": APPLY, "variables": {"proof": None}}),
        "map": json.dumps({"0": ["query"]}),
        "0": SimpleUploadedFile("a.png", b"x"),
    })
    assert response.status_code == 400
    assert "variables" in response.json()["errors"][0]["message"]


def test_invalid_phone_points_at_the_field(gql_as, world):
    result = gql_as(UserFactory())("""
      mutation { registerTenant(communityCode: "yuanhe", building: "1栋", room: "601", name: "赵租户", phone: "12345") {
        application { id } errors { code message field } } }
    """)["data"]["registerTenant"]
    assert result == {"application": None, "errors": [
        {"code": "INVALID", "message": "请填写 11 位手机号。", "field": "phone"},
    ]}


def test_tenant_registration_and_phone_correction_without_proof(gql_as, world):
    caller = gql_as(UserFactory())

    tenant = caller("""
      mutation { registerTenant(communityCode: "yuanhe", building: "1栋", room: "601", name: "赵租户",
                                phone: "13612345678", note: "2024年起租") {
        application { kind status hasProof maskedPhone } errors { code } } }
    """)["data"]["registerTenant"]
    correction = caller("""
      mutation { requestPhoneCorrection(communityCode: "yuanhe", building: "1栋", room: "502", name: "王业主",
                                        phone: "13787654321") {
        application { kind status unit { label } } errors { code } } }
    """)["data"]["requestPhoneCorrection"]

    assert tenant == {"application": {"kind": "TENANT", "status": "PENDING", "hasProof": False,
                                      "maskedPhone": "136****5678"}, "errors": []}
    assert correction == {"application": {"kind": "PHONE_CORRECTION", "status": "PENDING",
                                          "unit": {"label": "1栋-1单元-502"}}, "errors": []}
    me = caller("{ me { applications { kind status } units { verified } } }")["data"]["me"]
    assert me == {"applications": [{"kind": "PHONE_CORRECTION", "status": "PENDING"},
                                   {"kind": "TENANT", "status": "PENDING"}], "units": []}

"""Vote details (.xlsx), the result notice (PDF) and `recount`: all agree with the engine."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from governance.decisions import selectors, services
from governance.decisions.exports import read_vote_details, vote_details_xlsx
from governance.decisions.pdf import result_notice_pdf
from governance.voting.tally import tally_document
from tests.decisions.factories import community_with_owners, voting_motion
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def voted_motion():
    community, chair, owners = community_with_owners(5)
    UnitFactory(building=community.buildings.first(), room="901", developer_held=True)
    motion = voting_motion(community, chair)
    for owner, choice in zip(owners, ["agree", "agree", "oppose", "abstain"]):
        services.ballot_cast(right=selectors.rights_for_user(motion, owner).get(), choice=choice, actor=owner)
    ballot = motion.ballots.get(choice="abstain")
    services.ballot_void(ballot=ballot, actor=chair, reason="重复签名")
    return motion


def run_recount(path):
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("recount", str(path), "--json", stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_vote_details_export_has_one_row_per_right_and_recounts_to_the_same_result(voted_motion, tmp_path):
    data = vote_details_xlsx(voted_motion)
    wb = load_workbook(io.BytesIO(data))
    rows = list(wb["表决明细"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6  # five owners and the developer
    void_row = next(r for r in rows if r[9] == "是")
    assert void_row[5] == "弃权" and void_row[10] == "重复签名"
    path = tmp_path / "details.xlsx"
    path.write_bytes(data)
    code, out, err = run_recount(path)
    assert code == 0, err
    assert json.loads(out) == selectors.motion_result(voted_motion).to_dict()
    assert tally_document(read_vote_details(path)).to_dict() == json.loads(out)


def test_recount_json_prints_exactly_one_document(tmp_path):
    document = {"rule": {"participation_area": "2/3", "participation_heads": "2/3", "approval_area": "1/2",
                         "approval_heads": "1/2", "approval_strict": True},
                "units": [{"unit": "1", "area": "89.25", "owner": "A", "developer_held": False},
                          {"unit": "2", "area": "10.75", "owner": "B", "developer_held": False}],
                "ballots": [{"owner": "A", "choice": "agree", "void": False},
                            {"owner": "B", "choice": "oppose", "void": False}]}
    path = tmp_path / "vote.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, out, err = run_recount(path)
    assert code == 0
    assert json.loads(out)["verdict"] == "rejected"  # 1 of 2 heads is not more than half
    assert out.count("{\"total\"") == 1


def test_recount_of_a_vote_without_quorum_is_not_approved_though_the_participants_agreed(tmp_path):
    document = {"rule": {"participation_area": "2/3", "participation_heads": "2/3", "approval_area": "1/2",
                         "approval_heads": "1/2", "approval_strict": True},
                "units": [{"unit": str(i), "area": "100.00", "owner": owner, "developer_held": False}
                          for i, owner in enumerate("ABC")],
                "ballots": [{"owner": "A", "choice": "agree", "void": False}]}
    path = tmp_path / "vote.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, out, err = run_recount(path)
    assert code == 0, err
    printed = json.loads(out)
    assert (printed["participation_met"], printed["approval_met"], printed["approved"], printed["verdict"]) == (
        False, True, False, "no_quorum")


@pytest.mark.parametrize("ballots,message", [
    ([{"owner": "Z", "choice": "agree"}], "不在表决名册中"),
    ([{"owner": "A", "choice": "agree"}, {"owner": "A", "choice": "oppose"}], "已有一张选票"),
])
def test_recount_refuses_bad_ballots_without_a_traceback(tmp_path, ballots, message):
    document = {"rule": {"participation_area": "2/3", "participation_heads": "2/3", "approval_area": "1/2",
                         "approval_heads": "1/2", "approval_strict": True},
                "units": [{"unit": "1", "area": "89.25", "owner": "A", "developer_held": False}],
                "ballots": ballots}
    path = tmp_path / "vote.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, out, err = run_recount(path)
    assert code == 1 and out == ""
    assert message in err and "Traceback" not in err


def test_recount_of_a_missing_or_broken_file(tmp_path):
    assert run_recount(tmp_path / "nope.json")[0] == 1
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    code, _, err = run_recount(broken)
    assert code == 1 and "不是有效的 JSON" in err


def test_result_notice_pdf_embeds_a_cjk_font_and_states_the_verdict(voted_motion, tmp_path):
    voted_motion.refresh_from_db()
    pdf = result_notice_pdf(voted_motion, selectors.motion_result(voted_motion))
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "表决结果公告" in text and voted_motion.title in text
    assert "未达到参与表决要求" in text or "通过" in text or "未通过" in text
    fonts = [f for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    fonts = [f.get_object() for f in fonts]
    cjk = [f for f in fonts if "WenQuanYi" in str(f["/BaseFont"])]
    assert cjk and all("/FontFile2" in f["/FontDescriptor"].get_object() for f in cjk)  # embedded TrueType
    # Any other font is reportlab's page default, one of the standard 14, and carries no Chinese text.
    assert all(str(f["/BaseFont"]) == "/Helvetica" for f in fonts if f not in cjk)
    Path(tmp_path / "notice.pdf").write_bytes(pdf)

"""Election vote details (.xlsx): one row per right with units, area, selections, time, channel, entered by and
void reason; read back, the workbook recounts to the very result the engine stored."""

import io

import pytest
from openpyxl import load_workbook

from governance.elections import selectors, services
from governance.elections.exports import DETAIL_HEADERS, election_details_xlsx, read_election_details
from governance.elections.tally import tally_election_document
from tests.elections.factories import png, voting_stage
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed():
    stage = voting_stage(n_owners=6, seats=2, n_candidates=3)
    UnitFactory(building=stage.community.buildings.first(), room="901", developer_held=True)  # after the roll froze
    a, b, c = stage.candidates
    picks = [(a, b), (a, c), (a,), (b, c)]
    for owner, pick in zip(stage.owners[:4], picks):
        services.election_ballot_cast(right=stage.right(owner), candidates=list(pick), actor=owner)
    services.election_paper_ballot_enter(right=stage.right(stage.owners[4]), candidates=[b], actor=stage.chair,
                                         scan=png("scan.png"))
    services.election_ballot_void(ballot=stage.right(stage.owners[3]).ballot, actor=stage.chair,
                                  reason="选票涂改无法辨认")
    stage.close()
    return stage


def test_one_row_per_right_with_selections_channel_and_void_reason(closed):
    wb = load_workbook(io.BytesIO(election_details_xlsx(closed.election)))
    ws = wb["选票明细"]
    assert [c.value for c in ws[1]] == DETAIL_HEADERS
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 6  # the developer unit added after opening is not on the frozen roll
    a, b, c = closed.candidates
    first = rows[closed.owners[0].persons.get().name]
    assert first[2] == "1栋-1单元-101" and first[3] == "100.00" and first[4] == "否"
    assert first[5] == f"{a.name}（#{a.pk}）、{b.name}（#{b.pk}）"
    assert first[7] == "线上" and first[9] == "否"
    paper = rows[closed.owners[4].persons.get().name]
    assert paper[7] == "线下补录" and paper[8] == str(closed.chair)
    void = rows[closed.owners[3].persons.get().name]
    assert void[9] == "是" and void[10] == "选票涂改无法辨认"
    silent = rows[closed.owners[5].persons.get().name]
    assert all(value in (None, "") for value in silent[5:])  # no ballot: blank cells
    assert {r[0]: r[2] for r in wb["候选人"].iter_rows(min_row=2, values_only=True)} == {
        a.pk: "正式候选人", b.pk: "正式候选人", c.pk: "正式候选人"}


def test_the_export_recounts_to_the_stored_result(closed, tmp_path):
    path = tmp_path / "details.xlsx"
    path.write_bytes(election_details_xlsx(closed.election))
    recount = tally_election_document(read_election_details(path))
    closed.election.refresh_from_db()
    assert recount.to_dict() == closed.election.result == selectors.round_result(closed.election).to_dict()
    assert recount.void.heads == 1 and recount.participating.heads == 4


def test_the_portal_download_is_for_staff_after_close(closed, client):
    url = f"/elections/{closed.election.pk}/details.xlsx"
    client.force_login(closed.owners[0])
    assert client.get(url).status_code == 404
    client.force_login(closed.chair)
    response = client.get(url)
    assert response.status_code == 200 and response.content[:2] == b"PK"

"""Roster export and template: the import's own format, so export → import changes nothing."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from governance.audit.models import AuditEvent
from governance.errors import DomainError, ErrorCode
from governance.registry.models import Ownership, UnitKind
from governance.registry.roster import roster_export, roster_export_bytes, roster_import, roster_template_bytes
from governance.registry.roster.columns import COLUMNS, SAMPLE_ROW
from governance.registry.roster.exports import ID_NUMBER_NOTE, NOTES_TITLE, SHEET_TITLE
from portal.accounts.models import Role
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    MembershipFactory,
    OwnershipFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)
from tests.registry.factories import manager, roster_xlsx, snapshot, unit_row

pytestmark = pytest.mark.django_db


def sheet_rows(data: bytes, title=SHEET_TITLE):
    workbook = load_workbook(io.BytesIO(data))
    return workbook, [list(row) for row in workbook[title].iter_rows(values_only=True)]


@pytest.fixture
def community():
    return CommunityFactory()


@pytest.fixture
def imported(community):
    """A community whose roster came from a file with every kind of row."""
    rows = [
        unit_row(1, 证件号码="370102199001011234"),
        unit_row(2, 共有人姓名="李四、王五", 共有人手机="13900000001；13900000002", 房屋类型="商业", 楼层=-1),
        unit_row(3, 楼栋="10栋", 单元=None, 楼层=None, 面积="120.5"),
        unit_row(4, 楼栋="2栋", 业主姓名=None, 业主手机=None, 开发商持有="是", 房屋类型="车位"),
        unit_row(5, 业主姓名="业主1", 业主手机="13800000001"),  # one owner of two units
    ]
    report = roster_import(community=community, source=roster_xlsx(rows), actor=None, dry_run=False)
    assert report.ok, [str(e) for e in report.errors]
    return community


def test_export_writes_the_template_header_and_one_row_per_unit(imported):
    workbook, rows = sheet_rows(roster_export_bytes(community=imported))
    assert rows[0] == list(COLUMNS)
    assert rows[1:] == [
        ["1栋", "1", -1, "502", 89.25, "商业", "业主2", "13800000002", None, "李四、王五", "13900000001、13900000002", "否"],
        ["1栋", "1", 5, "501", 89.25, "住宅", "业主1", "13800000001", None, None, None, "否"],
        ["1栋", "1", 5, "505", 89.25, "住宅", "业主1", "13800000001", None, None, None, "否"],
        ["2栋", "1", 5, "504", 89.25, "车位", None, None, None, None, None, "是"],
        ["10栋", None, None, "503", 120.5, "住宅", "业主3", "13800000003", None, None, None, "否"],
    ]
    # the ID number column is blank, and the file says why
    header = workbook[SHEET_TITLE]["I1"]
    assert header.value == "证件号码" and header.comment.text == ID_NUMBER_NOTE
    notes = [row[0] for row in workbook[NOTES_TITLE].iter_rows(values_only=True)]
    assert ID_NUMBER_NOTE in notes
    assert any(line.startswith(f"导出：{imported.name}") and "共 5 套房屋" in line for line in notes)


def test_export_then_import_changes_nothing(imported):
    # given a community with a verified owner and an ended link in its history
    Ownership.objects.filter(person__phone="13800000002").update(verified=True)
    transfer = [unit_row(5, 业主姓名="新业主", 业主手机="13700000005"), unit_row(9)]
    roster_import(community=imported, source=roster_xlsx(transfer), actor=None, dry_run=False)
    assert Ownership.objects.filter(unit__community=imported, ends_on__isnull=False).count() == 1
    before = snapshot(imported)
    # when its export is imported again
    data = roster_export_bytes(community=imported)
    report = roster_import(community=imported, source=io.BytesIO(data), actor=None, dry_run=False)
    # then the counts say nothing changed and the database is identical
    assert report.ok and not report.warnings
    assert report.counts["units"] == {"new": 0, "updated": 0, "unchanged": 6}
    assert report.counts["persons"]["new"] == 0 and report.counts["persons"]["updated"] == 0
    assert report.counts["ownerships"] == {"new": 0, "updated": 0, "unchanged": 7, "ended": 0}
    assert report.counts["buildings"] == {"new": 0}
    assert report.changed == []
    assert snapshot(imported) == before


def test_round_trip_of_hand_entered_data(community):
    # given units and owners entered outside the import (odd areas, a co-owner, an empty entrance)
    building = BuildingFactory(community=community, name="3号楼", sort_key=3)
    unit = UnitFactory(building=building, entrance="", room="0101", floor=1, area=Decimal("0.01"), kind=UnitKind.OTHER)
    OwnershipFactory(unit=unit, person=PersonFactory(community=community, name="甲", phone="13811112222"))
    OwnershipFactory(unit=unit, person=PersonFactory(community=community, name="乙", phone="13811113333"),
                     role="co_owner", position=1)
    before = snapshot(community)
    report = roster_import(community=community, source=io.BytesIO(roster_export_bytes(community=community)),
                           actor=None, dry_run=False)
    assert report.ok and not report.has_changes
    assert snapshot(community) == before


def test_export_of_another_community_is_refused_to_an_outsider(imported):
    outsider = manager(CommunityFactory())
    with pytest.raises(DomainError) as caught:
        roster_export_bytes(community=imported, actor=outsider)
    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert len(roster_export_bytes(community=imported, actor=manager(imported))) > 0


def test_export_to_a_path(imported, tmp_path):
    target = tmp_path / "out" / "roster.xlsx"
    assert roster_export(community=imported, target=target) == 5
    assert load_workbook(target)[SHEET_TITLE].max_row == 6


# --- every export is on the audit trail; only registry managers export ---------------------------------


def exports():
    return AuditEvent.objects.filter(action="roster.export")


def test_an_export_by_a_registry_manager_is_audited_with_who_and_how_many_rows_and_no_phone(imported):
    # given a committee member of the community
    member = manager(imported)
    # when they export its roster (every owner's full phone number)
    data = roster_export_bytes(community=imported, actor=member)
    # then the file is there and one audit event says who exported what
    assert len(sheet_rows(data)[1]) == 6
    event = exports().get()
    assert (event.community, event.actor, event.object_type, event.object_id) == (
        imported, member, "registry.Community", str(imported.pk))
    assert event.summary == {"community": imported.code, "rows": 5}
    phones = set(PersonFactory._meta.model.objects.filter(community=imported).values_list("phone", flat=True))
    assert not any(phone in str(event.summary) + event.object_repr for phone in phones)


def test_an_export_from_the_command_line_is_audited_as_the_system(imported, tmp_path):
    roster_export(community=imported, target=tmp_path / "roster.xlsx")
    event = exports().get()
    assert (event.community, event.actor, event.actor_label, event.summary) == (
        imported, None, "系统", {"community": imported.code, "rows": 5})


def test_an_export_that_cannot_be_written_leaves_no_audit_event(imported, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DomainError):
        roster_export(community=imported, target=blocker / "roster.xlsx")
    assert not exports().exists()


def _other_committee_member(community):
    return manager(CommunityFactory())


def _former_committee_member(community):
    user = manager(community)
    user.memberships.update(active=False)
    return user


def _property_staff(community):
    user = UserFactory()
    MembershipFactory(user=user, community=community, role=Role.PROPERTY_STAFF)
    return user


def _owner(community):
    user = UserFactory()
    OwnershipFactory(unit=UnitFactory(building=BuildingFactory(community=community, name="99栋")),
                     person=PersonFactory(community=community, user=user, phone="13612345678"), verified=True)
    return user


@pytest.mark.parametrize("who", [_other_committee_member, _former_committee_member, _property_staff, _owner,
                                 lambda community: UserFactory()])
def test_who_may_not_manage_the_registry_gets_no_file_and_leaves_no_audit_event(imported, tmp_path, who):
    actor = who(imported)
    target = tmp_path / "roster.xlsx"
    with pytest.raises(DomainError) as caught:
        roster_export(community=imported, target=target, actor=actor)
    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert caught.value.message == "您没有权限导出该小区的业主名册。"
    assert not target.exists() and not exports().exists()


def test_template_has_styled_header_sample_row_and_dropdowns():
    workbook, rows = sheet_rows(roster_template_bytes())
    sheet = workbook[SHEET_TITLE]
    assert rows[0] == list(COLUMNS)
    assert tuple(value if value is not None else "" for value in rows[1]) == SAMPLE_ROW
    assert all(sheet.cell(row=1, column=i).font.b for i in range(1, len(COLUMNS) + 1))
    assert sheet["A1"].fill.fgColor.rgb.endswith("B5452B")  # required columns stand out
    assert sheet["B1"].fill.fgColor.rgb.endswith("1F6F5C")
    assert sheet.freeze_panes == "A2"
    rules = {str(rule.sqref): rule.formula1 for rule in sheet.data_validations.dataValidation}
    assert rules == {"F2:F100000": '"住宅,商业,办公,车位,其他"', "L2:L100000": '"是,否"'}
    assert NOTES_TITLE in workbook.sheetnames


def test_the_untouched_template_imports_as_nothing(community):
    report = roster_import(community=community, source=io.BytesIO(roster_template_bytes()), actor=None, dry_run=True)
    assert report.ok and report.counts["rows"] == 0
    assert [str(w) for w in report.warnings] == ["第2行: 这是模板中的示例行，已跳过"]


def test_a_filled_in_template_imports(community):
    workbook = load_workbook(io.BytesIO(roster_template_bytes()))
    sheet = workbook[SHEET_TITLE]
    sheet.delete_rows(2)
    sheet.append(["5栋", "2", 3, "301", 75.5, "办公", "赵六", "13712345678", None, None, None, "否"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = roster_import(community=community, source=buffer, actor=None, dry_run=False)
    assert report.ok and report.counts["units"]["new"] == 1

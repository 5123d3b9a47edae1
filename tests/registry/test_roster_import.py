"""Roster import (名册批量导入): every rule at its edges."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.errors import DomainError, ErrorCode
from governance.registry.models import Building, Ownership, OwnershipRole, Person, Unit, UnitKind
from governance.registry.roster import ImportReport, Problem, roster_import
from governance.registry.roster.columns import COLUMNS
from portal.masking import hash_id_number
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    OwnershipFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)
from tests.registry.factories import legacy_xls, manager, roster_csv, roster_xlsx, save_roster, snapshot, unit_row

pytestmark = pytest.mark.django_db


def run(community, rows, *, dry_run=False, actor=None, **kwargs):
    return roster_import(community=community, source=roster_xlsx(rows, **kwargs), actor=actor, dry_run=dry_run)


def errors_of(report):
    return [str(problem) for problem in report.errors]


@pytest.fixture
def community():
    return CommunityFactory()


# --- a first import -------------------------------------------------------------------------------


def test_a_clean_file_creates_buildings_units_persons_links_and_one_audit_event(community):
    # given a roster of two buildings, one unit with two co-owners, one developer-held unit
    rows = [
        unit_row(1),
        unit_row(2, 共有人姓名="李四、王五", 共有人手机="13900000001、13900000002"),
        unit_row(3, 楼栋="2栋", 业主姓名=None, 业主手机=None, 开发商持有="是"),
    ]
    # when it is imported
    report = run(community, rows)
    # then everything is written once, in order
    assert report.ok and report.written
    assert report.counts["units"] == {"new": 3, "updated": 0, "unchanged": 0}
    assert report.counts["persons"] == {"new": 4, "updated": 0, "unchanged": 0}
    assert report.counts["ownerships"] == {"new": 4, "updated": 0, "unchanged": 0, "ended": 0}
    assert report.counts["buildings"] == {"new": 2}
    buildings = sorted(Building.objects.filter(community=community).values_list("name", "sort_key"))
    assert buildings == [("1栋", 1), ("2栋", 2)]
    unit = Unit.objects.get(community=community, room="502")
    links = list(unit.ownerships.order_by("position").values_list("person__name", "role", "position", "ends_on"))
    assert links == [
        ("业主2", OwnershipRole.PRIMARY, 0, None),
        ("李四", OwnershipRole.CO_OWNER, 1, None),
        ("王五", OwnershipRole.CO_OWNER, 2, None),
    ]
    assert unit.area == Decimal("89.25") and unit.floor == 5 and unit.kind == UnitKind.RESIDENTIAL
    developer_unit = Unit.objects.get(community=community, room="503")
    assert developer_unit.developer_held and not developer_unit.ownerships.exists()
    events = AuditEvent.objects.filter(community=community, action="roster.import")
    assert events.count() == 1
    assert events.get().summary["counts"]["units"]["new"] == 3
    assert events.get().summary["changed"] == ["1栋-1单元-501", "1栋-1单元-502", "2栋-1单元-503"]


def test_buildings_are_sorted_by_the_number_in_their_name(community):
    # given buildings named out of natural order
    rows = [unit_row(1, 楼栋="10栋"), unit_row(2, 楼栋="9号楼"), unit_row(3, 楼栋="商业楼")]
    # when imported
    run(community, rows)
    # then sort_key is the numeric part (0 when there is none)
    assert dict(Building.objects.filter(community=community).values_list("name", "sort_key")) == {
        "10栋": 10, "9号楼": 9, "商业楼": 0,
    }


def test_kinds_map_to_unit_kind_and_blank_is_residential(community):
    labels = ["住宅", "商业", "办公", "车位", "其他", None]
    run(community, [unit_row(i, 房屋类型=label) for i, label in enumerate(labels, start=1)])
    kinds = dict(Unit.objects.filter(community=community).values_list("room", "kind"))
    assert kinds == {
        "501": UnitKind.RESIDENTIAL, "502": UnitKind.COMMERCIAL, "503": UnitKind.OFFICE,
        "504": UnitKind.PARKING, "505": UnitKind.OTHER, "506": UnitKind.RESIDENTIAL,
    }


# --- cells: normalisation and number formats ---------------------------------------------------------


def test_full_width_digits_and_spaces_are_normalised(community):
    # given full-width digits in phone, room, area, floor and entrance, with surrounding spaces
    row = unit_row(1, 楼栋="１栋", 单元="　２ ", 楼层="５", 房号=" ５０２ ", 面积="８９．２５", 业主手机="１３８００００１２３４",
                   业主姓名=" 张三 ")
    report = run(community, [row])
    assert report.ok, errors_of(report)
    unit = Unit.objects.get(community=community)
    got = (unit.building.name, unit.entrance, unit.floor, unit.room, unit.area)
    assert got == ("1栋", "2", 5, "502", Decimal("89.25"))
    assert Person.objects.get(community=community).phone == "13800001234"
    assert Person.objects.get(community=community).name == "张三"


def test_numbers_arrive_as_numbers_or_as_text(community):
    # given the same kinds of values once typed as numbers and once as text
    rows = [
        unit_row(1, 房号=502, 面积=89.25, 业主手机=13800001234, 楼层=5),
        unit_row(2, 房号="602", 面积="89.25", 业主手机="13800001235", 楼层="6"),
        unit_row(3, 房号=702.0, 面积=100, 业主手机=13800001236.0, 楼层=7.0),
        unit_row(4, 房号="802", 面积="120.5", 业主手机="13800001237", 楼层="8.0", 单元=2),
    ]
    report = run(community, rows)
    assert report.ok, errors_of(report)
    got = sorted(Unit.objects.filter(community=community).values_list("room", "floor", "area", "entrance"))
    assert got == [
        ("502", 5, Decimal("89.25"), "1"),
        ("602", 6, Decimal("89.25"), "1"),
        ("702", 7, Decimal("100.00"), "1"),
        ("802", 8, Decimal("120.50"), "2"),
    ]
    assert set(Person.objects.values_list("phone", flat=True)) == {
        "13800001234", "13800001235", "13800001236", "13800001237",
    }


@pytest.mark.parametrize("area, expected", [
    ("89.25", Decimal("89.25")), (89.25, Decimal("89.25")), ("89.250", Decimal("89.25")), ("0.01", Decimal("0.01")),
    ("99999999.99", Decimal("99999999.99")), (89.1, Decimal("89.10")),
])
def test_area_with_at_most_two_decimals_is_accepted(community, area, expected):
    report = run(community, [unit_row(1, 面积=area)])
    assert report.ok, errors_of(report)
    assert Unit.objects.get(community=community).area == expected


@pytest.mark.parametrize("area, reason", [
    ("89.251", "第2行 面积: 面积最多保留两位小数（当前为 89.251）"),
    (89.251, "第2行 面积: 面积最多保留两位小数（当前为 89.251）"),
    ("0", "第2行 面积: 面积必须大于 0（当前为 0）"),
    (0, "第2行 面积: 面积必须大于 0（当前为 0）"),
    ("0.00", "第2行 面积: 面积必须大于 0（当前为 0.00）"),
    ("-12.5", "第2行 面积: 面积必须大于 0（当前为 -12.5）"),
    ("abc", "第2行 面积: “abc”不是有效的数字"),
    ("NaN", "第2行 面积: “NaN”不是有效的数字"),
    ("100000000", "第2行 面积: 面积 100000000 过大：不能超过 99999999.99"),
    (None, "第2行 面积: 必填"),
])
def test_bad_areas_are_refused_with_a_reason(community, area, reason):
    report = run(community, [unit_row(1, 面积=area)])
    assert errors_of(report) == [reason]
    assert not Unit.objects.exists()


@pytest.mark.parametrize("phone", ["1380000123", "138000012345", "23800001234", "1380000123a", "138****1234"])
def test_phone_must_be_eleven_digits_starting_with_1(community, phone):
    report = run(community, [unit_row(1, 业主手机=phone)])
    assert errors_of(report) == [f"第2行 业主手机: 手机号“{phone}”不正确：须为 11 位数字且以 1 开头"]


def test_floor_must_be_a_whole_number(community):
    report = run(community, [unit_row(1, 楼层="五"), unit_row(2, 楼层=5.5), unit_row(3, 楼层="-1"), unit_row(4, 楼层=None)])
    assert errors_of(report) == ["第2行 楼层: “五”不是整数楼层", "第3行 楼层: “5.5”不是整数楼层"]
    assert report.counts["units"]["new"] == 2  # the preview still counts the good rows


def test_required_values_are_reported_per_column(community):
    report = run(community, [unit_row(1, 楼栋=None, 房号="  ", 业主姓名=None, 业主手机=None)])
    assert errors_of(report) == [
        "第2行 楼栋: 必填",
        "第2行 房号: 必填",
        "第2行 业主姓名: 必填（开发商持有为“否”时须填写业主姓名）",
        "第2行 业主手机: 必填（开发商持有为“否”时须填写业主手机）",
    ]


# --- rows and header -------------------------------------------------------------------------------


def test_blank_rows_are_skipped_and_row_numbers_stay_those_excel_shows(community):
    # given two blank rows above the header and blank rows between the data
    rows = [unit_row(1), None, None, unit_row(2, 面积="-1"), None, unit_row(3, 业主手机="123")]
    report = run(community, rows, before=2)
    # then the header is row 3, data rows 4, 7 and 9; the errors name 7 and 9
    assert errors_of(report) == [
        "第7行 面积: 面积必须大于 0（当前为 -1）",
        "第9行 业主手机: 手机号“123”不正确：须为 11 位数字且以 1 开头",
    ]
    assert report.counts["rows"] == 3


def test_a_row_with_only_spaces_is_blank(community):
    report = run(community, [unit_row(1), {column: "  " for column in COLUMNS}, unit_row(2)])
    assert report.ok and report.counts["rows"] == 2


def test_headers_match_in_any_order_with_spaces_and_full_width_and_extra_columns_warn(community):
    # given the columns shuffled, a header with stray spaces, and two extra columns
    header = ["备注", "业主手机", " 面 积 ", "房号", "楼栋", "业主姓名", "单元", "楼层", "开发商持有", "微信号"]
    row = {**unit_row(1), " 面 积 ": "66.6", "备注": "随便写", "微信号": "abc"}
    report = run(community, [row], header=header)
    assert report.ok, errors_of(report)
    assert [str(w) for w in report.warnings] == [
        "第1行 备注: 不是模板中的列，已忽略",
        "第1行 微信号: 不是模板中的列，已忽略",
    ]
    assert Unit.objects.get(community=community).area == Decimal("66.60")


@pytest.mark.parametrize("missing", ["楼栋", "房号", "面积", "业主姓名", "业主手机"])
def test_a_missing_required_column_is_a_header_error(community, missing):
    header = [column for column in COLUMNS if column != missing]
    report = run(community, [unit_row(1)], header=header, before=1)
    assert errors_of(report) == [f"第2行 {missing}: 缺少必填列"]
    assert not Unit.objects.exists() and not AuditEvent.objects.exists()


def test_optional_columns_may_be_left_out(community):
    header = ["楼栋", "房号", "面积", "业主姓名", "业主手机"]
    report = run(community, [unit_row(1)], header=header)
    assert report.ok
    unit = Unit.objects.get(community=community)
    assert (unit.entrance, unit.floor, unit.kind, unit.developer_held) == ("", None, UnitKind.RESIDENTIAL, False)


def test_a_column_twice_in_the_header_is_an_error(community):
    report = run(community, [unit_row(1)], header=[*COLUMNS, "面积"])
    assert errors_of(report) == ["第1行 面积: 表头中该列出现了两次"]


def test_an_empty_sheet_is_reported(community):
    report = run(community, [], header=[])
    assert errors_of(report) == ["第1行: 文件中没有内容：找不到表头行"]


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_file_with_only_the_header_row_has_no_unit_data_and_is_refused(community, dry_run):
    # given a roster with the header and nothing under it but blank rows
    report = run(community, [None, None], dry_run=dry_run)
    # then it is refused, not reported as a successful import of nothing
    assert errors_of(report) == ["没有房屋数据：第1行的表头下面没有任何房屋行"]
    assert not report.ok and not report.written
    assert not Unit.objects.exists() and not AuditEvent.objects.exists()


def test_a_merged_title_row_above_the_header_is_passed_over(community):
    # given a roster titled on row 1 (merged across the columns) with the header on row 2
    rows = [unit_row(1), unit_row(2, 面积="0")]
    report = run(community, rows, title="幸福家园小区业主清册", dry_run=True)
    # then the header is found on row 2, the errors name the rows Excel shows, and the title warns of nothing
    assert errors_of(report) == ["第4行 面积: 面积必须大于 0（当前为 0）"]
    assert report.warnings == []
    # and the same file without the error imports
    report = run(community, [unit_row(1), unit_row(2)], title="幸福家园小区业主清册")
    assert report.ok and report.written
    assert Unit.objects.filter(community=community).count() == 2


def test_a_title_and_a_blank_row_put_the_header_on_row_3(community):
    report = run(community, [unit_row(1, 业主手机="123")], title="幸福家园小区业主清册", before=1, dry_run=True)
    assert errors_of(report) == ["第4行 业主手机: 手机号“123”不正确：须为 11 位数字且以 1 开头"]
    report = run(community, [unit_row(1)], title="幸福家园小区业主清册", before=1)
    assert report.ok and report.counts["units"]["new"] == 1


def test_a_header_missing_a_column_under_a_title_names_its_own_row(community):
    header = [column for column in COLUMNS if column != "面积"]
    report = run(community, [unit_row(1)], header=header, title="幸福家园小区业主清册")
    assert errors_of(report) == ["第2行 面积: 缺少必填列"]
    assert not Unit.objects.exists()


def test_no_header_within_the_first_five_rows_says_which_columns_are_missing(community):
    # given a title and four blank rows: the header is on row 6, out of reach
    report = run(community, [unit_row(1)], title="幸福家园小区业主清册", before=4)
    assert errors_of(report) == [
        "前 5 行中找不到表头行：表头须包含必填列 楼栋、房号、面积、业主姓名、业主手机，这几列都没有找到"
    ]
    assert not Unit.objects.exists() and not AuditEvent.objects.exists()


def test_the_template_sample_row_is_skipped_with_a_warning(community):
    from governance.registry.roster.columns import SAMPLE_ROW

    report = run(community, [dict(zip(COLUMNS, SAMPLE_ROW)), unit_row(9)])
    assert report.ok and report.counts["rows"] == 1
    assert [str(w) for w in report.warnings] == ["第2行: 这是模板中的示例行，已跳过"]


# --- developer-held, kinds, co-owners ------------------------------------------------------------------


def test_developer_held_unit_needs_no_owner(community):
    report = run(community, [unit_row(1, 业主姓名=None, 业主手机=None, 开发商持有="是")])
    assert report.ok
    assert Unit.objects.get(community=community).developer_held
    assert not Ownership.objects.exists() and not Person.objects.exists()


def test_developer_held_unit_with_an_owner_is_an_error(community):
    report = run(community, [unit_row(1, 开发商持有="是")])
    assert errors_of(report) == [
        "第2行 开发商持有: 开发商持有的房屋不能登记业主或共有人：请清空业主信息，或将开发商持有改为“否”"
    ]


@pytest.mark.parametrize("value", ["Y", "yes", "不是", "1"])
def test_developer_held_accepts_only_yes_or_no(community, value):
    report = run(community, [unit_row(1, 开发商持有=value)])
    assert errors_of(report) == [f"第2行 开发商持有: “{value}”无效：只能填写 是/否（留空为否）"]


@pytest.mark.parametrize("value", ["别墅", "residential", "住 宅x"])
def test_unknown_kind_is_an_error(community, value):
    report = run(community, [unit_row(1, 房屋类型=value)])
    assert len(report.errors) == 1
    assert str(report.errors[0]).startswith("第2行 房屋类型: “")
    assert "只能填写 住宅/商业/办公/车位/其他（留空为住宅）" in str(report.errors[0])


@pytest.mark.parametrize("names, phones", [
    ("李四、王五", "13900000001、13900000002"),
    ("李四;王五", "13900000001;13900000002"),
    ("李四；王五", "13900000001；13900000002"),
    ("李四、王五、", "13900000001；13900000002"),
])
def test_co_owners_split_on_either_separator(community, names, phones):
    report = run(community, [unit_row(1, 共有人姓名=names, 共有人手机=phones)])
    assert report.ok, errors_of(report)
    got = list(Ownership.objects.filter(role=OwnershipRole.CO_OWNER).order_by("position")
               .values_list("person__name", "person__phone", "position"))
    assert got == [("李四", "13900000001", 1), ("王五", "13900000002", 2)]


@pytest.mark.parametrize("names, phones, counted", [
    ("李四、王五", "13900000001", "姓名 2 个，手机 1 个"),
    ("李四", "13900000001；13900000002", "姓名 1 个，手机 2 个"),
    (None, "13900000001", "姓名 0 个，手机 1 个"),
])
def test_co_owner_counts_must_match(community, names, phones, counted):
    report = run(community, [unit_row(1, 共有人姓名=names, 共有人手机=phones)])
    assert errors_of(report) == [f"第2行 共有人手机: 共有人姓名与共有人手机的个数不一致（{counted}）"]


def test_a_co_owner_with_the_owners_phone_is_an_error(community):
    report = run(community, [unit_row(1, 共有人姓名="业主1", 共有人手机="13800000001")])
    assert errors_of(report) == ["第2行 共有人手机: 第1位共有人的手机号 138****0001 与本行业主或其他共有人重复"]


# --- one phone is one person; natural keys are unique ------------------------------------------------------


def test_same_phone_with_two_names_anywhere_in_the_file_is_an_error(community):
    rows = [
        unit_row(1, 业主姓名="张三", 业主手机="13800001234"),
        unit_row(2, 业主姓名="张三", 业主手机="13800001234"),  # same person, second unit: fine
        unit_row(3, 业主姓名="李四", 业主手机="13800001234"),
        unit_row(4, 共有人姓名="王五", 共有人手机="13800001234"),
    ]
    report = run(community, rows)
    assert errors_of(report) == [
        "第4行 业主手机: 手机号 138****1234 已在第2行登记为“张三”，此处为“李四”：同一手机号只能对应一人",
        "第5行 共有人手机: 手机号 138****1234 已在第2行登记为“张三”，此处为“王五”：同一手机号只能对应一人",
    ]
    assert not Person.objects.exists()


def test_one_owner_of_several_units_is_one_person(community):
    rows = [unit_row(1, 业主手机="13800001234", 业主姓名="张三"), unit_row(2, 业主手机="13800001234", 业主姓名="张三"),
            unit_row(3, 共有人姓名="张三", 共有人手机="13800001234")]
    report = run(community, rows)
    assert report.ok
    person = Person.objects.get(phone="13800001234")
    assert person.ownerships.count() == 3
    assert report.counts["persons"]["new"] == 2


def test_a_duplicate_natural_key_names_both_rows(community):
    rows = [unit_row(1), unit_row(2), unit_row(3, 房号="501", 业主手机="13700000001")]
    report = run(community, rows)
    assert errors_of(report) == ["第4行 房号: 楼栋+单元+房号“1栋-1单元-501”与第2行重复（第2行、第4行）"]


def test_same_room_in_another_entrance_or_building_is_not_a_duplicate(community):
    rows = [unit_row(1, 房号="501"), unit_row(2, 房号="501", 单元="2"), unit_row(3, 房号="501", 楼栋="2栋")]
    assert run(community, rows).ok
    assert Unit.objects.filter(community=community).count() == 3


def test_entrance_written_with_the_word_danyuan_matches_the_bare_number(community):
    run(community, [unit_row(1, 单元="2")])
    report = run(community, [unit_row(1, 单元="2单元")])
    assert report.counts["units"] == {"new": 0, "updated": 0, "unchanged": 1}


# --- all or nothing; dry run ---------------------------------------------------------------------------------


def test_any_error_means_nothing_is_written(community):
    # given an existing roster
    run(community, [unit_row(1), unit_row(2)])
    before = snapshot(community)
    audit_before = AuditEvent.objects.count()
    # when a file with 99 good rows and one bad row is imported
    rows = [unit_row(i, 面积="100") for i in range(1, 100)] + [unit_row(200, 面积="1.001")]
    report = run(community, rows)
    # then it is refused as a whole
    assert errors_of(report) == ["第101行 面积: 面积最多保留两位小数（当前为 1.001）"]
    assert not report.written
    assert snapshot(community) == before
    assert AuditEvent.objects.count() == audit_before


def test_a_dry_run_writes_nothing_not_even_audit_but_counts_like_the_real_run(community):
    rows = [unit_row(1), unit_row(2, 共有人姓名="李四", 共有人手机="13900000001")]
    preview = run(community, rows, dry_run=True)
    assert preview.ok and not preview.written
    assert not Unit.objects.exists() and not Person.objects.exists() and not Building.objects.exists()
    assert not AuditEvent.objects.exists()
    real = run(community, rows)
    assert real.counts == preview.counts
    assert real.changed == preview.changed


def test_report_is_json_serialisable_and_round_trips(community):
    import json

    report = run(community, [unit_row(1, 面积="0"), unit_row(2)], dry_run=True, header=[*COLUMNS, "备注"])
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    again = ImportReport.from_dict(data)
    assert [str(e) for e in again.errors] == ["第2行 面积: 面积必须大于 0（当前为 0）"]
    assert again.counts == report.counts and [str(w) for w in again.warnings] == ["第1行 备注: 不是模板中的列，已忽略"]
    assert data["errors"][0] == {"row": 2, "column": "面积", "message": "面积必须大于 0（当前为 0）",
                                 "text": "第2行 面积: 面积必须大于 0（当前为 0）"}


def test_problem_text_format():
    assert str(Problem(7, "面积", "必填")) == "第7行 面积: 必填"
    assert str(Problem(1, "", "空")) == "第1行: 空"
    assert str(Problem(None, "", "文件损坏")) == "文件损坏"


# --- re-import: update by natural key, never duplicate ---------------------------------------------------------


def test_reimport_updates_by_building_entrance_room_and_never_duplicates(community):
    run(community, [unit_row(1), unit_row(2)])
    unit_ids = set(Unit.objects.values_list("pk", flat=True))
    # when the second file changes an area, a floor, a kind and the developer flag, and adds a unit
    rows = [
        unit_row(1, 面积="90.00", 楼层=6, 房屋类型="办公"),
        unit_row(2),
        unit_row(3),
    ]
    report = run(community, rows)
    assert report.counts["units"] == {"new": 1, "updated": 1, "unchanged": 1}
    assert report.counts["persons"] == {"new": 1, "updated": 0, "unchanged": 2}
    assert report.changed == ["1栋-1单元-501", "1栋-1单元-503"]
    assert Unit.objects.filter(community=community).count() == 3
    assert unit_ids <= set(Unit.objects.values_list("pk", flat=True))
    first = Unit.objects.get(room="501")
    assert (first.area, first.floor, first.kind) == (Decimal("90.00"), 6, UnitKind.OFFICE)
    assert Building.objects.filter(community=community).count() == 1
    assert Ownership.objects.count() == 3  # links of unchanged owners are not recreated


def test_reimport_matches_units_created_outside_the_import(community):
    # given a unit and owner entered by hand
    building = BuildingFactory(community=community, name="1栋")
    unit = UnitFactory(building=building, entrance="1", room="501", area=Decimal("80.00"), floor=5)
    OwnershipFactory(unit=unit, person=PersonFactory(community=community, name="业主1", phone="13800000001"))
    report = run(community, [unit_row(1)])
    assert report.counts["units"] == {"new": 0, "updated": 1, "unchanged": 0}
    assert report.counts["ownerships"] == {"new": 0, "updated": 0, "unchanged": 1, "ended": 0}
    assert Unit.objects.get(pk=unit.pk).area == Decimal("89.25")


def test_a_known_phone_with_a_new_name_renames_the_person(community):
    person = PersonFactory(community=community, name="张叁", phone="13800000001")
    report = run(community, [unit_row(1, 业主姓名="张三")])
    assert report.counts["persons"] == {"new": 0, "updated": 1, "unchanged": 0}
    person.refresh_from_db()
    assert person.name == "张三"
    assert Person.objects.filter(community=community).count() == 1


def test_persons_of_another_community_are_not_touched(community):
    other = PersonFactory(name="别人", phone="13800000001")
    run(community, [unit_row(1, 业主姓名="张三")])
    other.refresh_from_db()
    assert other.name == "别人"
    assert Person.objects.filter(phone="13800000001").count() == 2


def test_id_number_is_stored_only_as_hash_and_mask_and_blank_keeps_it(community):
    run(community, [unit_row(1, 证件号码="37010219900101123x")])
    person = Person.objects.get(community=community)
    assert person.id_number_hash == hash_id_number("37010219900101123X")
    assert person.id_number_masked == "3701**********123X"
    assert "37010219900101123" not in str(Person.objects.filter(pk=person.pk).values().get())
    # re-import with the column blank: nothing changes
    report = run(community, [unit_row(1, 证件号码=None)])
    assert report.counts["persons"] == {"new": 0, "updated": 0, "unchanged": 1}
    person.refresh_from_db()
    assert person.id_number_masked == "3701**********123X"
    # a different number updates it
    report = run(community, [unit_row(1, 证件号码="370102199001011244")])
    assert report.counts["persons"]["updated"] == 1
    person.refresh_from_db()
    assert person.id_number_masked == "3701**********1244"


def test_one_owner_with_two_id_numbers_is_an_error(community):
    rows = [unit_row(1, 业主手机="13800001234", 业主姓名="张三", 证件号码="370102199001011234"),
            unit_row(2, 业主手机="13800001234", 业主姓名="张三", 证件号码="370102199001015678")]
    report = run(community, rows)
    assert errors_of(report) == ["第3行 证件号码: 同一业主（手机号 138****1234）在第2行填写了不同的证件号码"]


def test_transfer_ends_old_links_keeps_history_and_verification_of_remaining_owners(community):
    # given a unit owned by A (verified) with co-owner B (verified)
    run(community, [unit_row(1, 业主姓名="甲", 业主手机="13800000001", 共有人姓名="乙", 共有人手机="13800000002")])
    yesterday = timezone.localdate() - timedelta(days=1)
    Ownership.objects.update(verified=True, verified_at=timezone.now(), starts_on=yesterday)
    a_link = Ownership.objects.get(person__phone="13800000001")
    b_link = Ownership.objects.get(person__phone="13800000002")
    # when B is replaced by C
    report = run(community, [unit_row(1, 业主姓名="甲", 业主手机="13800000001", 共有人姓名="丙", 共有人手机="13800000003")])
    # then B's link is ended (not deleted), A's link is untouched and still verified, C is new and unverified
    assert report.counts["ownerships"] == {"new": 1, "updated": 0, "unchanged": 1, "ended": 1}
    b_link.refresh_from_db()
    assert b_link.ends_on == timezone.localdate() and b_link.verified
    a_link.refresh_from_db()
    assert a_link.ends_on is None and a_link.verified and a_link.starts_on == yesterday
    c_link = Ownership.objects.get(person__phone="13800000003")
    assert (c_link.role, c_link.position, c_link.verified, c_link.ends_on) == (OwnershipRole.CO_OWNER, 1, False, None)
    assert c_link.starts_on == timezone.localdate()
    assert Ownership.objects.count() == 3
    assert Person.objects.filter(phone="13800000002").exists()  # persons are never deleted


def test_a_full_transfer_to_a_new_owner_ends_every_old_link(community):
    run(community, [unit_row(1, 业主姓名="甲", 业主手机="13800000001")])
    report = run(community, [unit_row(1, 业主姓名="丁", 业主手机="13800000004")])
    assert report.counts["ownerships"] == {"new": 1, "updated": 0, "unchanged": 0, "ended": 1}
    assert report.changed == ["1栋-1单元-501"]
    history = list(Ownership.objects.order_by("pk").values_list("person__name", "ends_on"))
    assert history == [("甲", timezone.localdate()), ("丁", None)]


def test_a_co_owner_who_becomes_the_owner_keeps_verification(community):
    run(community, [unit_row(1, 业主姓名="甲", 业主手机="13800000001", 共有人姓名="乙", 共有人手机="13800000002")])
    Ownership.objects.filter(person__phone="13800000002").update(verified=True, verified_at=timezone.now())
    # when the roles swap
    report = run(community, [unit_row(1, 业主姓名="乙", 业主手机="13800000002", 共有人姓名="甲", 共有人手机="13800000001")])
    assert report.counts["ownerships"] == {"new": 2, "updated": 0, "unchanged": 0, "ended": 2}
    active = dict(Ownership.objects.filter(ends_on__isnull=True).values_list("person__name", "role"))
    assert active == {"乙": OwnershipRole.PRIMARY, "甲": OwnershipRole.CO_OWNER}
    assert Ownership.objects.get(ends_on__isnull=True, person__name="乙").verified
    assert not Ownership.objects.get(ends_on__isnull=True, person__name="甲").verified


def test_reordered_co_owners_only_move_positions(community):
    run(community, [unit_row(1, 共有人姓名="乙、丙", 共有人手机="13800000002、13800000003")])
    report = run(community, [unit_row(1, 共有人姓名="丙、乙", 共有人手机="13800000003、13800000002")])
    assert report.counts["ownerships"] == {"new": 0, "updated": 2, "unchanged": 1, "ended": 0}
    assert list(Ownership.objects.order_by("position").values_list("person__name", "position")) == [
        ("业主1", 0), ("丙", 1), ("乙", 2),
    ]


def test_a_unit_taken_back_by_the_developer_ends_its_owner_links(community):
    run(community, [unit_row(1)])
    report = run(community, [unit_row(1, 业主姓名=None, 业主手机=None, 开发商持有="是")])
    assert report.counts["units"]["updated"] == 1 and report.counts["ownerships"]["ended"] == 1
    assert not Ownership.objects.filter(ends_on__isnull=True).exists()
    assert Ownership.objects.count() == 1


def test_units_missing_from_the_file_are_left_alone(community):
    run(community, [unit_row(1), unit_row(2)])
    report = run(community, [unit_row(1)])
    assert report.counts["units"] == {"new": 0, "updated": 0, "unchanged": 1}
    assert Ownership.objects.filter(ends_on__isnull=True).count() == 2


# --- who may import; files that are not rosters --------------------------------------------------------


def test_an_actor_who_cannot_manage_the_registry_is_refused_and_nothing_is_written(community):
    outsider = manager(CommunityFactory())  # a committee member of another community
    with pytest.raises(DomainError) as caught:
        run(community, [unit_row(1)], actor=outsider)
    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert not Unit.objects.exists() and not AuditEvent.objects.exists()


def test_a_committee_member_may_import_and_is_the_audit_actor(community):
    member = manager(community)
    report = run(community, [unit_row(1)], actor=member)
    assert report.written
    assert AuditEvent.objects.get(action="roster.import").actor == member


def test_a_plain_user_is_refused(community):
    with pytest.raises(DomainError) as caught:
        run(community, [unit_row(1)], actor=UserFactory())
    assert caught.value.code == ErrorCode.PERMISSION_DENIED


def test_a_file_that_is_not_an_xlsx_is_refused(community, tmp_path):
    import io

    with pytest.raises(DomainError) as caught:
        roster_import(community=community, source=io.BytesIO(b"name,phone\n"), actor=None, dry_run=True)
    assert caught.value.code == ErrorCode.UPLOAD_INVALID
    assert caught.value.message == "无法读取文件：不是有效的 .xlsx 文件。"
    text = tmp_path / "roster.txt"
    text.write_text("a,b")
    with pytest.raises(DomainError) as caught:
        roster_import(community=community, source=text, actor=None, dry_run=True)
    assert caught.value.message == "文件格式不支持：roster.txt，只接受 .xlsx 或 .csv 文件。"
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DomainError) as caught:
        roster_import(community=community, source=fake, actor=None, dry_run=True)
    assert caught.value.code == ErrorCode.UPLOAD_INVALID


XLS_REFUSED = (
    "不支持旧版 .xls 文件：请在 Excel 或 WPS 中打开后选择“文件 → 另存为 → Excel 工作簿 (*.xlsx)”再上传，"
    "或另存为 CSV（UTF-8）。"
)


def test_an_old_xls_file_is_refused_with_how_to_save_it_as_xlsx(community, tmp_path):
    import io

    old = tmp_path / "业主清册.xls"
    old.write_bytes(legacy_xls())
    for source in (old, io.BytesIO(legacy_xls())):  # by its name, and by its bytes alone
        with pytest.raises(DomainError) as caught:
            roster_import(community=community, source=source, actor=None, dry_run=True)
        assert caught.value.code == ErrorCode.UPLOAD_INVALID
        assert caught.value.message == XLS_REFUSED
    assert not Unit.objects.exists()


# --- CSV: the same rules, the same path ------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_in_utf8_with_or_without_bom_or_gb18030_imports_like_the_xlsx(community, tmp_path, encoding):
    # given the same roster saved as .xlsx for one community and as .csv for another
    rows = [unit_row(1, 业主姓名="张三"), unit_row(2, 共有人姓名="李四、王五", 共有人手机="13900000001、13900000002"),
            unit_row(3, 楼栋="2栋", 业主姓名=None, 业主手机=None, 开发商持有="是", 房屋类型="车位")]
    other = CommunityFactory()
    roster_import(community=other, source=roster_xlsx(rows), actor=None, dry_run=False)
    path = save_roster(tmp_path / "业主清册.csv", rows, encoding=encoding)
    # when the csv is previewed, then imported
    preview = roster_import(community=community, source=path, actor=None, dry_run=True)
    assert preview.ok and not Unit.objects.filter(community=community).exists()
    report = roster_import(community=community, source=path, actor=None, dry_run=False)
    # then it counts and writes exactly what the xlsx did, Chinese names intact
    assert report.ok and report.written and report.source_name == "业主清册.csv"
    assert report.counts == preview.counts
    assert report.counts["units"] == {"new": 3, "updated": 0, "unchanged": 0}
    assert report.counts["persons"] == {"new": 4, "updated": 0, "unchanged": 0}
    def content(c):
        return sorted(Unit.objects.filter(community=c).values_list(
            "building__name", "entrance", "floor", "room", "area", "kind", "developer_held"))
    assert content(community) == content(other)
    assert sorted(Person.objects.filter(community=community).values_list("name", "phone")) == sorted(
        Person.objects.filter(community=other).values_list("name", "phone"))
    assert Person.objects.get(community=community, phone="13800000001").name == "张三"
    assert AuditEvent.objects.filter(community=community, action="roster.import").count() == 1


def test_a_csv_reports_the_same_row_and_column_errors_and_writes_nothing(community, tmp_path):
    rows = [unit_row(1), None, unit_row(2, 面积="-1"), unit_row(3, 业主手机="123"), unit_row(4, 房号="501")]
    expected = [
        "第5行 面积: 面积必须大于 0（当前为 -1）",
        "第6行 业主手机: 手机号“123”不正确：须为 11 位数字且以 1 开头",
        "第7行 房号: 楼栋+单元+房号“1栋-1单元-501”与第3行重复（第3行、第7行）",
    ]
    assert errors_of(run(community, rows, title="幸福家园小区业主清册")) == expected
    path = save_roster(tmp_path / "r.csv", rows, encoding="gb18030", title="幸福家园小区业主清册")
    report = roster_import(community=community, source=path, actor=None, dry_run=False)
    assert errors_of(report) == expected
    assert not report.written and not Unit.objects.exists() and not AuditEvent.objects.exists()


def test_a_csv_with_only_the_header_is_refused(community, tmp_path):
    path = save_roster(tmp_path / "r.csv", [])
    report = roster_import(community=community, source=path, actor=None, dry_run=True)
    assert errors_of(report) == ["没有房屋数据：第1行的表头下面没有任何房屋行"]


def test_a_csv_in_no_known_encoding_is_refused(community, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(roster_csv([unit_row(1)]) + b"\xff\xfe\xff")
    with pytest.raises(DomainError) as caught:
        roster_import(community=community, source=path, actor=None, dry_run=True)
    assert caught.value.code == ErrorCode.UPLOAD_INVALID
    assert caught.value.message == "无法读取文件：CSV 文件的编码无法识别，请另存为 CSV（UTF-8）后重试。"


def test_a_missing_file_is_refused(community, tmp_path):
    with pytest.raises(DomainError) as caught:
        roster_import(community=community, source=tmp_path / "nope.xlsx", actor=None, dry_run=True)
    assert caught.value.code == ErrorCode.NOT_FOUND
    assert "找不到文件" in caught.value.message


# --- progress and speed -----------------------------------------------------------------------------------------


def test_progress_is_reported_and_ends_at_the_row_count(community):
    calls = []
    rows = [unit_row(i) for i in range(1, 1201)]
    roster_import(community=community, source=roster_xlsx(rows), actor=None, dry_run=True,
                  progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (1200, 1200)
    assert [done for done, _ in calls[:-1]] == [500, 1000]
    assert all(done <= total for done, total in calls)


def _queries_for(community, rows):
    source = roster_xlsx(rows)
    with CaptureQueriesContext(connection) as queries:
        roster_import(community=community, source=source, actor=None, dry_run=False)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows():
    # given two communities each with an existing roster, one ten times the other
    small, big = CommunityFactory(), CommunityFactory()
    _queries_for(small, [unit_row(i) for i in range(1, 21)])
    _queries_for(big, [unit_row(i) for i in range(1, 201)])
    # when both are re-imported with every unit changed (new area, new owner, a new co-owner)
    def changed(n):
        return [unit_row(i, 面积="70", 业主手机=f"137{i:08d}", 共有人姓名="乙", 共有人手机=f"136{i:08d}")
                for i in range(1, n + 1)]
    small_queries = _queries_for(small, changed(20))
    big_queries = _queries_for(big, changed(200))
    # then ten times the rows costs only a few more batches (SQLite caps a statement at 999 parameters),
    # never a query per row
    assert big_queries <= small_queries + 8
    assert big_queries < 30

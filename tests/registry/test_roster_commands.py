"""Management commands: exit 0 on success, exit 1 with Chinese lines on stderr and never a traceback."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from governance.audit.models import AuditEvent
from governance.registry.models import Community, Ownership, Person, Unit
from governance.registry.roster.exports import ID_NUMBER_NOTE, SHEET_TITLE
from portal.uploads import LEGACY_XLS_REFUSED
from tests.factories import CommunityFactory
from tests.registry.factories import legacy_xls, save_roster, snapshot, unit_row

pytestmark = pytest.mark.django_db


def run(*args):
    """Run a command the way manage.py does; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def assert_refused(result, *lines):
    code, out, err = result
    assert code == 1
    assert "Traceback" not in err and "Error:" not in err
    for line in lines:
        assert line in err.splitlines(), err


@pytest.fixture
def community():
    return CommunityFactory(code="lanting", name="兰亭小区")


# --- create_community ---------------------------------------------------------------------------


def test_create_community_creates_street_committee_and_community():
    code, out, err = run("create_community", "meiyuan", "梅园小区", "--street", "东城街道", "--committee", "梅园社区居委会")
    assert (code, err) == (0, "")
    community = Community.objects.get(code="meiyuan")
    assert (community.name, community.street.name, community.residents_committee.name) == (
        "梅园小区", "东城街道", "梅园社区居委会",
    )
    assert "已创建小区：梅园小区（编码 meiyuan）" in out
    assert AuditEvent.objects.filter(action="community.create", community=community).count() == 1


def test_create_community_refuses_a_duplicate_code(community):
    result = run("create_community", "lanting", "又一个", "--street", "S", "--committee", "C")
    assert_refused(result, "小区编码 lanting 已存在。")
    assert Community.objects.filter(code="lanting").count() == 1


def test_create_community_refuses_a_bad_code():
    assert_refused(run("create_community", "兰 亭", "兰亭", "--street", "S", "--committee", "C"),
                   "小区编码只能包含字母、数字、下划线和连字符。")
    assert_refused(run("create_community", "x", "兰亭", "--street", " ", "--committee", "C"), "街道和居委会名称不能为空。")


# --- roster_template ----------------------------------------------------------------------------------


def test_roster_template_writes_the_template(tmp_path):
    target = tmp_path / "模板.xlsx"
    code, out, err = run("roster_template", str(target))
    assert (code, err) == (0, "")
    assert f"已生成名册模板：{target}" in out
    assert load_workbook(target)[SHEET_TITLE]["A1"].value == "楼栋"


def test_roster_template_refuses_a_non_xlsx_name_or_an_unwritable_place(tmp_path):
    assert_refused(run("roster_template", str(tmp_path / "t.xls")), f"输出文件须以 .xlsx 结尾：{tmp_path / 't.xls'}")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run("roster_template", str(blocker / "t.xlsx"))
    assert code == 1 and err.startswith("无法写入文件：") and "Traceback" not in err


# --- import_roster -------------------------------------------------------------------------------------


def test_import_roster_imports_and_prints_counts(community, tmp_path):
    path = save_roster(tmp_path / "r.xlsx", [unit_row(1), unit_row(2, 共有人姓名="李四", 共有人手机="13900000001")])
    code, out, err = run("import_roster", "lanting", str(path))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "兰亭小区：导入完成",
        "数据行：2；新增楼栋：1",
        "房屋：新增 2，更新 0，未变 0",
        "人员：新增 3，更新 0，未变 0",
        "产权关系：新增 3，更新 0，未变 0，终止 0",
    ]
    assert Unit.objects.filter(community=community).count() == 2
    assert AuditEvent.objects.filter(action="roster.import").count() == 1
    assert AuditEvent.objects.get(action="roster.import").actor_label == "系统"


def test_import_roster_dry_run_writes_nothing(community, tmp_path):
    path = save_roster(tmp_path / "r.xlsx", [unit_row(1)])
    code, out, err = run("import_roster", "lanting", str(path), "--dry-run")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "兰亭小区：预览（未写入任何数据）"
    assert "房屋：新增 1，更新 0，未变 0" in out
    assert not Unit.objects.exists() and not AuditEvent.objects.exists()


def test_import_roster_lists_every_error_and_writes_nothing(community, tmp_path):
    path = save_roster(tmp_path / "r.xlsx", [unit_row(1, 面积="0"), None, unit_row(2, 业主手机="12")],
                       header=["备注", *unit_row(1).keys()])
    code, out, err = run("import_roster", "lanting", str(path))
    assert_refused((code, out, err),
                   "第2行 面积: 面积必须大于 0（当前为 0）",
                   "第4行 业主手机: 手机号“12”不正确：须为 11 位数字且以 1 开头",
                   "名册有 2 个错误，未导入任何数据。",
                   "提示：第1行 备注: 不是模板中的列，已忽略")
    assert out == ""
    assert snapshot(community)["units"] == [] and not Person.objects.exists()


def test_import_roster_reports_a_missing_column(community, tmp_path):
    path = save_roster(tmp_path / "r.xlsx", [unit_row(1)], header=["楼栋", "房号", "业主姓名", "业主手机"])
    assert_refused(run("import_roster", "lanting", str(path)), "第1行 面积: 缺少必填列")


@pytest.mark.parametrize("flags", [(), ("--dry-run",)])
def test_import_roster_refuses_a_file_with_only_the_header(community, tmp_path, flags):
    path = save_roster(tmp_path / "r.xlsx", [])
    assert_refused(run("import_roster", "lanting", str(path), *flags),
                   "没有房屋数据：第1行的表头下面没有任何房屋行", "名册有 1 个错误，未导入任何数据。")
    assert not Unit.objects.exists() and not AuditEvent.objects.exists()


def test_import_roster_finds_the_header_under_a_title(community, tmp_path):
    path = save_roster(tmp_path / "r.xlsx", [unit_row(1)], title="幸福家园小区业主清册")
    code, out, err = run("import_roster", "lanting", str(path))
    assert (code, err) == (0, "")
    assert "房屋：新增 1，更新 0，未变 0" in out.splitlines()


def test_import_roster_refuses_a_missing_file(community, tmp_path):
    missing = tmp_path / "nope.xlsx"
    assert_refused(run("import_roster", "lanting", str(missing)), f"找不到文件：{missing}")


def test_import_roster_refuses_a_file_that_is_not_an_xlsx(community, tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("楼栋,房号\n1栋,101\n", encoding="utf-8")
    assert_refused(run("import_roster", "lanting", str(fake)), "无法读取文件：不是有效的 .xlsx 文件。")
    text = tmp_path / "r.txt"
    text.write_text("x")
    assert_refused(run("import_roster", "lanting", str(text)), "文件格式不支持：r.txt，只接受 .xlsx 或 .csv 文件。")


def test_import_roster_refuses_an_old_xls_with_how_to_save_it_as_xlsx(community, tmp_path):
    old = tmp_path / "r.xls"
    old.write_bytes(legacy_xls())
    assert_refused(run("import_roster", "lanting", str(old)), LEGACY_XLS_REFUSED)
    assert not Unit.objects.exists()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_import_roster_imports_a_csv_after_a_dry_run(community, tmp_path, encoding):
    path = save_roster(tmp_path / "r.csv", [unit_row(1, 业主姓名="张三"), unit_row(2)], encoding=encoding,
                       title="幸福家园小区业主清册")
    code, out, err = run("import_roster", "lanting", str(path), "--dry-run")
    assert (code, err) == (0, "") and not Unit.objects.exists()
    assert out.splitlines()[:3] == ["兰亭小区：预览（未写入任何数据）", "数据行：2；新增楼栋：1", "房屋：新增 2，更新 0，未变 0"]
    code, out, err = run("import_roster", "lanting", str(path))
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "兰亭小区：导入完成"
    assert Person.objects.get(community=community, phone="13800000001").name == "张三"
    assert AuditEvent.objects.filter(action="roster.import").count() == 1


def test_import_roster_lists_the_errors_of_a_csv_and_writes_nothing(community, tmp_path):
    path = save_roster(tmp_path / "r.csv", [unit_row(1, 面积="0"), unit_row(2)], encoding="gb18030")
    assert_refused(run("import_roster", "lanting", str(path)),
                   "第2行 面积: 面积必须大于 0（当前为 0）", "名册有 1 个错误，未导入任何数据。")
    assert not Unit.objects.exists() and not AuditEvent.objects.exists()


def test_import_roster_refuses_an_unknown_community(tmp_path):
    path = save_roster(tmp_path / "r.xlsx", [unit_row(1)])
    assert_refused(run("import_roster", "nowhere", str(path)), "找不到编码为 nowhere 的小区。")
    assert not Unit.objects.exists()


def test_import_roster_twice_changes_nothing_the_second_time(community, tmp_path):
    path = save_roster(tmp_path / "r.xlsx", [unit_row(1), unit_row(2)])
    run("import_roster", "lanting", str(path))
    code, out, _ = run("import_roster", "lanting", str(path))
    assert code == 0
    assert "房屋：新增 0，更新 0，未变 2" in out
    assert Ownership.objects.count() == 2


# --- export_roster ------------------------------------------------------------------------------------------


def test_export_roster_writes_the_roster_and_says_id_numbers_are_blank(community, tmp_path):
    save_roster(tmp_path / "in.xlsx", [unit_row(1, 证件号码="370102199001011234"), unit_row(2)])
    run("import_roster", "lanting", str(tmp_path / "in.xlsx"))
    target = tmp_path / "out.xlsx"
    code, out, err = run("export_roster", "lanting", str(target))
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"已导出 兰亭小区 的业主名册：2 套房屋 → {target}", f"注意：{ID_NUMBER_NOTE}"]
    rows = list(load_workbook(target)[SHEET_TITLE].iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][8] is None
    event = AuditEvent.objects.get(action="roster.export")
    assert (event.community, event.actor_label, event.summary) == (community, "系统", {"community": "lanting", "rows": 2})
    # and importing the export changes nothing
    before = snapshot(community)
    code, out, _ = run("import_roster", "lanting", str(target))
    assert code == 0 and "房屋：新增 0，更新 0，未变 2" in out
    assert snapshot(community) == before


def test_export_roster_refuses_an_unknown_community_and_a_bad_name(community, tmp_path):
    assert_refused(run("export_roster", "nowhere", str(tmp_path / "o.xlsx")), "找不到编码为 nowhere 的小区。")
    assert_refused(run("export_roster", "lanting", str(tmp_path / "o.csv")), f"输出文件须以 .xlsx 结尾：{tmp_path / 'o.csv'}")
    assert not AuditEvent.objects.filter(action="roster.export").exists()

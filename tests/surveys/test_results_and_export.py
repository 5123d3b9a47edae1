"""Results are exact counts (shares and averages only for display); the .xlsx re-opens and matches them."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from governance.surveys import services
from governance.surveys.exports import survey_xlsx
from governance.surveys.results import percent, survey_result

from .conftest import good_answers, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(world):
    """Four answers to an all-residents survey (the tenant skips the optional text)."""
    survey = publish(world, audience="all_residents")
    rows = [
        (world.owner, dict(single="满意", multiple=("保洁", "停车"), rating=4, number="2", text="希望增加充电桩")),
        (world.owner2, dict(single="满意", multiple=("保洁",), rating=5, number="0", text="")),
        (world.coowner, dict(single="一般", multiple=("绿化", "停车", "安保"), rating=3, number="1.5",
                             text="楼道灯坏了")),
        (world.tenant, dict(single="不满意", multiple=("保洁",), rating=5, number="10", text=None)),
    ]
    for user, values in rows:
        services.survey_answer(survey=survey, user=user, answers=good_answers(survey, **values))
    return survey


def _bars(item):
    return [(bar.label, bar.count, bar.percent) for bar in item.bars]


def test_counts_shares_and_averages_are_exact(answered):
    result = survey_result(answered)
    assert result.responses == 4
    single, multiple, rating, number, text = result.questions
    assert single.answered == 4 and _bars(single) == [("满意", 2, "50.0"), ("一般", 1, "25.0"),
                                                      ("不满意", 1, "25.0")]
    assert multiple.answered == 4 and _bars(multiple) == [("保洁", 3, "75.0"), ("绿化", 1, "25.0"),
                                                          ("停车", 2, "50.0"), ("安保", 1, "25.0")]
    assert _bars(rating) == [("1分", 0, "0.0"), ("2分", 0, "0.0"), ("3分", 1, "25.0"), ("4分", 1, "25.0"),
                             ("5分", 2, "50.0")]
    assert rating.total == Decimal("17") and rating.average == Decimal("4.25")
    assert number.total == Decimal("13.50") and number.average == Decimal("3.38")  # 3.375 rounded half up
    assert (number.minimum, number.maximum) == (Decimal("0"), Decimal("10"))
    assert number.bars == []
    assert text.answered == 2 and text.skipped == 2 and text.texts == ["希望增加充电桩", "楼道灯坏了"]
    assert all(isinstance(bar.count, int) for item in result.questions for bar in item.bars)


def test_percent_is_display_only_and_rounds_half_up():
    assert [percent(1, 3), percent(2, 3), percent(1, 8), percent(0, 0)] == ["33.3", "66.7", "12.5", "0.0"]


def test_results_of_an_empty_survey(world):
    result = survey_result(publish(world))
    assert result.responses == 0
    assert [item.answered for item in result.questions] == [0, 0, 0, 0, 0]
    assert result.questions[2].average is None and result.questions[2].average_display == "—"


def test_the_xlsx_reopens_and_matches_the_counts(answered):
    wb = load_workbook(io.BytesIO(survey_xlsx(answered)))
    assert wb.sheetnames == ["答卷明细", "汇总"]

    detail = list(wb["答卷明细"].iter_rows(values_only=True))
    assert detail[0] == ("序号", "提交时间", "答卷人", "房屋", "第1题 您对物业服务总体是否满意？",
                         "第2题 您希望优先改进哪些方面？", "第3题 请为小区保洁打分", "第4题 您家有几辆机动车？",
                         "第5题 其他意见和建议")
    rows = detail[1:]
    assert len(rows) == 4
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    assert [r[2] for r in rows] == ["王业主", "李业主", "王太太", "赵租户"]
    assert [r[4] for r in rows] == ["满意", "满意", "一般", "不满意"]
    assert [r[5] for r in rows] == ["保洁、停车", "保洁", "绿化、停车、安保", "保洁"]
    assert [r[6] for r in rows] == [4, 5, 3, 5]
    assert [r[7] for r in rows] == [2, 0, 1.5, 10]
    assert [r[8] or "" for r in rows] == ["希望增加充电桩", "", "楼道灯坏了", ""]

    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert summary[0] == ("问卷", "物业服务满意度调查", None, None, None, None)
    assert summary[2][:2] == ("答卷数", 4)
    assert summary[4] == ("题号", "题目", "题型", "选项/统计项", "数量", "占比")
    counts = {(r[0], r[3]): (r[4], r[5]) for r in summary[5:] if r[0] is not None}
    result = survey_result(answered)
    for item in result.questions:
        assert counts[(item.number, "作答人数")][0] == item.answered
        for bar in item.bars:
            assert counts[(item.number, bar.label)] == (bar.count, f"{bar.percent}%")
    assert counts[(1, "满意")] == (2, "50.0%")
    assert counts[(2, "保洁")] == (3, "75.0%")
    assert counts[(3, "平均值")][0] == "4.25"
    assert counts[(4, "平均值")][0] == "3.38" and counts[(4, "合计")][0] == "13.5"
    assert counts[(4, "最小值")][0] == "0" and counts[(4, "最大值")][0] == "10"
    # the counts in the summary agree with the rows of the detail sheet
    assert sum(1 for r in rows if r[4] == "满意") == counts[(1, "满意")][0]
    assert sum(1 for r in rows if "保洁" in r[5].split("、")) == counts[(2, "保洁")][0]


def test_per_unit_export_names_the_unit(world):
    survey = publish(world, answer_per="unit")
    services.survey_answer(survey=survey, user=world.owner, unit=world.u201, answers=good_answers(survey))
    wb = load_workbook(io.BytesIO(survey_xlsx(survey)))
    assert list(wb["答卷明细"].iter_rows(min_row=2, values_only=True))[0][3] == "2栋-1单元-201"

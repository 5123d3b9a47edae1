"""`manage.py import_knowledge DIR`: Markdown with YAML front matter → published articles."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from knowledge.models import ArticlePage, DocumentText, KnowledgeIndexPage, LegalAidIndexPage

pytestmark = pytest.mark.django_db

CONTENT = Path(__file__).resolve().parents[2] / "knowledge" / "content"

GOOD = """---
title: 小区维修基金使用办法
tier: basic
kind: guide
section: knowledge
tags: [维修资金, 公示]
---
使用维修资金要先**公示**，公示期不少于七日。

> 《中华人民共和国民法典》第二百八十一条：维修资金属于业主共有。（条文大意）

## 步骤

1. 提出方案
2. 业主表决
"""

LEGAL = """---
title: 民法典第二百七十八条解读
tier: basic
kind: law
section: legal
tags: 民法典, 表决
---
哪些事项由业主共同决定。
"""


def run(directory, **options):
    """Run the command; returns (exit code, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_knowledge", str(directory), stdout=out, stderr=err, **options)
    except CommandError as exc:
        err.write(f"CommandError: {exc}\n")
        return exc.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_good_files_become_published_articles_under_their_section(tmp_path, site_root):
    write(tmp_path, "fund.md", GOOD)
    write(tmp_path, "legal/278.md", LEGAL)

    code, out, err = run(tmp_path)

    assert (code, err) == (0, "")
    assert "导入完成：新建 2 篇，更新 0 篇，0 个文件未导入。" in out
    fund = ArticlePage.objects.get(title="小区维修基金使用办法")
    legal = ArticlePage.objects.get(title="民法典第二百七十八条解读")
    assert fund.live and legal.live
    assert fund.get_parent().specific_class is KnowledgeIndexPage and fund.section == "knowledge"
    assert legal.get_parent().specific_class is LegalAidIndexPage and legal.section == "legal"
    assert (fund.tier, fund.kind, legal.kind) == ("basic", "guide", "law")
    assert sorted(fund.tags.names()) == ["公示", "维修资金"] and sorted(legal.tags.names()) == ["民法典", "表决"]
    assert [block.block_type for block in fund.body] == ["paragraph", "law_article", "paragraph"]
    assert fund.body[0].value.source == "<p>使用维修资金要先<b>公示</b>，公示期不少于七日。</p>"
    assert dict(fund.body[1].value) == {
        "law_name": "中华人民共和国民法典", "article_number": "第二百八十一条", "text": "维修资金属于业主共有。（条文大意）",
    }
    assert "<h2>步骤</h2>" in fund.body[2].value.source and "<ol>" in fund.body[2].value.source
    assert fund.summary == "使用维修资金要先公示，公示期不少于七日。"
    assert list(ArticlePage.objects.live().search("公示期")) == [fund]


def test_rerunning_updates_by_title_with_a_new_revision(tmp_path, site_root):
    path = write(tmp_path, "fund.md", GOOD)
    run(tmp_path)
    page = ArticlePage.objects.get()
    write(tmp_path, "fund.md", GOOD.replace("tier: basic", "tier: advanced").replace("七日", "十日"))

    code, out, _ = run(tmp_path)

    assert code == 0 and "导入完成：新建 0 篇，更新 1 篇" in out and f"更新 {path.name}" in out
    assert ArticlePage.objects.count() == 1
    page = ArticlePage.objects.get()
    assert page.tier == "advanced" and "公示期不少于十日" in page.plain_text()
    assert page.revisions.count() == 2 and page.live_revision == page.latest_revision
    assert list(ArticlePage.objects.live().search("十日")) == [page]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("没有头信息，只有正文。", "缺少 YAML 头信息"),
        (GOOD.replace("tier: basic", "tier: beginner"), "未知的层级（tier）：beginner（可选：basic、advanced、expert）"),
        (GOOD.replace("kind: guide", "kind: novel"), "未知的类型（kind）：novel"),
        (GOOD.replace("section: knowledge", "section: sports"), "未知的栏目（section）：sports（可选：knowledge、legal）"),
        (GOOD.replace("title: 小区维修基金使用办法", "title: ''"), "标题（title）为空"),
        (GOOD.replace("title: 小区维修基金使用办法", "title:"), "标题（title）为空"),
        (GOOD.replace("tags: [维修资金, 公示]", "tags: [维修资金, 公示"), "YAML 头信息格式错误"),
        ("---\n- 只是\n- 列表\n---\n正文", "YAML 头信息应为“键: 值”的形式"),
        (GOOD.split("使用维修资金")[0], "正文为空"),
    ],
)
def test_a_bad_file_is_reported_by_name_with_a_reason_and_skipped(tmp_path, site_root, text, reason):
    write(tmp_path, "bad.md", text)
    write(tmp_path, "good.md", LEGAL)

    code, out, err = run(tmp_path)

    assert code == 1
    assert f"未导入 bad.md：{reason}" in err
    assert "Traceback" not in err
    assert "导入完成：新建 1 篇，更新 0 篇，1 个文件未导入。" in out
    assert list(ArticlePage.objects.values_list("title", flat=True)) == ["民法典第二百七十八条解读"]


def test_several_bad_files_are_all_reported(tmp_path, site_root):
    write(tmp_path, "a.md", "no front matter")
    write(tmp_path, "b.md", GOOD.replace("kind: guide", "kind: x"))
    (tmp_path / "c.md").write_bytes("---\ntitle: 乱码\n---\n".encode("gbk"))
    code, _, err = run(tmp_path)
    assert code == 1
    assert "未导入 a.md" in err and "未导入 b.md" in err and "未导入 c.md：文件不是 UTF-8 编码" in err
    assert "有 3 个文件未导入：a.md、b.md、c.md" in err


def test_an_unexpected_error_in_one_file_does_not_stop_the_others(tmp_path, site_root, monkeypatch):
    from knowledge.management.commands import import_knowledge as command

    real = command.article_import

    def flaky(*, parsed, user=None):
        if parsed.title == "小区维修基金使用办法":
            raise RuntimeError("磁盘已满")
        return real(parsed=parsed, user=user)

    monkeypatch.setattr(command, "article_import", flaky)
    write(tmp_path, "a.md", GOOD)
    write(tmp_path, "b.md", LEGAL)
    code, _, err = run(tmp_path)
    assert code == 1 and "未导入 a.md：导入时出错（RuntimeError：磁盘已满）" in err
    assert list(ArticlePage.objects.values_list("title", flat=True)) == ["民法典第二百七十八条解读"]


def test_a_missing_or_empty_directory_is_an_error(tmp_path, site_root):
    assert run(tmp_path / "nope")[0] == 1
    assert "目录中没有 .md 文件" in run(tmp_path)[2]


def test_dry_run_checks_without_writing(tmp_path, site_root):
    write(tmp_path, "fund.md", GOOD)
    code, out, _ = run(tmp_path, dry_run=True)
    assert code == 0 and "检查通过 fund.md：《小区维修基金使用办法》" in out
    assert not ArticlePage.objects.exists()


def test_case_attachment_and_video_front_matter_become_blocks(tmp_path, site_root):
    write(tmp_path, "files/minutes.txt", "会议纪要\n会议时间：____\n表决情况：同意__人")
    write(tmp_path, "t.md", """---
title: 会议纪要模板
tier: basic
kind: template
section: knowledge
attachments:
  - file: files/minutes.txt
    title: 会议纪要模板文件
    description: 下载后填写
---
纪要要写清时间、地点和表决情况。
""")
    write(tmp_path, "c.md", """---
title: 电梯广告案例
tier: advanced
kind: case
section: legal
case:
  title: 业委会诉物业返还广告收益
  facts: 物业收取电梯广告费未公开。
  outcome: 扣除成本后返还业主。
video:
  title: 三分钟看懂公共收益
  url: https://video.example.org/v/1
  duration: 4
---
案例分析。
""")
    code, _, err = run(tmp_path)
    assert (code, err) == (0, "")
    template = ArticlePage.objects.get(title="会议纪要模板")
    block = template.body[1]
    assert block.block_type == "template_document" and block.value["title"] == "会议纪要模板文件"
    document = block.value["document"]
    assert document.title == "会议纪要模板文件"
    assert "表决情况" in DocumentText.objects.get(document=document).text
    case = ArticlePage.objects.get(title="电梯广告案例")
    assert [b.block_type for b in case.body] == ["case_facts", "paragraph", "video_lesson"]
    assert case.body[0].value["outcome"] == "扣除成本后返还业主。"
    assert case.body[2].value["duration"] == 4

    # re-importing reuses the document instead of uploading it again
    run(tmp_path)
    from wagtail.documents import get_document_model

    assert get_document_model().objects.count() == 1


@pytest.mark.parametrize(
    ("meta", "reason"),
    [
        ("attachments:\n  - file: files/none.txt", "附件不存在：files/none.txt"),
        ("video:\n  title: 微课\n  url: ftp://x\n  duration: 4", "视频地址（video.url）应以 http:// 或 https:// 开头"),
        ("video:\n  title: 微课\n  url: https://x.org/v\n  duration: 90", "微课时长（video.duration）应在 1–60 分钟之间"),
        ("case: 只是一句话", "案例（case）应包含 title、facts、outcome"),
        ("tags: {a: 1}", "标签（tags）应为列表或以逗号分隔的文字"),
    ],
)
def test_bad_optional_front_matter_is_reported(tmp_path, site_root, meta, reason):
    write(tmp_path, "x.md", LEGAL.replace("tags: 民法典, 表决", meta))
    code, _, err = run(tmp_path)
    assert code == 1 and f"未导入 x.md：{reason}" in err


def test_the_starter_set_imports_cleanly_and_idempotently(site_root):
    code, out, err = run(CONTENT)
    assert (code, err) == (0, "")
    articles = ArticlePage.objects.live()
    civil_code = [a for a in articles if a.title.startswith("民法典第")]
    assert len(civil_code) >= 6
    covered = set()
    for article in civil_code:
        for block in article.body:
            if block.block_type == "law_article":
                covered.add(block.value["article_number"])
    numbers = "七十一 七十二 七十三 七十四 七十五 七十六 七十七 七十八 七十九 八十 八十一 八十二 八十三 八十四 八十五 八十六 八十七"
    assert covered == {f"第二百{n}条" for n in numbers.split()}  # Arts. 271–287, every one explained
    assert articles.filter(title__startswith="物业管理条例要点").count() == 2
    assert articles.filter(kind="bylaws").count() == 3
    assert articles.filter(kind="template").count() == 3
    assert articles.filter(kind__in=["case", "dispute"], section="legal").count() == 3
    fund = articles.get(title__contains="小区维修基金使用办法")
    assert "维修资金的使用程序" in fund.plain_text() and "公示期" in fund.plain_text()
    assert DocumentText.objects.count() == 3
    assert next(iter(articles.search("维修基金"))) == fund

    total = articles.count()
    code, out, err = run(CONTENT)
    assert (code, err) == (0, "")
    assert f"导入完成：新建 0 篇，更新 {total} 篇，0 个文件未导入。" in out
    assert ArticlePage.objects.count() == total

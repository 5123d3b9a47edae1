"""python manage.py index_documents [--missing]

Extracts the text of every Wagtail document (PDF via pypdf, .docx, plain text) into
knowledge.DocumentText, which the search page searches. Exit code 1 when a file was unreadable.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from knowledge.documents import index_all_documents


class Command(BaseCommand):
    help = "提取文档（PDF、docx、txt）的文字并建立搜索索引"

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true", help="只处理还没有提取过文字的文档")

    def handle(self, *args, missing=False, **options):
        report = index_all_documents(only_missing=missing)
        for title, reason in report.failed:
            self.stderr.write(f"未能提取《{title}》：{reason}")
        self.stdout.write(
            f"文档文字提取完成：已索引 {report.indexed} 个，无文字可提取 {report.skipped} 个，失败 {len(report.failed)} 个。"
        )
        if report.failed:
            raise CommandError(f"{len(report.failed)} 个文档未能提取文字", returncode=1)

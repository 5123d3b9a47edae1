"""python manage.py import_knowledge DIR [--dry-run]

Imports every *.md file under DIR (YAML front matter + Markdown, see knowledge.importing) as a
published ArticlePage under 知识社区 or 普法阵地 (both created under the site root when missing).
Re-running updates articles matched by title (a new published revision) instead of duplicating.
Bad files are reported by name with the reason and skipped; the exit code is 1 when any file
was bad (the good ones are still imported), 0 otherwise.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from knowledge.importing import ImportProblem, parse_markdown_file
from knowledge.services import article_import


class Command(BaseCommand):
    help = "从 Markdown 文件（带 YAML 头信息）导入知识文章"

    def add_arguments(self, parser):
        parser.add_argument("directory", help="存放 .md 文件的目录（含子目录）")
        parser.add_argument("--dry-run", action="store_true", help="只检查文件，不写入")

    def handle(self, *args, directory, dry_run=False, **options):
        root = Path(directory)
        if not root.is_dir():
            raise CommandError(f"目录不存在：{directory}", returncode=1)
        files = sorted(root.rglob("*.md"))
        if not files:
            raise CommandError(f"目录中没有 .md 文件：{directory}", returncode=1)

        created = updated = 0
        bad: list[tuple[str, str]] = []
        for path in files:
            name = path.relative_to(root).as_posix()
            try:
                parsed = parse_markdown_file(path)
                if dry_run:
                    self.stdout.write(f"检查通过 {name}：《{parsed.title}》")
                    continue
                with transaction.atomic():
                    page, was_created = article_import(parsed=parsed)
            except ImportProblem as problem:
                bad.append((name, problem.reason))
                self.stderr.write(f"未导入 {name}：{problem.reason}")
                continue
            # One broken file must not stop the others, and nobody should see a traceback.
            except Exception as exc:  # noqa: BLE001
                reason = f"导入时出错（{exc.__class__.__name__}：{exc}）"
                bad.append((name, reason))
                self.stderr.write(f"未导入 {name}：{reason}")
                continue
            if was_created:
                created += 1
                self.stdout.write(f"新建 {name}：《{page.title}》 {unquote(page.url or '')}")
            else:
                updated += 1
                self.stdout.write(f"更新 {name}：《{page.title}》 {unquote(page.url or '')}")

        if dry_run:
            summary = f"检查完成：{len(files) - len(bad)} 个文件可导入，{len(bad)} 个有问题。"
        else:
            summary = f"导入完成：新建 {created} 篇，更新 {updated} 篇，{len(bad)} 个文件未导入。"
        self.stdout.write(summary)
        if bad:
            raise CommandError(f"有 {len(bad)} 个文件未导入：{'、'.join(name for name, _ in bad)}", returncode=1)

from django.core.management.base import BaseCommand

from governance.errors import DomainError
from governance.registry.models import Community
from governance.registry.roster import roster_import

MAX_LISTED = 200


class Command(BaseCommand):
    help = (
        "导入业主名册（.xlsx 或 .csv）：import_roster CODE FILE.xlsx [--dry-run]。"
        "整个文件校验无误才写入；有错误时逐条列出“第N行 列名: 原因”并以 1 退出。"
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="小区编码")
        parser.add_argument("file", help="名册文件（.xlsx，或 UTF-8/GB18030 编码的 .csv）")
        parser.add_argument("--dry-run", action="store_true", help="只校验并预览变化，不写入任何数据")

    def handle(self, *args, **options):
        community = Community.objects.filter(code=options["code"]).first()
        if community is None:
            self.stderr.write(f"找不到编码为 {options['code']} 的小区。")
            raise SystemExit(1)
        dry_run = options["dry_run"]
        try:
            report = roster_import(
                community=community, source=options["file"], actor=None, dry_run=dry_run,
                progress=self._progress if self._interactive() else None,
            )
        except DomainError as exc:
            self._end_progress()
            self.stderr.write(exc.message)
            raise SystemExit(1)
        self._end_progress()
        for warning in report.warnings:
            self.stderr.write(f"提示：{warning}")
        if report.errors:
            for error in report.errors[:MAX_LISTED]:
                self.stderr.write(str(error))
            if len(report.errors) > MAX_LISTED:
                self.stderr.write(f"……另有 {len(report.errors) - MAX_LISTED} 个错误未列出。")
            self.stderr.write(f"名册有 {len(report.errors)} 个错误，未导入任何数据。")
            raise SystemExit(1)
        title = "预览（未写入任何数据）" if dry_run else "导入完成"
        self.stdout.write(f"{community.name}：{title}")
        for line in report.summary_lines():
            self.stdout.write(line)

    # A one-line progress indicator on stderr when it is a terminal (big files take a few seconds).
    _shown = False

    def _interactive(self) -> bool:
        return self.stderr.isatty()

    def _progress(self, done: int, total: int) -> None:
        self._shown = True
        percent = int(done * 100 / total) if total else 100
        self.stderr.write(f"\r校验中 {done}/{total} 行（{percent}%）", ending="")
        self.stderr.flush()

    def _end_progress(self) -> None:
        if self._shown:
            self.stderr.write("")
            self._shown = False

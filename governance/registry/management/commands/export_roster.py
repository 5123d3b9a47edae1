from django.core.management.base import BaseCommand

from governance.errors import DomainError
from governance.registry.models import Community
from governance.registry.roster import roster_export
from governance.registry.roster.exports import ID_NUMBER_NOTE


class Command(BaseCommand):
    help = "按导入模板格式导出小区的业主名册（.xlsx）：export_roster CODE FILE.xlsx"

    def add_arguments(self, parser):
        parser.add_argument("code", help="小区编码")
        parser.add_argument("file", help="输出文件（.xlsx）")

    def handle(self, *args, **options):
        path = options["file"]
        if not path.lower().endswith(".xlsx"):
            self.stderr.write(f"输出文件须以 .xlsx 结尾：{path}")
            raise SystemExit(1)
        community = Community.objects.filter(code=options["code"]).first()
        if community is None:
            self.stderr.write(f"找不到编码为 {options['code']} 的小区。")
            raise SystemExit(1)
        try:
            count = roster_export(community=community, target=path, actor=None)
        except DomainError as exc:
            self.stderr.write(exc.message)
            raise SystemExit(1)
        self.stdout.write(f"已导出 {community.name} 的业主名册：{count} 套房屋 → {path}")
        self.stdout.write(f"注意：{ID_NUMBER_NOTE}")

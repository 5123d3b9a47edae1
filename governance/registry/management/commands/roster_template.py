from django.core.management.base import BaseCommand

from governance.errors import DomainError
from governance.registry.roster import roster_template


class Command(BaseCommand):
    help = "生成空白的业主名册导入模板（.xlsx）：表头、示例行、房屋类型与开发商持有的下拉选项。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="输出文件，如 名册模板.xlsx")

    def handle(self, *args, **options):
        path = options["file"]
        if not path.lower().endswith(".xlsx"):
            self.stderr.write(f"输出文件须以 .xlsx 结尾：{path}")
            raise SystemExit(1)
        try:
            roster_template(target=path)
        except DomainError as exc:
            self.stderr.write(exc.message)
            raise SystemExit(1)
        self.stdout.write(f"已生成名册模板：{path}")

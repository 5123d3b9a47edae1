import json
from pathlib import Path

from django.core.management.base import BaseCommand

from governance.voting.tally import TallyInputError, tally_document


class Command(BaseCommand):
    help = "按表决明细文件重新计票（.json 或 .xlsx），输出一个 JSON 文档。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="输出 JSON（默认即 JSON）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            if not path.exists():
                raise TallyInputError(f"文件不存在：{path}")
            if path.suffix.lower() == ".xlsx":
                from governance.decisions.exports import read_vote_details

                document = read_vote_details(path)
            else:
                try:
                    document = json.loads(path.read_text(encoding="utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    raise TallyInputError(f"文件不是有效的 JSON：{exc}") from exc
            result = tally_document(document)
        except TallyInputError as error:
            self.stderr.write(f"无法计票：{error}")
            raise SystemExit(1)
        self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=False))

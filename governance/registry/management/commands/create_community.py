from django.core.management.base import BaseCommand

from governance.errors import DomainError
from governance.registry.services import community_create


class Command(BaseCommand):
    help = "创建小区（及其街道、居委会）：create_community CODE NAME --street 街道 --committee 居委会"

    def add_arguments(self, parser):
        parser.add_argument("code", help="小区编码（字母、数字、下划线、连字符）")
        parser.add_argument("name", help="小区名称")
        parser.add_argument("--street", required=True, help="街道名称")
        parser.add_argument("--committee", required=True, help="居委会名称")
        parser.add_argument("--address", default="", help="地址")

    def handle(self, *args, **options):
        street = (options["street"] or "").strip()
        committee = (options["committee"] or "").strip()
        if not street or not committee:
            self.stderr.write("街道和居委会名称不能为空。")
            raise SystemExit(1)
        try:
            community = community_create(
                code=options["code"], name=options["name"], street_name=street, committee_name=committee,
                address=options["address"], actor=None,
            )
        except DomainError as exc:
            self.stderr.write(exc.message)
            raise SystemExit(1)
        self.stdout.write(f"已创建小区：{community.name}（编码 {community.code}），{street} / {committee}。")

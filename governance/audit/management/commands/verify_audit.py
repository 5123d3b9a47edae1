from django.core.management.base import BaseCommand

from governance.audit.models import AuditChain, AuditEvent
from governance.audit.services import verify_all


class Command(BaseCommand):
    help = "校验留痕哈希链：完整时退出码为 0，否则指出第一条有问题的记录并以 1 退出。"

    def add_arguments(self, parser):
        parser.add_argument("--community", help="只校验该小区编码的链")

    def handle(self, *args, **options):
        chains = AuditChain.objects.order_by("key")
        if options.get("community"):
            chains = chains.filter(community__code=options["community"])
        problems = verify_all(chains)
        total = AuditEvent.objects.filter(chain__in=chains).count()
        if problems:
            for problem in problems:
                where = f"记录 id={problem.event_id} 序号={problem.seq}" if problem.event_id else f"序号={problem.seq}"
                self.stderr.write(f"留痕链 {problem.chain_key} 校验失败：{where}：{problem.reason}")
            raise SystemExit(1)
        self.stdout.write(f"留痕链完整：{chains.count()} 条链，{total} 条记录。")

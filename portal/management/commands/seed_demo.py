from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "生成演示数据（幸福家园小区 demo 与 河畔花园 riverside）。可重复运行；生产环境拒绝运行。"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有小区时什么也不做")

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("生产环境不能生成演示数据。")
        from governance.registry.models import Community
        from portal.demo import DEMO_PASSWORD, DEMO_SIGN_INS, seed_demo

        if options["if_empty"] and Community.objects.exists():
            self.stdout.write("数据库已有数据，跳过演示数据。")
        else:
            result = seed_demo()
            self.stdout.write(f"演示数据已就绪：小区 {', '.join(result['communities'])}，demo 共 {result['units']} 户。")
            from django.conf import settings as django_settings
            from django.core.management import call_command

            from knowledge.models import ArticlePage

            if not ArticlePage.objects.exists():  # the starter set of the knowledge community and legal-aid corner
                call_command("import_knowledge", str(django_settings.BASE_DIR / "knowledge" / "content"),
                             verbosity=0, stdout=self.stdout, stderr=self.stderr)
            from knowledge.cases.demo import seed_cases_demo
            from knowledge.experts.demo import seed_experts_demo
            from knowledge.qa.demo import seed_qa_demo

            seed_qa_demo()  # committee Q&A across demo and riverside
            seed_experts_demo()  # a lawyer with six upcoming consultation slots
            seed_cases_demo()  # an owner's case waiting in the editors' review
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login, label in DEMO_SIGN_INS:
            self.stdout.write(f"  {login:<12} {label}")

"""schema.graphql at the repository root is committed; it must match the schema the code builds."""

from pathlib import Path

from django.conf import settings
from graphql import print_schema

SCHEMA_FILE = Path(settings.BASE_DIR) / "schema.graphql"
REGENERATE = "python manage.py graphql_schema --schema portal.api.schema --out schema.graphql"


def test_schema_file_is_up_to_date():
    from portal.api import schema

    expected = print_schema(schema.graphql_schema)
    assert SCHEMA_FILE.exists(), f"schema.graphql 不存在，请运行：{REGENERATE}"
    actual = SCHEMA_FILE.read_text(encoding="utf-8")
    assert actual.rstrip("\n") == expected.rstrip("\n"), f"schema.graphql 已过期，请运行：{REGENERATE}"


def test_management_command_writes_the_same_text(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.graphql"
    call_command("graphql_schema", schema="portal.api.schema", out=str(out), stdout=open("/dev/null", "w"))
    assert out.read_text(encoding="utf-8") == SCHEMA_FILE.read_text(encoding="utf-8")

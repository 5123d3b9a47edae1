"""Wagtail's initial data names the editorial groups and the default workflow in English ("Moderators",
"Editors", "Moderators approval"); staff read those names in the admin (the "提交给…" button, the group
lists), so they get Chinese names. Code that looks them up goes through home.editorial, which knows both."""

from django.db import migrations

GROUPS = {"Moderators": "审核员", "Editors": "编辑员"}
WORKFLOW = {"Moderators approval": "审核员审批"}


def _rename(model, names):
    for old, new in names.items():
        if not model.objects.filter(name=new).exists():
            model.objects.filter(name=old).update(name=new)


def to_chinese(apps, schema_editor):
    _rename(apps.get_model("auth", "Group"), GROUPS)
    _rename(apps.get_model("wagtailcore", "Workflow"), WORKFLOW)
    _rename(apps.get_model("wagtailcore", "Task"), WORKFLOW)


def to_english(apps, schema_editor):
    _rename(apps.get_model("auth", "Group"), {new: old for old, new in GROUPS.items()})
    _rename(apps.get_model("wagtailcore", "Workflow"), {new: old for old, new in WORKFLOW.items()})
    _rename(apps.get_model("wagtailcore", "Task"), {new: old for old, new in WORKFLOW.items()})


class Migration(migrations.Migration):
    # After every migration of Wagtail's that finds these groups by their English names.
    dependencies = [
        ("home", "0003_home_cache_token"),
        ("knowledge", "0002_moderators_page_scope"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(to_chinese, to_english)]

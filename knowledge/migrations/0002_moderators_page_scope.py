"""The Moderators group (platform editors; named 审核员 by home 0004) holds its page rights on the knowledge and
legal-aid roots only, not on the site root, whose tree includes every community's home and members-only notices."""

from django.db import migrations

ROOT_MODELS = ("knowledgeindexpage", "legalaidindexpage")
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")


def scope_moderators(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    group = Group.objects.filter(name="审核员").first() or Group.objects.filter(name="Moderators").first()
    if group is None:
        return
    roots = list(Page.objects.filter(content_type__app_label="knowledge", content_type__model__in=ROOT_MODELS))
    GroupPagePermission.objects.filter(group=group).exclude(page__in=roots).delete()
    permissions = list(Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS))
    for page in roots:
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(scope_moderators, migrations.RunPython.noop)]

"""Stored results: "approved" now means the motion passed (verdict `passed`); the threshold among participants,
which "approved" used to carry, is kept as "approval_met"."""

from django.db import migrations


def split_approved(apps, schema_editor):
    Motion = apps.get_model("decisions", "Motion")
    for motion in Motion.objects.filter(result__isnull=False).only("pk", "result").iterator():
        result = motion.result
        if not isinstance(result, dict) or "approved" not in result or "approval_met" in result:
            continue
        result["approval_met"] = result["approved"]
        result["approved"] = result.get("verdict") == "passed"
        Motion.objects.filter(pk=motion.pk).update(result=result)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0007_vote_reminder_from_office")]

    operations = [migrations.RunPython(split_approved, migrations.RunPython.noop)]

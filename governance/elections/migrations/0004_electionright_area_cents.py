"""Election rights gain the area in exact cents that motion rights have (the shared voting kernel's right)."""

from django.db import migrations, models


def fill_area_cents(apps, schema_editor):
    ElectionRight = apps.get_model("elections", "ElectionRight")
    batch = []
    for right in ElectionRight.objects.only("pk", "area").iterator(chunk_size=2000):
        right.area_cents = int(right.area * 100)
        batch.append(right)
        if len(batch) == 2000:
            ElectionRight.objects.bulk_update(batch, ["area_cents"])
            batch = []
    ElectionRight.objects.bulk_update(batch, ["area_cents"])


class Migration(migrations.Migration):

    dependencies = [
        ("elections", "0003_roster_change_notes"),
    ]

    operations = [
        migrations.AddField(
            model_name="electionright",
            name="area_cents",
            field=models.BigIntegerField(default=0, help_text="面积的整数形式，计票时精确求和", verbose_name="专有面积（0.01㎡）"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_area_cents, migrations.RunPython.noop),
    ]

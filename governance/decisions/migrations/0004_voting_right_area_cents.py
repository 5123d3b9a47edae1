from django.db import migrations, models


def fill_cents(apps, schema_editor):
    VotingRight = apps.get_model("decisions", "VotingRight")
    for right in VotingRight.objects.only("pk", "area").iterator():
        VotingRight.objects.filter(pk=right.pk).update(area_cents=int(right.area * 100))


class Migration(migrations.Migration):
    dependencies = [("decisions", "0003_joint_motions")]

    operations = [
        migrations.AddField(
            model_name="votingright", name="area_cents",
            field=models.BigIntegerField(default=0, help_text="面积的整数形式，计票时精确求和",
                                         verbose_name="专有面积（0.01㎡）"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_cents, migrations.RunPython.noop),
    ]

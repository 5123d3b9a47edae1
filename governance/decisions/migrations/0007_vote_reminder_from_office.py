"""VoteReminder moves from office to decisions: the rows stay, the table is renamed."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0006_private_uploads"),
        ("office", "0002_notices"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="VoteReminder",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("hours_before", models.PositiveIntegerField(verbose_name="截止前小时数")),
                        ("skipped", models.BooleanField(default=False, verbose_name="已跳过")),
                        ("recipients", models.PositiveIntegerField(default=0, verbose_name="提醒人数")),
                        ("sent_at", models.DateTimeField(verbose_name="处理时间")),
                        ("message", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                      related_name="+", to="office.message", verbose_name="消息")),
                        ("motion", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                     related_name="vote_reminders", to="decisions.motion",
                                                     verbose_name="议事事项")),
                    ],
                    options={
                        "verbose_name": "投票提醒",
                        "verbose_name_plural": "投票提醒",
                        "ordering": ["motion", "-hours_before"],
                        "db_table": "office_votereminder",
                        "constraints": [models.UniqueConstraint(fields=("motion", "hours_before"),
                                                                name="vote_reminder_once_per_mark")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="votereminder", table=None),
    ]

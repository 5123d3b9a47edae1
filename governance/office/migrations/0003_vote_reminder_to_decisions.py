"""VoteReminder now belongs to decisions (its table was renamed there); office forgets it without dropping it."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("office", "0002_notices"),
        ("decisions", "0007_vote_reminder_from_office"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="VoteReminder")],
            database_operations=[],
        ),
    ]

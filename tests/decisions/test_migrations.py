"""Forward migrations keep existing rows: a vote reminder written while the model lived in office is there,
with its motion and message, after the move to decisions."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("decisions", "0006_private_uploads"), ("office", "0002_notices")]
AFTER = [("decisions", "0007_vote_reminder_from_office"), ("office", "0003_vote_reminder_to_decisions")]


@pytest.mark.django_db(transaction=True)
def test_vote_reminders_survive_the_move_from_office_to_decisions():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        street = old.get_model("registry", "Street").objects.create(name="和平街道")
        committee = old.get_model("registry", "ResidentsCommittee").objects.create(street=street, name="和平居委会")
        community = old.get_model("registry", "Community").objects.create(
            code="mig", name="迁移小区", residents_committee=committee)
        now = timezone.now()
        motion = old.get_model("decisions", "Motion").objects.create(
            community=community, title="旧提醒", content="c", opens_at=now, closes_at=now + timedelta(days=1))
        message = old.get_model("office", "Message").objects.create(community=community, title="投票提醒")
        old.get_model("office", "VoteReminder").objects.create(
            motion=motion, hours_before=48, recipients=6, message=message, sent_at=now)

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        rows = list(new.get_model("decisions", "VoteReminder").objects.values_list(
            "motion_id", "hours_before", "recipients", "message_id"))
        assert rows == [(motion.pk, 48, 6, message.pk)]
        assert "office_votereminder" not in connection.introspection.table_names()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

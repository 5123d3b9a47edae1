"""Election rights gain the exact area in cents on existing databases: the forward migration fills it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from governance.elections.models import ElectionRight
from tests.elections.factories import voting_stage

BEFORE = [("elections", "0003_roster_change_notes")]
AFTER = [("elections", "0004_electionright_area_cents")]


@pytest.mark.django_db(transaction=True)
def test_existing_election_rights_get_their_area_in_cents():
    stage = voting_stage(n_owners=4)
    expected = sorted((r.pk, int(r.area * 100)) for r in ElectionRight.objects.filter(round=stage.election))
    assert expected and all(cents > 0 for _, cents in expected)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        rights = executor.loader.project_state(AFTER).apps.get_model("elections", "ElectionRight")
        assert sorted(rights.objects.values_list("pk", "area_cents")) == expected
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

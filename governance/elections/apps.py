from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "governance.elections"
    label = "elections"
    verbose_name = _("选举与筹备组")

    def ready(self):
        from governance.registry.signals import roster_changed

        from .roll import note_election_roster_change

        roster_changed.connect(note_election_roster_change, dispatch_uid="elections.note_election_roster_change")

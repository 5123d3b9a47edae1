from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "governance.decisions"
    label = "decisions"
    verbose_name = _("业主共同决定")

    def ready(self):
        from governance.registry.signals import roster_changed

        from .roll import note_roster_change

        roster_changed.connect(note_roster_change, dispatch_uid="decisions.note_roster_change")

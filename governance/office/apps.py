from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    name = "governance.office"
    label = "office"
    verbose_name = _("通知、待办与流程")

    def ready(self):
        from portal import outbox

        from .models import MessageKind, TodoTag
        from .services import message_send, todo_create

        assert (MessageKind.VOTE_REMINDER, TodoTag.JOINT_MOTION) == (outbox.VOTE_REMINDER, outbox.TAG_JOINT_MOTION)
        outbox.provide(send_message=message_send, open_todo=todo_create)

"""业委会问答 admin registration: the "问答管理" menu (report queue, questions, answers) and the moderation log
actions written by `knowledge.qa.moderation`."""

from wagtail import hooks

from .admin_views import QAMenuGroup
from .moderation import LOG_ACTIONS

qa_menu = QAMenuGroup()


@hooks.register("register_admin_viewset")
def register_qa_viewsets():
    return qa_menu


@hooks.register("register_log_actions")
def register_qa_log_actions(actions):
    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)

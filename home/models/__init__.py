from .cache import HomeCacheToken
from .content import (
    BYLAW_FULL_TITLES,
    ActivationChecklist,
    ArchiveCategory,
    ArchiveDocument,
    BulletinItem,
    BulletinType,
    Bylaw,
    BylawKind,
    Feedback,
    FeedbackCategory,
    FeedbackStatus,
)
from .pages import CarouselItem, CommunityPage, DisclosurePage, HelpPage, HomePage

__all__ = [
    "BYLAW_FULL_TITLES",
    "ActivationChecklist",
    "ArchiveCategory",
    "ArchiveDocument",
    "BulletinItem",
    "BulletinType",
    "Bylaw",
    "BylawKind",
    "CarouselItem",
    "CommunityPage",
    "DisclosurePage",
    "Feedback",
    "FeedbackCategory",
    "FeedbackStatus",
    "HelpPage",
    "HomeCacheToken",
    "HomePage",
]

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from governance.decisions import services
from governance.decisions.models import MatterType
from tests.factories import BuildingFactory, CommunityFactory, MembershipFactory, OwnershipFactory, UnitFactory, UserFactory


def community_with_owners(n_units=6, area=Decimal("100.00"), verified=True):
    """A community whose units each have one verified owner with an account; returns (community, chair, owners)."""
    community = CommunityFactory()
    building = BuildingFactory(community=community, name="1栋")
    chair = MembershipFactory(community=community).user
    owners = []
    for i in range(n_units):
        unit = UnitFactory(building=building, room=f"{101 + i}", area=area)
        user = UserFactory()
        OwnershipFactory(unit=unit, person__user=user, verified=verified)
        owners.append(user)
    return community, chair, owners


def voting_motion(community, chair, **kwargs):
    now = timezone.now()
    defaults = dict(matter_type=MatterType.OTHER, title="更换小区大门门禁", content="是否同意更换门禁系统。",
                    opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=7))
    defaults.update(kwargs)
    motion = services.motion_create(community=community, actor=chair, **defaults)
    services.motion_submit(motion=motion, actor=chair)
    return services.motion_open(motion=motion, actor=chair)

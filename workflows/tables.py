"""Every table of every feature, imported in one place so SQLModel.metadata is complete (Alembic, tests)."""

from sqlmodel import SQLModel

from workflows.coaching import models as coaching
from workflows.community import models as community
from workflows.deliveries import models as deliveries
from workflows.digests import leader_models as leader_digests
from workflows.digests import models as digests
from workflows.frameworks import models as frameworks
from workflows.health import models as health
from workflows.reference import models as reference
from workflows.roster import models as roster
from workflows.rotation import models as rotation
from workflows.walkthroughs import models as walkthroughs
from workflows.workspaces import models as workspaces

metadata = SQLModel.metadata

__all__ = [
    "coaching",
    "community",
    "deliveries",
    "digests",
    "frameworks",
    "health",
    "leader_digests",
    "metadata",
    "reference",
    "roster",
    "rotation",
    "walkthroughs",
    "workspaces",
]

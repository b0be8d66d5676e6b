"""The IC's vocabulary in plain Python: taxonomy, boundary profiles, scene plans and the check.

Nothing here imports Django or touches the network; the web app, the CLI, casting and the
shoot day all reuse these functions unchanged.
"""

from closedset.core.check import CheckResult, Finding, Status, check
from closedset.core.errors import BadInput
from closedset.core.plan import Beat, ScenePlan, parse_plan
from closedset.core.profile import Boundary, BoundaryProfile, parse_profile
from closedset.core.taxonomy import Act, Taxonomy, Zone, load_taxonomy

__all__ = [
    "Act",
    "BadInput",
    "Beat",
    "Boundary",
    "BoundaryProfile",
    "CheckResult",
    "Finding",
    "ScenePlan",
    "Status",
    "Taxonomy",
    "Zone",
    "check",
    "load_taxonomy",
    "parse_plan",
    "parse_profile",
]

"""Per-object predicates (django-rules) for productions; `obj` is a Production.

Visibility follows docs (domain.md §1): members see their production; the roster is for
producer, coordinator and director; only producers create scenes and send invitations.
"""

from __future__ import annotations

from typing import Any

import rules

from closedset.productions.models import Role


def _roles(user: Any, production: Any) -> set[str]:
    from closedset.productions.services import role_in

    if production is None or not getattr(user, "is_authenticated", False):
        return set()
    return role_in(user, production)


@rules.predicate
def is_member_of(user: Any, production: Any) -> bool:
    return bool(_roles(user, production))


def has_role(*roles: str) -> rules.Predicate:
    wanted = frozenset(roles)

    @rules.predicate(name=f"has_role({', '.join(sorted(wanted))})")
    def predicate(user: Any, production: Any) -> bool:
        return bool(_roles(user, production) & wanted)

    return predicate


is_producer = has_role(Role.PRODUCER)
is_coordinator = has_role(Role.COORDINATOR)
is_director = has_role(Role.DIRECTOR)
is_performer = has_role(Role.PERFORMER)
is_custodian = has_role(Role.CUSTODIAN)

rules.add_perm("productions.view_production", is_member_of)
rules.add_perm("productions.view_roster", has_role(Role.PRODUCER, Role.COORDINATOR, Role.DIRECTOR))
rules.add_perm("productions.add_scene", is_producer)
rules.add_perm("productions.invite", is_producer)

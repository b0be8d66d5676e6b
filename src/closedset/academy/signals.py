"""A reviewer who loses the role (in the admin, the only place roles change) hands their open
reviews on at once, so no application waits for someone who will never score it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from closedset.academy.models import AcademyRole


@receiver(post_delete, sender=AcademyRole)
def reviewer_role_removed(sender: Any, instance: AcademyRole, **kwargs: Any) -> None:
    if instance.role != AcademyRole.Kind.REVIEWER:
        return
    from closedset.academy.review import release_open_assignments

    user = instance.user
    # After the removal is committed: the released reviews go to whoever still reviews.
    transaction.on_commit(lambda: release_open_assignments(user))

"""Role and kind names in the page's language, as template filters (productions.labels)."""

from __future__ import annotations

from django import template

from closedset.productions import labels

register = template.Library()


@register.filter
def role_label(role: str) -> str:
    return labels.role_label(role)


@register.filter
def kind_label(kind: str) -> str:
    return labels.kind_label(kind)


@register.filter
def role_badge(role: str) -> str:
    return labels.role_badge(role)

"""One page of a long, newest-first list (who looked at a profile, who changed the beats)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.paginator import Paginator

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    pages: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_of(rows: Any, per_page: int, page: int | str | None, show: Callable[[Any], T]) -> Page[T]:
    """Page `page` of the ordered `rows`, each shown by `show`; a bad page number is page 1."""
    paginator = Paginator(rows, per_page)
    found = paginator.get_page(page)
    return Page(
        items=[show(row) for row in found.object_list],
        number=found.number,
        pages=paginator.num_pages,
        total=paginator.count,
    )

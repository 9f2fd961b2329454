"""Keyset pagination: pages by "after id N" instead of OFFSET, so page 5,000 costs what
page 1 costs. Lists are ordered newest first (by descending id)."""

from dataclasses import dataclass

from django.db.models import QuerySet

PAGE_SIZES = (10, 20, 50, 100)


@dataclass
class KeysetPage:
    rows: list
    size: int
    next_after: int | None  # id to pass as ?after= for the next page
    prev_before: int | None  # id to pass as ?before= for the previous page

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def parse_size(value, default: int = 20) -> int:
    try:
        size = int(value)
    except (TypeError, ValueError):
        return default
    return size if size in PAGE_SIZES else default


def parse_id(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def keyset_page(queryset: QuerySet, *, after: int | None = None, before: int | None = None,
                size: int = 20) -> KeysetPage:
    if before is not None:
        rows = list(queryset.filter(pk__gt=before).order_by("pk")[: size + 1])
        has_more_newer = len(rows) > size
        rows = list(reversed(rows[:size]))
        return KeysetPage(rows, size, next_after=rows[-1].pk if rows else None,
                          prev_before=rows[0].pk if rows and has_more_newer else None)
    if after is not None:
        queryset = queryset.filter(pk__lt=after)
    rows = list(queryset.order_by("-pk")[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(rows, size, next_after=rows[-1].pk if rows and has_more else None,
                      prev_before=rows[0].pk if rows and after is not None else None)

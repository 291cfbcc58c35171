"""Offset pagination for list endpoints."""

from __future__ import annotations

from typing import NamedTuple

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class Page(NamedTuple):
    items: list[str]
    page: int
    page_size: int
    total: int
    pages: int


def validate_page_size(page_size: int) -> int:
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
    return page_size


def page_count(total: int, page_size: int) -> int:
    """Number of pages needed for `total` items (at least one, even when empty).

    >>> page_count(41, 20)
    3
    >>> page_count(40, 20)
    2
    >>> page_count(0, 20)
    1
    """
    validate_page_size(page_size)
    if total < 0:
        raise ValueError("total must be non-negative")
    return max(1, -(-total // page_size))


def page_bounds(page: int, page_size: int) -> tuple[int, int]:
    """Slice bounds of a 1-based page.

    >>> page_bounds(1, 20)
    (0, 20)
    >>> page_bounds(3, 10)
    (20, 30)
    """
    validate_page_size(page_size)
    if page < 1:
        raise ValueError("page numbers start at 1")
    start = (page - 1) * page_size
    return start, start + page_size


def paginate(items: list[str], page: int, *, page_size: int = DEFAULT_PAGE_SIZE) -> Page:
    """One page of `items`; a page past the end is empty, not an error."""
    start, end = page_bounds(page, page_size)
    return Page(
        items=items[start:end],
        page=page,
        page_size=page_size,
        total=len(items),
        pages=page_count(len(items), page_size),
    )


def parse_page_params(query: dict[str, str]) -> tuple[int, int]:
    """`?page=2&page_size=50` -> `(2, 50)`; missing values take the defaults."""
    try:
        page = int(query.get("page", "1"))
        page_size = int(query.get("page_size", str(DEFAULT_PAGE_SIZE)))
    except ValueError as exc:
        raise ValueError(f"page and page_size must be integers: {exc}") from exc
    validate_page_size(page_size)
    if page < 1:
        raise ValueError("page numbers start at 1")
    return page, page_size

"""Long lists on pages, a page at a time: a page's size stays the same however many members,
proposals or ties a partnership has (issue 19).

`paged` wraps Django's `Paginator` and gives the page the links to its neighbours with the
rest of the query string kept (several lists on one page each have their own parameter);
`includes/pager.html` draws them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50  # rows of a list shown at once: a member list longer than this is paged


def paged(
    request: HttpRequest, items: Sequence[Any] | Any, param: str = "page", size: int = PAGE_SIZE
) -> Page:
    """The page of `items` that `?<param>=` asks for (the first for a missing or bad number,
    the last past the end), with `prev_url` and `next_url` (or "") and `param`."""
    page = Paginator(items, size).get_page(request.GET.get(param))
    page.param = param  # type: ignore[attr-defined]
    page.prev_url = _url(request, param, page.previous_page_number()) if page.has_previous() else ""  # type: ignore[attr-defined]
    page.next_url = _url(request, param, page.next_page_number()) if page.has_next() else ""  # type: ignore[attr-defined]
    return page


def _url(request: HttpRequest, param: str, number: int) -> str:
    query = request.GET.copy()
    query[param] = str(number)
    return "?" + query.urlencode()

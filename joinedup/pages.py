"""Long lists on pages, a page at a time: a page's size stays the same however many members,
proposals or ties a partnership has (issue 19).

`paged` wraps Django's `Paginator` and gives the page the links to its neighbours with the
rest of the query string kept (several lists on one page each have their own parameter);
`includes/pager.html` draws them. `OneScanPaginator` counts a query's rows in the page's own
query, for a search whose matching is costly (the directory's).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
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


TOTAL = "one_scan_total"


class OneScanPaginator(Paginator):
    """A paginator for a query whose matching is the costly part (the directory's search: on
    PostgreSQL a GIN bitmap that a common prefix makes large), which counts the rows in the
    page's own query (`COUNT(*) OVER ()`), so the matches are found once for the count and the
    page, not twice. The total rides on each row of the page, so it is known whenever the page
    has rows; only a page past the end (or below 1) is empty, and only then are the rows
    counted apart, to give the last page as `Paginator.get_page` does. Pages, their rows and
    their order are `Paginator`'s. `orphans` is not supported: the total is known only after
    the page is read.

    The filter on the count (`> 0`, true of every row) makes Django put the window in a
    subquery with the `LIMIT` outside it. Without it, PostgreSQL before 17 costs a `LIMIT`
    over `COUNT(*) OVER ()` as if the window could stop early, and walks the directory's
    name index to the end rather than sort the matches: 34 s at 1,000,000 services for
    "support" in Worcester, against 0.2 s."""

    def __init__(self, object_list: QuerySet[Any], per_page: int) -> None:
        super().__init__(object_list, per_page)
        self.rows = object_list

    def get_page(self, number: Any) -> Page:
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        if wanted >= 1:
            bottom = (wanted - 1) * self.per_page
            counted = self.rows.annotate(**{TOTAL: Window(Count("*"))}).filter(
                **{f"{TOTAL}__gt": 0}  # every row: see the docstring
            )
            found = list(counted[bottom : bottom + self.per_page])
            if found or wanted == 1:
                self.__dict__["count"] = getattr(found[0], TOTAL) if found else 0
                return Page(found, wanted, self)
        return super().get_page(number)

"""The site's addresses, and two that fail: a page and an API endpoint with a bug in them."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from joinedup.urls import handler500, urlpatterns

__all__ = ["handler500", "urlpatterns"]


def boom(request: HttpRequest) -> HttpResponse:
    raise ZeroDivisionError("a bug in a view")


urlpatterns = [path("boom/", boom), path("api/v1/boom", boom), *urlpatterns]

"""Referral flows between members, and signposting (being built: see issue 6)."""

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


flows = signpost_new = _todo

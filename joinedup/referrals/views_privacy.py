"""Subject access export, erasure and the access log (being built: see issue 6)."""

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


person_export = person_erase = access_log = _todo

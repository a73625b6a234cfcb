"""Pages for people, consents, protocols and referrals (being built: see issue 6)."""

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


referrals_home = person_new = person_detail = person_edit = consent_new = consent_detail = _todo
consent_withdraw = referral_new = referral_detail = referral_pass_on = referral_message = _todo
referral_step = protocols = protocol_terms = timings = _todo

"""Who sees what: every page, for every named character."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse, reverse_lazy
from django.utils import timezone

from joinedup.access import partnerships_visible_to
from joinedup.accounts.actions import api_token_create
from joinedup.conftest import client_for, make_user
from joinedup.directory import actions as directory_actions
from joinedup.events import actions as ea
from joinedup.events.tests.conftest import events_world
from joinedup.partnerships import actions
from joinedup.partnerships.models import Partnership
from joinedup.reflection.tests.helpers import reflection_urls

# Pages that are about the signed-in person only, with nothing of anyone else's in them.
OWN_PAGES = {
    "home",
    "settings",
    "password_change",
    "password_change_done",
    "logout",
    "notices",
    "all_concerns",  # concerns in the partnerships the user sees, as each one's rules allow
    "referrals",  # the referrals and people of the user's own organisations
    "person_new",  # a person supported by one of the user's own organisations
    "refer_someone",  # whom to refer: the people of the user's own organisations
    # Starting something new: nothing of anyone else's in them (test_manage_pages.py and
    # programmes/tests/test_hub_pages.py hold each character to them).
    "partnership_new",
    "organisation_register",
    "programme_new",
    # Two-factor sign-in for the user's own account (accounts/tests/test_two_factor.py)
    "two_factor",
    "two_factor_confirm",
    "two_factor_off",
    "handovers",  # handovers the user gives, receives, or manages for their organisation
}
POST_ONLY = {
    "token_revoke",
    "health_report_file",
    "health_evidence_refresh",
    "message_retry",
    "charter_step",
    "charter_partnership_step",
    "charter_partnership_sign",
    "charter_reaffirm",
    "charter_withdraw",
    "charter_peer_view_open",
    "charter_partnership_reaffirm",
    "charter_partnership_withdraw",
    "charter_plan_mentor",
    "person_invitation_withdraw",
    "booking_new",
    "offer_give",
    "booking_decide",
    "request_close",
    "agreement_comment",
    "agreement_sign",
    "agreement_step",
    "agreement_review",
    "directory_service_reviewed",
    "directory_service_report",
    "directory_report_resolve",
    "directory_merge",
    "agenda_add",
    "agenda_circulate",
    "attendance_record",
    "minutes_record",
    "action_add",
    "action_status",
    "concern_answer",
    "position_cast",
    "proposal_outcome",
    "proposal_ratify",
    "programme_health_columns",
    "programme_health_refresh",
    "referral_flows_refresh",
    "referral_step",
    "referral_message",
}
# Directory pages every signed-in person may open: each shows only the listings that person
# may see (the directory's own tests prove what each character finds).
DIRECTORY_PAGES = {"directory_search", "directory_listings", "directory_service_new"}
# The leads' directory tools: for admins and managers of an organisation that leads a
# partnership (Olive leads her own), refused to everyone else.
LEAD_PAGES = {
    "directory_import": reverse_lazy("directory_import"),
    "directory_export": reverse_lazy("directory_export", args=["json"]),
    "directory_duplicates": reverse_lazy("directory_duplicates"),
    "directory_merge": reverse_lazy("directory_merge"),
}
# An import's pages, for leads too (directory/tests/test_import_jobs.py: others get 403).
IMPORT_RUN_PAGES = {"directory_import_run", "directory_import_problems"}
# An export's status page and download: only for the person who asked, while they still see the
# page it came from (jobs/tests/test_exports.py: others get 404).
EXPORT_RUN_PAGES = {"export_run", "export_download"}
# Pages for people who are not signed in.
PUBLIC_PAGES = {
    "invitation",  # anyone with the link: the secret token is the access
    "person_invitation",  # likewise; only the invited address answers
    "event_join",  # invited guests register without an account; 404 when none are invited
    "registration_manage",  # a guest's signed link to their own place at an event
    "event_join_sent",  # "we have sent a link": the same words whatever address was given
    "registration_confirm",  # a guest's emailed link: the signed token is the access
    "calendar_feed",  # likewise; a wrong token is 404 (meetings/tests/test_feed.py)
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "login_code",  # the second step of signing in, for someone who has just given a password
    "help",  # where things are and who can help; the error pages link to it
    "charter_signatories",  # a programme's Charter signatories, public like any pledge
    # The open HSDS API: public directory records only (joinedup/directory/tests/test_hsds_api.py)
    "hsds_root",
    "hsds_openapi",
    "hsds_services",
    "hsds_service",
    "hsds_organizations",
    "hsds_organization",
    "hsds_taxonomies",
    "hsds_taxonomy",
    "hsds_taxonomy_terms",
    "hsds_taxonomy_term",
    "hsds_service_at_locations",
    "hsds_service_at_location",
}


def our_url_names() -> set[str]:
    """Every named URL of the app itself (not the admin's or the API's)."""
    names = set()
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLPattern) and entry.name:
            names.add(entry.name)
        elif isinstance(entry, URLResolver) and entry.app_name is None and entry.namespace is None:
            names |= {p.name for p in entry.url_patterns if isinstance(p, URLPattern) and p.name}
    return names


def resources(w: SimpleNamespace) -> SimpleNamespace:
    """One of each shared-resource object, in the world's partnership."""
    from django.core.files.base import ContentFile

    from joinedup.resources import actions as ra
    from joinedup.resources.tests.conftest import at

    r = SimpleNamespace()
    r.room = ra.offer_create(
        by=None, organisation=w.lead_org, partnership=w.partnership, kind="venue", title="Room"
    )
    r.advice = ra.offer_create(
        by=None,
        organisation=w.lead_org,
        partnership=w.partnership,
        kind="expertise",
        title="Advice",
    )
    r.booking = ra.booking_request(
        by=None,
        offer=r.room,
        organisation=w.wider_org,
        partnership=w.partnership,
        starts_at=at(2, 10),
        ends_at=at(2, 11),
    )
    r.request = ra.request_create(
        by=None, organisation=w.core_org, partnership=w.partnership, kind="venue", title="A room"
    )
    r.document = ra.document_add(
        by=None,
        partnership=w.partnership,
        owner=w.lead_org,
        title="Safeguarding policy",
        file=ContentFile(b"policy", name="policy.txt"),
    )
    from joinedup.agreements import actions as aa

    r.agreement = aa.agreement_create(
        by=None, partnership=w.partnership, kind="terms_of_reference", title="Terms of reference"
    )
    from joinedup.decisions import actions as da
    from joinedup.meetings.tests.helpers import days_from_today, meetings_world

    r.meetings = meetings_world(w)
    r.proposal = da.proposal_create(
        by=None,
        partnership=w.partnership,
        organisation=w.lead_org,
        title="Open on Saturdays",
        question="Shall we open on Saturdays?",
        kind="consensus",
        deciders="all",
        closes_on=days_from_today(14),
    )
    from joinedup.health import actions as ha

    r.round = ha.round_open(by=w.lena, partnership=w.partnership, closes_on=days_from_today(28))
    return r


def referral_urls(w: SimpleNamespace) -> dict[str, str]:
    """Pat, held by the lead, referred to the core partner under the protocol in force."""
    from joinedup.referrals import actions as referral_actions
    from joinedup.referrals.tests.conftest import PAT, protocol_in_force

    protocol = protocol_in_force(w)
    therapy = directory_actions.service_create(
        organisation=w.core_org, by=None, name="Talking therapies", needs=[]
    )
    pat = referral_actions.person_create(organisation=w.lead_org, by=None, **PAT)
    consent = referral_actions.consent_record(
        person=pat,
        by=None,
        method="verbal",
        purposes=["referral"],
        fields=["name", "contact"],
        recipients=[w.core_org],
        expires_on=dt.date(2099, 1, 1),
    )
    referral = referral_actions.referral_create(
        person=pat,
        consent=consent,
        protocol=protocol,
        by=None,
        from_org=w.lead_org,
        service=therapy,
        fields=["name"],
    )
    p, person, ref = w.partnership.pk, [pat.pk], [referral.pk]
    return {
        "person": reverse("person", args=person),
        "person_edit": reverse("person_edit", args=person),
        "consent_new": reverse("consent_new", args=person),
        "consent": reverse("consent", args=[pat.pk, consent.pk]),
        "consent_withdraw": reverse("consent_withdraw", args=[pat.pk, consent.pk]),
        "referral_new": reverse("referral_new", args=person),
        "referral": reverse("referral", args=ref),
        "referral_pass_on": reverse("referral_pass_on", args=ref),
        "referral_message": reverse("referral_message", args=ref),
        "referral_step": reverse("referral_step", args=[referral.pk, "accept"]),
        "protocols": reverse("protocols", args=[p]),
        "protocol_terms": reverse("protocol_terms", args=[p, protocol.version_id]),
        "referral_timings": reverse("referral_timings", args=[p]),
    }


def people_urls(w: SimpleNamespace) -> dict[str, str]:
    """The lead organisation's people pages, and an invitation its admins answer. Ada is its
    admin (the characters' own organisations have none; only Ada runs its people)."""
    from joinedup.conftest import make_user
    from joinedup.organisations import actions as people
    from joinedup.partnerships import invitations

    ada = make_user("ada@riverside-ca.example", "Ada Admin", w.lead_org, "admin")
    asked, _ = people.person_invite(
        by=ada, organisation=w.lead_org, email="new@riverside-ca.example", role="staff"
    )
    invited, _ = invitations.invitation_send(
        by=None, partnership=w.elsewhere, organisation=w.lead_org, role="wider"
    )
    stan = w.stan.affiliations.get()
    org = w.lead_org.pk
    return {
        "organisation_people": reverse("organisation_people", args=[org]),
        "person_change": reverse("person_change", args=[org, stan.pk]),
        "person_remove": reverse("person_remove", args=[org, stan.pk]),
        "person_invitation_withdraw": reverse("person_invitation_withdraw", args=[org, asked.pk]),
        "invitation_answer": reverse("invitation_answer", args=[invited.pk]),
    }


def charter_urls(w: SimpleNamespace) -> dict[str, str]:
    """The Good Partners Charter's pages (joinedup/charter/tests/test_pages.py holds each
    character to them)."""
    g, p, o = w.programme.pk, w.partnership.pk, w.lead_org.pk
    return {
        "charter": reverse("charter", args=[g]),
        "charter_step": reverse("charter_step", args=[g]),
        "charter_edit": reverse("charter_edit", args=[g]),
        "charter_partnership_step": reverse("charter_partnership_step", args=[p]),
        "charter_partnership_edit": reverse("charter_partnership_edit", args=[p]),
        "charter_partnership_sign": reverse("charter_partnership_sign", args=[p]),
        "charter_reaffirm": reverse("charter_reaffirm", args=[g, 1]),
        "charter_withdraw": reverse("charter_withdraw", args=[g, 1]),
        "charter_self_assessment": reverse("charter_self_assessment", args=[g]),
        "charter_org_skills": reverse("charter_org_skills", args=[g, o]),
        "charter_recruitment": reverse("charter_recruitment", args=[g]),
        "charter_partnership": reverse("charter_partnership", args=[p]),
        "charter_peer_view_open": reverse("charter_peer_view_open", args=[p]),
        "charter_peer_view_close": reverse("charter_peer_view_close", args=[p]),
        "charter_partnership_reaffirm": reverse("charter_partnership_reaffirm", args=[p, 1]),
        "charter_partnership_withdraw": reverse("charter_partnership_withdraw", args=[p, 1]),
        "charter_peer_rate": reverse("charter_peer_rate", args=[p, o]),
        "charter_evidence": reverse("charter_evidence", args=[p, o]),
        "charter_plan": reverse("charter_plan", args=[p, o]),
        "charter_plan_mentor": reverse("charter_plan_mentor", args=[p, o, 1]),
    }


def events_urls(w: SimpleNamespace) -> dict[str, str]:
    """Hub learning: the hub's page, an event and a topic request (joinedup/events/tests hold
    each role to them)."""
    e = events_world(w)
    h, ev = w.hub.pk, e.event.pk
    session = ea.session_schedule(by=None, event=e.event, title="Boundaries in peer work")
    return {
        "hub_learning": reverse("hub_learning", args=[h]),
        "topic_request_new": reverse("topic_request_new", args=[h]),
        "event_new": reverse("event_new", args=[h]),
        "topic_request": reverse("topic_request", args=[e.topic.pk]),
        **{name: reverse(name, args=[ev]) for name in EVENT_PAGES},
        "session_notes": reverse("session_notes", args=[ev, session.pk]),
    }


EVENT_PAGES = ("event", "event_feedback", "event_notes", "event_ics", "event_edit", "event_cancel")


def learning_urls(w: SimpleNamespace) -> dict[str, str]:
    """The programme's learning (joinedup/learning/tests/test_learning.py::test_who_sees_and_codes
    holds each role to them), with a framework, a source and a passage coded to a theme."""
    from joinedup.learning import actions as la
    from joinedup.learning.sources import SourceText

    eve = make_user("eve@evaluators.example", "Eve Evaluator")
    la.evaluator_add(by=None, programme=w.programme, user=eve)
    framework = la.framework_revise(
        by=None, programme=w.programme, codes=la.parse_outline("# Working together\nTrust")
    )
    theme = framework.themes.get(name="Trust")
    source = la.source_take(
        by=eve,
        programme=w.programme,
        text=SourceText(
            kind="document",
            key="interview",
            title="Interview",
            text="We trust each other now.",
            written_at=timezone.now(),
            partnership_id=w.partnership.pk,
        ),
    )
    highlight = la.highlight_create(by=eve, source=source, theme=theme, start=3, end=8)
    g = w.programme.pk
    urls = {name: reverse(name, args=[g]) for name in LEARNING_PROGRAMME_PAGES}
    return {
        **urls,
        "learning_source": reverse("learning_source", args=[g, source.pk]),
        "learning_highlight_delete": reverse("learning_highlight_delete", args=[g, highlight.pk]),
        "learning_theme": reverse("learning_theme", args=[g, theme.pk]),
        "learning_cell": reverse("learning_cell", args=[g, theme.pk, w.partnership.pk]),
        "learning_profile": reverse("learning_profile", args=[w.partnership.pk]),
        "messages_undelivered": reverse("messages_undelivered", args=[w.lead_org.pk]),
        "messages_undelivered_all": reverse("messages_undelivered_all"),
        "message_retry": reverse("message_retry", args=[1]),
    }


LEARNING_PROGRAMME_PAGES = (
    "learning_matrix",
    "learning_framework",
    "learning_framework_import",
    "learning_framework_qdc",
    "learning_evaluators",
    "learning_sources",
    "learning_csv",
    "learning_xlsx",
    "learning_qdpx",
)


def object_urls(w: SimpleNamespace) -> dict[str, str]:
    """One URL per page that shows or changes something of a partnership or organisation."""
    p, m = w.partnership.pk, w.wider_membership.pk
    lena_token, _ = api_token_create(user=w.lena, name="Lena's")
    r = resources(w)
    clinic = directory_actions.service_create(
        organisation=w.lead_org, by=None, needs=[], name="Debt clinic", visibility="partners"
    )
    report = directory_actions.listing_report_create(
        service=clinic, by=w.cora, what_is_wrong="Closed on Fridays"
    )
    return {
        **referral_urls(w),
        **people_urls(w),
        **charter_urls(w),
        "directory_service": reverse("directory_service", args=[clinic.pk]),
        "directory_service_edit": reverse("directory_service_edit", args=[clinic.pk]),
        "directory_service_reviewed": reverse("directory_service_reviewed", args=[clinic.pk]),
        "directory_service_report": reverse("directory_service_report", args=[clinic.pk]),
        "directory_report_resolve": reverse("directory_report_resolve", args=[report.pk]),
        "resources": reverse("resources", args=[p]),
        "offer_new": reverse("offer_new", args=[p]),
        "offer": reverse("offer", args=[p, r.room.pk]),
        "booking_new": reverse("booking_new", args=[p, r.room.pk]),
        "offer_give": reverse("offer_give", args=[p, r.advice.pk]),
        "offer_withdraw": reverse("offer_withdraw", args=[p, r.advice.pk]),
        "booking_decide": reverse("booking_decide", args=[p, r.booking.pk, "confirm"]),
        "booking_cancel": reverse("booking_cancel", args=[p, r.booking.pk]),
        "request_new": reverse("request_new", args=[p]),
        "resource_request": reverse("resource_request", args=[p, r.request.pk]),
        "request_close": reverse("request_close", args=[p, r.request.pk]),
        "ledger": reverse("ledger", args=[p]),
        "agreements": reverse("agreements", args=[p]),
        "must_dos": reverse("must_dos", args=[p]),
        "member_invite": reverse("member_invite", args=[p]),
        "partnership_composition": reverse("partnership_composition", args=[p]),
        "partnership_criteria": reverse("partnership_criteria", args=[p]),
        "agreement_download": reverse("agreement_download", args=[p, r.agreement.pk, 1]),
        "agreement_review": reverse("agreement_review", args=[p, r.agreement.pk, 1]),
        "agreement_new": reverse("agreement_new", args=[p]),
        "agreement": reverse("agreement", args=[p, r.agreement.pk]),
        "agreement_version": reverse("agreement_version", args=[p, r.agreement.pk, 1]),
        "agreement_diff": reverse("agreement_diff", args=[p, r.agreement.pk]),
        "agreement_edit": reverse("agreement_edit", args=[p, r.agreement.pk, 1]),
        "agreement_comment": reverse("agreement_comment", args=[p, r.agreement.pk, 1]),
        "agreement_sign": reverse("agreement_sign", args=[p, r.agreement.pk, 1]),
        "agreement_step": reverse("agreement_step", args=[p, r.agreement.pk, 1, "signoff"]),
        "documents": reverse("documents", args=[p]),
        "document_download": reverse("document_download", args=[p, r.document.pk]),
        "partnership": reverse("partnership", args=[p]),
        "partnership_history": reverse("partnership_history", args=[p]),
        "partnership_audit": reverse("partnership_audit", args=[p]),
        "members_manage": reverse("members_manage", args=[p]),
        "member_change": reverse("member_change", args=[p, m]),
        "member_leave": reverse("member_leave", args=[p, m]),
        "organisation": reverse("organisation", args=[w.lead_org.pk]),
        "organisation_edit": reverse("organisation_edit", args=[w.lead_org.pk]),
        "programme": reverse("programme", args=[w.programme.pk]),
        "partnership_edit": reverse("partnership_edit", args=[p]),
        "hub": reverse("hub", args=[w.hub.pk]),
        "hub_new": reverse("hub_new", args=[w.programme.pk]),
        "hub_edit": reverse("hub_edit", args=[w.hub.pk]),
        "token_revoke": reverse("token_revoke", args=[lena_token.pk]),
        **meeting_urls(w, r),
        **health_urls(w, r),
        **referral_data_urls(w),
        **reflection_urls(w),
        **events_urls(w),
        **learning_urls(w),
    }


def health_urls(w: SimpleNamespace, r: SimpleNamespace) -> dict[str, str]:
    p, round = w.partnership.pk, [w.partnership.pk, r.round.pk]
    return {
        "health": reverse("health", args=[p]),
        "health_round_open": reverse("health_round_open", args=[p]),
        "health_round": reverse("health_round", args=round),
        "health_answer": reverse("health_answer", args=round),
        "health_round_close": reverse("health_round_close", args=round),
        "health_ratings": reverse("health_ratings", args=[p]),
        "health_time": reverse("health_time", args=[p]),
        "health_depth": reverse("health_depth", args=[p]),
        "health_network": reverse("health_network", args=[p]),
        "health_network_graphml": reverse("health_network_graphml", args=[p]),
        "health_network_ties_csv": reverse("health_network_ties_csv", args=[p]),
        "health_network_organisations_csv": reverse("health_network_organisations_csv", args=[p]),
        "health_gaps": reverse("health_gaps", args=[p]),
        "health_report": reverse("health_report", args=[p]),
        "health_report_file": reverse("health_report_file", args=[p]),
        "health_evidence_refresh": reverse("health_evidence_refresh", args=[p]),
        "programme_health": reverse("programme_health", args=[w.programme.pk]),
        "programme_health_csv": reverse("programme_health_csv", args=[w.programme.pk]),
        "programme_health_columns": reverse("programme_health_columns", args=[w.programme.pk]),
        "programme_health_refresh": reverse("programme_health_refresh", args=[w.programme.pk]),
    }


def meeting_urls(w: SimpleNamespace, r: SimpleNamespace) -> dict[str, str]:
    p, m = w.partnership.pk, r.meetings
    meeting = [p, m.next.pk]
    proposal = [p, r.proposal.pk]
    return {
        "meetings": reverse("meetings", args=[p]),
        "series_new": reverse("series_new", args=[p]),
        "meeting_series": reverse("meeting_series", args=[p, m.core.pk]),
        "meeting_new": reverse("meeting_new", args=[p, m.core.pk]),
        "meeting": reverse("meeting", args=meeting),
        "meeting_edit": reverse("meeting_edit", args=meeting),
        "meeting_cancel": reverse("meeting_cancel", args=meeting),
        "agenda_add": reverse("agenda_add", args=meeting),
        "agenda_circulate": reverse("agenda_circulate", args=meeting),
        "attendance_record": reverse("attendance_record", args=meeting),
        "minutes_record": reverse("minutes_record", args=meeting),
        "action_add": reverse("action_add", args=meeting),
        "action_status": reverse("action_status", args=[p, m.action.pk]),
        "communication_review": reverse("communication_review", args=[p]),
        "concerns": reverse("concerns", args=[p]),
        "concern_new": reverse("concern_new", args=[p]),
        "concern": reverse("concern", args=[p, m.concern.pk]),
        "concern_answer": reverse("concern_answer", args=[p, m.concern.pk]),
        "calendar": reverse("calendar", args=[p]),
        "decisions": reverse("decisions", args=[p]),
        "proposal_new": reverse("proposal_new", args=[p]),
        "urgent_new": reverse("urgent_new", args=[p]),
        "lead_time": reverse("lead_time", args=[p]),
        "proposal": reverse("proposal", args=proposal),
        "position_cast": reverse("position_cast", args=proposal),
        "proposal_outcome": reverse("proposal_outcome", args=proposal),
        "proposal_ratify": reverse("proposal_ratify", args=proposal),
    }


def referral_data_urls(w: SimpleNamespace) -> dict[str, str]:
    """Subject access, erasure, the access log, flows and signposting (the referrals' own
    tests hold each character to them: joinedup/referrals/tests/test_privacy_pages.py and
    test_flows.py)."""
    from joinedup.referrals import actions as referral_actions

    person = referral_actions.person_create(organisation=w.lead_org, by=None, name="Pat Example")
    p = w.partnership.pk
    return {
        "person_export": reverse("person_export", args=[person.pk, "json"]),
        "person_erase": reverse("person_erase", args=[person.pk]),
        "referral_access_log": reverse("referral_access_log", args=[w.lead_org.pk]),
        "referral_flows": reverse("referral_flows", args=[p]),
        "referral_flows_refresh": reverse("referral_flows_refresh", args=[p]),
        "signpost_new": reverse("signpost_new", args=[p]),
    }


def test_every_page_of_the_app_is_in_this_test(world: SimpleNamespace) -> None:
    assert our_url_names() == (
        set(object_urls(world))
        | OWN_PAGES
        | PUBLIC_PAGES
        | DIRECTORY_PAGES
        | set(LEAD_PAGES)
        | IMPORT_RUN_PAGES
        | EXPORT_RUN_PAGES
    )


def test_only_leads_use_the_directorys_tools(world: SimpleNamespace) -> None:
    for name, url in LEAD_PAGES.items():
        method = "post" if name in POST_ONLY else "get"
        for character in ("stan", "cora", "will", "otis"):
            response = getattr(client_for(getattr(world, character)), method)(url)
            assert response.status_code == 403, (name, character)
        allowed = getattr(client_for(world.lena), method)(url)
        assert allowed.status_code in (200, 302), name


def test_directory_pages_open_for_everyone_signed_in(world: SimpleNamespace) -> None:
    for name in DIRECTORY_PAGES:
        assert client_for(world.olive).get(reverse(name)).status_code == 200, name


def test_the_outsider_gets_404_from_every_page_about_others(world: SimpleNamespace) -> None:
    client = client_for(world.olive)
    for name, url in object_urls(world).items():
        method = client.post if name in POST_ONLY else client.get
        assert method(url).status_code == 404, name
        assert client.post(url, {"role": "lead", "reason": "x"}).status_code in (404, 405), name


def test_the_outsider_gets_404_for_an_object_that_does_not_exist_either(
    world: SimpleNamespace,
) -> None:
    client = client_for(world.olive)
    assert client.get(reverse("partnership", args=[999999])).status_code == 404
    assert client.get(reverse("partnership", args=[world.partnership.pk])).status_code == 404


def test_the_outsiders_own_pages_show_nothing_of_others(world: SimpleNamespace) -> None:
    body = client_for(world.olive).get(reverse("home")).content.decode()
    assert "Elsewhere Partnership" in body
    assert "Riverside" not in body


def test_someone_signed_out_is_sent_to_sign_in(world: SimpleNamespace) -> None:
    from django.test import Client

    for name, url in object_urls(world).items():
        response = Client().get(url)
        if name in POST_ONLY:
            assert response.status_code == 405
            continue
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name


@pytest.mark.parametrize(
    ("character", "expected"),
    [
        (
            "lena",
            {
                "partnership": 200,
                "partnership_history": 200,
                "partnership_audit": 200,
                "members_manage": 200,
                "member_change": 200,
                "member_leave": 200,
                "organisation": 200,
                "organisation_edit": 200,
                "organisation_people": 403,  # only its admins run its people
                "invitation_answer": 404,
                "programme": 200,
            },
        ),
        (
            "stan",
            {
                "partnership": 200,
                "partnership_history": 200,
                "partnership_audit": 403,
                "members_manage": 403,
                "member_change": 403,
                "member_leave": 403,
                "organisation": 200,
                "organisation_edit": 403,
                "organisation_people": 403,  # only its admins run its people
                "invitation_answer": 404,
                "programme": 200,
            },
        ),
        (
            "cora",
            {
                "partnership": 200,
                "partnership_history": 200,
                "partnership_audit": 403,
                "members_manage": 403,
                "member_change": 403,
                "member_leave": 403,
                "organisation": 200,
                "organisation_edit": 403,
                "organisation_people": 403,  # only its admins run its people
                "invitation_answer": 404,
                "programme": 200,
            },
        ),
        (
            "will",
            {
                "partnership": 200,
                "partnership_history": 403,
                "partnership_audit": 403,
                "members_manage": 403,
                "member_change": 403,
                "member_leave": 403,
                "organisation": 200,
                "organisation_edit": 403,
                "organisation_people": 403,  # only its admins run its people
                "invitation_answer": 404,
                "programme": 200,
            },
        ),
        (
            "otis",
            {
                "partnership": 200,
                "partnership_history": 200,
                "partnership_audit": 403,
                "members_manage": 403,
                "member_change": 403,
                "member_leave": 403,
                "organisation": 200,
                "organisation_edit": 403,
                "organisation_people": 403,  # only its admins run its people
                "invitation_answer": 404,
                "programme": 200,
            },
        ),
    ],
)
def test_each_character_gets_what_their_role_allows(
    world: SimpleNamespace, character: str, expected: dict[str, int]
) -> None:
    client = client_for(getattr(world, character))
    urls = object_urls(world)
    got = {name: client.get(urls[name]).status_code for name in expected}
    assert got == expected


def test_a_wider_partner_does_not_see_what_is_for_core_partners(world: SimpleNamespace) -> None:
    page = (
        client_for(world.will)
        .get(reverse("partnership", args=[world.partnership.pk]))
        .content.decode()
    )
    assert "Riverside Mind" in page  # the members are listed
    assert world.cora.email not in page  # but not their contacts,
    assert "Membership history" not in page  # nor the history
    core_page = (
        client_for(world.cora)
        .get(reverse("partnership", args=[world.partnership.pk]))
        .content.decode()
    )
    assert world.cora.email in core_page
    assert "Membership history" in core_page


def test_staff_of_an_organisation_that_left_no_longer_see_the_partnership(
    world: SimpleNamespace,
) -> None:
    import datetime as dt

    actions.membership_end(
        by=world.lena,
        membership=world.wider_membership,
        left_on=dt.date(2025, 1, 1),
        reason="Funding ended",
    )
    assert (
        client_for(world.will).get(reverse("partnership", args=[world.partnership.pk])).status_code
        == 404
    )


def test_pages_refuse_the_wrong_method(world: SimpleNamespace) -> None:
    client = client_for(world.lena)
    assert client.post(reverse("partnership", args=[world.partnership.pk])).status_code == 405
    assert client.post(reverse("home")).status_code == 405
    assert client.get(object_urls(world)["token_revoke"]).status_code == 405


@pytest.mark.parametrize("character", ["lena", "stan", "cora", "will", "otis", "olive"])
def test_the_visible_list_and_the_permission_rule_agree(
    world: SimpleNamespace, character: Any
) -> None:
    user = getattr(world, character)
    listed = set(partnerships_visible_to(user))
    for partnership in Partnership.objects.all():
        fresh = type(user).objects.get(pk=user.pk)  # no cached standing
        assert fresh.has_perm("partnerships.view_partnership", partnership) == (
            partnership in listed
        )

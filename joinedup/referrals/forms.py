"""Forms for people, consents, referrals and protocols: they validate input; `actions` writes."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from joinedup import dates
from joinedup.directory.forms import NeedChoiceField, needs_terms
from joinedup.directory.models import Service, TaxonomyTerm
from joinedup.forms import IdsChoiceField, VersionedForm
from joinedup.lib.needs import NEED_CHOICES, NEEDS
from joinedup.partnerships.models import Organisation
from joinedup.referrals.finder import Receivers
from joinedup.referrals.models import (
    FIELDS,
    SPECIAL_CATEGORY,
    AgeBand,
    Consent,
    ConsentMethod,
    DeclineReason,
    LawfulBasis,
    Outcome,
    Person,
    Protocol,
    Purpose,
)
from joinedup.referrals.queries import needs_served
from joinedup.referrals.summary import summary_warning

TICKS = forms.CheckboxSelectMultiple


def field_label(field: str) -> str:
    label = FIELDS[field]
    return f"{label} (special category)" if field in SPECIAL_CATEGORY else label


FIELD_TICKS = [(f, field_label(f)) for f in FIELDS]


class PersonFields(forms.Form):
    name = forms.CharField(max_length=200)
    contact = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="How to contact them",
        help_text="Phone, email or address.",
    )
    safe_contact = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="How not to contact them",
        help_text="For example: “do not leave messages”, “not at home before 6pm”.",
    )
    born_on = dates.BORN.field(required=False, label="Date of birth")
    age_band = forms.ChoiceField(
        required=False, choices=[("", "Not known"), *AgeBand.choices], label="Age band"
    )
    postcode = forms.CharField(required=False, max_length=10)
    needs = forms.MultipleChoiceField(
        required=False, choices=NEED_CHOICES, widget=TICKS, help_text="Special category data."
    )
    notes = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Special category data: write only what the support needs.",
    )


class PersonForm(VersionedForm, PersonFields):
    """Changes to a person's record, with the record's `version` they were made from."""


class NewPersonForm(PersonFields):
    def __init__(self, *args: Any, acting: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.ModelChoiceField(
            queryset=acting, empty_label=None, label="Supported by", initial=acting.first()
        )
        self.order_fields(["organisation"])


class ConsentForm(forms.Form):
    method = forms.ChoiceField(
        choices=ConsentMethod.choices, widget=forms.RadioSelect, label="How they agreed"
    )
    given_by = forms.CharField(
        required=False,
        max_length=200,
        label="Agreed on their behalf by",
        help_text=Consent._meta.get_field("given_by").help_text,
    )
    purposes = forms.MultipleChoiceField(
        choices=Purpose.choices, widget=TICKS, label="What for", initial=[Purpose.REFERRAL]
    )
    categories = forms.MultipleChoiceField(
        choices=FIELD_TICKS, widget=TICKS, label="Which of their data may be shared"
    )
    recipients = IdsChoiceField(
        queryset=Organisation.objects.none(), widget=TICKS, label="With whom"
    )
    expires_on = dates.CONSENT_EXPIRES.field(
        label="Until",
        initial=lambda: timezone.localdate() + dt.timedelta(days=365),
    )

    def __init__(self, *args: Any, recipients: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = recipients  # type: ignore[attr-defined]


class FindServiceForm(forms.Form):
    """The directory search, cut down to what a worker needs to find a service to refer to."""

    words = forms.CharField(required=False, max_length=200, label="Words")
    needs = NeedChoiceField(queryset=TaxonomyTerm.objects.none(), required=False, widget=TICKS)
    area = forms.CharField(required=False, max_length=100, help_text="A town or a borough.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = needs_terms()  # type: ignore[attr-defined]

    def searched(self) -> bool:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return bool(data.get("words") or data.get("needs") or data.get("area"))


class ChooseForm(forms.Form):
    """The services chosen, and the consent and protocol a referral goes under (GET).

    A service whose organisation cannot receive anything under the consent and protocol
    (`finder.Receivers`) is refused, naming the service and why."""

    service = IdsChoiceField(
        queryset=Service.objects.none(), required=False, widget=TICKS, label="Services"
    )
    consent = forms.ModelChoiceField(queryset=Consent.objects.none(), empty_label=None)
    protocol = forms.ModelChoiceField(
        queryset=Protocol.objects.none(), empty_label=None, label="Data-sharing protocol"
    )
    purpose = forms.ChoiceField(choices=Purpose.choices, initial=Purpose.REFERRAL)

    def __init__(
        self,
        *args: Any,
        person: Person,
        services: QuerySet[Service],
        consents: QuerySet[Consent],
        protocols: QuerySet[Protocol],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.receivers: Receivers | None = None
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
        self.fields["consent"].queryset = consents  # type: ignore[attr-defined]
        self.fields["protocol"].queryset = protocols  # type: ignore[attr-defined]
        self.fields["consent"].label_from_instance = consent_label  # type: ignore[attr-defined]
        self.fields["protocol"].label_from_instance = protocol_label  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        consent, protocol, purpose = data.get("consent"), data.get("protocol"), data.get("purpose")
        if not (consent and protocol and purpose):
            return data
        self.receivers = Receivers(
            person=self.person, consent=consent, protocol=protocol, purpose=purpose
        )
        refused = []
        for service in data.get("service") or []:
            owner = service.organization.organisation
            reason = self.receivers.reason(owner)
            if reason is not None:
                refused.append(f"{service.name}: {self.receivers.say(reason, organisation=owner)}.")
        if refused:
            self.add_error("service", refused)
        return data


def consent_label(consent: Consent) -> str:
    return f"Recorded {consent.recorded_at:%-d %b %Y}, until {consent.expires_on:%-d %b %Y}"


def protocol_label(protocol: Protocol) -> str:
    return f"{protocol.version} — {protocol.version.agreement.partnership}"


class PickPersonForm(forms.Form):
    """Whom to refer (GET): from a service's page, the service comes with it."""

    service = forms.ModelChoiceField(queryset=Service.objects.none(), required=False)
    name = forms.CharField(required=False, max_length=200, label="Find someone by name")

    def __init__(self, *args: Any, services: QuerySet[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services  # type: ignore[attr-defined]


def need_field_name(service: Service) -> str:
    return f"need_{service.pk}"


class SummaryChecked(forms.Form):
    """A summary holding a phone number, email or date the consent does not cover is sent only
    once the worker ticks that they have checked it (`referrals.summary`)."""

    summary_acknowledged = forms.BooleanField(
        required=False,
        label="I have checked the summary: what it holds may be shared",
    )

    def check_summary(self, data: dict[str, Any], consent: Consent | None) -> None:
        if consent is not None and not data.get("summary_acknowledged"):
            warning = summary_warning(data.get("summary") or "", consent)
            if warning:
                self.add_error("summary", warning)


class ReferralForm(SummaryChecked, ChooseForm):
    """What is sent (POST): the choices above, the fields ticked, for each service the need it
    is chosen for, and why.

    Each chosen service gets a `need_<service id>` field whose choices are the person's
    recorded needs (any need, or none said, when none is recorded); `needs()` pairs them."""

    share = forms.MultipleChoiceField(
        choices=FIELD_TICKS, widget=TICKS, required=False, label="What to share"
    )
    summary = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why you refer them",
        help_text="In your words, for the receiver. Shared with the fields you tick: put no "
        "phone number, email or date in it that their consent does not cover.",
    )

    def __init__(
        self,
        *args: Any,
        person_needs: list[str],
        chosen: list[Service] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            chosen = list(self.fields["service"].queryset.filter(pk__in=_ids(self.data)))  # type: ignore[attr-defined]
        recorded = [code for code in person_needs if code in NEEDS]
        choices = [(c, NEEDS[c]) for c in recorded] or [("", "Not said"), *NEED_CHOICES]
        self.chosen = chosen or []
        served = needs_served(self.chosen)
        for service in self.chosen:
            serves = served.get(service.pk, set())
            self.fields[need_field_name(service)] = forms.ChoiceField(
                choices=choices,
                required=bool(recorded),
                label=f"Which need {service.name} is for",
                initial=next((c for c in recorded if c in serves), recorded[0] if recorded else ""),
            )

    def clean_service(self) -> Any:
        chosen = self.cleaned_data["service"]
        if not chosen:
            raise forms.ValidationError("Choose one or more services.")
        return chosen

    def need_fields(self) -> list[forms.BoundField]:
        return [self[need_field_name(service)] for service in self.chosen]

    def needs(self) -> list[tuple[Service, str]]:
        """Each chosen service with the need it is for, as `referral_net` takes them."""
        return [
            (service, self.cleaned_data.get(need_field_name(service), ""))
            for service in self.cleaned_data.get("service") or []
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.check_summary(data, data.get("consent"))
        return data


def _ids(data: Any) -> list[uuid.UUID]:
    """The service ids posted that are ids at all (the field itself reports the others)."""
    found = []
    for value in data.getlist("service") if hasattr(data, "getlist") else []:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


class PassOnForm(SummaryChecked):
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    share = forms.MultipleChoiceField(choices=FIELD_TICKS, widget=TICKS, label="What to share")
    summary = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why you pass them on, in your words: the referrer's summary is not passed on.",
    )

    field_order = ["service", "share", "summary", "summary_acknowledged"]

    def __init__(
        self,
        *args: Any,
        services: QuerySet[Service],
        shared: list[str],
        consent: Consent | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.consent = consent
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
        self.fields["share"].initial = shared

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.check_summary(data, self.consent)
        return data


class NoteForm(forms.Form):
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeclineForm(NoteForm):
    reason = forms.ChoiceField(choices=DeclineReason.choices)
    field_order = ["reason", "note"]


class CompleteForm(NoteForm):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    field_order = ["outcome", "note"]


class CloseForm(NoteForm):
    note = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label="Why")


class MessageForm(forms.Form):
    text = forms.CharField(
        max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), label="Message"
    )
    asks_for_info = forms.BooleanField(required=False, label="Ask for more information")


class TimingsForm(forms.Form):
    remind_after = forms.IntegerField(
        min_value=1, max_value=60, label="Remind the receiver after (working days)"
    )
    escalate_after = forms.IntegerField(
        min_value=2, max_value=90, label="Tell the receiver's managers after (working days)"
    )
    expire_after = forms.IntegerField(min_value=1, max_value=180, label="Expire after (days)")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        remind, escalate = data.get("remind_after"), data.get("escalate_after")
        if remind and escalate and escalate <= remind:
            self.add_error("escalate_after", "Tell the managers later than the reminder.")
        return data


class TermsForm(forms.Form):
    """A protocol's terms; per field, whether it may flow, for what, and to whom."""

    lawful_basis = forms.ChoiceField(choices=LawfulBasis.choices)
    retention_days = forms.IntegerField(
        min_value=1,
        max_value=36500,
        label="Keep personal data for (days after a referral ends)",
        initial=365,
    )
    security = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Security expectations",
    )

    def __init__(self, *args: Any, members: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in FIELDS:
            self.fields[f"{field}-flows"] = forms.BooleanField(
                required=False, label=f"{field_label(field)} may be shared"
            )
            self.fields[f"{field}-purposes"] = forms.MultipleChoiceField(
                required=False,
                choices=Purpose.choices,
                widget=TICKS,
                label=f"{FIELDS[field]}: for",
            )
            self.fields[f"{field}-recipients"] = IdsChoiceField(
                queryset=members,
                required=False,
                widget=TICKS,
                label=f"{FIELDS[field]}: with",
                help_text="None ticked: every member.",
            )

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """(field label, its three bound fields), for the template."""
        return [
            (field_label(f), [self[f"{f}-{part}"] for part in ("flows", "purposes", "recipients")])
            for f in FIELDS
        ]

    @classmethod
    def initial_for(cls, protocol: Protocol | None) -> dict[str, Any]:
        if protocol is None:
            return {}
        initial: dict[str, Any] = {
            "lawful_basis": protocol.lawful_basis,
            "retention_days": protocol.retention_days,
            "security": protocol.security,
        }
        for flow in protocol.flows.all():
            initial[f"{flow.field}-flows"] = True
            initial[f"{flow.field}-purposes"] = flow.purposes
            initial[f"{flow.field}-recipients"] = list(flow.recipients.all())
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field in FIELDS:
            if data.get(f"{field}-flows") and not data.get(f"{field}-purposes"):
                self.add_error(
                    f"{field}-purposes", f"Choose what {FIELDS[field].lower()} may be shared for."
                )
        return data

    def flows(self) -> dict[str, tuple[list[str], list[Organisation]]]:
        data = self.cleaned_data
        return {
            field: (list(data[f"{field}-purposes"]), list(data[f"{field}-recipients"]))
            for field in FIELDS
            if data.get(f"{field}-flows")
        }

"""Forms at the pages' edge; the actions validate again."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.events.models import (
    GUEST_AUDIENCES,
    RATING_LABELS,
    Audience,
    Event,
    ExpertiseOffer,
    Format,
    TopicRequest,
)
from joinedup.forms import IdPrefixedForm, IdsChoiceField, VersionedForm
from joinedup.learning.models import Theme
from joinedup.partnerships.models import Organisation

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
RATING_CHOICES = [(k, f"{k} – {v}") for k, v in RATING_LABELS.items()]


class TopicRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        empty_label=None, queryset=Organisation.objects.none(), label="Asked by"
    )
    title = forms.CharField(max_length=200, label="What do you need to know or have?")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    themes = IdsChoiceField(
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The programme's framework themes it is about.",
    )

    def __init__(self, *args: Any, organisations: Any, themes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["themes"].queryset = themes  # type: ignore[attr-defined]
        if not themes.exists():
            del self.fields["themes"]


class VoteForm(IdPrefixedForm):
    id_prefix = "vote"
    organisation = forms.ModelChoiceField(
        empty_label=None, queryset=Organisation.objects.none(), label="Support it for"
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class UnvoteForm(VoteForm):
    id_prefix = "unvote"

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, organisations=organisations, **kwargs)
        self.fields["organisation"].label = "Take back the vote of"


class OfferForm(IdPrefixedForm):
    id_prefix = "offer"
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Your project",
    )
    network = forms.CharField(
        max_length=200, required=False, label="Or an outside network", help_text="Its name."
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="What you would run"
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class MergeForm(IdPrefixedForm):
    id_prefix = "merge"
    into = forms.ModelChoiceField(
        empty_label=None, queryset=TopicRequest.objects.none(), label="Merge into"
    )

    def __init__(self, *args: Any, requests: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = requests  # type: ignore[attr-defined]


class ScheduleForm(IdPrefixedForm):
    id_prefix = "schedule"
    event = forms.ModelChoiceField(
        empty_label=None, queryset=Event.objects.none(), label="At the event"
    )
    offer = forms.ModelChoiceField(
        queryset=ExpertiseOffer.objects.none(),
        required=False,
        label="Run by",
        empty_label="The hub itself",
    )

    def __init__(self, *args: Any, events: Any, offers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events  # type: ignore[attr-defined]
        self.fields["offer"].queryset = offers  # type: ignore[attr-defined]


class EventForm(forms.Form):
    title = forms.CharField(max_length=200)
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    format = forms.ChoiceField(choices=Format.choices)
    starts_at = forms.DateTimeField(label="Starts", widget=LOCAL)
    ends_at = forms.DateTimeField(label="Ends", widget=LOCAL)
    place = forms.CharField(max_length=300, required=False)
    online_link = forms.URLField(required=False, label="Online link", assume_scheme="https")
    capacity = forms.IntegerField(
        min_value=1,
        initial=30,
        label="Places",
        error_messages={
            "min_value": "An event needs at least one place.",
            "required": "Say how many places there are.",
            "invalid": "Give the number of places as a whole number, such as 30.",
        },
    )
    registration_opens_at = forms.DateTimeField(
        required=False,
        label="Registration opens",
        help_text="Empty: now.",
        widget=LOCAL,
    )
    registration_closes_at = forms.DateTimeField(
        required=False,
        label="Registration closes",
        help_text="Empty: when the event starts.",
        widget=LOCAL,
    )
    invited = forms.MultipleChoiceField(
        choices=[(a.value, a.label) for a in GUEST_AUDIENCES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Also invite (they register by email, without an account)",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes_at", "Registration must close after it opens.")
        return data


class EventEditForm(EventForm):
    """The event's details as its organisers change them (who is invited stays as it was)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["invited"]
        self.fields["registration_opens_at"].help_text = "Empty: open now."


class EventForTopicForm(EventForm):
    """A new event made on a topic request's page: the request becomes its first session."""

    offer = forms.ModelChoiceField(
        queryset=ExpertiseOffer.objects.none(),
        required=False,
        label="The topic's session is run by",
        empty_label="The hub itself",
    )

    def __init__(self, *args: Any, offers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers  # type: ignore[attr-defined]


class CancelEventForm(forms.Form):
    """Why the event is cancelled: it goes in every email that says so."""

    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why is it cancelled?",
        help_text="It goes in the email to everyone registered or waiting, and to the "
        "organisations whose topics were to be sessions.",
        error_messages={"required": "Say why the event is cancelled: everyone told reads it."},
    )


class RegisterForm(IdPrefixedForm):
    id_prefix = "register"
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Coming for",
    )
    access_needs = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Access needs",
        help_text="Anything that would help you take part.",
    )
    expenses = forms.BooleanField(required=False, label="I will need travel or other expenses")
    listed = forms.BooleanField(
        required=False, label="List my name on the attendee list others see"
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations  # type: ignore[attr-defined]
        if organisations.exists():  # a member comes for one of their organisations
            field.required = True
            field.empty_label = None  # type: ignore[attr-defined]


class GuestForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField()
    audience = forms.ChoiceField(
        label="I am coming as",
        error_messages={"required": "Choose what you are coming as."},
    )
    access_needs = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Access needs"
    )
    expenses = forms.BooleanField(required=False, label="I will need travel or other expenses")
    listed = forms.BooleanField(
        required=False,
        label="List my name on the attendee list",
        help_text="Unticked, nobody but the organisers sees that you are coming.",
    )

    def __init__(self, *args: Any, invited: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [("", "Choose one")] + [  # type: ignore[attr-defined]
            (a, Audience(a).label) for a in invited
        ]


class GuestDetailsForm(IdPrefixedForm):
    """A guest's access needs, changed on their registration's page."""

    id_prefix = "details"
    access_needs = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Access needs",
        help_text="Anything that would help you take part. Only the organisers see it.",
    )


class CodeForm(IdPrefixedForm):
    """An attendee says they are here with the code the organisers show at the venue."""

    id_prefix = "code"
    code = forms.CharField(max_length=12, label="Code shown at the venue")


class DoorForm(IdPrefixedForm):
    """At the door, the organiser types the registration code a person shows them."""

    id_prefix = "door"
    code = forms.CharField(max_length=12, label="Their registration code")


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect, label="The event was"
    )
    do_differently = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="What will you do differently?",
    )
    connected_with = IdsChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Organisations you connected with",
    )

    def __init__(self, *args: Any, sessions: list[Any], organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["connected_with"].queryset = organisations  # type: ignore[attr-defined]
        self.sessions = sessions
        for s in sessions:
            self.fields[f"s{s.pk}_rating"] = forms.TypedChoiceField(
                choices=RATING_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                required=False,
                label=f"Session “{s.title}” was",
            )
            self.fields[f"s{s.pk}_text"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                label=f"After “{s.title}”, what will you do differently?",
            )

    def session_answers(self) -> dict[int, tuple[int, str]]:
        found = {}
        for s in self.sessions:
            rating = self.cleaned_data.get(f"s{s.pk}_rating")
            if rating:
                found[s.pk] = (rating, self.cleaned_data.get(f"s{s.pk}_text", ""))
        return found


class NotesForm(VersionedForm):
    """Notes of an event or a session: versioned, so a save on an old version is merged."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), required=False, label="Notes")
    materials = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Links to slides and handouts, one a line.",
    )


class ListingForm(forms.Form):
    """A guest's choice to be on the attendee list, on their confirm and manage pages."""

    listed = forms.BooleanField(
        required=False,
        label="List my name on the attendee list",
        help_text="Unticked, nobody but the organisers sees that you are coming.",
    )

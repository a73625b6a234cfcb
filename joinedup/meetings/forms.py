"""Forms for meetings and concerns: they validate input; `actions.py` writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from joinedup import dates
from joinedup.forms import IdPrefixedForm, VersionedForm
from joinedup.meetings.models import (
    ActionStatus,
    ChairRule,
    ConcernAudience,
    ConcernStatus,
    Meeting,
    Presence,
    Purpose,
    Tier,
)
from joinedup.partnerships.models import Organisation
from joinedup.resources.forms import TIME_INPUT, ActingForm


class SeriesForm(forms.Form):
    title = forms.CharField(max_length=200)
    tier = forms.ChoiceField(choices=Tier.choices)
    min_interval_days = forms.IntegerField(
        label="Shortest gap between meetings (days)", initial=28, min_value=1, max_value=3660
    )
    max_interval_days = forms.IntegerField(
        label="Longest gap between meetings (days)", initial=42, min_value=1, max_value=3660
    )
    chair_rule = forms.ChoiceField(choices=ChairRule.choices, label="Who chairs")

    def __init__(self, *args: Any, members: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["with_organisation"] = forms.ModelChoiceField(
            queryset=members, required=False, label="Partner (for a one-to-one)"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_interval_days"), data.get("max_interval_days")
        if low and high and high < low:
            self.add_error("max_interval_days", "The longest gap must be at least the shortest.")
        return data


class MeetingForm(VersionedForm):
    day = dates.MEETING.field(initial=lambda: timezone.localdate() + dt.timedelta(days=28))
    starts = forms.TimeField(label="From", widget=TIME_INPUT, initial=dt.time(10, 0))
    ends = forms.TimeField(label="Until", widget=TIME_INPUT, initial=dt.time(12, 0))
    purpose = forms.ChoiceField(choices=Purpose.choices)
    place = forms.CharField(max_length=300, required=False)
    online_link = forms.URLField(max_length=200, required=False, assume_scheme="https")
    # Hidden until the partnership turns out to meet that day already; then it is asked.
    second_that_day = forms.BooleanField(
        required=False, label="Yes, a second meeting that day", widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, invited: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"] = forms.ModelChoiceField(
            queryset=Organisation.objects.filter(pk__in=[o.pk for o in invited]),
            required=False,
            label="Chair",
            help_text="Leave empty to take the organisation the rotation proposes.",
        )
        self.fields["chair_name"] = forms.CharField(
            max_length=200, required=False, label="Chaired by (person)"
        )

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict[str, Any]:
        starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        return {
            "day": starts.date(),
            "starts": starts.time(),
            "ends": ends.time(),
            "purpose": meeting.purpose,
            "place": meeting.place,
            "online_link": meeting.online_link,
            "chair": meeting.chair,
            "chair_name": meeting.chair_name,
        }

    def take_theirs(self, theirs: dict[str, Any]) -> None:
        super().take_theirs(theirs)
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        data["starts_at"] = dt.datetime.combine(data["day"], data["starts"], tzinfo=zone)
        data["ends_at"] = dt.datetime.combine(data["day"], data["ends"], tzinfo=zone)

    def ask_second_that_day(self) -> None:
        """Show the tick box once the action has said the partnership meets that day."""
        if "second_that_day" in self.errors:
            self.fields["second_that_day"].widget = forms.CheckboxInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, starts, ends = data.get("day"), data.get("starts"), data.get("ends")
        if day and starts and ends:
            if ends <= starts:
                self.add_error("ends", "A meeting ends after it starts.")
            zone = timezone.get_current_timezone()
            data["starts_at"] = dt.datetime.combine(day, starts, tzinfo=zone)
            data["ends_at"] = dt.datetime.combine(day, ends, tzinfo=zone)
        if not data.get("place") and not data.get("online_link") and "place" not in self.errors:
            self.add_error("place", "Give a place or an online link.")
        return data


class OrganisationChoiceForm(IdPrefixedForm):
    """A form that starts with a choice among the meeting's invited organisations. A meeting's
    page shows three of them at once, so each kind has its own `id_prefix`."""

    def __init__(self, *args: Any, invited: list[Organisation], label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.ModelChoiceField(
            queryset=Organisation.objects.filter(pk__in=[o.pk for o in invited]),
            empty_label=None,
            label=label,
        )
        self.order_fields(["organisation"])


class AgendaItemForm(OrganisationChoiceForm):
    id_prefix = "agenda-item"
    title = forms.CharField(max_length=300, label="Item")


class AttendanceForm(OrganisationChoiceForm):
    id_prefix = "attendance"
    presence = forms.ChoiceField(choices=Presence.choices, widget=forms.RadioSelect)
    person_name = forms.CharField(max_length=200, required=False, label="Who came")


class MinutesForm(VersionedForm):
    item = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    minutes = forms.CharField(max_length=20000, required=False, widget=forms.Textarea({"rows": 3}))


class ActionForm(OrganisationChoiceForm):
    id_prefix = "action"
    description = forms.CharField(max_length=500, label="Action")
    due_on = dates.ACTION_DUE.field(label="Due")


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)


class ReviewForm(forms.Form):
    held_on = dates.REVIEWED.field(label="Reviewed on", initial=timezone.localdate)
    what_changed = forms.CharField(
        max_length=10000,
        widget=forms.Textarea({"rows": 4}),
        help_text="What changed in how the partnership meets and keeps in touch, and why.",
    )


class ConcernForm(ActingForm):
    title = forms.CharField(max_length=200)
    text = forms.CharField(
        label="What concerns you", max_length=10000, widget=forms.Textarea({"rows": 4})
    )
    audience = forms.ChoiceField(
        choices=ConcernAudience.choices, widget=forms.RadioSelect, label="Who sees it"
    )


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(ConcernStatus.DISCUSSING, "In discussion"), (ConcernStatus.RESOLVED, "Resolved")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        max_length=10000,
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text="Needed to resolve: how it was resolved.",
    )

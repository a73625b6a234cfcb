"""Forms for shared resources: they validate input; `actions.py` writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from joinedup import dates
from joinedup.partnerships.models import Organisation
from joinedup.resources.models import (
    DOCUMENT_MAX_BYTES,
    Offer,
    ResourceKind,
    ResourceRequest,
    SharedDocument,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ActingForm(forms.Form):
    """A form that acts for one of the user's organisations in the partnership."""

    def __init__(self, *args: Any, acting: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.ModelChoiceField(
            queryset=acting,
            empty_label=None,
            label="On behalf of",
            initial=acting.first(),
        )
        self.order_fields(["organisation"])


# The kinds whose number matters, and what to ask for it. A guess would mislead (a course
# offered with one place takes one booking), so the form asks; for other kinds it is 1.
CAPACITY_ASKED = {
    ResourceKind.VENUE: "Say how many people the room holds.",
    ResourceKind.TRAINING: "Say how many places the course has.",
}


class OfferForm(forms.ModelForm):
    """An offer. The kind has no blank choice and no preselected default: which kind it is
    decides how it is shared (booked for a time or given), so the person offering says."""

    kind = forms.ChoiceField(choices=ResourceKind.choices, widget=forms.RadioSelect)
    capacity = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=100_000,
        help_text="People a room holds, or places on a course. Leave empty for other kinds.",
    )

    class Meta:
        model = Offer
        fields = [
            "kind",
            "title",
            "description",
            "availability",
            "capacity",
            "audience",
            "area",
            "free",
            "cost_pounds",
            "conditions",
            "reach",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "conditions": forms.Textarea(attrs={"rows": 2}),
            "audience": forms.RadioSelect,
            "reach": forms.RadioSelect,
        }
        labels = {"cost_pounds": "Cost (£)", "free": "Free of charge"}

    def __init__(self, *args: Any, acting: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.ModelChoiceField(
            queryset=acting, empty_label=None, label="Offered by", initial=acting.first()
        )
        self.order_fields(["organisation"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("free") and data.get("cost_pounds") is None:
            self.add_error("cost_pounds", "Give the cost, or mark the offer as free.")
        if data.get("capacity") is None and "capacity" not in self.errors:
            asked = CAPACITY_ASKED.get(data.get("kind", ""))
            if asked:
                self.add_error("capacity", asked)
            else:
                data["capacity"] = 1
        return data

    def _post_clean(self) -> None:
        # The action validates the whole offer once the organisation and partnership are set.
        pass


class RequestForm(forms.ModelForm):
    kind = forms.ChoiceField(choices=ResourceKind.choices, widget=forms.RadioSelect)

    class Meta:
        model = ResourceRequest
        fields = ["kind", "title", "description", "area", "when"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"title": "What you need", "when": "When"}

    def __init__(self, *args: Any, acting: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.ModelChoiceField(
            queryset=acting, empty_label=None, label="Asked by", initial=acting.first()
        )
        self.order_fields(["organisation"])

    def _post_clean(self) -> None:
        pass


class BookingForm(ActingForm):
    day = dates.BOOKING.field(initial=lambda: timezone.localdate() + dt.timedelta(days=7))
    starts = forms.TimeField(label="From", widget=TIME_INPUT, initial=dt.time(10, 0))
    ends = forms.TimeField(label="Until", widget=TIME_INPUT, initial=dt.time(12, 0))
    note = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What it is for, e.g. a drop-in advice clinic.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, starts, ends = data.get("day"), data.get("starts"), data.get("ends")
        if day and starts and ends:
            if ends <= starts:
                self.add_error("ends", "The booking must end after it starts.")
            zone = timezone.get_current_timezone()
            data["starts_at"] = dt.datetime.combine(day, starts, tzinfo=zone)
            data["ends_at"] = dt.datetime.combine(day, ends, tzinfo=zone)
        return data


class GiveForm(forms.Form):
    receiver = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), empty_label=None, label="Given to"
    )
    on = dates.GIVEN.field(label="On", initial=timezone.localdate)
    hours = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=1,
        help_text="Staff hours it took, if you know.",
    )
    note = forms.CharField(required=False, max_length=200)

    def __init__(self, *args: Any, receivers: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiver"].queryset = receivers  # type: ignore[attr-defined]


class DecideForm(forms.Form):
    reason = forms.CharField(required=False, max_length=1000)


class RespondForm(ActingForm):
    message = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


def twelve_months_to(end: dt.date) -> tuple[dt.date, dt.date]:
    """The default period of `PeriodForm`: the twelve months (365 days) ending on `end`."""
    return end - dt.timedelta(days=364), end


class PeriodForm(forms.Form):
    start = dates.PERIOD.field(label="From", required=False)
    end = dates.PERIOD.field(label="To", required=False)

    def period(self, latest: dt.date | None = None) -> tuple[dt.date, dt.date]:
        """The chosen period; by default the twelve months to today, stretched to `latest` so
        that bookings confirmed for the weeks ahead show too."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or max(today, latest or today)
        start = data.get("start") or twelve_months_to(end)[0]
        return (start, end) if start <= end else (end, start)


class DocumentForm(forms.ModelForm):
    link = forms.URLField(required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = SharedDocument
        fields = ["title", "kind", "description", "version", "file", "link", "audience"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "audience": forms.RadioSelect,
            "file": forms.FileInput,
        }
        help_texts = {"file": "PDF, Word, OpenDocument, spreadsheet or text; up to 10 MB."}

    def __init__(self, *args: Any, acting: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.ModelChoiceField(
            queryset=acting, empty_label=None, label="Shared by", initial=acting.first()
        )
        self.order_fields(["organisation"])

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload and upload.size > DOCUMENT_MAX_BYTES:
            raise forms.ValidationError("The file is larger than 10 MB.")
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("link"):
            self.add_error("file", "Upload a file or give a link.")
        return data

    def _post_clean(self) -> None:
        pass

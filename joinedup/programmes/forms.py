"""Forms for starting a programme and for its hubs. They validate input; `actions.py` writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from joinedup import dates
from joinedup.accounts.models import User
from joinedup.partnerships.models import Organisation

NO_SUCH_PERSON = (
    "Nobody uses Joined Up with this email address: ask them to join first, or leave it empty."
)
ENDS_BEFORE_START = "A programme cannot end before it starts."


class ProgrammeForm(forms.Form):
    name = forms.CharField(max_length=200)
    funder = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="— not in Joined Up —",
        help_text="The organisation that funds it, if it is in Joined Up.",
    )
    description = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    budget_pounds = forms.IntegerField(
        required=False, min_value=0, max_value=10**12, label="Budget (£)"
    )
    start_on = dates.STARTED.field(required=False, label="Starts on")
    end_on = dates.PLANNED_END.field(required=False, label="Ends on")

    def __init__(self, *args: Any, funders: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = funders  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", ENDS_BEFORE_START)
        return data


class HubForm(forms.Form):
    """A hub's name, region and coordinator. The coordinator is named by email address, so
    that the form need not list everyone who uses Joined Up."""

    name = forms.CharField(max_length=200)
    region = forms.CharField(max_length=200, required=False, help_text="e.g. North West.")
    coordinator_email = forms.EmailField(
        required=False,
        label="Coordinator's email address",
        help_text="Who brings the hub's partnerships together. They must use Joined Up.",
    )

    def clean_coordinator_email(self) -> User | None:
        email = self.cleaned_data["coordinator_email"].strip()
        if not email:
            return None
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(NO_SUCH_PERSON)
        return user

"""Forms for shared decisions: they validate input; `actions.py` writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from joinedup import dates
from joinedup.decisions.models import Deciders, DecisionKind, Stance
from joinedup.meetings.models import Meeting
from joinedup.partnerships.models import Organisation
from joinedup.resources.forms import ActingForm

HELD_ONLY = (
    "Choose a meeting of this partnership that has taken place since the decision: a meeting "
    "still to come cannot ratify it."
)


class ProposalForm(ActingForm):
    title = forms.CharField(max_length=200)
    background = forms.CharField(
        max_length=20000, required=False, widget=forms.Textarea({"rows": 4})
    )
    question = forms.CharField(
        label="The question to decide", max_length=5000, widget=forms.Textarea({"rows": 2})
    )
    kind = forms.ChoiceField(choices=DecisionKind.choices, widget=forms.RadioSelect, label="How")
    deciders = forms.ChoiceField(
        choices=Deciders.choices, widget=forms.RadioSelect, label="Who decides"
    )
    closes_on = dates.PROPOSAL_CLOSES.field(
        label="Closes on",
        initial=lambda: timezone.localdate() + dt.timedelta(days=14),
        help_text="Leave each deciding organisation the time it needs to ask its board.",
    )

    def __init__(self, *args: Any, meetings: QuerySet[Meeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"] = forms.ModelChoiceField(
            queryset=meetings,
            required=False,
            label="To be discussed at",
            help_text="A coming meeting, if the proposal goes on its agenda.",
        )


class UrgentForm(ActingForm):
    title = forms.CharField(max_length=200)
    decision = forms.CharField(
        label="What was decided", max_length=5000, widget=forms.Textarea({"rows": 3})
    )
    background = forms.CharField(
        label="Why it could not wait",
        max_length=20000,
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )


class PositionForm(forms.Form):
    stance = forms.ChoiceField(choices=Stance.choices, widget=forms.RadioSelect, label="Position")
    reason = forms.CharField(
        max_length=5000,
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text="Needed to disagree, object or block.",
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        stances: tuple[str, ...],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.ModelChoiceField(
            queryset=organisations, empty_label=None, label="For", initial=organisations.first()
        )
        field = self.fields["stance"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s, Stance(s).label) for s in stances]
        self.order_fields(["organisation"])


class StatementForm(forms.Form):
    statement = forms.CharField(
        label="Outcome statement", max_length=10000, widget=forms.Textarea({"rows": 3})
    )
    close = forms.BooleanField(required=False, widget=forms.HiddenInput)


class RatifyForm(forms.Form):
    ratified = forms.TypedChoiceField(
        choices=[("yes", "Ratified"), ("no", "Not ratified")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="At the meeting, the decision was",
    )
    note = forms.CharField(max_length=5000, required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args: Any, meetings: QuerySet[Meeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"] = forms.ModelChoiceField(
            queryset=meetings,
            empty_label=None,
            initial=meetings.last(),
            label="At the meeting of",
            help_text="Only a meeting that has taken place ratifies.",
            error_messages={"invalid_choice": HELD_ONLY},
        )
        self.order_fields(["meeting"])


class LeadTimeForm(forms.Form):
    days = forms.IntegerField(min_value=0, max_value=365, label="Days needed to decide")
    note = forms.CharField(
        max_length=300, required=False, help_text="e.g. Our board meets on the first Monday."
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.ModelChoiceField(
            queryset=organisations, empty_label=None, label="Organisation"
        )
        self.order_fields(["organisation"])

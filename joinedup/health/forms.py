"""Forms for partnership health: they validate input; `actions.py` writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from joinedup import dates
from joinedup.forms import QuickSelect
from joinedup.health.models import MAX_HOURS_PER_DAY
from joinedup.health.statements import (
    DONT_KNOW,
    FACTORS,
    LEVEL_MEANINGS,
    ONE_TO_FOUR,
    SCALE,
    TRUST_QUESTIONS,
    VALUE_QUESTIONS,
    WORKING_QUESTION,
    WOULD_HELP_QUESTION,
    Factor,
)
from joinedup.partnerships.models import Organisation

DK = "dk"
ROUND_LENGTH_DAYS = 28


def _for_organisation(form: forms.Form, organisations: QuerySet[Organisation], label: str) -> None:
    form.fields["organisation"] = forms.ModelChoiceField(
        queryset=organisations, empty_label=None, label=label, initial=organisations.first()
    )


class RoundForm(forms.Form):
    closes_on = dates.ROUND_CLOSES.field(
        label="Closes on",
        help_text="The last day on which members can answer. Four weeks gives people time.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"closes_on": timezone.localdate() + dt.timedelta(days=ROUND_LENGTH_DAYS)}
        )
        super().__init__(*args, **kwargs)


class AnswerForm(forms.Form):
    """One radio group per statement, grouped by factor; leaving one blank skips it."""

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        previous: dict[str, int | None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _for_organisation(self, organisations, "I answer for")
        choices = [(str(n), f"{n} {label}") for n, label in SCALE] + [(DK, DONT_KNOW)]
        for factor in FACTORS:
            for s in factor.statements:
                self.fields[s.code] = forms.ChoiceField(
                    label=s.text, choices=choices, widget=forms.RadioSelect, required=False
                )
        self.fields["working"] = forms.CharField(
            label=WORKING_QUESTION,
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
            max_length=5000,
        )
        self.fields["would_help"] = forms.CharField(
            label=WOULD_HELP_QUESTION,
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
            max_length=5000,
        )
        for code, score in (previous or {}).items():
            if code in self.fields:
                self.initial[code] = DK if score is None else str(score)

    def groups(self) -> list[tuple[Factor, list[forms.BoundField]]]:
        return [(f, [self[s.code] for s in f.statements]) for f in FACTORS]

    def scores(self) -> dict[str, int | None]:
        """Each answered statement's score; None for "don't know"."""
        out: dict[str, int | None] = {}
        for factor in FACTORS:
            for s in factor.statements:
                value = self.cleaned_data.get(s.code)
                if value:
                    out[s.code] = None if value == DK else int(value)
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(s.code) for f in FACTORS for s in f.statements):
            raise forms.ValidationError("Answer at least one statement.")
        return data


def _one_to_four(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "Not rated"), *((str(n), f"{n} {text}") for n, text in ONE_TO_FOUR)],
        coerce=int,
        empty_value=None,
        required=False,
    )


class RatingForm(forms.Form):
    """An organisation's view of one other member: level, trust and value."""

    def __init__(
        self,
        *args: Any,
        raters: QuerySet[Organisation],
        others: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rater"] = forms.ModelChoiceField(
            queryset=raters,
            empty_label=None,
            label="Our organisation",
            initial=raters.first(),
            widget=QuickSelect,
        )
        self.fields["rated"] = forms.ModelChoiceField(
            queryset=others,
            label="The partner we rate",
            empty_label="Choose a partner",
            widget=QuickSelect,  # every member: 250 options at 250 members
        )
        self.fields["level"] = forms.TypedChoiceField(
            label="How we work with them",
            choices=[(str(n), f"{n} {name}: {meaning}") for n, name, meaning in LEVEL_MEANINGS],
            coerce=int,
            widget=forms.RadioSelect,
        )
        for name, text in TRUST_QUESTIONS + VALUE_QUESTIONS:
            self.fields[name] = _one_to_four(text)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rater, rated = data.get("rater"), data.get("rated")
        if rater is not None and rated is not None and rater == rated:
            self.add_error("rated", "An organisation does not rate itself.")
        return data


class TimeLogForm(forms.Form):
    on = dates.TIME_SPENT.field(label="Date")
    hours = forms.DecimalField(
        label="Hours",
        min_value=Decimal("0.25"),
        max_value=MAX_HOURS_PER_DAY,
        max_digits=5,
        decimal_places=2,
        help_text="Time on partnership work outside its meetings (meetings count by themselves); "
        "at most 24 hours a day for your organisation.",
    )
    note = forms.CharField(label="What it was", max_length=500, required=False)

    def __init__(self, *args: Any, acting: QuerySet[Organisation], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        _for_organisation(self, acting, "For")
        self.order_fields(["organisation", "on", "hours", "note"])


MEETINGS_LAYER = "meetings"
LEARNING_LAYER = "learning"


class NetworkLayersForm(forms.Form):
    """The network's optional layers, from the query string (`?layers=meetings`)."""

    layers = forms.MultipleChoiceField(
        label="Also show",
        choices=[
            (MEETINGS_LAYER, "Who sat in the same meetings (dashed lines; not counted)"),
            (LEARNING_LAYER, "Who connected at hub learning events (listed; not counted)"),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    @property
    def meetings(self) -> bool:
        return self.is_valid() and MEETINGS_LAYER in self.cleaned_data["layers"]

    @property
    def learning(self) -> bool:
        return self.is_valid() and LEARNING_LAYER in self.cleaned_data["layers"]
